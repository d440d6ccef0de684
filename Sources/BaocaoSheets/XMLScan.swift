/// A forward scan over the tags of an XML part, in bytes, for rewriting spreadsheet content in place.
package struct XMLScan {
  package enum Kind { case start, end, empty, other }

  package struct Tag {
    package var kind: Kind
    /// The whole tag, `<` to `>`.
    package var range: Range<Int>
    package var name: ArraySlice<UInt8>
  }

  let bytes: [UInt8]
  package var position = 0

  package init(_ bytes: [UInt8]) { self.bytes = bytes }

  package mutating func next() -> Tag? {
    let n = bytes.count
    while position < n, bytes[position] != UInt8(ascii: "<") { position += 1 }
    guard position < n else { return nil }
    let start = position
    if position + 1 < n, bytes[position + 1] == UInt8(ascii: "!") || bytes[position + 1] == UInt8(ascii: "?") {
      // Comments, CDATA, declarations, processing instructions.
      let close: [UInt8] = bytes[position + 1] == UInt8(ascii: "?") ? Array("?>".utf8) : (isComment(position) ? Array("-->".utf8) : Array(">".utf8))
      position = find(close, from: position + 2) ?? n
      return Tag(kind: .other, range: start..<position, name: [])
    }
    var quote: UInt8 = 0
    var i = position + 1
    while i < n {
      let b = bytes[i]
      if quote != 0 { if b == quote { quote = 0 } } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { quote = b } else if b == UInt8(ascii: ">") { break }
      i += 1
    }
    position = min(i + 1, n)
    // A `<` ending the text is no tag's start (found by the fuzzer: it read past the end).
    let isEnd = start + 1 < n && bytes[start + 1] == UInt8(ascii: "/")
    let isEmpty = i > 0 && bytes[i - 1] == UInt8(ascii: "/")
    var nameStart = start + (isEnd ? 2 : 1)
    while nameStart < i, bytes[nameStart] == UInt8(ascii: " ") { nameStart += 1 }
    var nameEnd = nameStart
    while nameEnd < i, !XMLScan.isSpace(bytes[nameEnd]), bytes[nameEnd] != UInt8(ascii: "/"), bytes[nameEnd] != UInt8(ascii: ">") { nameEnd += 1 }
    return Tag(kind: isEnd ? .end : (isEmpty ? .empty : .start), range: start..<position, name: bytes[nameStart..<nameEnd])
  }

  func isComment(_ at: Int) -> Bool {
    at + 3 < bytes.count && bytes[at + 2] == UInt8(ascii: "-") && bytes[at + 3] == UInt8(ascii: "-")
  }

  func find(_ needle: [UInt8], from: Int) -> Int? {
    var i = from
    while i + needle.count <= bytes.count {
      if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i + needle.count }
      i += 1
    }
    return nil
  }

  static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

  /// The attributes of a start tag, with the byte range of each whole `name="value"`.
  package static func attributes(_ bytes: [UInt8], _ tag: Range<Int>) -> [(name: String, value: String, range: Range<Int>)] {
    var out: [(String, String, Range<Int>)] = []
    var i = tag.lowerBound + 1
    let end = tag.upperBound
    while i < end, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
    while i < end {
      while i < end, isSpace(bytes[i]) { i += 1 }
      let nameStart = i
      while i < end, bytes[i] != UInt8(ascii: "="), !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
      guard i < end, bytes[i] == UInt8(ascii: "=") else { i += 1; continue }
      let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
      i += 1
      guard i < end else { break }
      let q = bytes[i]
      guard q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") else { continue }
      let valueStart = i + 1
      i = valueStart
      while i < end, bytes[i] != q { i += 1 }
      // A value without its closing quote ends the attributes (found by the fuzzer: its range
      // passed the tag's end).
      guard i < end else { break }
      let value = XMLEntities.decode(bytes[valueStart..<i])
      i += 1
      // The range starts at the space before the name, so removing it leaves the tag tidy.
      out.append((name, value, (nameStart - 1)..<i))
    }
    return out
  }
}

package enum XMLEntities {
  package static func decode(_ b: ArraySlice<UInt8>) -> String {
    let s = String(decoding: b, as: UTF8.self)
    // Checked on the bytes: String.contains(String) goes through Foundation's search (a fifth of a
    // large spreadsheet's merge).
    guard b.contains(UInt8(ascii: "&")) else { return s }
    return s.replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"").replacingAll("&apos;", "'").replacingAll("&amp;", "&")
  }

  package static func encodeAttribute(_ s: String) -> String {
    s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;").replacingAll("\"", "&quot;")
  }

  package static func encodeText(_ s: String) -> String {
    s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
  }
}

extension String {
  func replacingAll(_ target: String, _ replacement: String) -> String {
    guard !target.isEmpty, contains(target) else { return self }
    var out = ""
    var rest = Substring(self)
    while let r = rest.range(of: target) {
      out += rest[rest.startIndex..<r.lowerBound]
      out += replacement
      rest = rest[r.upperBound...]
    }
    return out + rest
  }
}

extension Substring {
  func range(of target: String) -> Range<Substring.Index>? {
    guard let first = target.first else { return nil }
    var i = startIndex
    while i < endIndex {
      if self[i] == first, self[i...].hasPrefix(target) {
        return i..<index(i, offsetBy: target.count)
      }
      i = index(after: i)
    }
    return nil
  }
}
