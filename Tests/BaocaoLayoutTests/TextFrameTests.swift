import BaocaoFonts
import Testing

@testable import BaocaoLayout

/// Text frames as LibreOffice paints them (measured on its PDFs).
@Suite struct TextFrameTests {
  static let frame = """
    <style:style style:name="fa" style:family="graphic" style:parent-style-name="Missing"><style:graphic-properties style:horizontal-pos="from-left" style:horizontal-rel="paragraph" style:vertical-pos="from-top" style:vertical-rel="paragraph" style:wrap="run-through"/></style:style>
    """

  static func body(_ words: Int) -> String {
    "<text:p>Mở đầu <draw:frame draw:style-name=\"fa\" svg:width=\"5cm\" svg:height=\"1.5cm\" svg:x=\"1cm\" svg:y=\"0.2cm\" text:anchor-type=\"paragraph\"><draw:text-box><text:p>Khung</text:p></draw:text-box></draw:frame>"
      + String(repeating: "chữ ", count: words) + "</text:p>"
  }

  @Test func aFrameWithoutBackgroundIsOpaqueAndPaintedOverTheTextOfItsPage() throws {
    let laid = try DocumentLayout.layout(LayoutTests.document(Self.body(80), styles: Self.frame), fonts: LayoutTests.catalog)
    let items = laid.pages[0].items
    // The frame's fill: the page's colour (white here), over the paragraph's later lines.
    let fill = try #require(items.lastIndex { if case .rect(_, _, _, _, let c) = $0 { c == RGB(r: 1, g: 1, b: 1) } else { false } })
    let lastBodyText = try #require(items.lastIndex { if case .glyphs(let r) = $0 { r.text(of: 0) == "c" } else { false } })
    #expect(lastBodyText < fill, "the frame is painted after the page's text")
    if case .rect(let x, let y, let w, let h, _) = items[fill] {
      // 5 cm × 1.5 cm, 1 cm right of the text's left edge (3 cm margin), 0.2 cm down.
      #expect(abs(w - 2835) < 2 && abs(h - 850) < 2 && abs(x - (1701 + 567)) < 2 && abs(y - (1134 + 113)) < 3, "\(x) \(y) \(w) \(h)")
    }
    // With a page background, the frame takes the page's colour.
    let coloured = LayoutTests.defaultPageLayout.replacingOccurrences(of: "/>", with: " fo:background-color=\"#ffff99\"/>")
    let onColour = try DocumentLayout.layout(LayoutTests.document(Self.body(5), styles: Self.frame, pageLayout: coloured), fonts: LayoutTests.catalog)
    let fills = onColour.pages[0].items.compactMap { if case .rect(_, _, _, _, let c) = $0 { c } else { nil } }
    #expect(fills.count == 2 && fills.allSatisfy { $0 == RGB(r: 1, g: 1, b: 0.6) }, "\(fills)")
  }

  @Test func aFrameInTheLinePlacedFromTheTopHangsThatFarBelowTheBaseline() throws {
    // Word's forms: a frame in the line placed "from-top" 2 cm stands 2 cm below the baseline, and
    // the next line starts below it (LibreOffice pushed a form's text out of its fixed row so).
    func baselines(_ graphic: String) throws -> [Double] {
      let style = "<style:style style:name=\"fb\" style:family=\"graphic\"><style:graphic-properties \(graphic) style:wrap=\"run-through\"/></style:style>"
      let body = "<text:p><draw:frame draw:style-name=\"fb\" svg:width=\"3cm\" svg:height=\"0.5cm\" svg:y=\"2cm\" text:anchor-type=\"as-char\">"
        + "<draw:text-box><text:p/></draw:text-box></draw:frame>một<text:line-break/>hai</text:p>"
      let laid = try DocumentLayout.layout(LayoutTests.document(body, styles: style), fonts: LayoutTests.catalog)
      return LayoutTests.baselines(laid.pages[0])
    }
    let standing = try baselines("style:vertical-pos=\"top\" style:vertical-rel=\"baseline\"")
    let hanging = try baselines("style:vertical-pos=\"from-top\" style:vertical-rel=\"paragraph\"")
    #expect(hanging.last! - hanging.first! > standing.last! - standing.first! + 1134, "\(hanging) \(standing)")
  }
}
