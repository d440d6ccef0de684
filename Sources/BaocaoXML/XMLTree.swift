/// A small read-only XML tree for the parts the layout engine reads (content.xml, styles.xml, meta.xml).
///
/// Parts reach it either from our own merge or after `XMLSafety.check`, so it assumes well-formed XML
/// without a DTD; it decodes the predefined entities and character references and keeps qualified names
/// as written (`text:p`): OpenDocument producers use the standard prefixes.
public final class XMLElement: @unchecked Sendable {
  public enum Child {
    case element(XMLElement)
    case text(String)
  }

  public let name: String
  public let attributes: [(name: String, value: String)]
  public internal(set) var children: [Child] = []

  init(name: String, attributes: [(name: String, value: String)]) {
    self.name = name
    self.attributes = attributes
  }

  public subscript(attribute: String) -> String? {
    for a in attributes where a.name == attribute { return a.value }
    return nil
  }

  public var elements: [XMLElement] {
    children.compactMap { if case .element(let e) = $0 { return e } else { return nil } }
  }

  public func first(_ name: String) -> XMLElement? {
    for case .element(let e) in children where e.name == name { return e }
    return nil
  }

  public func all(_ name: String) -> [XMLElement] { elements.filter { $0.name == name } }

  /// The first element with this name at any depth, in document order.
  public func descendant(_ name: String) -> XMLElement? {
    for case .element(let e) in children {
      if e.name == name { return e }
      if let d = e.descendant(name) { return d }
    }
    return nil
  }

  /// All the text inside, in document order.
  public var textContent: String {
    var s = ""
    for c in children {
      switch c {
      case .text(let t): s += t
      case .element(let e): s += e.textContent
      }
    }
    return s
  }
}

public struct XMLTreeError: Error, Sendable, CustomStringConvertible {
  public var offset: Int
  public var message: String
  public var description: String { "at byte \(offset): \(message)" }
}

public enum XMLTree {
  /// Parses a whole part into its root element.
  public static func parse(_ bytes: [UInt8]) throws(XMLTreeError) -> XMLElement {
    var parser = Parser(bytes: bytes)
    return try parser.parseDocument()
  }
}

private struct Parser {
  let bytes: [UInt8]
  var i = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  mutating func fail(_ message: String) -> XMLTreeError { XMLTreeError(offset: i, message: message) }

  mutating func parseDocument() throws(XMLTreeError) -> XMLElement {
    var stack: [XMLElement] = []
    var root: XMLElement?
    let n = bytes.count
    while i < n {
      if bytes[i] == UInt8(ascii: "<") {
        guard i + 1 < n else { throw fail("unexpected end") }
        switch bytes[i + 1] {
        case UInt8(ascii: "?"):
          try skip(past: "?>")
        case UInt8(ascii: "!"):
          if starts(with: "<!--") { try skip(past: "-->") }
          else if starts(with: "<![CDATA[") {
            let start = i + 9
            try skip(past: "]]>")
            if let top = stack.last {
              top.children.append(.text(String(decoding: bytes[start..<(i - 3)], as: UTF8.self)))
            }
          } else { throw fail("a DTD or declaration is not allowed here") }
        case UInt8(ascii: "/"):
          i += 2
          let nameStart = i
          while i < n, bytes[i] != UInt8(ascii: ">") { i += 1 }
          var nameEnd = i
          while nameEnd > nameStart, Parser.isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
          i += 1
          // Compared as bytes: building a string for every end tag costs more than the rest of it.
          guard let top = stack.popLast(), top.name.utf8.elementsEqual(bytes[nameStart..<nameEnd]) else {
            throw fail("mismatched end tag </\(String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self))>")
          }
          if stack.isEmpty { root = top }
        default:
          let (element, selfClosing) = try parseStartTag()
          if let top = stack.last { top.children.append(.element(element)) }
          if selfClosing {
            if stack.isEmpty { root = element }
          } else {
            stack.append(element)
          }
        }
      } else {
        let start = i
        while i < n, bytes[i] != UInt8(ascii: "<") { i += 1 }
        if let top = stack.last {
          top.children.append(.text(decode(start, i)))
        }
      }
    }
    guard stack.isEmpty, let root else { throw fail("the document ends inside an element") }
    return root
  }

  func starts(with s: StaticString) -> Bool {
    let count = s.utf8CodeUnitCount
    guard i + count <= bytes.count else { return false }
    let p = s.utf8Start
    for k in 0..<count where bytes[i + k] != p[k] { return false }
    return true
  }

  mutating func skip(past s: StaticString) throws(XMLTreeError) {
    while i < bytes.count {
      if starts(with: s) { i += s.utf8CodeUnitCount; return }
      i += 1
    }
    throw fail("unterminated markup")
  }

  static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

  mutating func parseStartTag() throws(XMLTreeError) -> (XMLElement, Bool) {
    i += 1
    let nameStart = i
    let n = bytes.count
    while i < n, !Parser.isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
    let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
    var attributes: [(name: String, value: String)] = []
    while true {
      while i < n, Parser.isSpace(bytes[i]) { i += 1 }
      guard i < n else { throw fail("unterminated start tag <\(name)") }
      if bytes[i] == UInt8(ascii: ">") { i += 1; return (XMLElement(name: name, attributes: attributes), false) }
      if bytes[i] == UInt8(ascii: "/") {
        guard i + 1 < n, bytes[i + 1] == UInt8(ascii: ">") else { throw fail("bad start tag <\(name)") }
        i += 2
        return (XMLElement(name: name, attributes: attributes), true)
      }
      let aStart = i
      while i < n, bytes[i] != UInt8(ascii: "="), !Parser.isSpace(bytes[i]) { i += 1 }
      let aName = String(decoding: bytes[aStart..<i], as: UTF8.self)
      while i < n, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "'") { i += 1 }
      guard i < n else { throw fail("attribute \(aName) has no value") }
      let quote = bytes[i]
      i += 1
      let vStart = i
      while i < n, bytes[i] != quote { i += 1 }
      guard i < n else { throw fail("unterminated attribute \(aName)") }
      if attributes.isEmpty { attributes.reserveCapacity(4) }  // one allocation for most elements
      attributes.append((aName, decode(vStart, i)))
      i += 1
    }
  }

  /// Text with entities and character references decoded.
  func decode(_ start: Int, _ end: Int) -> String {
    var hasAmp = false
    for k in start..<end where bytes[k] == UInt8(ascii: "&") { hasAmp = true; break }
    if !hasAmp { return String(decoding: bytes[start..<end], as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(end - start)
    var k = start
    while k < end {
      let b = bytes[k]
      guard b == UInt8(ascii: "&"), let semi = bytes[k..<end].firstIndex(of: UInt8(ascii: ";")) else {
        out.append(b)
        k += 1
        continue
      }
      let entity = String(decoding: bytes[(k + 1)..<semi], as: UTF8.self)
      var scalar: Unicode.Scalar?
      switch entity {
      case "lt": scalar = "<"
      case "gt": scalar = ">"
      case "amp": scalar = "&"
      case "quot": scalar = "\""
      case "apos": scalar = "'"
      default:
        if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
          scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        } else if entity.hasPrefix("#") {
          scalar = UInt32(entity.dropFirst(1)).flatMap(Unicode.Scalar.init)
        }
      }
      if let scalar {
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
        k = semi + 1
      } else {
        out.append(b)
        k += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s.removeLast() }
    return String(s)
  }
}
