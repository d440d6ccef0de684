import BaocaoFonts
import Foundation

/// One laid-out line of a paragraph: glyph pieces positioned relative to the paragraph's left edge
/// (after its left margin) and the line's baseline.
struct LaidLine {
  struct Piece {
    var font: Font
    var size: Twips
    var color: RGB
    var x: Double
    var glyphs: [PlacedGlyph]
    var source: [UInt32]
    var underline: TextLine
    var strike: TextLine
    /// Text extraction sees a word end after the piece (GlyphRun.endsWord): LibreOffice paints the
    /// underline of several portions in a row with one common font, by drawing blanks after each.
    var endsWord = false
    var rise: Twips = 0
    /// Highlighting behind the text, and the font's extent above and below the baseline it covers.
    var highlight: RGB? = nil
    /// Takes its room but is not drawn.
    var unpainted = false
    /// Holds a tracked change: its line has a change bar in the margin.
    var changed = false
    /// Drawn in a font standing in for characters the text's own font lacks.
    var standsIn = false
    var ascent: Twips = 0
    var descent: Twips = 0
    var width: Double { glyphs.reduce(0) { $0 + $1.advance } }
  }

  var pieces: [Piece] = []
  /// What sits in the line like a character; `drop`: how far its bottom hangs below the baseline.
  var objects: [(object: LineObject, x: Double, width: Twips, height: Twips, drop: Twips)] = []
  /// Footnotes cited in this line.
  var notes: [[Block]] = []
  /// Proportional spacing added below the text: it may hang past the bottom of a page.
  var extraBelow: Twips = 0
  /// Room left above the line, where a frame beside the text left no room for it.
  var gapAbove: Twips = 0
  var ascent: Twips
  var descent: Twips
  var height: Twips
}

/// What sits in a line like a character: a picture, or a text frame already drawn.
enum LineObject {
  case picture(ImageData)
  case drawing([DisplayItem])
}

/// Breaks a paragraph into lines as LibreOffice Writer does: greedy first fit at UAX #14 opportunities
/// (spaces, and after hyphens and dashes between words), trailing spaces hanging past the margin,
/// extra width of justified lines shared equally among their spaces.
struct ParagraphLayout {
  let fonts: FontResolver
  /// Draws a text frame that sits in a line: its items from its top-left corner, and its height.
  var drawTextBox: ((TextBoxNode, (Field) -> String) throws(LayoutError) -> (items: [DisplayItem], height: Twips))? = nil

  /// A text run with one set of properties over scalars[range].
  private struct Run {
    var range: Range<Int>
    var props: TextProps
    var font: Font
    var metrics: LineMetrics
    var glyphs: [ShapedGlyph] = []
    /// The glyphs' clusters never go back (as in all left-to-right text).
    var ordered = true
    /// Where the next line's glyphs start, when ordered (each line starts where the last one stopped).
    var cursor = 0
    /// The size glyphs are drawn at (smaller for superscript and subscript) and how far they are raised.
    var size: Twips
    var rise: Twips
  }

  private enum Special: Equatable { case tab, lineBreak, object(Int) }

  private struct ScalarInfo {
    /// Its width in twips (shaping, then tabs' stops and pictures' widths).
    var advance = 0.0
    /// The index of its run.
    var run: Int32 = 0
    var special: Special? = nil
    /// A line may end after it.
    var breakAfter = false
    /// The character spacing in its advance (it counts only before the next character: not for
    /// the character's own fit, nor at the end of a line).
    var spacing = 0.0
  }

  /// `beside`: frames the text flows beside, in the text area's coordinates (x from its left edge,
  /// y from the first line's top).
  /// `spaceAbove`: the paragraph's space above, given again below a frame above that leaves its
  /// first line no room (LibreOffice moves the whole paragraph below the frame).
  func layout(
    _ p: ParagraphNode, width: Twips, beside: [Obstacle] = [], spaceAbove: Double = 0, fieldText: (Field) -> String
  ) throws(LayoutError) -> [LaidLine] {
    // 1. Flatten the inlines into one scalar array with runs of equal properties.
    var scalars: [UInt32] = []
    var runs: [Run] = []
    var specialAt: [Int: Special] = [:]
    var drawnAs: [Int: UInt32] = [:]
    var noteAt: [(index: Int, body: [Block])] = []
    var objects: [(object: LineObject, width: Twips, height: Twips, drop: Twips)] = []
    var breakAfterExtra = Set<Int>()
    var noBreakAfter = Set<Int>()
    /// `fallback`: whether characters the font lacks may come from another font (not for a
    /// symbol drawn as another character: its own font draws that one).
    func append(_ s: String, _ props: TextProps, fallback: Bool = true) throws(LayoutError) {
      guard !props.hidden else { return }
      let start = scalars.count
      // NFC, as LibreOffice shows it; most text needs no work (no combining marks), and is copied
      // as it is checked. (Precomposed Vietnamese letters and punctuation, U+1E00–U+20CF, are
      // skipped without a lookup.)
      var composed = true
      var invisible = false
      for u in s.unicodeScalars {
        if u.value >= 0x300 && !(0x1E00..<0x20D0).contains(u.value) && u.properties.canonicalCombiningClass != .notReordered {
          composed = false
          break
        }
        if u.value == 0xAD || u.value == 0x200B || u.value == 0x2011 || u.value == 0x2060 || u.value == 0xFEFF { invisible = true }
        scalars.append(u.value)
      }
      if !composed || props.uppercase || invisible {
        scalars.removeSubrange(start...)
        var text = composed ? s : s.precomposedStringWithCanonicalMapping
        if props.uppercase { text = text.uppercased() }
        for u in text.unicodeScalars {
          switch u.value {
          // As LibreOffice prints them: a zero-width space is only a place to break the line; a
          // soft hyphen, a word joiner or a byte-order mark leave nothing; a non-breaking hyphen is
          // drawn and copied as a hyphen, and the line still does not break after it.
          case 0x200B: if scalars.count > 0 { breakAfterExtra.insert(scalars.count - 1) }
          case 0xAD, 0x2060, 0xFEFF: break
          case 0x2011:
            noBreakAfter.insert(scalars.count)
            scalars.append(0x2D)
          default: scalars.append(u.value)
          }
        }
        if scalars.count == start { return }
      }
      // LibreOffice's glyph fallback: characters the font lacks come from the font fontconfig
      // offers for them, the rest stays in the run's own font.
      let font = try fonts.font(props)
      var from = start
      for k in start..<scalars.count where fallback && !Self.drawable(scalars[k], in: font) {
        guard let family = fonts.catalog.fallbackFamily(for: scalars[k], near: props.fontName, bold: props.bold, italic: props.italic),
          family != font.family
        else { continue }
        var fallback = props
        fallback.fontName = family
        if from < k { try addRun(from..<k, props) }
        fallback.standsIn = true
        try addRun(k..<(k + 1), fallback)
        from = k + 1
      }
      if from < scalars.count { try addRun(from..<scalars.count, props) }
    }
    func addRun(_ range: Range<Int>, _ props: TextProps) throws(LayoutError) {
      let start = range.lowerBound
      if let last = runs.last, last.props == props, last.range.upperBound == start {
        runs[runs.count - 1].range = last.range.lowerBound..<range.upperBound
      } else {
        let font = try fonts.font(props)
        let size = props.size * props.escapementSize / 100
        let normal = fonts.metrics(font, size: props.size)
        let small = fonts.metrics(font, size: size)
        // As LibreOffice places them: automatic superscript lines the small text's top up with the
        // normal text's, automatic subscript its bottom; a percentage is of the normal line height.
        let rise: Twips = switch props.escapement {
        case 0: 0
        case TextProps.autoSuper: normal.ascent - small.ascent
        case TextProps.autoSub: -(normal.descent - small.descent)
        default: normal.height * props.escapement / 100
        }
        runs.append(Run(range: range, props: props, font: font, metrics: small, size: size, rise: rise))
      }
    }
    var expected = 0
    for case .text(let s, _) in p.inlines { expected += s.utf8.count }
    scalars.reserveCapacity(expected + 8)
    // Where LibreOffice starts a text portion inside text of the same look (ascending).
    var portionStarts: [Int] = []
    func portionEdge() { if portionStarts.last != scalars.count { portionStarts.append(scalars.count) } }
    var portionKey = ""
    for (i, item) in p.inlines.enumerated() {
      if let key = p.portionKeys[i], key != portionKey {
        portionEdge()
        portionKey = key
      }
      if case .text(let s, let props) = item {
        try append(s, props)
        continue
      }
      portionEdge()
      defer { portionEdge() }
      switch item {
      case .text: break
      case .tab(let props, let breaks):
        if !breaks { noBreakAfter.insert(scalars.count) }
        specialAt[scalars.count] = .tab
        try append("\t", props)
      case .lineBreak(let props):
        specialAt[scalars.count] = .lineBreak
        try append("\u{2028}", props)
      case .field(let f, let props): try append(fieldText(f), props)
      case .image(let data, let w, let h, let drop, let props, let left, let right, let crop):
        specialAt[scalars.count] = .object(objects.count)
        if left == 0 && right == 0 && crop == nil {
          objects.append((.picture(data), w, h, drop))
        } else {
          let items = (crop ?? Crop()).items(data, x: Double(left), y: 0, width: Double(w), height: Double(h))
          objects.append((.drawing(items), w + left + right, h, drop))
        }
        try append("\u{FFFC}", props)
      case .textBox(let box, let props):
        guard let drawTextBox else { throw .unsupported("text frames in headers, footers or notes") }
        let drawn = try drawTextBox(box, fieldText)
        specialAt[scalars.count] = .object(objects.count)
        objects.append((.drawing(drawn.items), box.width, drawn.height, box.belowBaseline.map { drawn.height + $0 } ?? 0))
        try append("\u{FFFC}", props)
      case .chart(let model, let w, let h, let drop, let props):
        specialAt[scalars.count] = .object(objects.count)
        objects.append((.drawing(try ChartLayout(fonts: fonts).items(model, width: Double(w), height: Double(h))), w, h, drop))
        try append("\u{FFFC}", props)
      case .note(let citation, let body, let props):
        noteAt.append((scalars.count, body))
        try append(citation, props)
      case .symbol(let text, let drawn, let props):
        let start = scalars.count
        try append(text, props, fallback: false)
        if let d = drawn.unicodeScalars.first { for k in start..<scalars.count { drawnAs[k] = d.value } }
      }
    }
    let baseFont = try fonts.font(p.base)
    let baseMetrics = fonts.metrics(baseFont, size: p.base.size)
    let props = p.props
    // Margins wider than the column leave no room: LibreOffice then lays out the first line only,
    // in the room a hanging indent gives it, and prints nothing of the rest (measured).
    let room = width - props.marginLeft - props.marginRight - p.props.borders.leftSpace - p.props.borders.rightSpace
    let available = Double(room > 0 || props.textIndent < 0 ? room : 0)

    if scalars.isEmpty {
      // An empty paragraph is one line as high as its own font.
      var line = LaidLine(ascent: baseMetrics.ascent, descent: baseMetrics.descent, height: baseMetrics.height)
      applySpacing(&line, props.lineSpacing, first: true)
      return [line]
    }

    // What the steps below know of each scalar, in one array.
    var info: [ScalarInfo] = []
    info.reserveCapacity(scalars.count)
    info.append(contentsOf: repeatElement(ScalarInfo(), count: scalars.count))
    var tabLeaders: [Int: String] = [:]
    for (i, k) in specialAt { info[i].special = k }

    // 2. Shape each run; collect advances per scalar (twips).
    for r in runs.indices {
      let run = runs[r]
      for i in run.range { info[i].run = Int32(r) }
      var shaping = scalars
      for (k, v) in drawnAs { shaping[k] = v }
      var glyphs = fonts.shaper.shape(run.font, drawnAs.isEmpty ? scalars : shaping, range: run.range, kerning: run.props.kerning)
      let scale = Double(run.size) / Double(run.font.unitsPerEm)
      for (k, g) in glyphs.enumerated() {
        if g.glyph == 0, let s = Unicode.Scalar(scalars[g.cluster]), !(info[g.cluster].special != nil || s.properties.isWhitespace || s.value < 0x20 || (0xE000...0xF8FF).contains(s.value)) {
          throw .missingGlyph(font: run.font.family, scalar: scalars[g.cluster])
        }
        if info[g.cluster].special != nil { glyphs[k].advance = 0 }
        info[g.cluster].advance += Double(glyphs[k].advance) * scale
      }
      runs[r].ordered = zip(glyphs, glyphs.dropFirst()).allSatisfy { $0.cluster <= $1.cluster }
      runs[r].glyphs = glyphs
    }

    for i in scalars.indices { if case .object(let o) = info[i].special { info[i].advance = Double(objects[o].width) } }
    // Character spacing after every character of a run; a negative one not after its last.
    for run in runs where run.props.letterSpacing != 0 {
      let k = Double(run.props.letterSpacing)
      for i in run.range where info[i].special == nil && !(k < 0 && i == run.range.upperBound - 1) {
        info[i].advance += k
        info[i].spacing = k
      }
    }

    // 3. Break opportunities: after a space; after a hyphen or dash that follows a letter.
    func isSpace(_ v: UInt32) -> Bool { v == 0x20 || v == 0x3000 }
    func isLetter(_ v: UInt32) -> Bool { Unicode.Scalar(v)?.properties.isAlphabetic ?? false }
    for i in scalars.indices {
      let v = scalars[i]
      if isSpace(v) {
        if i + 1 < scalars.count, !isSpace(scalars[i + 1]) { info[i].breakAfter = true }
      } else if v == 0x2D || v == 0x2010 || v == 0x2013 || v == 0x2014 {
        // After a letter or a digit ("11,5-Milliarden" breaks after the hyphen in LibreOffice).
        let prevLetter = i > 0 && (isLetter(scalars[i - 1]) || (0x30...0x39).contains(scalars[i - 1]))
        // Not before a number, nor before what never starts a line (closing brackets, "/", and
        // punctuation: "Werks-/Lageplan" stays whole, as in LibreOffice).
        let nextOK = i + 1 < scalars.count && !isSpace(scalars[i + 1]) && !(Unicode.Scalar(scalars[i + 1])?.properties.numericType != nil)
          && !Self.neverStartsLine.contains(scalars[i + 1])
        if (v == 0x2D || v == 0x2010) ? (prevLetter && nextOK) : (i > 0 && !isSpace(scalars[i - 1]) && nextOK) {
          info[i].breakAfter = true
        }
      } else if v == 0x09 {
        // Before a tab, not after it: text that follows a tab without a blank goes to the next
        // line with it (LibreOffice moves the tab portion when the text after it does not fit).
        // (A list label's tab is not: the label and its tab never part.)
        if i > 0 && !noBreakAfter.contains(i) { info[i - 1].breakAfter = true }
      } else if v == 0xFFFC {
        info[i].breakAfter = true
      }
    }
    for i in breakAfterExtra where i < scalars.count { info[i].breakAfter = true }
    for i in noBreakAfter { info[i].breakAfter = false }

    // 4. Greedy first fit, beside the frames the text flows around. Each line's room: where it
    // starts past the indent (a frame on its left), its width, and how far it moved down to clear a
    // frame that left no room.
    // A frame with text on both sides splits a line: the words that do not fit left of it
    // continue right of it (`jump`: from which scalar, and where, from the line's start).
    var lines: [(range: Range<Int>, width: Double, ends: Bool, inset: Double, room: Double, gap: Double, jump: (at: Int, edge: Double, to: Double)?)] = []
    var split: (start: Double, end: Double)? = nil
    var jumpAt: Int? = nil
    var splitUnsupported = false
    var lineStart = 0
    var i = 0
    let n = scalars.count
    var firstLine = true
    var lineInset = 0.0, lineRoom = available - Double(props.textIndent), lineGap = 0.0
    var lineTop = 0.0
    var lineBelow: Double? = nil
    var x = 0.0
    var lastBreak: Int? = nil  // index after which the line may end
    var widthAtBreak = 0.0
    // Lines are measured against the frames at the height of a line of the paragraph's own font.
    let estimate: Double = {
      var l = LaidLine(ascent: baseMetrics.ascent, descent: baseMetrics.descent, height: baseMetrics.height)
      applySpacing(&l, props.lineSpacing, first: false)
      return Double(l.height)
    }()
    /// The room of the line starting at lineTop, moving it down past frames that leave none.
    func placeLine() {
      let indent = Double(firstLine ? props.textIndent : 0)
      lineInset = 0
      lineRoom = available - indent
      lineBelow = nil
      split = nil
      guard !beside.isEmpty else { return }
      for _ in 0...beside.count {
        var left = -Double.infinity, right = available
        var below: Double? = nil
        var moved = false
        var middle: (start: Double, end: Double)? = nil
        for o in beside where o.top < lineTop + estimate && o.bottom > lineTop {
          moved = moved || (o.fromAbove && lines.isEmpty)
          switch o.side {
          case .right: left = max(left, o.right)
          case .left: right = min(right, o.left)
          case .both:
            if middle != nil { splitUnsupported = true }
            middle = (o.left, o.right)
          case .neither: left = available
          }
          below = min(below ?? o.bottom, o.bottom)
        }
        var start = max(indent, left)
        if let m = middle {
          // A side with no room leaves the text the other one.
          if m.start <= start { start = max(start, m.end) } else if m.end >= right { right = min(right, m.start) } else { split = (m.start - start, m.end - start) }
        }
        lineBelow = below
        if right - start > 0 || below == nil {
          lineInset = start - indent
          lineRoom = right - start
          return
        }
        split = nil
        lineGap += below! - lineTop + (moved ? spaceAbove : 0)
        lineTop = below! + (moved ? spaceAbove : 0)
      }
    }
    /// Ends a line with the room and jump it was laid out with; the next one starts below it.
    func endLine(_ range: Range<Int>, _ width: Double, _ ends: Bool) {
      lines.append((range, width, ends, lineInset, lineRoom, lineGap, jumpAt.map { ($0, split?.start ?? 0, split?.end ?? 0) }))
      jumpAt = nil
      lineTop += estimate
      lineGap = 0
    }
    /// Starts the next line at lineStart.
    func startLine() {
      i = lineStart
      x = 0
      lastBreak = nil
      firstLine = false
      placeLine()
    }
    placeLine()
    func lineWidth() -> Double { lineRoom }
    // LibreOffice ends italic text a twelfth of its height before the line's end, so that the
    // slanted letters do not pass it.
    let italicRoom = runs.map { $0.props.italic ? Double(($0.metrics.ascent + $0.metrics.descent) / 12) : 0 }
    while i < n {
      if info[i].special == .lineBreak {
        endLine(lineStart..<(i + 1), x, true)
        lineStart = i + 1
        startLine()
        continue
      }
      if info[i].special == .tab {
        let indent = Double(firstLine ? props.textIndent : 0) + lineInset
        let pos = x + indent
        let (stop, kind, decimal, leader) = nextTabStop(after: pos, props: props)
        if let leader, !leader.isEmpty { tabLeaders[i] = leader }
        // Right, centred and decimal stops align the text that follows, up to the next tab.
        var following = 0.0
        var beforeDecimal = 0.0
        var seenDecimal = false
        var k = i + 1
        while k < n, info[k].special == nil {
          if !seenDecimal, let d = decimal, scalars[k] == d { seenDecimal = true }
          if !seenDecimal { beforeDecimal += info[k].advance }
          following += info[k].advance
          k += 1
        }
        // LibreOffice aligns to a stop past the line's end at the line's end; a centred text that
        // would pass it moves left until it ends there.
        let end = min(stop - indent, lineWidth())
        switch kind {
        // A left stop past the line's end: the tab fills the rest of the line (measured).
        case .left: info[i].advance = max(0, stop - indent > lineWidth() ? lineWidth() - x : stop - pos)
        case .right: info[i].advance = max(0, end - x - following)
        case .center:
          let half = following / 2 > lineWidth() - end ? following - (lineWidth() - end) : following / 2
          info[i].advance = max(0, end - x - half)
        case .char: info[i].advance = max(0, end - x - beforeDecimal)
        }
        // Past the line's end with text after it that cannot fit there anyway: the tab goes to the
        // next line with that text (measured).
        if kind != .left, stop - indent > lineWidth(), x + following > lineWidth() { info[i].advance = lineWidth() - x + 1 }
      }
      let w = info[i].advance
      if let g = split, jumpAt == nil, !isSpace(scalars[i]), x + w - info[i].spacing > g.start + 0.5 {
        // The part left of the frame is full: the words after its last break go right of it.
        if let b = lastBreak {
          jumpAt = b + 1
          x = g.end + (x - widthAtBreak)
        } else {
          jumpAt = lineStart
          x += g.end
        }
        continue
      }
      if isSpace(scalars[i]) || x + w - info[i].spacing <= lineWidth() - italicRoom[Int(info[i].run)] + 0.5 {
        x += w
        if info[i].breakAfter {
          lastBreak = i
          widthAtBreak = x
        }
        i += 1
        continue
      }
      // Overflow at scalar i. Right of a frame with no break since: the line ends where it jumped.
      if lastBreak == nil || (jumpAt != nil && lastBreak! < jumpAt!), let j = jumpAt, j > lineStart {
        jumpAt = nil
        endLine(lineStart..<j, x, false)
        lineStart = j
        startLine()
        continue
      }
      // Beside a frame, a line that cannot hold its first word moves below it.
      if lastBreak == nil, let below = lineBelow {
        jumpAt = nil
        let again = lines.isEmpty && beside.contains { $0.fromAbove && $0.bottom == below } ? spaceAbove : 0
        lineGap += below - lineTop + again
        lineTop = below + again
        placeLine()
        i = lineStart
        x = 0
        continue
      }
      if let b = lastBreak {
        endLine(lineStart..<(b + 1), widthAtBreak, false)
        lineStart = b + 1
        // LibreOffice starts the next line after the whole run of blanks (no-break spaces too).
        while lineStart < n, scalars[lineStart] == 0xA0 || isSpace(scalars[lineStart]) { lineStart += 1 }
      } else if i > lineStart {
        endLine(lineStart..<i, x, false)
        lineStart = i
      } else {
        endLine(lineStart..<(i + 1), w, false)
        lineStart = i + 1
      }
      startLine()
    }
    if lineStart < n || lines.isEmpty || lines.last?.ends == true {
      endLine(lineStart..<n, x, true)
    }
    if room <= 0 && lines.count > 2 { lines.removeSubrange(2...) }

    if splitUnsupported { throw .unsupported("text flowing on both sides of two pictures in one line") }

    // 5. Position glyphs per line.
    var out: [LaidLine] = []
    out.reserveCapacity(lines.count)
    for (li, line) in lines.enumerated() {
      let isFirst = li == 0
      // A line ended by a manual break is justified like any other, as LibreOffice does unless
      // settings.xml says otherwise (DoNotJustifyLinesWithManualBreak, in Word's documents).
      let manualBreak = line.range.last.map { info[$0].special == .lineBreak } ?? false
      let isLast = li == lines.count - 1 || (line.ends && !(manualBreak && props.justifiesManualBreaks))
      // Drop trailing spaces and the line-break marker from what is drawn and measured.
      var end = line.range.upperBound
      while end > line.range.lowerBound, isSpace(scalars[end - 1]) || info[end - 1].special == .lineBreak { end -= 1 }
      let visible = line.range.lowerBound..<end
      var used = 0.0
      var spaces = 0
      for k in visible {
        used += info[k].advance
        if isSpace(scalars[k]) { spaces += 1 }
      }
      // Positive spacing after the line's last character takes no room.
      if let last = visible.last, info[last].spacing > 0 { used -= info[last].spacing }
      // Spaces before a tab are not stretched.
      if let lastTab = visible.last(where: { info[$0].special == .tab }) {
        spaces = visible.filter { $0 > lastTab && isSpace(scalars[$0]) }.count
      }
      let indent = Double(isFirst ? props.textIndent : 0) + line.inset
      var room = line.room - used
      let align: TextAlign = isLast ? (props.align == .justify ? (props.alignLast == .justify ? .justify : props.alignLast) : props.align) : props.align
      var xStart = indent
      var extraPerSpace = 0.0
      // Split by a frame: the part left of it is full (justified to its edge); the part right of it
      // is aligned alone.
      var leftExtra = 0.0
      var leftEnd = visible.upperBound
      if let jump = line.jump {
        guard align == .start || align == .justify else {
          throw .unsupported("centred or right-aligned text on both sides of a picture")
        }
        leftEnd = jump.at
        while leftEnd > visible.lowerBound, isSpace(scalars[leftEnd - 1]) { leftEnd -= 1 }
        let left = visible.lowerBound..<max(visible.lowerBound, leftEnd)
        let leftUsed = left.reduce(0.0) { $0 + info[$1].advance }
        let leftSpaces = left.filter { isSpace(scalars[$0]) }.count
        let rightPart = jump.at..<max(jump.at, visible.upperBound)
        room = line.room - jump.to - rightPart.reduce(0.0) { $0 + info[$1].advance }
        spaces = rightPart.filter { isSpace(scalars[$0]) }.count
        if align == .justify, leftSpaces > 0 { leftExtra = max(0, (jump.edge - leftUsed) / Double(leftSpaces)) }
      }
      switch align {
      case .start: break
      case .center: xStart += (room / 2).rounded(.down)
      case .end: xStart += room
      case .justify:
        if spaces > 0 && room > 0 { extraPerSpace = room / Double(spaces) }
      }
      var ascent = 0, descent = 0
      var pieces: [LaidLine.Piece] = []
      var objectsInLine: [(object: LineObject, x: Double, width: Twips, height: Twips, drop: Twips)] = []
      var objectAscent = 0
      var objectDescent = 0
      var pen = xStart
      var r = visible.isEmpty ? Int(info[min(line.range.lowerBound, n - 1)].run) : Int(info[visible.lowerBound].run)
      if visible.isEmpty {
        let m = runs[r].metrics
        ascent = m.ascent
        descent = m.descent
      }
      // Trailing spaces are drawn too (LibreOffice does: text extraction then sees the same words),
      // but they hang past the margin: they take no part in alignment or line height.
      var drawnEnd = line.range.upperBound
      while drawnEnd > visible.upperBound, info[drawnEnd - 1].special == .lineBreak { drawnEnd -= 1 }
      var k = visible.lowerBound
      while k < drawnEnd {
        r = Int(info[k].run)
        let run = runs[r]
        var segEnd = min(run.range.upperBound, drawnEnd)
        if run.props.underline.isDrawn {
          // Underlined text is drawn portion by portion (see LaidLine.Piece.endsWord).
          var lo = 0, hi = portionStarts.count
          while lo < hi { let mid = (lo + hi) / 2; if portionStarts[mid] <= k { lo = mid + 1 } else { hi = mid } }
          if lo < portionStarts.count { segEnd = min(segEnd, portionStarts[lo]) }
        }
        if let jump = line.jump {
          if k == jump.at { pen = indent + jump.to }
          if k < jump.at { segEnd = min(segEnd, jump.at) }
        }
        // Text sets the line's height; a picture or frame alone on it sets only its ascent (below).
        if k < visible.upperBound
          && !(k..<min(segEnd, visible.upperBound)).allSatisfy({ if case .object = info[$0].special { true } else { false } })
        {
          ascent = max(ascent, run.metrics.ascent + run.rise)
          descent = max(descent, run.metrics.descent - run.rise)
        }
        let scale = Double(run.size) / Double(run.font.unitsPerEm)
        var piece = LaidLine.Piece(
          font: run.font, size: run.size, color: run.props.color, x: pen, glyphs: [], source: scalars,
          underline: run.props.underline, strike: run.props.strike, rise: run.rise, highlight: run.props.highlight,
          ascent: run.metrics.ascent, descent: run.metrics.descent)
        let segment = k..<segEnd
        // The run's glyphs in this segment: from a cursor when clusters only grow (left-to-right
        // text: each line starts where the last one stopped), else by looking at every glyph.
        var gi = run.ordered ? run.cursor : 0
        while gi < run.glyphs.count, run.glyphs[gi].cluster < segment.lowerBound { gi += 1 }
        piece.glyphs.reserveCapacity(segment.count)
        while gi < run.glyphs.count {
          let g = run.glyphs[gi]
          guard segment.contains(g.cluster) else {
            if run.ordered { break }
            gi += 1
            continue
          }
          let current = gi
          gi += 1
          if case .object(let o) = info[g.cluster].special {
            objectsInLine.append((objects[o].object, pen, objects[o].width, objects[o].height, objects[o].drop))
            objectAscent = max(objectAscent, objects[o].height - objects[o].drop)
            objectDescent = max(objectDescent, objects[o].drop)
            if let last = piece.glyphs.indices.last { piece.glyphs[last].advance += info[g.cluster].advance } else { piece.x += info[g.cluster].advance }
            pen += info[g.cluster].advance
            continue
          }
          if let leader = tabLeaders[g.cluster], let dot = leader.unicodeScalars.first,
            let filled = leaderPiece(dot.value, run: run, from: pen, width: info[g.cluster].advance)
          {
            // A tab with a leader: its characters spread over the whole gap.
            piece.unpainted = run.props.unpainted
            piece.changed = run.props.changed
            if !piece.glyphs.isEmpty { pieces.append(piece) }
            pieces.append(filled)
            pen += info[g.cluster].advance
            piece = LaidLine.Piece(
              font: run.font, size: run.size, color: run.props.color, x: pen, glyphs: [], source: scalars,
              underline: run.props.underline, strike: run.props.strike, rise: run.rise, highlight: run.props.highlight, ascent: run.metrics.ascent, descent: run.metrics.descent)
            continue
          }
          if info[g.cluster].special != nil {
            // A tab is white space up to its stop: no glyph, only an advance.
            if let last = piece.glyphs.indices.last { piece.glyphs[last].advance += info[g.cluster].advance } else { piece.x += info[g.cluster].advance }
            pen += info[g.cluster].advance
            continue
          }
          var adv = Double(g.advance) * scale
          if isSpace(scalars[g.cluster]) && g.cluster < visible.upperBound {
            if let jump = line.jump, g.cluster < jump.at { adv += g.cluster < leftEnd ? leftExtra : 0 } else { adv += extraPerSpace }
          }
          // The cluster's text goes with its first glyph.
          let repeatGlyph = current > 0 && run.glyphs[current - 1].cluster == g.cluster
          if !repeatGlyph { adv += info[g.cluster].spacing }
          piece.glyphs.append(PlacedGlyph(id: g.glyph, cluster: repeatGlyph ? 0..<0 : clusterRange(run.glyphs, from: current, within: segment), advance: adv))
          pen += adv
        }
        if run.ordered { runs[r].cursor = gi }
        piece.unpainted = run.props.unpainted
        piece.changed = run.props.changed
        piece.standsIn = run.props.standsIn
        if !piece.glyphs.isEmpty { pieces.append(piece) }
        k = segEnd
      }
      Self.markCommonUnderlines(&pieces)
      var laid = LaidLine(pieces: pieces, objects: objectsInLine, ascent: ascent, descent: descent, height: ascent + descent)
      laid.gapAbove = Twips(line.gap.rounded())
      laid.notes = noteAt.filter { line.range.contains($0.index) }.map(\.body)
      applySpacing(&laid, props.lineSpacing, first: isFirst, extraAbove: isFirst && p.frames.contains { !$0.runThrough && !Self.takesTextAround($0) })
      if isFirst && !p.frames.isEmpty && p.frames.allSatisfy(\.runThrough) && laid.extraBelow > 0 {
        // Measured: with only pictures the text runs through, the first line gets no proportional spacing.
        laid.height -= laid.extraBelow
        laid.descent -= laid.extraBelow
        laid.extraBelow = 0
      }
      if objectDescent > laid.descent {
        // A picture hanging below the baseline deepens the line.
        laid.height += objectDescent - laid.descent
        laid.descent = objectDescent
      }
      if objectAscent > ascent {
        // A picture taller than the text: as measured in LibreOffice, the spacing the text line gets
        // (its proportional extra) goes both above the picture and below the text.
        let extra = laid.height - (ascent + descent)
        laid.ascent = objectAscent + (extra > 0 ? extra : 0)
        laid.descent = descent + (extra > 0 ? extra : 0)
        laid.height = laid.ascent + laid.descent
      }
      out.append(laid)
    }
    if room <= 0 && out.count > 1 {
      // The rest takes one line's height, unprinted.
      for k in out[1].pieces.indices { out[1].pieces[k].unpainted = true }
      out[1].objects = []
    }
    return out
  }

  /// Characters a line never starts with after a hyphen (Unicode's line-breaking classes CL, CP,
  /// EX, IS and SY among ASCII).
  static let neverStartsLine: Set<UInt32> = Set(")]}!?,.:;/".unicodeScalars.map(\.value))

  /// The order LibreOffice paints a line's pieces in: in a stretch of text with stand-in glyphs,
  /// the text's own font first, then the stand-ins (its fallback layout's levels), which text
  /// extraction then reads as separate words ("b _20_ a").
  static func paintOrder(_ pieces: [LaidLine.Piece]) -> [Int] {
    guard pieces.contains(where: \.standsIn) else { return Array(pieces.indices) }
    var order: [Int] = []
    var i = 0
    while i < pieces.count {
      // A stretch: pieces in one font (of one size) and the stand-ins among them.
      var own: LaidLine.Piece? = nil
      var j = i
      while j < pieces.count {
        let p = pieces[j]
        if !p.standsIn {
          if let own, !(own.font === p.font && own.size == p.size) { break }
          own = p
        }
        j += 1
      }
      order += (i..<j).filter { !pieces[$0].standsIn } + (i..<j).filter { pieces[$0].standsIn }
      i = j
    }
    return order
  }

  /// LibreOffice underlines several portions in a row with one common font when at least two of
  /// them sit on the baseline (a subscript ends the count), and draws that underline as blanks after
  /// each portion's text: text extraction then ends a word at each of those portions' ends.
  static func markCommonUnderlines(_ pieces: inout [LaidLine.Piece]) {
    var i = 0
    while i < pieces.count {
      guard pieces[i].underline.isDrawn else {
        i += 1
        continue
      }
      var j = i, counted = 0, lowered = false
      while j < pieces.count, pieces[j].underline.isDrawn, pieces[j].underline == pieces[i].underline {
        if pieces[j].rise < 0 { lowered = true }
        if !lowered && pieces[j].rise == 0 { counted += 1 }
        j += 1
      }
      // Raised or lowered portions draw their own underline: no blank after them.
      if counted > 1 { for m in i..<j where pieces[m].rise == 0 { pieces[m].endsWord = true } }
      i = j
    }
  }

  /// Whether the font draws the scalar, or it needs no glyph (white space, controls, private use,
  /// which LibreOffice leaves to the font), or its canonical parts are all in the font (HarfBuzz
  /// composes them).
  static func drawable(_ scalar: UInt32, in font: Font) -> Bool {
    if font.covers(scalar) { return true }
    guard let u = Unicode.Scalar(scalar) else { return true }
    if scalar < 0x20 || u.properties.isWhitespace || (0xE000...0xF8FF).contains(scalar) || (0x200B...0x200F).contains(scalar) { return true }
    let parts = String(Character(u)).decomposedStringWithCanonicalMapping.unicodeScalars
    return parts.count > 1 && parts.allSatisfy { font.covers($0.value) }
  }

  /// The scalars of the cluster that starts at glyphs[index]: up to the next cluster's start.
  private func clusterRange(_ glyphs: [ShapedGlyph], from index: Int, within segment: Range<Int>) -> Range<Int32> {
    let start = glyphs[index].cluster
    var end = segment.upperBound
    var k = index + 1
    while k < glyphs.count {
      if glyphs[k].cluster > start { end = min(end, glyphs[k].cluster); break }
      k += 1
    }
    return Int32(start)..<Int32(max(start, end))
  }

  /// Leader characters filling a tab's gap of `width` twips from `x`, as LibreOffice paints them: as
  /// many as the gap holds whole, measuring the character at its reference device's 600 dpi (one more
  /// for an underscore, so the line has no holes), the first at the gap's start, the last ending at
  /// its end and the others spread evenly between.
  private func leaderPiece(_ scalar: UInt32, run: Run, from x: Double, width: Double) -> LaidLine.Piece? {
    let shaped = run.font.shape([scalar], range: 0..<1, kerning: false)
    guard let g = shaped.first, g.glyph != 0, g.advance > 0 else { return nil }
    let adv = Double(g.advance) * Double(run.size) / Double(run.font.unitsPerEm)
    let measured = ((adv * 600 / 1440).rounded() * 1440 / 600).rounded()
    guard measured > 0 else { return nil }
    var count = Int((width.rounded() / measured).rounded(.down))
    if scalar == 0x5F { count += 1 }
    guard count > 0 else { return nil }
    let step = count > 1 ? (width - adv) / Double(count - 1) : 0
    var glyphs = Array(repeating: PlacedGlyph(id: g.glyph, cluster: 0..<1, advance: step), count: count)
    glyphs[count - 1].advance = adv
    return LaidLine.Piece(
      font: run.font, size: run.size, color: run.props.color, x: count > 1 ? x : x + width - adv,
      glyphs: glyphs, source: [scalar], underline: TextLine(), strike: TextLine())
  }

  /// The first tab stop after `pos` (positions from the paragraph's left margin), or the next default stop.
  func nextTabStop(after pos: Double, props: ParagraphProps) -> (Double, TabStop.Kind, UInt32?, String?) {
    // A hanging first line (negative indent) has a stop at the paragraph's indent, as in LibreOffice.
    let hanging = props.textIndent < 0 && pos < -0.5
    // Stops (and the default grid) count from the indent, or from the frame's left edge.
    let origin = props.tabsRelativeToIndent ? 0 : -Double(props.marginLeft)
    for stop in props.tabStops where Double(stop.position) + origin > pos + 0.5 {
      let at = Double(stop.position) + origin
      if hanging && at > 0 { return (0, .left, nil, nil) }
      return (at, stop.kind, stop.kind == .char ? (stop.decimal ?? 0x2C) : nil, stop.leader)
    }
    if hanging { return (0, .left, nil, nil) }
    let d = Double(props.tabDistance)
    return ((((pos - origin) / d).rounded(.down) + 1) * d + origin, .left, nil, nil)
  }

  func applySpacing(_ line: inout LaidLine, _ spacing: LineSpacing, first: Bool, extraAbove: Bool = false) {
    switch spacing {
    case .proportional(let p):
      guard p != 100 else { return }
      let h = line.height * p / 100
      // Measured in LibreOffice: above 100 % the extra goes below the text (the baseline stays);
      // below 100 % the ascent shrinks too (PropLineSpacingShrinksFirstLine).
      if p < 100 { line.ascent = line.ascent * p / 100 }
      // With a picture in the line, or under a picture at the paragraph's top, the extra goes above.
      if p > 100 && extraAbove { line.ascent += h - line.height } else if p > 100 { line.extraBelow = h - line.height }
      line.height = h
      line.descent = h - line.ascent
    case .atLeast(let m):
      if line.height < m {
        line.ascent += m - line.height
        line.height = m
      }
    case .fixed(let f):
      line.ascent = line.ascent + (f - line.height)
      line.height = f
    case .leading(let l):
      line.height += l
      line.descent += l
    }
  }
}
