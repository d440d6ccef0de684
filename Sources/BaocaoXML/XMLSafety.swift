// This file calls libxml2, so it must not import Foundation (see engineering notes: Debian's libxml2
// is built with ICU, and the two modules' UErrorCode types clash).
internal import CLibXML2

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
    let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_HUGE.rawValue)
    guard let ctxt = xmlNewParserCtxt() else { return Problem(line: 0, message: "cannot create an XML parser") }
    defer { xmlFreeParserCtxt(ctxt) }
    let doc = bytes.withUnsafeBufferPointer { buf in
      buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
        xmlCtxtReadMemory(ctxt, p, Int32(buf.count), nil, "UTF-8", options)
      }
    }
    if let doc {
      xmlFreeDoc(doc)
      return nil
    }
    if let err = xmlCtxtGetLastError(ctxt) {
      let msg = err.pointee.message.map { String(cString: $0) } ?? "malformed XML"
      var trimmed = msg
      while trimmed.last == "\n" { trimmed.removeLast() }
      return Problem(line: Int(err.pointee.line), message: "the XML is not well-formed: \(trimmed)")
    }
    return Problem(line: 0, message: "the XML is not well-formed")
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
