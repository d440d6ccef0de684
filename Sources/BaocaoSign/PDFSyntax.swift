/// PDF's object syntax (ISO 32000-1 §7.3): enough to read a file's cross-reference data, its
/// catalogue, pages, form fields and signature dictionaries, and to write back the objects an
/// incremental update changes. Every byte comes from outside: lengths and nesting are bounded and a
/// damaged file is an error, never a crash.
public struct PDFError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

public struct PDFReference: Hashable, Sendable {
  public var number: Int
  public var generation: Int
}

public indirect enum PDFObject: Equatable {
  case null
  case bool(Bool)
  case integer(Int)
  /// A real keeps its text, so that writing it back gives the same number.
  case real(String)
  case string([UInt8])
  case name(String)
  case array([PDFObject])
  case dictionary(PDFDictionary)
  case reference(PDFReference)

  public var dictionary: PDFDictionary? { if case .dictionary(let d) = self { return d } else { return nil } }
  public var array: [PDFObject]? { if case .array(let a) = self { return a } else { return nil } }
  public var integer: Int? { if case .integer(let i) = self { return i } else { return nil } }
  public var name: String? { if case .name(let n) = self { return n } else { return nil } }
  public var string: [UInt8]? { if case .string(let s) = self { return s } else { return nil } }
  public var reference: PDFReference? { if case .reference(let r) = self { return r } else { return nil } }
  public var number: Double? {
    switch self {
    case .integer(let i): return Double(i)
    case .real(let r): return Double(r)
    default: return nil
    }
  }
}

/// A dictionary keeps its keys' order, so that an object written back reads as it was written.
public struct PDFDictionary: Equatable {
  public private(set) var entries: [(key: String, value: PDFObject)] = []

  public init(_ entries: [(String, PDFObject)] = []) {
    for (k, v) in entries { self[k] = v }
  }

  public subscript(key: String) -> PDFObject? {
    get { entries.first { $0.key == key }?.value }
    set {
      if let i = entries.firstIndex(where: { $0.key == key }) {
        if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
      } else if let newValue {
        entries.append((key, newValue))
      }
    }
  }

  public static func == (a: PDFDictionary, b: PDFDictionary) -> Bool {
    a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
  }
}

/// Reads objects from a byte buffer.
struct PDFParser {
  static let maxDepth = 64
  let bytes: [UInt8]
  var position: Int

  init(_ bytes: [UInt8], at position: Int) {
    self.bytes = bytes
    self.position = position
  }

  static func isWhite(_ c: UInt8) -> Bool { c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32 }
  static func isDelimiter(_ c: UInt8) -> Bool {
    c == 0x28 || c == 0x29 || c == 0x3C || c == 0x3E || c == 0x5B || c == 0x5D || c == 0x7B || c == 0x7D || c == 0x2F || c == 0x25
  }

  var atEnd: Bool { position >= bytes.count }

  mutating func skipWhite() {
    while position < bytes.count {
      let c = bytes[position]
      if Self.isWhite(c) {
        position += 1
      } else if c == 0x25 {  // a comment runs to the end of its line
        while position < bytes.count && bytes[position] != 10 && bytes[position] != 13 { position += 1 }
      } else {
        return
      }
    }
  }

  /// A run of regular characters (a keyword or a number).
  mutating func word() -> String {
    skipWhite()
    let start = position
    while position < bytes.count && !Self.isWhite(bytes[position]) && !Self.isDelimiter(bytes[position]) { position += 1 }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  mutating func expect(_ keyword: String) throws(PDFError) {
    let at = position
    guard word() == keyword else { throw PDFError("expected '\(keyword)' at byte \(at)") }
  }

  func peek(_ text: String) -> Bool {
    let t = Array(text.utf8)
    return position + t.count <= bytes.count && Array(bytes[position..<(position + t.count)]) == t
  }

  mutating func object(depth: Int = 0) throws(PDFError) -> PDFObject {
    guard depth < Self.maxDepth else { throw PDFError("objects nested more than \(Self.maxDepth) deep at byte \(position)") }
    skipWhite()
    guard position < bytes.count else { throw PDFError("the file ends inside an object") }
    let start = position
    switch bytes[position] {
    case 0x2F: return .name(name())
    case 0x28: return .string(try literalString())
    case 0x3C:
      if position + 1 < bytes.count && bytes[position + 1] == 0x3C {
        position += 2
        var d = PDFDictionary()
        while true {
          skipWhite()
          guard position < bytes.count else { throw PDFError("the dictionary at byte \(start) is not closed") }
          if peek(">>") { position += 2; return .dictionary(d) }
          guard bytes[position] == 0x2F else { throw PDFError("a dictionary key must be a name (byte \(position))") }
          let key = name()
          d[key] = try object(depth: depth + 1)
        }
      }
      return .string(try hexString())
    case 0x5B:
      position += 1
      var a: [PDFObject] = []
      while true {
        skipWhite()
        guard position < bytes.count else { throw PDFError("the array at byte \(start) is not closed") }
        if bytes[position] == 0x5D { position += 1; return .array(a) }
        a.append(try object(depth: depth + 1))
      }
    default:
      let w = word()
      switch w {
      case "true": return .bool(true)
      case "false": return .bool(false)
      case "null": return .null
      case "": throw PDFError("unexpected character '\(Character(Unicode.Scalar(bytes[position])))' at byte \(position)")
      default: break
      }
      if let i = Int(w) {
        // "n g R" is a reference.
        let after = position
        let g = word()
        if let generation = Int(g), generation >= 0, i >= 0 {
          skipWhite()
          if position < bytes.count && bytes[position] == 0x52
            && (position + 1 == bytes.count || Self.isWhite(bytes[position + 1]) || Self.isDelimiter(bytes[position + 1]))
          {
            position += 1
            return .reference(PDFReference(number: i, generation: generation))
          }
        }
        position = after
        return .integer(i)
      }
      if Double(w) != nil || w.allSatisfy({ "+-.0123456789".contains($0) }) {
        return .real(Double(w) == nil ? "0" : w)
      }
      throw PDFError("unknown keyword '\(w.prefix(40))' at byte \(start)")
    }
  }

  mutating func name() -> String {
    position += 1  // '/'
    var out: [UInt8] = []
    while position < bytes.count && !Self.isWhite(bytes[position]) && !Self.isDelimiter(bytes[position]) {
      let c = bytes[position]
      if c == 0x23, position + 2 < bytes.count, let h = UInt8(String(decoding: bytes[(position + 1)...(position + 2)], as: UTF8.self), radix: 16) {
        out.append(h)
        position += 3
      } else {
        out.append(c)
        position += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  mutating func literalString() throws(PDFError) -> [UInt8] {
    let start = position
    position += 1
    var out: [UInt8] = []
    var depth = 1
    while position < bytes.count {
      let c = bytes[position]
      position += 1
      switch c {
      case 0x28: depth += 1; out.append(c)
      case 0x29:
        depth -= 1
        if depth == 0 { return out }
        out.append(c)
      case 0x5C:
        guard position < bytes.count else { break }
        let e = bytes[position]
        position += 1
        switch e {
        case 0x6E: out.append(10)
        case 0x72: out.append(13)
        case 0x74: out.append(9)
        case 0x62: out.append(8)
        case 0x66: out.append(12)
        case 0x0D: if position < bytes.count && bytes[position] == 0x0A { position += 1 }
        case 0x0A: break
        case 0x30...0x37:
          var v = Int(e - 0x30)
          for _ in 0..<2 where position < bytes.count && (0x30...0x37).contains(bytes[position]) {
            v = v * 8 + Int(bytes[position] - 0x30)
            position += 1
          }
          out.append(UInt8(truncatingIfNeeded: v))
        default: out.append(e)
        }
      default: out.append(c)
      }
    }
    throw PDFError("the string at byte \(start) is not closed")
  }

  mutating func hexString() throws(PDFError) -> [UInt8] {
    let start = position
    position += 1
    var out: [UInt8] = []
    var high: UInt8? = nil
    while position < bytes.count {
      let c = bytes[position]
      position += 1
      if c == 0x3E {
        if let h = high { out.append(h << 4) }
        return out
      }
      if Self.isWhite(c) { continue }
      let v: UInt8
      switch c {
      case 0x30...0x39: v = c - 0x30
      case 0x41...0x46: v = c - 0x41 + 10
      case 0x61...0x66: v = c - 0x61 + 10
      default: throw PDFError("a hexadecimal string holds '\(Character(Unicode.Scalar(c)))' at byte \(position - 1)")
      }
      if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
    }
    throw PDFError("the hexadecimal string at byte \(start) is not closed")
  }
}

/// Writes objects in PDF syntax.
enum PDFSerializer {
  static func write(_ object: PDFObject, into out: inout [UInt8]) {
    switch object {
    case .null: out += Array("null".utf8)
    case .bool(let b): out += Array((b ? "true" : "false").utf8)
    case .integer(let i): out += Array(String(i).utf8)
    case .real(let r): out += Array(r.utf8)
    case .string(let s):
      out.append(0x3C)
      for b in s { out += hex(b) }
      out.append(0x3E)
    case .name(let n): writeName(n, into: &out)
    case .array(let a):
      out.append(0x5B)
      for (k, item) in a.enumerated() {
        if k > 0 { out.append(0x20) }
        write(item, into: &out)
      }
      out.append(0x5D)
    case .dictionary(let d):
      out += Array("<<".utf8)
      for (key, value) in d.entries {
        writeName(key, into: &out)
        out.append(0x20)
        write(value, into: &out)
        out.append(0x20)
      }
      out += Array(">>".utf8)
    case .reference(let r): out += Array("\(r.number) \(r.generation) R".utf8)
    }
  }

  static func text(_ object: PDFObject) -> String {
    var out: [UInt8] = []
    write(object, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  static func writeName(_ name: String, into out: inout [UInt8]) {
    out.append(0x2F)
    for b in name.utf8 {
      if b <= 0x20 || b >= 0x7F || b == 0x23 || PDFParser.isDelimiter(b) {
        out.append(0x23)
        out += hex(b)
      } else {
        out.append(b)
      }
    }
  }

  static func hex(_ b: UInt8) -> [UInt8] {
    let digits = Array("0123456789ABCDEF".utf8)
    return [digits[Int(b >> 4)], digits[Int(b & 15)]]
  }

  /// A text string: ASCII as it is, anything else in UTF-16BE with its byte-order mark.
  static func textString(_ s: String) -> PDFObject {
    if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return .string(Array(s.utf8)) }
    var out: [UInt8] = [0xFE, 0xFF]
    for u in s.utf16 { out.append(UInt8(u >> 8)); out.append(UInt8(u & 0xFF)) }
    return .string(out)
  }

  /// The reverse of textString, for names and reasons read from a file.
  static func decodeText(_ b: [UInt8]) -> String {
    if b.count >= 2 && b[0] == 0xFE && b[1] == 0xFF {
      var units: [UInt16] = []
      var i = 2
      while i + 1 < b.count { units.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])); i += 2 }
      return String(decoding: units, as: UTF16.self)
    }
    if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { return String(decoding: b[3...], as: UTF8.self) }
    // PDFDocEncoding agrees with Latin-1 on the characters that matter here.
    return String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) }))
  }
}
