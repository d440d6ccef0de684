/// Typed formatting properties, read from the attribute maps of a StyleSheet.

struct TextProps: Equatable {
  var fontName = "Liberation Serif"
  var size: Twips = 240
  var bold = false
  var italic = false
  var underline = false
  var strike = false
  var color = RGB.black
  /// Character background (highlighting).
  var highlight: RGB? = nil
  var kerning = true
  var uppercase = false
  var hidden = false
  /// Superscript (positive) or subscript (negative) raise, in percent of the line height, or automatic.
  var escapement = 0
  static let autoSuper = 10_000
  static let autoSub = -10_000
  /// The raised or lowered text's size, in percent of the font size.
  var escapementSize = 100

  /// Applies one layer of fo:/style: text attributes over these.
  mutating func apply(_ a: [String: String], fonts: [String: String]) throws(LayoutError) {
    if let name = a["style:font-name"] { fontName = fonts[name] ?? name }
    if let family = a["fo:font-family"] { fontName = family.trimmingCharacters(in: "'") }
    if let s = a["fo:font-size"] {
      if let p = Units.percent(s) { size = size * p / 100 } else if let t = Units.twips(s) { size = t }
    }
    if let w = a["fo:font-weight"] { bold = w == "bold" || (Int(w) ?? 400) >= 600 }
    if let s = a["fo:font-style"] { italic = s == "italic" || s == "oblique" }
    if let u = a["style:text-underline-style"] { underline = u != "none" }
    if let u = a["style:text-line-through-style"] { strike = u != "none" }
    if let c = a["fo:color"], let rgb = Units.color(c) { color = rgb }
    if let c = a["fo:background-color"] { highlight = c == "transparent" ? nil : Units.color(c) }
    if let k = a["style:letter-kerning"] { kerning = k == "true" }
    if let t = a["fo:text-transform"] {
      guard t == "none" || t == "uppercase" else { throw .unsupported("text transform '\(t)'") }
      uppercase = t == "uppercase"
    }
    if let d = a["text:display"] { hidden = d == "none" }
    if let v = a["fo:font-variant"], v != "normal" { throw .unsupported("font variant '\(v)' (small capitals)") }
    if let p = a["style:text-position"] {
      let parts = p.split(separator: " ").map(String.init)
      switch parts.first {
      case "super"?: escapement = TextProps.autoSuper
      case "sub"?: escapement = TextProps.autoSub
      case let v?: escapement = Units.percent(v) ?? 0
      case nil: escapement = 0
      }
      escapementSize = parts.count > 1 ? (Units.percent(parts[1]) ?? 100) : 100
      if escapement == 0 { escapementSize = 100 }
    }
    if let s = a["fo:letter-spacing"], s != "normal", (Units.twips(s) ?? 0) != 0 {
      throw .unsupported("letter spacing '\(s)'")
    }
    if let s = a["style:text-scale"], s != "100%" { throw .unsupported("text scaling '\(s)'") }
    if let h = a["fo:hyphenate"], h == "true" { throw .unsupported("automatic hyphenation") }
    try Self.refuseDrawnEffects(a)
  }

  /// Effects that change how text is drawn or placed and that are not drawn here: refused by name
  /// rather than printed plainly.
  private static func refuseDrawnEffects(_ a: [String: String]) throws(LayoutError) {
    if let r = a["style:text-rotation-angle"], r != "0", r != "0deg" { throw .unsupported("rotated text") }
    for key in ["style:text-underline-style", "style:text-line-through-style"] {
      if let v = a[key], v != "none", v != "solid" { throw .unsupported("\(v) underlines or strike-throughs") }
    }
    for key in ["style:text-underline-type", "style:text-line-through-type"] {
      if let v = a[key], v == "double" { throw .unsupported("double underlines or strike-throughs") }
    }
    if let v = a["style:text-underline-width"], v != "auto", v != "normal" { throw .unsupported("thick underlines") }
    if let v = a["fo:text-shadow"], v != "none" { throw .unsupported("text shadows") }
    if a["style:text-outline"] == "true" { throw .unsupported("outlined text") }
    if let v = a["style:font-relief"], v != "none" { throw .unsupported("\(v) text") }
    if let v = a["style:text-emphasize"], v != "none" { throw .unsupported("emphasis marks") }
    if let v = a["style:text-combine"], v != "none" { throw .unsupported("combined characters") }
    if let v = a["style:font-size-rel"], (Units.twips(v) ?? 0) != 0 { throw .unsupported("relative font sizes") }
  }
}

struct BorderLine: Equatable {
  var width: Twips
  var color: RGB

  /// "0.5pt solid #000000"; nil for "none" or a zero width.
  static func parse(_ text: String?) throws(LayoutError) -> BorderLine? {
    guard let text, text != "none", text != "hidden" else { return nil }
    var width: Twips = 0
    var color = RGB.black
    for part in text.split(separator: " ") {
      let p = String(part)
      if let t = Units.twips(p) { width = t } else if let c = Units.color(p) { color = c }
      else if ["double", "dotted", "dashed", "groove", "ridge", "inset", "outset"].contains(p) {
        throw .unsupported("\(p) borders")
      }
    }
    return width > 0 ? BorderLine(width: width, color: color) : nil
  }
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
    let all = try BorderLine.parse(a["fo:border"])
    b.top = a["fo:border-top"] != nil ? try BorderLine.parse(a["fo:border-top"]) : all
    b.bottom = a["fo:border-bottom"] != nil ? try BorderLine.parse(a["fo:border-bottom"]) : all
    b.left = a["fo:border-left"] != nil ? try BorderLine.parse(a["fo:border-left"]) : all
    b.right = a["fo:border-right"] != nil ? try BorderLine.parse(a["fo:border-right"]) : all
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
  var pageNumber: Int?
  /// No space between this paragraph and a neighbour of the same paragraph style.
  var contextualSpacing = false
  /// Borders merge with a neighbour's identical ones into one box (LibreOffice's default).
  var joinBorder = true

  mutating func apply(_ a: [String: String]) throws(LayoutError) {
    if let t = a["fo:text-align"] {
      switch t {
      case "start", "left": align = .start
      case "center": align = .center
      case "end", "right": align = .end
      case "justify": align = .justify
      default: break
      }
    }
    if let t = a["fo:text-align-last"] {
      switch t {
      case "center": alignLast = .center
      case "justify": alignLast = .justify
      case "end": alignLast = .end
      default: alignLast = .start
      }
    }
    if let m = Units.twips(a["fo:margin"]) { marginLeft = m; marginRight = m; marginTop = m; marginBottom = m }
    if let v = Units.twips(a["fo:margin-left"]) { marginLeft = v }
    if let v = Units.twips(a["fo:margin-right"]) { marginRight = v }
    if let v = Units.twips(a["fo:margin-top"]) { marginTop = v }
    if let v = Units.twips(a["fo:margin-bottom"]) { marginBottom = v }
    if let v = Units.twips(a["fo:text-indent"]) { textIndent = v }
    if let l = a["fo:line-height"] {
      if let p = Units.percent(l) { lineSpacing = .proportional(p) }
      else if let t = Units.twips(l) { lineSpacing = .fixed(t) }
      else if l == "normal" { lineSpacing = .proportional(100) }
    }
    if let l = Units.twips(a["style:line-height-at-least"]) { lineSpacing = .atLeast(l) }
    if let l = Units.twips(a["style:line-spacing"]) { lineSpacing = .leading(l) }
    if let k = a["fo:keep-with-next"] { keepWithNext = k == "always" }
    if let k = a["fo:keep-together"] { keepTogether = k == "always" }
    if let w = a["fo:widows"], let n = Int(w) { widows = n }
    if let o = a["fo:orphans"], let n = Int(o) { orphans = n }
    if let b = a["fo:break-before"] { breakBefore = b == "page" }
    if let b = a["fo:break-after"] { breakAfter = b == "page" }
    if a.keys.contains(where: { $0.hasPrefix("fo:border") || $0.hasPrefix("fo:padding") }) {
      borders = try Borders.read(a)
    }
    if let c = a["fo:background-color"] { background = c == "transparent" ? nil : Units.color(c) }
    if let d = Units.twips(a["style:tab-stop-distance"]), d > 0 { tabDistance = d }
    if let p = a["style:page-number"], let n = Int(p) { pageNumber = n }
    if let c = a["style:contextual-spacing"] { contextualSpacing = c == "true" }
    if let j = a["style:join-border"] { joinBorder = j != "false" }
    if let c = a["fo:column-count"], c != "1" { throw .unsupported("text columns") }
    if a["fo:break-before"] == "column" || a["fo:break-after"] == "column" { throw .unsupported("column breaks") }
    if a["style:auto-text-indent"] == "true" { throw .unsupported("automatic first-line indents") }
    if a["style:font-independent-line-spacing"] == "true" { throw .unsupported("font-independent line spacing") }
    if let s = a["style:shadow"], s != "none" { throw .unsupported("paragraph shadows") }
    if let m = a["style:writing-mode"], !["lr-tb", "page", "lr"].contains(m) { throw .unsupported("the writing mode '\(m)'") }
  }
}
