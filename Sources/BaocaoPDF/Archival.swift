import BaocaoLayout
import Foundation

/// What a PDF/A-2b file (ISO 19005-2, level B; TCVN 14159-2:2024) adds to the native engine's PDF:
/// XMP metadata that repeats the document information, and an sRGB output intent with its ICC
/// profile. Everything else PDF/A asks (fonts embedded, no encryption, no scripts, appearance
/// streams on widgets, exact stream lengths, a file ID) the writer does for every PDF.
///
/// The metadata of an outgoing document (Decree 30, Appendix VI) come from the template's custom
/// properties (File ▸ Properties ▸ Custom Properties in LibreOffice; their values may hold tags):
/// each goes into the document information under its own name, and those with a Dublin Core
/// counterpart into the XMP too (issuing body → dc:publisher, document type → dc:type, number and
/// symbol → dc:identifier, issue date → dc:date, signer → dc:contributor). The excerpt is the
/// document's subject (dc:description), its title dc:title.
enum Archival {
  /// Appendix VI's properties by the names a template may give them (Vietnamese or English,
  /// compared without case), and the Dublin Core property each fills.
  static let dublinCore: [String: String] = [
    "cơ quan ban hành": "publisher", "issuing body": "publisher",
    "loại văn bản": "type", "document type": "type",
    "số, ký hiệu": "identifier", "số ký hiệu": "identifier", "number and symbol": "identifier",
    "ngày ban hành": "date", "issue date": "date",
    "người ký": "contributor", "signer": "contributor",
  ]

  static func xmp(_ info: DocumentInfo, producer: String, pages: Int) -> String {
    func esc(_ s: String) -> String {
      var out = ""
      for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default:
          // XML 1.0 has no place for most control characters.
          if c.value < 0x20 && c != "\t" && c != "\n" && c != "\r" { continue }
          out.unicodeScalars.append(c)
        }
      }
      return out
    }
    func alt(_ s: String) -> String { "<rdf:Alt><rdf:li xml:lang=\"x-default\">\(esc(s))</rdf:li></rdf:Alt>" }
    func bag(_ items: [String]) -> String { "<rdf:Bag>" + items.map { "<rdf:li>\(esc($0))</rdf:li>" }.joined() + "</rdf:Bag>" }
    func seq(_ items: [String]) -> String { "<rdf:Seq>" + items.map { "<rdf:li>\(esc($0))</rdf:li>" }.joined() + "</rdf:Seq>" }

    var dc = "<dc:format>application/pdf</dc:format>"
    if let t = info.title { dc += "<dc:title>\(alt(t))</dc:title>" }
    if let a = info.author { dc += "<dc:creator>\(seq([a]))</dc:creator>" }
    if let s = info.subject { dc += "<dc:description>\(alt(s))</dc:description>" }
    if let l = info.language { dc += "<dc:language>\(bag([l]))</dc:language>" }
    var seen: Set<String> = []
    for p in info.properties {
      guard let key = dublinCore[p.name.lowercased()], seen.insert(key).inserted else { continue }
      switch key {
      case "identifier": dc += "<dc:identifier>\(esc(p.value))</dc:identifier>"
      case "date":
        guard let d = isoDate(p.value) else { continue }  // XMP wants a date; the text stays in the information
        dc += "<dc:date>\(seq([d]))</dc:date>"
      default: dc += "<dc:\(key)>\(bag([p.value]))</dc:\(key)>"
      }
    }
    var xmpBasic = ""
    if let c = info.created.flatMap(dates) { xmpBasic += "<xmp:CreateDate>\(c.xmp)</xmp:CreateDate>" }
    if let m = info.modified.flatMap(dates) { xmpBasic += "<xmp:ModifyDate>\(m.xmp)</xmp:ModifyDate>" }
    var pdf = "<pdf:Producer>\(esc(producer))</pdf:Producer>"
    if let k = info.keywords { pdf += "<pdf:Keywords>\(esc(k))</pdf:Keywords>" }
    let description = "<rdf:Description rdf:about=\"\""
    return """
      <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
      <x:xmpmeta xmlns:x="adobe:ns:meta/">
      <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      \(description) xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
      \(description) xmlns:dc="http://purl.org/dc/elements/1.1/">\(dc)</rdf:Description>
      \(description) xmlns:pdf="http://ns.adobe.com/pdf/1.3/">\(pdf)</rdf:Description>
      \(description) xmlns:xmp="http://ns.adobe.com/xap/1.0/">\(xmpBasic)</rdf:Description>
      \(description) xmlns:xmpTPg="http://ns.adobe.com/xap/1.0/t/pg/"><xmpTPg:NPages>\(pages)</xmpTPg:NPages></rdf:Description>
      </rdf:RDF>
      </x:xmpmeta>
      <?xpacket end="w"?>
      """
  }

  /// An ODF date-time (2025-09-23T10:11:12.345) as a PDF date and an XMP date, to the second.
  static func dates(_ iso: String) -> (pdf: String, xmp: String)? {
    let digits = iso.unicodeScalars.map { $0 }
    func number(_ from: Int, _ count: Int) -> String? {
      guard from + count <= digits.count else { return nil }
      let s = String(String.UnicodeScalarView(digits[from..<(from + count)]))
      return s.allSatisfy(\.isASCII) && s.allSatisfy(\.isNumber) ? s : nil
    }
    guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2) else { return nil }
    guard let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2) else {
      return ("D:\(y)\(mo)\(d)", "\(y)-\(mo)-\(d)")
    }
    return ("D:\(y)\(mo)\(d)\(h)\(mi)\(s)", "\(y)-\(mo)-\(d)T\(h):\(mi):\(s)")
  }

  /// A date typed as 2025-09-23 or 23/09/2025 (Vietnamese order), as an XMP date.
  static func isoDate(_ text: String) -> String? {
    let t = text.trimmingCharacters(in: .whitespaces)
    if let d = dates(t) { return d.xmp }
    let parts = t.split(separator: "/")
    guard parts.count == 3, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
      (1...31).contains(day), (1...12).contains(month), (1000...9999).contains(year)
    else { return nil }
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(year)-\(two(month))-\(two(day))"
  }
}
