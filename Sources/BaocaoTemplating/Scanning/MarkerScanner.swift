/// A tag as found in the template text, after the editor's markup inside it was moved out.
public struct RawMarker: Sendable {
  /// The tag's text between the braces, without markup, with XML entities decoded.
  public var text: String
  /// The tag as the user typed it, markup included (for messages).
  public var original: String
  /// Byte offset of the opening brace in the original text.
  public var offset: Int
  /// True when the tag sits inside an XML start tag (an attribute value).
  public var inAttribute: Bool = false
}

/// A piece of an XML start or end tag: literal bytes or a tag inside an attribute.
public enum TagPiece: Sendable {
  case literal([UInt8])
  case marker(RawMarker)
}

/// One token of a template: text, an XML tag (which may hold template tags) or a template tag.
public enum Token: Sendable {
  public enum TagKind: Sendable { case open, close, selfClosing, other }
  case text([UInt8])
  case tag(kind: TagKind, name: String, pieces: [TagPiece])
  case marker(RawMarker)
}

/// Splits template text into tokens, healing tags that an editor split across runs.
///
/// A word processor cuts typed text into runs, so `{d.name}` may arrive as
/// `{d.na<text:span>me</text:span>}`. The markup inside a tag is moved after it: the value then takes
/// the formatting of the tag's first character, and the document structure stays balanced.
public struct MarkerScanner {
  let bytes: [UInt8]
  public private(set) var diagnostics: [Diagnostic] = []

  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  // MARK: - Healing

  /// Finds where a tag starting at `start` (a `{`) ends, and whether it is a template tag at all.
  /// Returns the index of the closing `}`, or nil when this brace does not start a template tag.
  func markerEnd(from start: Int) -> Int? {
    // What follows the brace, markup skipped, must look like d. d[ d: d} c… $ # t(
    var i = start + 1
    var significant: [UInt8] = []
    while i < bytes.count && significant.count < 2 {
      let b = bytes[i]
      if isTagStart(i) {
        guard let close = tagEnd(from: i) else { return nil }
        i = close + 1
        continue
      }
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
        if significant.isEmpty { i += 1; continue }
        // Whitespace between the root and what follows is allowed by Carbone (`{d .x}` is rare): stop.
        i += 1
        continue
      }
      significant.append(b)
      i += 1
    }
    guard let first = significant.first else { return nil }
    switch first {
    case UInt8(ascii: "d"), UInt8(ascii: "c"):
      guard significant.count == 2 else { return nil }
      let s = significant[1]
      guard s == UInt8(ascii: ".") || s == UInt8(ascii: "[") || s == UInt8(ascii: ":") || s == UInt8(ascii: "}")
      else { return nil }
    case UInt8(ascii: "$"), UInt8(ascii: "#"):
      // An alias is a name: `{$late}`, `{#late = d.x}`. Spreadsheet text such as `{#VALUE!}` or
      // `{$1}` is not a tag and stays as it is.
      guard significant.count == 2, isNameStart(significant[1]) else { return nil }
    case UInt8(ascii: "t"):
      guard significant.count == 2, significant[1] == UInt8(ascii: "(") else { return nil }
    default:
      return nil
    }
    // Find the closing brace: outside parentheses it ends the tag; inside, quoted text is skipped.
    i = start + 1
    var parens = 0
    var inQuote = false
    while i < bytes.count {
      let b = bytes[i]
      if !inQuote && isTagStart(i) {
        guard let close = tagEnd(from: i) else { return nil }
        i = close + 1
        continue
      }
      if parens > 0 {
        if b == UInt8(ascii: "'") { inQuote.toggle() }
        else if !inQuote && b == UInt8(ascii: "(") { parens += 1 }
        else if !inQuote && b == UInt8(ascii: ")") { parens -= 1 }
      } else {
        switch b {
        case UInt8(ascii: "("): parens = 1; inQuote = false
        case UInt8(ascii: "}"):
          if first == UInt8(ascii: "#") && !declaresAlias(start + 1..<i) { return nil }
          return i
        case UInt8(ascii: "{"):
          // A new brace before this one closed: the first was never closed.
          return nil
        default: break
        }
      }
      i += 1
    }
    return nil
  }

  func isNameStart(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
      || b == UInt8(ascii: "_") || b >= 0x80
  }

  /// True when the text in `range` (markup skipped) holds the `=` of `#name = …`.
  func declaresAlias(_ range: Range<Int>) -> Bool {
    var i = range.lowerBound
    while i < range.upperBound {
      if isTagStart(i), let close = tagEnd(from: i) { i = close + 1; continue }
      if bytes[i] == UInt8(ascii: "=") { return true }
      i += 1
    }
    return false
  }

  /// True when the `<` at `i` starts markup (`<p`, `</p`, `<!--`, `<?`), not a comparison such as `speed<200`.
  func isTagStart(_ i: Int) -> Bool {
    guard bytes[i] == UInt8(ascii: "<"), i + 1 < bytes.count else { return false }
    let n = bytes[i + 1]
    return (n >= UInt8(ascii: "a") && n <= UInt8(ascii: "z")) || (n >= UInt8(ascii: "A") && n <= UInt8(ascii: "Z"))
      || n == UInt8(ascii: "/") || n == UInt8(ascii: "!") || n == UInt8(ascii: "?") || n == UInt8(ascii: "_") || n >= 0x80
  }

  /// The index of the `>` closing the markup that starts at `start`.
  func tagEnd(from start: Int) -> Int? {
    var i = start + 1
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: ">") { return i }
      if bytes[i] == UInt8(ascii: "<") { return nil }
      i += 1
    }
    return nil
  }

  // MARK: - Tokenising

  /// The tokens of the whole text.
  public mutating func tokens() -> [Token] {
    var out: [Token] = []
    var textStart = 0
    var i = 0
    func flushText(_ upTo: Int) {
      if textStart < upTo { out.append(.text(Array(bytes[textStart..<upTo]))) }
    }
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "{"), let end = markerEnd(from: i) {
        flushText(i)
        let (marker, moved) = heal(from: i, to: end, inAttribute: false)
        // The markup moved out of the tag keeps its structure. It goes after the tag, so the value takes
        // the formatting of the tag's first character; for a block's end it goes before, inside the block.
        var sub = MarkerScanner(moved)
        let movedTokens = sub.tokens()
        if MarkerScanner.endsBlock(marker.text) {
          out.append(contentsOf: movedTokens)
          out.append(.marker(marker))
        } else {
          out.append(.marker(marker))
          out.append(contentsOf: movedTokens)
        }
        i = end + 1
        textStart = i
        continue
      }
      if b == UInt8(ascii: "{"), looksLikeUnclosedMarker(at: i) {
        let (line, col) = lineColumn(of: i)
        let snippet = String(decoding: bytes[i..<min(bytes.count, i + 40)], as: UTF8.self)
        diagnostics.append(
          Diagnostic(
            line: line, column: col, message: "the tag starting with '\(snippet.prefix(while: { $0 != "\n" }))' is never closed",
            hint: "add the closing '}'"))
      }
      if isTagStart(i), let end = scanTag(from: i) {
        flushText(i)
        out.append(end.token)
        i = end.next
        textStart = i
        continue
      }
      i += 1
    }
    flushText(bytes.count)
    return out
  }

  static func endsBlock(_ text: String) -> Bool {
    guard let last = text.split(separator: ":").last else { return false }
    let name = last.filter { !$0.isWhitespace }
    return name.hasPrefix("showEnd") || name.hasPrefix("hideEnd")
  }

  /// A brace followed by `d.` or `c.` with no closing brace is a typing mistake worth reporting.
  func looksLikeUnclosedMarker(at i: Int) -> Bool {
    guard i + 2 < bytes.count else { return false }
    let a = bytes[i + 1], b = bytes[i + 2]
    return (a == UInt8(ascii: "d") || a == UInt8(ascii: "c")) && (b == UInt8(ascii: ".") || b == UInt8(ascii: "["))
  }

  /// Scans one XML tag; template tags inside it (attribute values) become pieces.
  func scanTag(from start: Int) -> (token: Token, next: Int)? {
    var pieces: [TagPiece] = []
    var litStart = start
    var i = start + 1
    // Comments, processing instructions and CDATA are copied as they are.
    if i < bytes.count, bytes[i] == UInt8(ascii: "!") || bytes[i] == UInt8(ascii: "?") {
      if bytes[i...].starts(with: Array("!--".utf8)) {
        var j = i + 3
        while j + 2 < bytes.count {
          if bytes[j] == UInt8(ascii: "-") && bytes[j + 1] == UInt8(ascii: "-") && bytes[j + 2] == UInt8(ascii: ">") {
            return (.tag(kind: .other, name: "", pieces: [.literal(Array(bytes[start...(j + 2)]))]), j + 3)
          }
          j += 1
        }
        return nil
      }
      guard let end = tagEnd(from: start) else { return nil }
      return (.tag(kind: .other, name: "", pieces: [.literal(Array(bytes[start...end]))]), end + 1)
    }
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: ">") {
        pieces.append(.literal(Array(bytes[litStart...i])))
        let (kind, name) = classify(pieces)
        return (.tag(kind: kind, name: name, pieces: pieces), i + 1)
      }
      if b == UInt8(ascii: "<") { return nil }
      if b == UInt8(ascii: "{"), let end = markerEnd(from: i) {
        if litStart < i { pieces.append(.literal(Array(bytes[litStart..<i]))) }
        var (marker, moved) = heal(from: i, to: end, inAttribute: true)
        marker.inAttribute = true
        pieces.append(.marker(marker))
        if !moved.isEmpty { pieces.append(.literal(moved)) }
        i = end + 1
        litStart = i
        continue
      }
      i += 1
    }
    return nil
  }

  func classify(_ pieces: [TagPiece]) -> (Token.TagKind, String) {
    var head: [UInt8] = []
    var last: [UInt8] = []
    for p in pieces {
      if case .literal(let l) = p {
        if head.isEmpty { head = l }
        last = l
      }
    }
    let closing = head.count > 1 && head[1] == UInt8(ascii: "/")
    let selfClosing = last.count >= 2 && last[last.count - 2] == UInt8(ascii: "/")
    var nameBytes: [UInt8] = []
    var j = closing ? 2 : 1
    while j < head.count {
      let c = head[j]
      if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: ">") || c == UInt8(ascii: "/") { break }
      nameBytes.append(c)
      j += 1
    }
    let name = String(decoding: nameBytes, as: UTF8.self)
    if closing { return (.close, name) }
    if selfClosing { return (.selfClosing, name) }
    return (.open, name)
  }

  /// Removes markup from inside a tag and decodes entities; returns the tag and the moved markup.
  func heal(from start: Int, to end: Int, inAttribute: Bool) -> (RawMarker, [UInt8]) {
    var clean: [UInt8] = []
    var moved: [UInt8] = []
    var i = start + 1
    while i < end {
      if isTagStart(i), let close = tagEnd(from: i), close < end {
        moved.append(contentsOf: bytes[i...close])
        i = close + 1
        continue
      }
      clean.append(bytes[i])
      i += 1
    }
    let text = XMLText.decodeEntities(String(decoding: clean, as: UTF8.self))
    let original = String(decoding: bytes[start...end], as: UTF8.self)
    return (RawMarker(text: text, original: original, offset: start, inAttribute: inAttribute), moved)
  }

  public func lineColumn(of offset: Int) -> (Int, Int) {
    LineIndex(bytes).lineColumn(of: offset)
  }
}

/// Maps byte offsets to 1-based line and column numbers.
public struct LineIndex: Sendable {
  private var lineStarts: [Int] = [0]
  private let bytes: [UInt8]
  /// Sorted ranges that do not count as columns (text inserted by baocao, not typed by the user).
  private let skipped: [Range<Int>]

  public init(_ bytes: [UInt8], skipping: [Range<Int>] = []) {
    self.bytes = bytes
    self.skipped = skipping.sorted { $0.lowerBound < $1.lowerBound }
    for (i, b) in bytes.enumerated() where b == 0x0A { lineStarts.append(i + 1) }
  }

  public func lineColumn(of offset: Int) -> (Int, Int) {
    var lo = 0, hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    let start = lineStarts[lo]
    // Columns count characters, not bytes.
    var col = 1
    var i = start
    var k = skipped.firstIndex { $0.upperBound > start } ?? skipped.count
    while i < offset && i < bytes.count {
      if k < skipped.count, skipped[k].contains(i) {
        i = skipped[k].upperBound
        k += 1
        continue
      }
      if bytes[i] & 0xC0 != 0x80 { col += 1 }
      i += 1
    }
    return (lo + 1, col)
  }
}
