import BaocaoLimits
import OrderedCollections

/// A strict JSON (RFC 8259) reader that keeps key order and reports errors by line and column.
public struct JSONReader {
  private let bytes: [UInt8]
  private var index = 0
  private let file: String
  private var depth = 0
  private static let maxDepth = Limits.dataDepth

  public static func parse(_ bytes: [UInt8], file: String) throws(DataError) -> Value {
    var reader = JSONReader(bytes: bytes, file: file)
    // A UTF-8 byte order mark is tolerated, as editors on Windows write one.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
    guard String(validating: bytes, as: UTF8.self) != nil else {
      let bad = JSONReader.firstInvalidUTF8(bytes)
      throw reader.error(at: bad, "the file is not valid UTF-8 text; save it as UTF-8")
    }
    reader.skipWhitespace()
    if reader.index >= bytes.count { throw reader.error("the file is empty; expected a JSON value") }
    let value = try reader.parseValue()
    reader.skipWhitespace()
    if reader.index < bytes.count {
      throw reader.error("unexpected '\(reader.peekDescription)' after the end of the JSON value")
    }
    return value
  }

  private init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      let length: Int
      switch b {
      case 0x00...0x7F: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return i
      }
      guard i + length <= bytes.count else { return i }
      for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
      i += length
    }
    return i
  }

  private func location(of offset: Int) -> (Int, Int) {
    var line = 1, column = 1
    var i = 0
    while i < offset && i < bytes.count {
      if bytes[i] == 0x0A { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
      i += 1
    }
    return (line, column)
  }

  private func error(at offset: Int? = nil, _ message: String) -> DataError {
    let (line, column) = location(of: offset ?? index)
    return DataError(file: file, line: line, column: column, message: message)
  }

  private var peekDescription: String {
    guard index < bytes.count else { return "end of file" }
    let b = bytes[index]
    if b >= 0x20 && b < 0x7F { return String(UnicodeScalar(b)) }
    return "byte 0x" + String(b, radix: 16)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  private mutating func parseValue() throws(DataError) -> Value {
    skipWhitespace()
    guard index < bytes.count else { throw error("unexpected end of file; the JSON is truncated") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectWord("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default:
      throw error("unexpected '\(peekDescription)'; expected a value (object, array, string, number, true, false or null)")
    }
  }

  private mutating func expectWord(_ word: String) throws(DataError) {
    let w = Array(word.utf8)
    guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
      throw error("unexpected '\(peekDescription)'; expected '\(word)'")
    }
    index += w.count
  }

  private mutating func enter() throws(DataError) {
    depth += 1
    if depth > Self.maxDepth { throw error("the JSON nests deeper than \(Self.maxDepth) levels") }
  }

  private mutating func parseObject() throws(DataError) -> Value {
    try enter()
    defer { depth -= 1 }
    let open = index
    index += 1
    var members = OrderedDictionary<String, Value>()
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
    while true {
      skipWhitespace()
      guard index < bytes.count else {
        throw error(at: open, "the object opened here is never closed; the JSON is truncated")
      }
      guard bytes[index] == UInt8(ascii: "\"") else {
        throw error("unexpected '\(peekDescription)'; expected a key in double quotes")
      }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        if index >= bytes.count { throw error(at: open, "the object opened here is never closed; the JSON is truncated") }
        throw error("unexpected '\(peekDescription)'; expected ':' after the key \"\(key)\"")
      }
      index += 1
      let value = try parseValue()
      members[key] = value
      skipWhitespace()
      guard index < bytes.count else {
        throw error(at: open, "the object opened here is never closed; the JSON is truncated")
      }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
      throw error("unexpected '\(peekDescription)'; expected ',' or '}' in the object")
    }
  }

  private mutating func parseArray() throws(DataError) -> Value {
    try enter()
    defer { depth -= 1 }
    let open = index
    index += 1
    var items: [Value] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
    while true {
      guard index < bytes.count else {
        throw error(at: open, "the array opened here is never closed; the JSON is truncated")
      }
      items.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else {
        throw error(at: open, "the array opened here is never closed; the JSON is truncated")
      }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
      throw error("unexpected '\(peekDescription)'; expected ',' or ']' in the array")
    }
  }

  private mutating func parseString() throws(DataError) -> String {
    let start = index
    index += 1
    var scalars = String.UnicodeScalarView()
    var runStart = index
    func flush(_ r: inout JSONReader, _ s: inout String.UnicodeScalarView, _ from: Int) {
      if from < r.index {
        s.append(contentsOf: String(decoding: r.bytes[from..<r.index], as: UTF8.self).unicodeScalars)
      }
    }
    while true {
      guard index < bytes.count else {
        throw error(at: start, "the string starting here is never closed; the JSON is truncated")
      }
      let b = bytes[index]
      if b == UInt8(ascii: "\"") {
        flush(&self, &scalars, runStart)
        index += 1
        return String(scalars)
      }
      if b < 0x20 {
        throw error("a control character (0x\(String(b, radix: 16))) inside a string must be escaped, e.g. \\n")
      }
      if b == UInt8(ascii: "\\") {
        flush(&self, &scalars, runStart)
        index += 1
        guard index < bytes.count else { throw error("unexpected end of file in an escape") }
        let e = bytes[index]
        index += 1
        switch e {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count,
            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          {
            let save = index
            index += 2
            let low = try parseHex4()
            if (0xDC00...0xDFFF).contains(low) {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else {
              index = save
            }
          }
          // A lone surrogate cannot be text; it becomes U+FFFD.
          scalars.append(UnicodeScalar(code) ?? "\u{FFFD}")
        default:
          throw error(at: index - 2, "invalid escape '\\\(String(UnicodeScalar(e)))' in a string")
        }
        runStart = index
        continue
      }
      index += 1
    }
  }

  private mutating func parseHex4() throws(DataError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("unexpected end of file in a \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[index]
      let d: UInt32
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
      default: throw error("invalid hexadecimal digit in a \\u escape")
      }
      v = v * 16 + d
      index += 1
    }
    return v
  }

  private mutating func parseNumber() throws(DataError) -> Value {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    func digits(_ r: inout JSONReader) -> Int {
      let s = r.index
      while r.index < r.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(r.bytes[r.index]) { r.index += 1 }
      return r.index - s
    }
    let intDigits = digits(&self)
    if intDigits == 0 { throw error("invalid number; expected a digit") }
    if intDigits > 1 && bytes[index - intDigits] == UInt8(ascii: "0") {
      throw error(at: start, "invalid number: leading zeros are not allowed in JSON (write \"01\" as a string)")
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      if digits(&self) == 0 { throw error("invalid number; expected a digit after '.'") }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      if digits(&self) == 0 { throw error("invalid number; expected a digit in the exponent") }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    return .number(Double(text) ?? .nan)
  }
}
