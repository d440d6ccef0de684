import BaocaoLimits

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

  /// Tells this element from every other of any parsed tree, for keeping facts about it aside.
  public struct Identity: Hashable, Sendable {
    let tree: ObjectIdentifier
    let index: Int
  }
  public var identity: Identity { Identity(tree: ObjectIdentifier(tree), index: index) }

  public var name: String { tree.names[Int(node.name)] }

  /// The attributes in document order.
  public var attributes: XMLAttributes { XMLAttributes(tree: tree, range: Int(node.attributeStart)..<Int(node.attributeEnd)) }

  public subscript(attribute: String) -> String? {
    let n = node
    // Names compared as bytes: most differ in length, and String's == finds that out late.
    var wanted = attribute
    let k = wanted.withUTF8 { w in
      (Int(n.attributeStart)..<Int(n.attributeEnd)).first { tree.isName(Int(tree.attributeNames[$0]), w) }
    }
    return k.map { tree.string(tree.attributeValues[$0]) }
  }

  public var children: XMLChildren { XMLChildren(tree: tree, range: Int(node.childStart)..<Int(node.childEnd)) }

  /// The child elements (the text between them left out).
  public var elements: XMLChildElements { XMLChildElements(tree: tree, range: Int(node.childStart)..<Int(node.childEnd)) }

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
    return ref >= 0 ? .element(XMLElement(tree: tree, index: Int(ref))) : .text(tree.string(tree.texts[Int(~ref)]))
  }
}

/// An element's attributes, read in place (an array of them cost an allocation, and a look-up of
/// the tuple's type, per element asked).
public struct XMLAttributes: RandomAccessCollection {
  let tree: XMLStorage
  let range: Range<Int>

  public var startIndex: Int { range.lowerBound }
  public var endIndex: Int { range.upperBound }

  public subscript(position: Int) -> (name: String, value: String) {
    (tree.names[Int(tree.attributeNames[position])], tree.string(tree.attributeValues[position]))
  }
}

/// An element's child elements, read in place.
public struct XMLChildElements: Collection {
  let tree: XMLStorage
  let range: Range<Int>

  /// Positions among the element's children; text children are stepped over.
  public var startIndex: Int { skippingText(from: range.lowerBound) }
  public var endIndex: Int { range.upperBound }
  public func index(after i: Int) -> Int { skippingText(from: i + 1) }

  public subscript(position: Int) -> XMLElement { XMLElement(tree: tree, index: Int(tree.childRefs[position])) }

  private func skippingText(from i: Int) -> Int {
    var k = i
    while k < range.upperBound, tree.childRefs[k] < 0 { k += 1 }
    return k
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
  /// The names' bytes one after the other, and where each starts (and the last ends).
  let nameBytes: [UInt8]
  let nameOffsets: [Int32]
  let nodes: [Node]
  let attributeNames: [Int32]
  /// Attribute values and texts are read from the part's bytes when asked for: most are never
  /// asked for, and making thousands of strings up front (and freeing them) cost more than the rest.
  let attributeValues: [Span]
  /// Each element's children, contiguous: an element's index, or the complement of a text's.
  let childRefs: [Int32]
  let texts: [Span]
  /// The part's bytes, and those of values and texts with entity or character references resolved.
  let source: [UInt8]
  let decoded: [UInt8]

  /// Where a value or text is: `start..<start + count` in `source`, or in `decoded` when `inDecoded`.
  struct Span {
    var start: UInt32
    var count: UInt32
    var inDecoded: Bool
  }

  func isName(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool { Self.name(index, of: nameBytes, nameOffsets, is: bytes) }

  /// Whether name `index` of `nameBytes` (each name starting at its offset, the next one's offset
  /// ending it) spells `wanted`, compared as bytes.
  static func name(_ index: Int, of nameBytes: [UInt8], _ nameOffsets: [Int32], is wanted: UnsafeBufferPointer<UInt8>) -> Bool {
    let from = Int(nameOffsets[index])
    guard Int(nameOffsets[index + 1]) - from == wanted.count else { return false }
    guard let w = wanted.baseAddress, !wanted.isEmpty else { return true }
    return nameBytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + from, w, wanted.count) == 0 }
  }

  func string(_ span: Span) -> String {
    (span.inDecoded ? decoded : source).withUnsafeBufferPointer {
      String(decoding: UnsafeBufferPointer(rebasing: $0[Int(span.start)..<Int(span.start + span.count)]), as: UTF8.self)
    }
  }

  init(
    names: [String], nameBytes: [UInt8], nameOffsets: [Int32], nodes: [Node], attributeNames: [Int32], attributeValues: [Span], childRefs: [Int32], texts: [Span],
    source: [UInt8], decoded: [UInt8]
  ) {
    self.names = names
    self.nodes = nodes
    self.attributeNames = attributeNames
    self.attributeValues = attributeValues
    self.childRefs = childRefs
    self.texts = texts
    self.nameBytes = nameBytes
    self.nameOffsets = nameOffsets
    self.source = source
    self.decoded = decoded
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
    try parse(bytes, 0..<bytes.count, closingOpenElements: false)
  }

  /// Parses `bytes[range]`; `closingOpenElements`: elements still open at its end are closed there
  /// (a part's head, cut where its body begins). Error offsets count from the start of `bytes`.
  public static func parse(_ bytes: [UInt8], _ range: Range<Int>, closingOpenElements: Bool) throws(XMLTreeError) -> XMLElement {
    let result = bytes.withUnsafeBufferPointer { buffer -> Result<XMLElement, XMLTreeError> in
      let parser = Parser(bytes: UnsafeBufferPointer(rebasing: buffer[range]), source: bytes, offset: range.lowerBound)
      do throws(XMLTreeError) { return .success(try parser.parseDocument(closingOpenElements: closingOpenElements)) } catch {
        return .failure(XMLTreeError(offset: error.offset + range.lowerBound, message: error.message))
      }
    }
    return try result.get()
  }

  /// Where an OpenDocument part's `office:body` element is, and what comes before it, so that the
  /// two can be parsed apart (on two cores): nil when the part is not laid out as expected, with
  /// nothing but the root's end tag (content.xml's, or a flat document's) after the body.
  public static func bodySplit(_ bytes: [UInt8]) -> (head: Range<Int>, body: Range<Int>)? {
    let open = Array("<office:body".utf8), close = Array("</office:body>".utf8)
    let rootEnds = [Array("</office:document-content>".utf8), Array("</office:document>".utf8)]
    return bytes.withUnsafeBufferPointer { b -> (head: Range<Int>, body: Range<Int>)? in
      guard let base = b.baseAddress, let start = firstIndex(of: open, in: b), start + open.count < b.count,
        b[start + open.count] == UInt8(ascii: ">") || Parser.isSpace(b[start + open.count])
      else { return nil }
      // The body's end tag is the last one; after it only the root's end tag, between white space.
      var end = b.count
      while end > start, Parser.isSpace(b[end - 1]) { end -= 1 }
      guard let rootEnd = rootEnds.first(where: { end - $0.count > start && memcmp(base + end - $0.count, $0, $0.count) == 0 }) else {
        return nil
      }
      end -= rootEnd.count
      while end > start, Parser.isSpace(b[end - 1]) { end -= 1 }
      guard end - close.count > start, memcmp(base + end - close.count, close, close.count) == 0 else { return nil }
      return (0..<start, start..<end)
    }
  }

  private static func firstIndex(of pattern: [UInt8], in b: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = b.baseAddress, let first = pattern.first else { return nil }
    var k = 0
    while k + pattern.count <= b.count, let hit = memchr(base + k, Int32(first), b.count - k) {
      k = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      if k + pattern.count <= b.count, memcmp(base + k, pattern, pattern.count) == 0 { return k }
      k += 1
    }
    return nil
  }
}

/// Reads the bytes in place (the caller keeps them alive for the parse).
private final class Parser {
  let bytes: UnsafeBufferPointer<UInt8>
  let n: Int
  var i = 0

  var names: [String] = []
  /// The names' bytes one after the other, and where each starts (and the last ends).
  var nameBytes: [UInt8] = []
  var nameOffsets: [Int32] = [0]
  /// Open-addressed table of name indices + 1 (0 = empty), hashed from the name's bytes.
  var nameSlots = [Int32](repeating: 0, count: 512)
  var nodes: [XMLStorage.Node] = []
  var attributeNames: [Int32] = []
  var attributeValues: [XMLStorage.Span] = []
  var childRefs: [Int32] = []
  var texts: [XMLStorage.Span] = []
  /// The whole part (spans are offsets in it) and where the parsed bytes begin in it.
  let source: [UInt8]
  let offset: Int
  var decoded: [UInt8] = []
  /// The children of the open elements, innermost last, until their element closes.
  var pending: [Int32] = []

  init(bytes: UnsafeBufferPointer<UInt8>, source: [UInt8], offset: Int) {
    self.bytes = bytes
    self.source = source
    self.offset = offset
    n = bytes.count
    nodes.reserveCapacity(n / 48)
    childRefs.reserveCapacity(n / 24)
    texts.reserveCapacity(n / 48)
    attributeNames.reserveCapacity(n / 40)
    attributeValues.reserveCapacity(n / 40)
  }

  func fail(_ message: String) -> XMLTreeError { XMLTreeError(offset: i, message: message) }

  func text(_ start: Int, _ end: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) }

  /// The index of the name in bytes[start..<end], added the first time it is seen.
  func intern(_ start: Int, _ end: Int) -> Int32 {
    let length = end - start
    let name = bytes.baseAddress! + start
    let h = Parser.hash(UnsafeBufferPointer(start: name, count: length))
    let mask = nameSlots.count - 1
    var slot = Int(h) & mask
    while true {
      let entry = nameSlots[slot]
      if entry == 0 { break }
      let index = Int(entry - 1)
      if XMLStorage.name(index, of: nameBytes, nameOffsets, is: UnsafeBufferPointer(start: name, count: length)) { return Int32(index) }
      slot = (slot + 1) & mask
    }
    names.append(text(start, end))
    nameBytes.append(contentsOf: UnsafeBufferPointer(start: name, count: length))
    nameOffsets.append(Int32(nameBytes.count))
    nameSlots[slot] = Int32(names.count)
    if names.count * 2 > nameSlots.count { rehash() }
    return Int32(names.count - 1)
  }

  /// True when bytes[start..<end] spell the interned name.
  func isName(_ index: Int32, at start: Int, _ end: Int) -> Bool {
    XMLStorage.name(Int(index), of: nameBytes, nameOffsets, is: UnsafeBufferPointer(rebasing: bytes[start..<end]))
  }

  /// From the length and the first and last eight bytes (names differ there: `text:p`,
  /// `table:style-name`), read as two words rather than byte by byte.
  static func hash(_ name: UnsafeBufferPointer<UInt8>) -> UInt32 {
    let count = name.count
    var h = UInt64(count) &* 0x9E37_79B9_7F4A_7C15
    if count >= 8 {
      let raw = UnsafeRawPointer(name.baseAddress!)
      h ^= raw.loadUnaligned(as: UInt64.self)
      h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
      h ^= raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    } else {
      for b in name { h = (h << 8) | UInt64(b) }
    }
    h = (h ^ (h >> 32)) &* 0x94D0_49BB_1331_11EB
    return UInt32(truncatingIfNeeded: h ^ (h >> 29))
  }

  func rehash() {
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

  func addText(_ text: XMLStorage.Span) {
    pending.append(~Int32(texts.count))
    texts.append(text)
  }

  func parseDocument(closingOpenElements: Bool) throws(XMLTreeError) -> XMLElement {
    // Open elements: their node and where their children start in `pending`.
    var stack: [(node: Int, childrenFrom: Int)] = []
    var root: Int?
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
            if !stack.isEmpty { addText(span(start, i - 3)) }
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
            throw fail("mismatched end tag </\(text(nameStart, nameEnd))>")
          }
          close(top, &root, isRoot: stack.isEmpty)
        default:
          let (element, selfClosing) = try parseStartTag()
          if !stack.isEmpty { pending.append(Int32(element)) }
          if selfClosing {
            if stack.isEmpty { root = element }
          } else {
            // Everything that walks the tree may recurse: the depth is bounded here, once.
            guard stack.count < Limits.xmlDepth else {
              throw fail("elements are nested more than \(Limits.xmlDepth) deep, more than any document needs")
            }
            stack.append((element, pending.count))
          }
        }
      } else {
        let start = i
        i = find(UInt8(ascii: "<"), from: i)
        if !stack.isEmpty { addText(decode(start, i)) }
      }
    }
    if closingOpenElements {
      while let top = stack.popLast() { close(top, &root, isRoot: stack.isEmpty) }
    }
    guard stack.isEmpty, let root else { throw fail("the document ends inside an element") }
    let tree = XMLStorage(
      names: names, nameBytes: nameBytes, nameOffsets: nameOffsets, nodes: nodes, attributeNames: attributeNames, attributeValues: attributeValues, childRefs: childRefs, texts: texts,
      source: source, decoded: decoded)
    return XMLElement(tree: tree, index: root)
  }

  /// Ends an open element: its children, gathered in `pending`, are stored together.
  func close(_ open: (node: Int, childrenFrom: Int), _ root: inout Int?, isRoot: Bool) {
    nodes[open.node].childStart = Int32(childRefs.count)
    childRefs += pending[open.childrenFrom...]
    nodes[open.node].childEnd = Int32(childRefs.count)
    pending.removeSubrange(open.childrenFrom...)
    if isRoot { root = open.node }
  }

  func starts(with s: StaticString) -> Bool {
    let count = s.utf8CodeUnitCount
    guard i + count <= n else { return false }
    return memcmp(bytes.baseAddress! + i, s.utf8Start, count) == 0
  }

  func skip(past s: StaticString) throws(XMLTreeError) {
    while i < n {
      if starts(with: s) { i += s.utf8CodeUnitCount; return }
      i += 1
    }
    throw fail("unterminated markup")
  }

  static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

  /// Reads a start tag into a new node; returns its index and whether the tag closes itself.
  /// (Scanned with a local pointer and index: the compiler keeps them in registers.)
  func parseStartTag() throws(XMLTreeError) -> (Int, Bool) {
    let b = bytes.baseAddress!
    let n = self.n
    var k = i + 1
    let nameStart = k
    while k < n, !Parser.isSpace(b[k]), b[k] != UInt8(ascii: ">"), b[k] != UInt8(ascii: "/") { k += 1 }
    let name = intern(nameStart, k)
    let attributeStart = Int32(attributeNames.count)
    func node() -> Int {
      nodes.append(XMLStorage.Node(name: name, attributeStart: attributeStart, attributeEnd: Int32(attributeNames.count), childStart: 0, childEnd: 0))
      return nodes.count - 1
    }
    while true {
      while k < n, Parser.isSpace(b[k]) { k += 1 }
      i = k
      guard k < n else { throw fail("unterminated start tag <\(names[Int(name)])") }
      if b[k] == UInt8(ascii: ">") {
        i = k + 1
        return (node(), false)
      }
      if b[k] == UInt8(ascii: "/") {
        guard k + 1 < n, b[k + 1] == UInt8(ascii: ">") else { throw fail("bad start tag <\(names[Int(name)])") }
        i = k + 2
        return (node(), true)
      }
      let aStart = k
      while k < n, b[k] != UInt8(ascii: "="), !Parser.isSpace(b[k]) { k += 1 }
      let aName = intern(aStart, k)
      while k < n, b[k] != UInt8(ascii: "\""), b[k] != UInt8(ascii: "'") { k += 1 }
      i = k
      guard k < n else { throw fail("attribute \(names[Int(aName)]) has no value") }
      let quote = b[k]
      let vStart = k + 1
      k = find(quote, from: vStart)
      i = k
      guard k < n else { throw fail("unterminated attribute \(names[Int(aName)])") }
      attributeNames.append(aName)
      attributeValues.append(decode(vStart, k))
      k += 1
    }
  }

  /// The index of the next `byte` from `start` on, or the end.
  func find(_ byte: UInt8, from start: Int) -> Int {
    guard start < n, let hit = memchr(bytes.baseAddress! + start, Int32(byte), n - start) else { return n }
    return bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
  }

  /// bytes[start..<end] as they are.
  func span(_ start: Int, _ end: Int) -> XMLStorage.Span {
    XMLStorage.Span(start: UInt32(offset + start), count: UInt32(end - start), inDecoded: false)
  }

  /// Text with entities and character references decoded (into `decoded` when there are any).
  func decode(_ start: Int, _ end: Int) -> XMLStorage.Span {
    guard start < end, memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: "&")), end - start) != nil else { return span(start, end) }
    let from = decoded.count
    var k = start
    while k < end {
      let b = bytes[k]
      guard b == UInt8(ascii: "&"), let semi = bytes[k..<end].firstIndex(of: UInt8(ascii: ";")) else {
        decoded.append(b)
        k += 1
        continue
      }
      let entity = text(k + 1, semi)
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
        decoded.append(contentsOf: String(Character(scalar)).utf8)
        k = semi + 1
      } else {
        decoded.append(b)
        k += 1
      }
    }
    return XMLStorage.Span(start: UInt32(from), count: UInt32(decoded.count - from), inDecoded: true)
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
