/// A small read-only XML tree for the parts the layout engine reads (content.xml, styles.xml, meta.xml).
///
/// Parts reach it either from our own merge or after `XMLSafety.check`, so it assumes well-formed XML
/// without a DTD; it decodes the predefined entities and character references and keeps qualified names
/// as written (`text:p`): OpenDocument producers use the standard prefixes.
///
/// The whole tree lives in a few flat arrays (an element is an index into them): a document's
/// thousands of elements then cost no allocation each to build and nothing to walk when freed, and
/// element and attribute names are stored once per document.
public struct XMLElement: @unchecked Sendable {
  public enum Child {
    case element(XMLElement)
    case text(String)
  }

  let tree: XMLStorage
  let index: Int

  private var node: XMLStorage.Node { tree.nodes[index] }

  public var name: String { tree.names[Int(node.name)] }

  /// The attributes in document order.
  public var attributes: [(name: String, value: String)] {
    let n = node
    return (Int(n.attributeStart)..<Int(n.attributeEnd)).map { (tree.names[Int(tree.attributeNames[$0])], tree.attributeValues[$0]) }
  }

  public subscript(attribute: String) -> String? {
    let n = node
    for k in Int(n.attributeStart)..<Int(n.attributeEnd) where tree.names[Int(tree.attributeNames[k])] == attribute {
      return tree.attributeValues[k]
    }
    return nil
  }

  public var children: XMLChildren { XMLChildren(tree: tree, range: Int(node.childStart)..<Int(node.childEnd)) }

  public var elements: [XMLElement] {
    var out: [XMLElement] = []
    for ref in tree.childRefs[Int(node.childStart)..<Int(node.childEnd)] where ref >= 0 {
      out.append(XMLElement(tree: tree, index: Int(ref)))
    }
    return out
  }

  public func first(_ name: String) -> XMLElement? {
    for ref in tree.childRefs[Int(node.childStart)..<Int(node.childEnd)] where ref >= 0 {
      if tree.names[Int(tree.nodes[Int(ref)].name)] == name { return XMLElement(tree: tree, index: Int(ref)) }
    }
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

/// An element's children in document order.
public struct XMLChildren: RandomAccessCollection {
  let tree: XMLStorage
  let range: Range<Int>

  public var startIndex: Int { range.lowerBound }
  public var endIndex: Int { range.upperBound }

  public subscript(position: Int) -> XMLElement.Child {
    let ref = tree.childRefs[position]
    return ref >= 0 ? .element(XMLElement(tree: tree, index: Int(ref))) : .text(tree.texts[Int(~ref)])
  }
}

/// The arrays behind a parsed tree; never changed after parsing.
final class XMLStorage: @unchecked Sendable {
  struct Node {
    var name: Int32
    var attributeStart: Int32
    var attributeEnd: Int32
    var childStart: Int32
    var childEnd: Int32
  }

  /// Element and attribute names, each once.
  let names: [String]
  let nodes: [Node]
  let attributeNames: [Int32]
  let attributeValues: [String]
  /// Each element's children, contiguous: an element's index, or the complement of a text's.
  let childRefs: [Int32]
  let texts: [String]

  init(names: [String], nodes: [Node], attributeNames: [Int32], attributeValues: [String], childRefs: [Int32], texts: [String]) {
    self.names = names
    self.nodes = nodes
    self.attributeNames = attributeNames
    self.attributeValues = attributeValues
    self.childRefs = childRefs
    self.texts = texts
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

  var names: [String] = []
  /// The names' bytes one after the other, and where each starts (and the last ends).
  var nameBytes: [UInt8] = []
  var nameOffsets: [Int32] = [0]
  /// Open-addressed table of name indices + 1 (0 = empty), hashed from the name's bytes.
  var nameSlots = [Int32](repeating: 0, count: 512)
  var nodes: [XMLStorage.Node] = []
  var attributeNames: [Int32] = []
  var attributeValues: [String] = []
  var childRefs: [Int32] = []
  var texts: [String] = []
  /// The children of the open elements, innermost last, until their element closes.
  var pending: [Int32] = []

  init(bytes: [UInt8]) {
    self.bytes = bytes
    nodes.reserveCapacity(bytes.count / 48)
    childRefs.reserveCapacity(bytes.count / 24)
    texts.reserveCapacity(bytes.count / 48)
    attributeNames.reserveCapacity(bytes.count / 40)
    attributeValues.reserveCapacity(bytes.count / 40)
  }

  mutating func fail(_ message: String) -> XMLTreeError { XMLTreeError(offset: i, message: message) }

  /// The index of the name in bytes[start..<end], added the first time it is seen.
  mutating func intern(_ start: Int, _ end: Int) -> Int32 {
    let length = end - start
    let source = bytes
    return source.withUnsafeBufferPointer { buffer -> Int32 in
      let name = buffer.baseAddress! + start
      let h = Parser.hash(UnsafeBufferPointer(start: name, count: length))
      let mask = nameSlots.count - 1
      var slot = Int(h) & mask
      while nameSlots[slot] != 0 {
        let index = Int(nameSlots[slot] - 1)
        let from = Int(nameOffsets[index])
        if Int(nameOffsets[index + 1]) - from == length {
          let same = nameBytes.withUnsafeBufferPointer { known in
            for k in 0..<length where known[from + k] != name[k] { return false }
            return true
          }
          if same { return Int32(index) }
        }
        slot = (slot + 1) & mask
      }
      names.append(String(decoding: UnsafeBufferPointer(start: name, count: length), as: UTF8.self))
      nameBytes.append(contentsOf: UnsafeBufferPointer(start: name, count: length))
      nameOffsets.append(Int32(nameBytes.count))
      nameSlots[slot] = Int32(names.count)
      if names.count * 2 > nameSlots.count { rehash() }
      return Int32(names.count - 1)
    }
  }

  /// True when bytes[start..<end] spell the interned name.
  func isName(_ index: Int32, at start: Int, _ end: Int) -> Bool {
    let from = Int(nameOffsets[Int(index)])
    guard Int(nameOffsets[Int(index) + 1]) - from == end - start else { return false }
    for k in 0..<(end - start) where nameBytes[from + k] != bytes[start + k] { return false }
    return true
  }

  static func hash(_ name: UnsafeBufferPointer<UInt8>) -> UInt32 {
    var h: UInt32 = 2_166_136_261
    for b in name { h = (h ^ UInt32(b)) &* 16_777_619 }
    return h
  }

  mutating func rehash() {
    nameSlots = [Int32](repeating: 0, count: nameSlots.count * 2)
    let mask = nameSlots.count - 1
    for index in names.indices {
      let h = nameBytes.withUnsafeBufferPointer { all in
        Parser.hash(UnsafeBufferPointer(rebasing: all[Int(nameOffsets[index])..<Int(nameOffsets[index + 1])]))
      }
      var slot = Int(h) & mask
      while nameSlots[slot] != 0 { slot = (slot + 1) & mask }
      nameSlots[slot] = Int32(index + 1)
    }
  }

  mutating func addText(_ text: String) {
    pending.append(~Int32(texts.count))
    texts.append(text)
  }

  mutating func parseDocument() throws(XMLTreeError) -> XMLElement {
    // Open elements: their node and where their children start in `pending`.
    var stack: [(node: Int, childrenFrom: Int)] = []
    var root: Int?
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
            if !stack.isEmpty { addText(String(decoding: bytes[start..<(i - 3)], as: UTF8.self)) }
          } else { throw fail("a DTD or declaration is not allowed here") }
        case UInt8(ascii: "/"):
          i += 2
          let nameStart = i
          while i < n, bytes[i] != UInt8(ascii: ">") { i += 1 }
          var nameEnd = i
          while nameEnd > nameStart, Parser.isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
          i += 1
          // Compared as bytes: building a string for every end tag costs more than the rest of it.
          guard let top = stack.popLast(), isName(nodes[top.node].name, at: nameStart, nameEnd) else {
            throw fail("mismatched end tag </\(String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self))>")
          }
          nodes[top.node].childStart = Int32(childRefs.count)
          childRefs += pending[top.childrenFrom...]
          nodes[top.node].childEnd = Int32(childRefs.count)
          pending.removeSubrange(top.childrenFrom...)
          if stack.isEmpty { root = top.node }
        default:
          let (element, selfClosing) = try parseStartTag()
          if !stack.isEmpty { pending.append(Int32(element)) }
          if selfClosing {
            if stack.isEmpty { root = element }
          } else {
            stack.append((element, pending.count))
          }
        }
      } else {
        let start = i
        while i < n, bytes[i] != UInt8(ascii: "<") { i += 1 }
        if !stack.isEmpty { addText(decode(start, i)) }
      }
    }
    guard stack.isEmpty, let root else { throw fail("the document ends inside an element") }
    let tree = XMLStorage(
      names: names, nodes: nodes, attributeNames: attributeNames, attributeValues: attributeValues, childRefs: childRefs, texts: texts)
    return XMLElement(tree: tree, index: root)
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

  /// Reads a start tag into a new node; returns its index and whether the tag closes itself.
  mutating func parseStartTag() throws(XMLTreeError) -> (Int, Bool) {
    i += 1
    let nameStart = i
    let n = bytes.count
    while i < n, !Parser.isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
    let name = intern(nameStart, i)
    let attributeStart = Int32(attributeNames.count)
    func node() -> Int {
      nodes.append(XMLStorage.Node(name: name, attributeStart: attributeStart, attributeEnd: Int32(attributeNames.count), childStart: 0, childEnd: 0))
      return nodes.count - 1
    }
    while true {
      while i < n, Parser.isSpace(bytes[i]) { i += 1 }
      guard i < n else { throw fail("unterminated start tag <\(names[Int(name)])") }
      if bytes[i] == UInt8(ascii: ">") { i += 1; return (node(), false) }
      if bytes[i] == UInt8(ascii: "/") {
        guard i + 1 < n, bytes[i + 1] == UInt8(ascii: ">") else { throw fail("bad start tag <\(names[Int(name)])") }
        i += 2
        return (node(), true)
      }
      let aStart = i
      while i < n, bytes[i] != UInt8(ascii: "="), !Parser.isSpace(bytes[i]) { i += 1 }
      let aName = intern(aStart, i)
      while i < n, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "'") { i += 1 }
      guard i < n else { throw fail("attribute \(names[Int(aName)]) has no value") }
      let quote = bytes[i]
      i += 1
      let vStart = i
      while i < n, bytes[i] != quote { i += 1 }
      guard i < n else { throw fail("unterminated attribute \(names[Int(aName)])") }
      attributeNames.append(aName)
      attributeValues.append(decode(vStart, i))
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
