import BaocaoFonts
import Foundation
import Testing

@testable import BaocaoLayout

/// Damage LibreOffice tolerates is laid out as LibreOffice lays it out, with a warning, instead
/// of refusing the document.
@Suite struct ToleranceTests {
  @Test func missingPictureLeavesItsFrameEmpty() throws {
    let frame = "<text:p>a<draw:frame text:anchor-type=\"as-char\" svg:width=\"2cm\" svg:height=\"1cm\"><draw:image xlink:href=\"Pictures/gone.png\"/></draw:frame>b</text:p>"
    let doc = LayoutTests.document(frame).content
    let xml = String(decoding: doc, as: UTF8.self).replacingOccurrences(
      of: "xmlns:dc=", with: "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:dc=")
    let bytes = Array(xml.utf8)
    let laid = try DocumentLayout.layout(DocumentParts(content: bytes, styles: bytes, meta: bytes, settings: nil), fonts: LayoutTests.catalog)
    #expect(laid.warnings == ["the picture 'Pictures/gone.png' is missing from the package; its place is left empty, as in LibreOffice"])
    // The frame keeps its width (2 cm, 1134 twips) between the two letters, and nothing is drawn in it.
    let glyphs = laid.pages[0].items.flatMap { item -> [Double] in
      guard case .glyphs(let r) = item else { return [] }
      var x = r.x
      return r.glyphs.map { g in defer { x += g.advance }; return x }
    }
    #expect(glyphs.count == 2 && glyphs[1] - glyphs[0] > 1134, "\(glyphs)")
    #expect(laid.pages[0].items.contains { if case .image = $0 { true } else { false } })
  }

  @Test func undefinedMasterPageFallsBackToTheDefault() throws {
    let style = "<style:style style:name=\"P\" style:family=\"paragraph\" style:master-page-name=\"Nowhere\"/>"
    let laid = try DocumentLayout.layout(LayoutTests.document("<text:p>a</text:p><text:p text:style-name=\"P\">b</text:p>", styles: style), fonts: LayoutTests.catalog)
    #expect(laid.pages.count == 2)
    #expect(laid.warnings == ["the master page 'Nowhere' is not defined; the default page style is used, as in LibreOffice"])
  }
}

/// Fields LibreOffice prints as their stored text.
@Suite struct StoredFieldTests {
  @Test func inputAndDropDownFieldsShowTheirText() throws {
    let body = "<text:p>A <text:variable-input text:name=\"v\">vào</text:variable-input> <text:drop-down text:name=\"d\">"
      + "<text:label text:value=\"một\"/><text:label text:value=\"hai\" text:current-selected=\"true\"/>hai</text:drop-down>"
      + " <text:user-field-input text:name=\"u\">ba</text:user-field-input></text:p>"
    let laid = try DocumentLayout.layout(LayoutTests.document(body), fonts: LayoutTests.catalog)
    let text = laid.pages[0].items.compactMap { item -> String? in
      guard case .glyphs(let run) = item else { return nil }
      return run.glyphs.indices.map { run.text(of: $0) }.joined()
    }.joined()
    #expect(text == "A vào hai ba", "\(text)")
  }
}
