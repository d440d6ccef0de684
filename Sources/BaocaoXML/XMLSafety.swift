import CXMLCheck

/// Checks that an XML part is well-formed and free of DTDs and entity declarations.
///
/// libxml2 parses with no network access, no DTD loading and no entity substitution, so an external
/// entity (XXE) is never fetched and "billion laughs" never expands; a part that declares a DTD is refused.
public enum XMLSafety {
  public struct Problem: Error, Sendable {
    public var line: Int
    public var message: String
  }

  public static func check(_ bytes: [UInt8]) -> Problem? {
    if containsDoctype(bytes) {
      return Problem(line: 1, message: "the part declares a DTD (<!DOCTYPE>), which OpenDocument never needs; it is refused for safety (external entities)")
    }
    guard bytes.count < Int(Int32.max) else {
      return Problem(line: 0, message: "the part is larger than 2 GB, more than any document baocao reads")
    }
    guard !bytes.isEmpty else { return Problem(line: 1, message: "the part is empty; an XML part needs a root element") }
    var line: Int32 = 0
    var message = [CChar](repeating: 0, count: 512)
    let failed = bytes.withUnsafeBufferPointer { buf in
      buf.withMemoryRebound(to: CChar.self) { p in
        baocao_xml_check(p.baseAddress, Int32(p.count), &line, &message, Int32(message.count))
      }
    }
    guard failed != 0 else { return nil }
    var text = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while text.last == "\n" { text.removeLast() }
    return Problem(line: Int(line), message: "the XML is not well-formed: \(text)")
  }

  static func containsDoctype(_ bytes: [UInt8]) -> Bool {
    let needle = Array("<!DOCTYPE".utf8)
    // A DTD can only come before the root element; look at the prolog.
    let limit = min(bytes.count, 4096)
    guard limit >= needle.count else { return false }
    for i in 0...(limit - needle.count) where bytes[i] == needle[0] {
      if Array(bytes[i..<i + needle.count]) == needle { return true }
    }
    return false
  }
}
