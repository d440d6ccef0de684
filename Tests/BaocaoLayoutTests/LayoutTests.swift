import BaocaoFonts
import BaocaoPDF
import BaocaoXML
import Foundation
import Testing

@testable import BaocaoLayout

@Suite struct LayoutTests {
  static let catalog = FontCatalog()

  @Test func lineHeightFollowsLibreOfficesRule() throws {
    let serif = try #require(Self.catalog.font(family: "Times New Roman", bold: false, italic: false))
    #expect(serif.family == "Liberation Serif")
    #expect(LineMetrics(font: serif, size: 240).height == 276)  // 12 pt → 13.8 pt, as measured in LibreOffice
    #expect(LineMetrics(font: serif, size: 280).height == 322)  // 14 pt
    #expect(LineMetrics(font: serif, size: 280).ascent == 262)
    let bold = try #require(Self.catalog.font(family: "Arial", bold: true, italic: false))
    #expect(bold.family == "Liberation Sans" && bold.bold)
    #expect(Self.catalog.font(family: "No Such Font", bold: false, italic: false) == nil)
  }

  @Test func xmlTreeDecodesEntitiesAndKeepsOrder() throws {
    let root = try XMLTree.parse(Array("<a x=\"1 &amp; 2\"><b>T&#7871;t &lt;</b><!-- c --><c/>tail</a>".utf8))
    #expect(root["x"] == "1 & 2")
    #expect(root.first("b")?.textContent == "Tết <")
    #expect(root.elements.map(\.name) == ["b", "c"])
    #expect(throws: XMLTreeError.self) { try XMLTree.parse(Array("<a><b></a>".utf8)) }
  }

  static func document(_ body: String, styles: String = "") -> DocumentParts {
    let xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <office:meta><dc:title>Thử nghiệm</dc:title></office:meta>
      <office:styles><style:default-style style:family="paragraph"><style:paragraph-properties fo:orphans="2" fo:widows="2"/><style:text-properties style:font-name="Times New Roman" fo:font-size="12pt"/></style:default-style>\(styles)</office:styles>
      <office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="2cm"/></style:page-layout></office:automatic-styles>
      <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
      <office:body><office:text>\(body)</office:text></office:body></office:document>
      """
    let bytes = Array(xml.utf8)
    return DocumentParts(content: bytes, styles: bytes, meta: bytes, settings: nil)
  }

  @Test func paragraphsFlowOntoNewPagesKeepingWidowsAndOrphans() throws {
    // 100 lines of 13.8 pt (276 twips) on A4 with 2 cm margins: 14570 twips hold 52 of them.
    let para = "<text:p>" + (1...100).map { "Dòng \($0)" }.joined(separator: "<text:line-break/>") + "</text:p>"
    let laid = try DocumentLayout.layout(Self.document(para), fonts: Self.catalog)
    #expect(laid.pages.count == 2)
    let runs = laid.pages.map { $0.items.filter { if case .glyphs = $0 { true } else { false } }.count }
    #expect(runs == [52, 48])
    #expect(laid.info.title == "Thử nghiệm")
  }

  @Test func justifiedLinesFillTheMeasureExceptTheLast() throws {
    let style = "<style:style style:name=\"J\" style:family=\"paragraph\"><style:paragraph-properties fo:text-align=\"justify\"/></style:style>"
    let text = String(repeating: "Ủy ban nhân dân tỉnh báo cáo kết quả thực hiện nhiệm vụ. ", count: 6)
    let laid = try DocumentLayout.layout(Self.document("<text:p text:style-name=\"J\">\(text)</text:p>", styles: style), fonts: Self.catalog)
    // Where each line's ink ends: trailing spaces are drawn but hang past the margin.
    let ends: [Double] = laid.pages[0].items.compactMap {
      guard case .glyphs(let run) = $0 else { return nil }
      var n = run.glyphs.count
      while n > 0, run.text(of: n - 1) == " " { n -= 1 }
      return run.x + run.advances.prefix(n).reduce(0, +)
    }
    #expect(ends.count >= 3)
    let measure = Double(11906 - 1701 - 1134)  // page width minus 3 cm and 2 cm
    for end in ends.dropLast() { #expect(abs(end - 1701 - measure) < 0.5) }
    #expect(ends.last! - 1701 < measure - 100)
  }

  @Test func unsupportedFeaturesAreNamed() throws {
    #expect(throws: LayoutError.unsupported("footnotes and endnotes")) {
      try DocumentLayout.layout(Self.document("<text:p>a<text:note><text:note-body/></text:note></text:p>"), fonts: Self.catalog)
    }
    let font = "<style:style style:name=\"F\" style:family=\"paragraph\"><style:text-properties fo:font-family=\"Missing Sans\"/></style:style>"
    #expect(throws: LayoutError.missingFont("Missing Sans")) {
      try DocumentLayout.layout(Self.document("<text:p text:style-name=\"F\">a</text:p>", styles: font), fonts: Self.catalog)
    }
  }

  @Test func pdfIsDeterministicAndSearchable() throws {
    let laid = try DocumentLayout.layout(Self.document("<text:p>Cà Mau – Đề án 06</text:p>"), fonts: Self.catalog)
    let a = try PDFWriter.write(laid)
    let b = try PDFWriter.write(laid)
    #expect(a == b)
    let text = String(decoding: a, as: UTF8.self)
    #expect(text.hasPrefix("%PDF-1.7"))
    #expect(text.contains("/Subtype /Type0") && text.contains("/CIDFontType2") && text.contains("/ToUnicode"))
    #expect(text.contains("/Title <FEFF"))
  }
}
