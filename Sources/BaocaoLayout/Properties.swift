import BaocaoLimits
/// Typed formatting properties, read from the attribute maps of a StyleSheet.

struct TextProps: Equatable {
  var fontName = "Liberation Serif"
  /// The font is declared fixed-pitch (style:font-pitch): a monospaced font stands in for it.
  var fixedPitch = false
  var size: Twips = 240
  var bold = false
  var italic = false
  var underline = TextLine()
  var strike = TextLine()
  var color = RGB.black
  /// Character background (highlighting).
  var highlight: RGB? = nil
  var kerning = true
  /// Character spacing (fo:letter-spacing) in twips, as LibreOffice converts it: to whole
  /// hundredths of a millimetre, then to whole twips.
  var letterSpacing: Twips = 0
  var uppercase = false
  var hidden = false
  /// Laid out but not painted (a placeholder field: LibreOffice does not print placeholders).
  var unpainted = false
  /// Inserted, deleted or reformatted with changes tracked (its line gets a change bar).
  var changed = false
  /// Its font stands in for characters the text's own font lacks (glyph fallback).
  var standsIn = false
  /// fo:language, for hyphenation ("" when the document does not say).
  var language = ""
  /// Superscript (positive) or subscript (negative) raise, in percent of the line height, or automatic.
  var escapement = 0
  static let autoSuper = 10_000
  static let autoSub = -10_000
  /// The raised or lowered text's size, in percent of the font size.
  var escapementSize = 100

  /// Applies one layer of fo:/style: text attributes over these, read in one pass (as paragraph
  /// attributes are).
  mutating func apply(_ a: [String: String], fonts: [String: StyleSheet.FontFace]) throws(LayoutError) {
    var fontNameValue, familyValue, sizeValue, weightValue, styleValue, underlineValue, strikeValue: String?
    var colorValue, backgroundValue, kerningValue, transformValue, displayValue, variantValue, positionValue: String?
    var letterSpacingValue, scaleValue, hyphenateValue, rotationValue, underlineTypeValue, strikeTypeValue: String?
    var underlineWidthValue, shadowValue, outlineValue, reliefValue, emphasisValue, combineValue, sizeRelativeValue: String?
    var languageValue, underlineColorValue, strikeWidthValue, overlineValue, underlineModeValue, strikeTextValue: String?
    for (key, value) in a {
      switch key {
      case "style:font-name": fontNameValue = value
      case "fo:font-family": familyValue = value
      case "fo:font-size": sizeValue = value
      case "fo:font-weight": weightValue = value
      case "fo:font-style": styleValue = value
      case "style:text-underline-style": underlineValue = value
      case "style:text-line-through-style": strikeValue = value
      case "fo:color": colorValue = value
      case "fo:background-color": backgroundValue = value
      case "style:letter-kerning": kerningValue = value
      case "fo:text-transform": transformValue = value
      case "text:display": displayValue = value
      case "fo:font-variant": variantValue = value
      case "style:text-position": positionValue = value
      case "fo:letter-spacing": letterSpacingValue = value
      case "style:text-scale": scaleValue = value
      case "fo:hyphenate": hyphenateValue = value
      case "style:text-rotation-angle": rotationValue = value
      case "style:text-underline-type": underlineTypeValue = value
      case "style:text-line-through-type": strikeTypeValue = value
      case "style:text-underline-width": underlineWidthValue = value
      case "style:text-underline-color": underlineColorValue = value
      case "style:text-line-through-width": strikeWidthValue = value
      case "style:text-line-through-text": strikeTextValue = value
      case "style:text-overline-style": overlineValue = value
      case "style:text-underline-mode": underlineModeValue = value
      case "fo:text-shadow": shadowValue = value
      case "style:text-outline": outlineValue = value
      case "style:font-relief": reliefValue = value
      case "style:text-emphasize": emphasisValue = value
      case "style:text-combine": combineValue = value
      case "style:font-size-rel": sizeRelativeValue = value
      case "fo:language": languageValue = value
      default: continue
      }
    }
    if let name = fontNameValue {
      let face = fonts[name] ?? StyleSheet.FontFace(family: name)
      (fontName, fixedPitch) = (face.family, face.fixedPitch)
    }
    if let family = familyValue { (fontName, fixedPitch) = (StyleSheet.firstFamily(family), a["style:font-pitch"] == "fixed") }
    if let s = sizeValue {
      if let p = Units.percent(s) { size = size * p / 100 } else if let t = Units.twips(s) { size = t }
      guard Limits.fontSize.contains(Double(size) / 20) else {
        throw .badDocument("the font size '\(s)' comes to \(Double(size) / 20) pt, outside the \(Limits.fontSize.lowerBound)–\(Limits.fontSize.upperBound) pt fonts can have")
      }
    }
    if let w = weightValue { bold = w == "bold" || (Int(w) ?? 400) >= 600 }
    if let s = styleValue { italic = s == "italic" || s == "oblique" }
    if let c = colorValue, let rgb = Units.color(c) { color = rgb }
    if let c = backgroundValue { highlight = c == "transparent" ? nil : Units.color(c) }
    if let k = kerningValue { kerning = k == "true" }
    if let t = transformValue {
      guard t == "none" || t == "uppercase" else { throw .unsupported("text transform '\(t)'") }
      uppercase = t == "uppercase"
    }
    if let d = displayValue { hidden = d == "none" }
    if let v = variantValue, v != "normal" { throw .unsupported("font variant '\(v)' (small capitals)") }
    if let p = positionValue {
      let parts = p.split(separator: " ").map(String.init)
      switch parts.first {
      case "super"?: escapement = TextProps.autoSuper
      case "sub"?: escapement = TextProps.autoSub
      case let v?: escapement = Units.percent(v) ?? 0
      case nil: escapement = 0
      }
      // Without a size, LibreOffice gives raised or lowered text 58 % (its default).
      escapementSize = parts.count > 1 ? (Units.percent(parts[1]) ?? 100) : 58
      if escapement == 0 { escapementSize = 100 }
    }
    if let s = letterSpacingValue {
      if s == "normal" {
        letterSpacing = 0
      } else if let mm = Units.millimetres(s), abs(mm) < 1000 {
        let hundredths = (mm * 100).rounded(.toNearestOrAwayFromZero)
        letterSpacing = Int((hundredths * 72 / 127).rounded(.toNearestOrAwayFromZero))
      }
    }
    if let s = scaleValue, s != "100%" { throw .unsupported("text scaling '\(s)'") }
    if let l = languageValue { language = l }
    // LibreOffice hyphenates only where a dictionary for the text's language is installed; where
    // none is (Vietnamese never has one), it lays the text out unhyphenated, and so does this.
    if let h = hyphenateValue, h == "true", Hyphenation.hasDictionary(language: language) {
      throw .unsupported("automatic hyphenation (a hyphenation dictionary for '\(language)' is installed)")
    }
    // Effects that change how text is drawn or placed and that are not drawn here: refused by name
    // rather than printed plainly.
    if let r = rotationValue, r != "0", r != "0deg" { throw .unsupported("rotated text") }
    if let line = TextLine.read(style: underlineValue, type: underlineTypeValue, width: underlineWidthValue) {
      underline.pattern = line.pattern
      (underline.double, underline.bold) = (line.double, line.bold)
    }
    if let c = underlineColorValue { underline.color = c == "font-color" ? nil : Units.color(c) }
    // LibreOffice strikes through with a solid line whatever the style (measured).
    let strikeStyle = strikeValue.map { $0 == "none" || TextLine.Pattern(rawValue: $0) == nil ? $0 : "solid" }
    if let line = TextLine.read(style: strikeStyle, type: strikeTypeValue, width: strikeWidthValue) { strike = line }
    if let v = overlineValue, v != "none" { throw .unsupported("overlines") }
    if let v = underlineModeValue, v == "skip-white-space", underline.isDrawn {
      throw .unsupported("underlines that skip spaces (style:text-underline-mode)")
    }
    // LibreOffice strikes through with "/" or "X" characters drawn over the text.
    if let v = strikeTextValue, !v.isEmpty { throw .unsupported("strike-throughs with the characters '\(v)'") }
    if let v = shadowValue, v != "none" { throw .unsupported("text shadows") }
    if outlineValue == "true" { throw .unsupported("outlined text") }
    if let v = reliefValue, v != "none" { throw .unsupported("\(v) text") }
    if let v = emphasisValue, v != "none" { throw .unsupported("emphasis marks") }
    if let v = combineValue, v != "none" { throw .unsupported("combined characters") }
    if let v = sizeRelativeValue, (Units.twips(v) ?? 0) != 0 { throw .unsupported("relative font sizes") }
  }
}

/// An underline or a strike-through: its pattern (nil: none), whether it is doubled or bold, and its
/// colour (nil: the text's).
struct TextLine: Equatable {
  enum Pattern: String {
    case solid, dotted, dash, wave
    case longDash = "long-dash", dotDash = "dot-dash", dotDotDash = "dot-dot-dash"
  }

  var pattern: Pattern? = nil
  /// Only a solid line or a wave is doubled.
  var double = false
  /// Never with `double`.
  var bold = false
  var color: RGB? = nil

  var isDrawn: Bool { pattern != nil }

  /// One style's style, type and width attributes, as LibreOffice reads them: together they make one
  /// value that replaces the inherited one, whichever of them the style gives (measured: a type
  /// "double" alone gives a solid double line even under a wave; a width "auto" alone removes the
  /// line; a style "none" with a type "single" underlines). A value it does not know is left
  /// unread. nil when the style gives none of them.
  static func read(style: String?, type: String?, width: String?) -> TextLine? {
    let pattern: Pattern?? = style.flatMap { $0 == "none" ? .some(nil) : Pattern(rawValue: $0).map { .some($0) } }
    let double: Bool? = type.flatMap { ["none": false, "single": false, "double": true][$0] }
    let typeDraws = type == "single" || type == "double"
    let bold: Bool? = width.flatMap { ["auto": false, "thin": false, "medium": false, "bold": true, "thick": true][$0] }
    guard pattern != nil || double != nil || bold != nil else { return nil }
    var line = TextLine()
    line.pattern = pattern.flatMap { $0 } ?? (typeDraws || bold == true ? .solid : nil)
    guard line.isDrawn else { return line }
    line.double = double == true && (line.pattern == .solid || line.pattern == .wave)
    line.bold = bold == true && !line.double
    return line
  }

  /// The items drawing this line under (offset > 0) or through (offset < 0) text of `size` from x1
  /// to x2, `offset` being a single line's distance from the baseline. A single line is a twentieth
  /// of the size thick; the others are scaled on it as LibreOffice scales its own (measured in its
  /// PDFs): bold twice as thick and moved away from the baseline by half a thickness; dashes and
  /// gaps in multiples of the thickness; waves hairline thin (a quarter of the thickness when
  /// bold), two smaller ones when doubled.
  func items(x1: Double, x2: Double, baseline: Double, offset: Double, size: Double, color text: RGB) -> [DisplayItem] {
    guard let pattern, x2 > x1 else { return [] }
    let color = color ?? text
    let t = size / 20
    let away = offset < 0 ? -1.0 : 1.0
    if pattern == .wave {
      if double {
        let a = t * 1.3
        return [0.8, 1.75].map { .wave(x1: x1, y: baseline + offset + away * t * $0, x2: x2, width: t / 12, color: color, step: 2 * a, amplitude: a) }
      }
      let a = t * 2
      return [.wave(x1: x1, y: baseline + offset + away * t / 2, x2: x2, width: bold ? t / 4 : t / 12, color: color, step: 2 * a, amplitude: a)]
    }
    if double {
      // Two thinner lines a thickness apart either side of the single one's place.
      return [-0.6, 0.6].map { .line(x1: x1, y1: baseline + offset + t * $0, x2: x2, y2: baseline + offset + t * $0, width: t * 0.6, color: color) }
    }
    let w = bold ? 2 * t : t
    let y = baseline + offset + (bold ? away * t / 2 : 0)
    let dash: [Double]
    switch pattern {
    case .solid, .wave: return [.line(x1: x1, y1: y, x2: x2, y2: y, width: w, color: color)]
    case .dotted: dash = [w, w]
    case .dash: dash = [4 * w, 2 * w]
    case .longDash: dash = [8 * w, 2 * w]
    case .dotDash: dash = [4 * w, 2 * w, w, 2 * w]
    case .dotDotDash: dash = [4 * w, 2 * w, w, 2 * w, w, 2 * w]
    }
    return [.dashedLine(x1: x1, y1: y, x2: x2, y2: y, width: w, color: color, dash: dash)]
  }
}

struct BorderLine: Equatable {
  var width: Twips
  var color: RGB
  var pattern: Pattern = .solid

  /// How the line is drawn: one solid line, dots or dashes, or two lines (the inner, a gap, the
  /// outer line, from style:border-line-width).
  enum Pattern: Equatable {
    case solid, dotted, dashed
    case double(inner: Twips, gap: Twips, outer: Twips)
  }

  /// The items drawing this border centred on the segment from (x1, y1) to (x2, y2), horizontal or
  /// vertical; `outside`: the side away from the content (-1 above or left, +1 below or right),
  /// where a double border's outer line goes.
  func items(x1: Double, y1: Double, x2: Double, y2: Double, outside: Double) -> [DisplayItem] {
    let w = Double(width)
    switch pattern {
    case .solid:
      return [.line(x1: x1, y1: y1, x2: x2, y2: y2, width: w, color: color)]
    // LibreOffice's dots and dashes keep their lengths whatever the border's width (measured from
    // 0.5 to 2.5 pt): dots 0.5 pt with 1 pt gaps, dashes 8 pt with 2.5 pt gaps.
    case .dotted:
      return [.dashedLine(x1: x1, y1: y1, x2: x2, y2: y2, width: w, color: color, dash: [10, 20])]
    case .dashed:
      return [.dashedLine(x1: x1, y1: y1, x2: x2, y2: y2, width: w, color: color, dash: [160, 50])]
    case .double(let inner, let gap, let outer):
      let total = Double(inner + gap + outer)
      let scale = total > 0 ? w / total : 0
      let (i, o) = (Double(inner) * scale, Double(outer) * scale)
      let outerShift = outside * (w - o) / 2, innerShift = -outside * (w - i) / 2
      if y1 == y2 {
        return [.line(x1: x1, y1: y1 + outerShift, x2: x2, y2: y2 + outerShift, width: o, color: color),
          .line(x1: x1, y1: y1 + innerShift, x2: x2, y2: y2 + innerShift, width: i, color: color)]
      }
      return [.line(x1: x1 + outerShift, y1: y1, x2: x2 + outerShift, y2: y2, width: o, color: color),
        .line(x1: x1 + innerShift, y1: y1, x2: x2 + innerShift, y2: y2, width: i, color: color)]
    }
  }

  /// "0.5pt solid #000000"; nil for "none" or a zero width. Read from the bytes: tables ask for
  /// many borders.
  /// `lineWidths`: style:border-line-width ("inner gap outer") for a double border.
  static func parse(_ text: String?, lineWidths: String? = nil) throws(LayoutError) -> BorderLine? {
    guard var text, text != "none", text != "hidden" else { return nil }
    var width: Twips = 0
    var color = RGB.black
    var pattern = Pattern.solid
    let refused: String? = text.withUTF8 { b -> String? in
      var k = 0
      while k < b.count {
        while k < b.count, b[k] == 0x20 { k += 1 }
        let start = k
        while k < b.count, b[k] != 0x20 { k += 1 }
        guard k > start else { break }
        let part = UnsafeBufferPointer(rebasing: b[start..<k])
        if let t = Units.twips(bytes: part) { width = t } else if let c = Units.color(bytes: part) { color = c }
        else if part.elementsEqual("double".utf8) { pattern = .double(inner: 1, gap: 1, outer: 1) }
        else if part.elementsEqual("dotted".utf8) { pattern = .dotted }
        else if part.elementsEqual("dashed".utf8) { pattern = .dashed }
        else if refusedStyles.contains(where: { $0.elementsEqual(part) }) { return String(decoding: part, as: UTF8.self) }
      }
      return nil
    }
    if let refused { throw .unsupported("\(refused) borders") }
    if case .double = pattern {
      let parts = (lineWidths ?? "").split(separator: " ").compactMap { Units.twips(String($0)) }
      pattern = parts.count == 3 ? .double(inner: parts[0], gap: parts[1], outer: parts[2]) : .double(inner: 1, gap: 1, outer: 1)
    }
    return width > 0 ? BorderLine(width: width, color: color, pattern: pattern) : nil
  }

  private static let refusedStyles = ["groove", "ridge", "inset", "outset"].map { Array($0.utf8) }
}

struct Box: Equatable {
  var top: Twips = 0
  var bottom: Twips = 0
  var left: Twips = 0
  var right: Twips = 0
}

struct Borders: Equatable {
  var top: BorderLine?
  var bottom: BorderLine?
  var left: BorderLine?
  var right: BorderLine?
  var padding = Box()

  static func read(_ a: [String: String]) throws(LayoutError) -> Borders {
    var b = Borders()
    func side(_ name: String) throws(LayoutError) -> BorderLine? {
      let widths = a["style:border-line-width-" + name] ?? a["style:border-line-width"]
      return try BorderLine.parse(a["fo:border-" + name] ?? a["fo:border"], lineWidths: widths)
    }
    b.top = try side("top")
    b.bottom = try side("bottom")
    b.left = try side("left")
    b.right = try side("right")
    let p = Units.twips(a["fo:padding"]) ?? 0
    b.padding = Box(
      top: Units.twips(a["fo:padding-top"]) ?? p, bottom: Units.twips(a["fo:padding-bottom"]) ?? p,
      left: Units.twips(a["fo:padding-left"]) ?? p, right: Units.twips(a["fo:padding-right"]) ?? p)
    return b
  }

  var isEmpty: Bool { top == nil && bottom == nil && left == nil && right == nil }
  /// Space taken above and below the content: border widths plus padding.
  var topSpace: Twips { (top?.width ?? 0) + padding.top }
  var bottomSpace: Twips { (bottom?.width ?? 0) + padding.bottom }
  var leftSpace: Twips { (left?.width ?? 0) + padding.left }
  var rightSpace: Twips { (right?.width ?? 0) + padding.right }
}

enum TextAlign { case start, center, end, justify }

enum LineSpacing: Equatable {
  case proportional(Int)
  case atLeast(Twips)
  case fixed(Twips)
  case leading(Twips)
}

struct TabStop {
  enum Kind { case left, center, right, char }
  var position: Twips
  var kind: Kind
  var leader: String?
  /// The character a decimal (char) stop aligns on.
  var decimal: UInt32? = nil
}

struct ParagraphProps {
  var align = TextAlign.start
  var alignLast = TextAlign.start
  var marginLeft: Twips = 0
  var marginRight: Twips = 0
  var marginTop: Twips = 0
  var marginBottom: Twips = 0
  var textIndent: Twips = 0
  var lineSpacing = LineSpacing.proportional(100)
  var keepWithNext = false
  var keepTogether = false
  var widows = 0
  var orphans = 0
  var breakBefore = false
  var breakAfter = false
  var borders = Borders()
  var background: RGB?
  var tabStops: [TabStop] = []
  var tabDistance: Twips = 1250
  /// Tab stops count from the indent (margin-left); else from the frame's left edge (settings.xml's
  /// TabsRelativeToIndent, false in Word's documents).
  var tabsRelativeToIndent = true
  /// A justified line ended by a manual line break is justified too (settings.xml's
  /// DoNotJustifyLinesWithManualBreak, true in Word's documents, turns it off).
  var justifiesManualBreaks = true
  /// The space between two paragraphs is the first's space below plus the second's above
  /// (settings.xml's AddParaTableSpacing, true unless it says false); else the larger of the two.
  var addsSpacing = true

  /// Where a stop `x` twips right of the indent is written among this paragraph's stops.
  func tabPosition(fromIndent x: Twips) -> Twips { tabsRelativeToIndent ? x : x + marginLeft }
  var pageNumber: Int?
  /// No space between this paragraph and a neighbour of the same paragraph style.
  var contextualSpacing = false
  /// Borders merge with a neighbour's identical ones into one box (LibreOffice's default).
  var joinBorder = true

  /// Applies one layer of paragraph attributes over these. The layer's few attributes are read in
  /// one pass (a hash look-up for each of the thirty-odd names asked for cost more than the rest).
  mutating func apply(_ a: [String: String]) throws(LayoutError) {
    var textAlignValue, textAlignLastValue, marginValue, marginLeftValue, marginRightValue, marginTopValue, marginBottomValue, textIndentValue: String?
    var lineHeightValue, lineHeightAtLeastValue, lineSpacingValue, keepWithNextValue, keepTogetherValue: String?
    var widowsValue, orphansValue, breakBeforeValue, breakAfterValue, backgroundValue: String?
    var tabDistanceValue, pageNumberValue, contextualSpacingValue, joinBorderValue, columnCountValue: String?
    var autoTextIndentValue, fontIndependentValue, shadowValue, writingModeValue: String?
    var bordered = false
    for (key, value) in a {
      switch key {
      case "fo:text-align": textAlignValue = value
      case "fo:text-align-last": textAlignLastValue = value
      case "fo:margin": marginValue = value
      case "fo:margin-left": marginLeftValue = value
      case "fo:margin-right": marginRightValue = value
      case "fo:margin-top": marginTopValue = value
      case "fo:margin-bottom": marginBottomValue = value
      case "fo:text-indent": textIndentValue = value
      case "fo:line-height": lineHeightValue = value
      case "style:line-height-at-least": lineHeightAtLeastValue = value
      case "style:line-spacing": lineSpacingValue = value
      case "fo:keep-with-next": keepWithNextValue = value
      case "fo:keep-together": keepTogetherValue = value
      case "fo:widows": widowsValue = value
      case "fo:orphans": orphansValue = value
      case "fo:break-before": breakBeforeValue = value
      case "fo:break-after": breakAfterValue = value
      case "fo:background-color": backgroundValue = value
      case "style:tab-stop-distance": tabDistanceValue = value
      case "style:page-number": pageNumberValue = value
      case "style:contextual-spacing": contextualSpacingValue = value
      case "style:join-border": joinBorderValue = value
      case "fo:column-count": columnCountValue = value
      case "style:auto-text-indent": autoTextIndentValue = value
      case "style:font-independent-line-spacing": fontIndependentValue = value
      case "style:shadow": shadowValue = value
      case "style:writing-mode": writingModeValue = value
      default:
        if key.utf8.starts(with: "fo:border".utf8) || key.utf8.starts(with: "fo:padding".utf8) { bordered = true }
      }
    }
    if let t = textAlignValue {
      switch t {
      case "start", "left": align = .start
      case "center": align = .center
      case "end", "right": align = .end
      case "justify": align = .justify
      default: break
      }
    }
    if let t = textAlignLastValue {
      switch t {
      case "center": alignLast = .center
      case "justify": alignLast = .justify
      case "end": alignLast = .end
      default: alignLast = .start
      }
    }
    if let m = Units.twips(marginValue) { marginLeft = m; marginRight = m; marginTop = m; marginBottom = m }
    if let v = Units.twips(marginLeftValue) { marginLeft = v }
    if let v = Units.twips(marginRightValue) { marginRight = v }
    if let v = Units.twips(marginTopValue) { marginTop = v }
    if let v = Units.twips(marginBottomValue) { marginBottom = v }
    if let v = Units.twips(textIndentValue) { textIndent = v }
    if let l = lineHeightValue {
      if let p = Units.percent(l) { lineSpacing = .proportional(p) }
      else if let t = Units.twips(l) { lineSpacing = .fixed(t) }
      else if l == "normal" { lineSpacing = .proportional(100) }
    }
    if let l = Units.twips(lineHeightAtLeastValue) { lineSpacing = .atLeast(l) }
    if let l = Units.twips(lineSpacingValue) { lineSpacing = .leading(l) }
    if let k = keepWithNextValue { keepWithNext = k == "always" }
    if let k = keepTogetherValue { keepTogether = k == "always" }
    if let w = widowsValue, let n = Int(w) { widows = n }
    if let o = orphansValue, let n = Int(o) { orphans = n }
    if let b = breakBeforeValue { breakBefore = b == "page" }
    if let b = breakAfterValue { breakAfter = b == "page" }
    if bordered { borders = try Borders.read(a) }
    if let c = backgroundValue { background = c == "transparent" ? nil : Units.color(c) }
    if let d = Units.twips(tabDistanceValue), d > 0 { tabDistance = d }
    if let p = pageNumberValue, let n = Int(p) { pageNumber = n }
    if let c = contextualSpacingValue { contextualSpacing = c == "true" }
    if let j = joinBorderValue { joinBorder = j != "false" }
    if let c = columnCountValue, c != "1" { throw .unsupported("text columns") }
    if breakBeforeValue == "column" || breakAfterValue == "column" { throw .unsupported("column breaks") }
    if autoTextIndentValue == "true" { throw .unsupported("automatic first-line indents") }
    if fontIndependentValue == "true" { throw .unsupported("font-independent line spacing") }
    if let s = shadowValue, s != "none" { throw .unsupported("paragraph shadows") }
    if let m = writingModeValue, !["lr-tb", "page", "lr"].contains(m) { throw .unsupported("the writing mode '\(m)'") }
  }
}
