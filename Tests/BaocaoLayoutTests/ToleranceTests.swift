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
    let text = LayoutTests.runTexts(laid).joined()
    #expect(text == "A vào hai ba", "\(text)")
  }
}

/// Tracked changes, shown as LibreOffice prints them while changes are shown.
@Suite struct TrackedChangeTests {
  static func body(_ paragraph: String) -> String {
    func region(_ id: String, _ kind: String, _ author: String, _ content: String = "") -> String {
      "<text:changed-region text:id=\"\(id)\"><text:\(kind)><office:change-info><dc:creator>\(author)</dc:creator>"
        + "<dc:date>2026-12-01T10:00:00</dc:date></office:change-info>\(content)</text:\(kind)></text:changed-region>"
    }
    return "<text:tracked-changes>" + region("d", "deletion", "An", "<text:p>bỏ</text:p>") + region("i", "insertion", "Bình")
      + region("f", "format-change", "An") + "</text:tracked-changes>" + paragraph
  }

  static func runs(_ laid: LaidOutDocument) -> [(text: String, color: RGB)] {
    laid.pages[0].items.compactMap { item in
      guard case .glyphs(let run) = item else { return nil }
      return (run.glyphs.indices.map { run.text(of: $0) }.joined(), run.color)
    }
  }

  @Test func deletionsInsertionsAndAttributeChangesShowInTheirAuthorsColours() throws {
    let p = "<text:p>Một <text:change text:change-id=\"d\"/>hai <text:change-start text:change-id=\"i\"/>ba<text:change-end text:change-id=\"i\"/>"
      + " <text:change-start text:change-id=\"f\"/>bốn<text:change-end text:change-id=\"f\"/> năm</text:p><text:p>sáu</text:p>"
    let laid = try DocumentLayout.layout(LayoutTests.document(Self.body(p)), fonts: LayoutTests.catalog)
    let runs = Self.runs(laid)
    let first = RGB(r: 198 / 255, g: 146 / 255, b: 0), second = RGB(r: 6 / 255, g: 70 / 255, b: 162 / 255)
    // The deleted word is shown where it was, in its author's colour (the first author's).
    #expect(runs.map(\.text).joined() == "Một bỏhai ba bốn nămsáu", "\(runs.map(\.text))")
    #expect(runs.first { $0.text.contains("bỏ") }?.color == first)
    #expect(runs.first { $0.text == "ba" }?.color == second)
    #expect(runs.first { $0.text.contains("bốn") }?.color == first)
    // A change bar 141 twips left of the text area (3 cm, 1701 twips), beside the changed line only.
    let bars = laid.pages[0].items.filter {
      if case .line(let x1, let y1, let x2, let y2, _, _) = $0 { x1 == 1560 && x2 == 1560 && y2 > y1 } else { false }
    }
    #expect(bars.count == 1)
  }

  @Test func hiddenChangesShowTheTextAsIfAccepted() throws {
    let p = "<text:p>Một <text:change text:change-id=\"d\"/>hai <text:change-start text:change-id=\"i\"/>ba<text:change-end text:change-id=\"i\"/></text:p>"
    var parts = LayoutTests.document(Self.body(p))
    parts.settings = Array("""
      <office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" xmlns:ooo="http://openoffice.org/2004/office">
      <office:settings><config:config-item-set config:name="ooo:view-settings"><config:config-item config:name="ShowRedlineChanges" config:type="boolean">false</config:config-item></config:config-item-set></office:settings></office:document-settings>
      """.utf8)
    let runs = Self.runs(try DocumentLayout.layout(parts, fonts: LayoutTests.catalog))
    #expect(runs.map(\.text).joined() == "Một hai ba")
    #expect(runs.allSatisfy { $0.color == .black })
  }

  @Test func deletedParagraphsAreRefusedByName() throws {
    let body = "<text:tracked-changes><text:changed-region text:id=\"d\"><text:deletion><office:change-info><dc:creator>An</dc:creator>"
      + "<dc:date>2026-12-01T10:00:00</dc:date></office:change-info><text:p>một</text:p><text:p>hai</text:p></text:deletion>"
      + "</text:changed-region></text:tracked-changes><text:p>ba<text:change text:change-id=\"d\"/></text:p>"
    #expect(throws: LayoutError.unsupported("tracked deletions of whole paragraphs or tables")) {
      try DocumentLayout.layout(LayoutTests.document(body), fonts: LayoutTests.catalog)
    }
  }
}

/// settings.xml's layout switches, read as LibreOffice reads them.
@Suite struct CompatibilitySettingsTests {
  static func settings(_ items: String, ooo: Bool = true) -> [UInt8] {
    Array("""
      <office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \(ooo ? "xmlns:ooo=\"http://openoffice.org/2004/office\" " : "")xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0">
      <office:settings><config:config-item-set config:name="ooo:configuration-settings">\(items)</config:config-item-set></office:settings></office:document-settings>
      """.utf8)
  }

  @Test func wordDocumentsSwitchesAreRead() {
    let items = "<config:config-item config:name=\"AddExternalLeading\" config:type=\"boolean\">false</config:config-item>"
      + "<config:config-item config:name=\"TabsRelativeToIndent\" config:type=\"boolean\"> false </config:config-item>"
    let read = CompatibilitySettings(Self.settings(items))
    #expect(!read.addExternalLeading && !read.tabsRelativeToIndent && read.showsChanges)
    // Without the ooo prefix bound, LibreOffice does not know the set, and neither do we.
    let unbound = CompatibilitySettings(Self.settings(items, ooo: false))
    #expect(unbound.addExternalLeading && unbound.tabsRelativeToIndent)
    // A value that is neither true nor false keeps the default.
    let odd = CompatibilitySettings(Self.settings("<config:config-item config:name=\"AddExternalLeading\" config:type=\"boolean\">maybe</config:config-item>"))
    #expect(odd.addExternalLeading)
  }

  @Test func withoutExternalLeadingLinesAreAsTallAsTheFont() throws {
    let body = "<text:p>" + (1...10).map { "Dòng \($0)" }.joined(separator: "<text:line-break/>") + "</text:p>"
    func baselines(_ settings: [UInt8]?) throws -> [Double] {
      var parts = LayoutTests.document(body)
      parts.settings = settings
      return try DocumentLayout.layout(parts, fonts: LayoutTests.catalog).pages[0].items.compactMap {
        if case .glyphs(let run) = $0 { run.y } else { nil }
      }
    }
    let with = try baselines(nil)
    let without = try baselines(Self.settings("<config:config-item config:name=\"AddExternalLeading\" config:type=\"boolean\">false</config:config-item>"))
    // Liberation Serif at 12 pt: 276 twips a line with its line gap, 266 without.
    #expect(with[9] - with[0] == 9 * 276, "\(with)")
    #expect(without[9] - without[0] == 9 * 266, "\(without)")
  }
}

/// Text flowing beside pictures anchored to a paragraph (style:wrap), as LibreOffice decides the side.
@Suite struct TextWrapTests {
  static func document(wrap: String, position: String, width: String, text: String = "", after: String = "") -> DocumentParts {
    let style = "<style:style style:name=\"fr\" style:family=\"graphic\"><style:graphic-properties style:wrap=\"\(wrap)\""
      + " style:horizontal-pos=\"\(position)\" style:horizontal-rel=\"paragraph\" style:vertical-pos=\"top\"/></style:style>"
    let words = text.isEmpty ? (1...160).map { "chữ\($0)" }.joined(separator: " ") : text
    let body = "<text:p><draw:frame draw:style-name=\"fr\" text:anchor-type=\"paragraph\" svg:width=\"\(width)\" svg:height=\"3cm\">"
      + "<draw:image xlink:href=\"Pictures/gone.png\"/></draw:frame>\(words)</text:p>\(after)"
    var parts = LayoutTests.document(body, styles: style)
    parts.files = [:]
    return parts
  }

  /// Each line's first glyph: (x, baseline).
  static func lineStarts(_ laid: LaidOutDocument) -> [(x: Double, y: Double)] {
    var out: [(x: Double, y: Double)] = []
    for item in laid.pages[0].items {
      guard case .glyphs(let r) = item, out.last?.y != r.y else { continue }
      out.append((r.x, r.y))
    }
    return out
  }

  @Test func textFlowsRightOfAPictureOnTheLeftThenReturnsToTheMargin() throws {
    // A 4 cm picture on the left, text on its right (wrap right): 3 cm tall, then the full width.
    let laid = try DocumentLayout.layout(Self.document(wrap: "right", position: "left", width: "4cm"), fonts: LayoutTests.catalog)
    let starts = Self.lineStarts(laid)
    let margin = 1701.0  // 3 cm
    let beside = starts.filter { $0.x > margin + 2000 }
    #expect(!beside.isEmpty && beside.allSatisfy { $0.x >= margin + 2268 }, "\(starts)")  // 4 cm = 2268 twips
    #expect(starts.contains { abs($0.x - margin) < 1 && $0.y > beside.last!.y })
  }

  @Test func optimalWrapKeepsTextOnTheRoomierSide() throws {
    // Dynamic wrap: a 12 cm picture on the right leaves 4 cm on its left (at least 2 cm): text goes there.
    let laid = try DocumentLayout.layout(Self.document(wrap: "dynamic", position: "right", width: "12cm"), fonts: LayoutTests.catalog)
    let starts = Self.lineStarts(laid)
    #expect(starts.allSatisfy { abs($0.x - 1701) < 1 })
    let glyphRight = laid.pages[0].items.compactMap { item -> Double? in
      guard case .glyphs(let r) = item else { return nil }
      return r.x + r.glyphs.reduce(0) { $0 + $1.advance }
    }
    // The lines beside the picture end before it (16 cm of room, 12 cm taken).
    #expect(glyphRight.prefix(2).allSatisfy { $0 <= 1701 + 4 * 567 + 1 }, "\(glyphRight.prefix(3))")
  }

  @Test func centredTextOnBothSidesIsRefusedByName() {
    let style = "<style:style style:name=\"fr\" style:family=\"graphic\"><style:graphic-properties style:wrap=\"parallel\""
      + " style:horizontal-pos=\"center\" style:vertical-pos=\"top\"/></style:style>"
      + "<style:style style:name=\"C\" style:family=\"paragraph\"><style:paragraph-properties fo:text-align=\"center\"/></style:style>"
    let body = "<text:p text:style-name=\"C\"><draw:frame draw:style-name=\"fr\" text:anchor-type=\"paragraph\" svg:width=\"4cm\" svg:height=\"3cm\">"
      + "<draw:image xlink:href=\"Pictures/gone.png\"/></draw:frame>" + (1...160).map { "chữ\($0)" }.joined(separator: " ") + "</text:p>"
    #expect(throws: LayoutError.unsupported("centred or right-aligned text on both sides of a picture")) {
      try DocumentLayout.layout(LayoutTests.document(body, styles: style), fonts: LayoutTests.catalog)
    }
  }

  @Test func aTableBesideAWrappedPictureIsRefusedByName() {
    let table = "<table:table><table:table-column/><table:table-row><table:table-cell><text:p>ô</text:p></table:table-cell></table:table-row></table:table>"
    #expect(throws: LayoutError.unsupported("tables beside a picture or frame the text flows around")) {
      try DocumentLayout.layout(Self.document(wrap: "right", position: "left", width: "4cm", text: "ngắn", after: table), fonts: LayoutTests.catalog)
    }
  }
}

/// Pictures in the line (anchored as a character).
@Suite struct CharacterPictureTests {
  @Test func withoutAVerticalPositionThePictureHangsFromTheBaseline() throws {
    func baselines(_ graphic: String) throws -> [Double] {
      let style = "<style:style style:name=\"fr\" style:family=\"graphic\"><style:graphic-properties \(graphic)/></style:style>"
      let body = "<text:p>một <draw:frame draw:style-name=\"fr\" text:anchor-type=\"as-char\" svg:width=\"1cm\" svg:height=\"2cm\">"
        + "<draw:image xlink:href=\"Pictures/gone.png\"/></draw:frame> hai<text:line-break/>ba</text:p>"
      let laid = try DocumentLayout.layout(LayoutTests.document(body, styles: style), fonts: LayoutTests.catalog)
      return LayoutTests.baselines(laid.pages[0])
    }
    // On the baseline (LibreOffice's own pictures): the first line grows upwards by the picture.
    let standing = try baselines("style:vertical-pos=\"top\" style:vertical-rel=\"baseline\"")
    // No position (Word's): the picture hangs below the first line, pushing the second one down.
    let hanging = try baselines("")
    #expect(hanging.first! < standing.first!, "\(hanging) \(standing)")
    #expect(hanging.last! - hanging.first! > 1134, "\(hanging)")  // 2 cm = 1134 twips below the first baseline
    // From the top of the line, 1.5 cm up: the picture stands lower than on the baseline, and its
    // last 0.5 cm below the baseline pushes the next line down.
    let raised = try baselines("style:vertical-pos=\"from-top\" style:vertical-rel=\"line\" svg:y=\"-1.5cm\"")
    #expect(raised.first! < standing.first! && raised.last! - raised.first! > standing.last! - standing.first! + 200, "\(raised) \(standing)")
  }

  @Test func aMissingPictureAnchoredToAFrameItIsNotInShowsNothing() throws {
    // LibreOffice draws such a picture over the text at its character, taking no room: missing,
    // it leaves the line as it is; present, it is refused by name (not drawn that way here).
    let body = "<text:p>một<draw:frame text:anchor-type=\"frame\" svg:width=\"4cm\" svg:height=\"5mm\" svg:y=\"-3cm\">"
      + "<draw:image xlink:href=\"Pictures/gone.png\"/></draw:frame> hai</text:p>"
    let laid = try DocumentLayout.layout(LayoutTests.document(body), fonts: LayoutTests.catalog)
    let plain = try DocumentLayout.layout(LayoutTests.document("<text:p>một hai</text:p>"), fonts: LayoutTests.catalog)
    #expect(LayoutTests.baselines(laid.pages[0]) == LayoutTests.baselines(plain.pages[0]) && laid.warnings.contains { $0.contains("gone.png") })
  }

  @Test func aPicturesSideMarginsTakeRoomInTheLine() throws {
    let style = "<style:style style:name=\"fr\" style:family=\"graphic\"><style:graphic-properties fo:margin-left=\"2mm\" fo:margin-right=\"3mm\" style:vertical-pos=\"top\"/></style:style>"
    let body = "<text:p>a<draw:frame draw:style-name=\"fr\" text:anchor-type=\"as-char\" svg:width=\"1cm\" svg:height=\"1cm\">"
      + "<draw:image xlink:href=\"Pictures/gone.png\"/></draw:frame>b</text:p>"
    let items = try DocumentLayout.layout(LayoutTests.document(body, styles: style), fonts: LayoutTests.catalog).pages[0].items
    // The text's glyphs: "a" before the picture, "b" after it (one run, moved on past the picture).
    let glyphs = items.flatMap { item -> [(x: Double, advance: Double)] in
      guard case .glyphs(let r) = item else { return [] }
      var x = r.x
      return r.glyphs.map { g in defer { x += g.advance }; return (x, g.advance) }
    }
    let runs = glyphs.map { (x: $0.x, end: $0.x + $0.advance) }
    let picture = items.compactMap { item -> Double? in if case .image(_, let x, _, _, _) = item { x } else { nil } }
    // 2 mm (113 twips) before the picture, 1 cm (567) of picture, 3 mm (170) after it.
    #expect(runs.count == 2 && picture.count == 1)
    // ("a"'s advance carries the room up to "b".)
    let a = runs[1].x - runs[0].x - 113 - 567 - 170
    #expect(a > 80 && a < 130 && abs(picture[0] - runs[0].x - a - 113) < 1, "\(runs) \(picture)")
  }
}

/// Text on both sides of a picture, and frames whose styles say nothing.
@Suite struct TwoSidedWrapTests {
  @Test func wordsThatDoNotFitLeftOfACentredPictureContinueRightOfIt() throws {
    let laid = try DocumentLayout.layout(TextWrapTests.document(wrap: "parallel", position: "center", width: "4cm"), fonts: LayoutTests.catalog)
    let runs = laid.pages[0].items.compactMap { item -> (x: Double, y: Double, end: Double)? in
      guard case .glyphs(let r) = item else { return nil }
      return (r.x, r.y, r.x + r.glyphs.reduce(0) { $0 + $1.advance })
    }
    // Body 16 cm from 3 cm (1701 twips): the picture takes 9 cm to 13 cm (5103 to 7371 twips).
    let beside = runs.filter { $0.x > 5103 }
    #expect(!beside.isEmpty && beside.allSatisfy { $0.x >= 7371 - 1 }, "\(runs)")
    #expect(runs.filter { $0.x < 5103 && $0.y <= beside.last!.y }.allSatisfy { $0.end <= 5103 + 1 })
    // Each such line has its two parts on one baseline.
    #expect(Set(beside.map(\.y)).isSubset(of: Set(runs.filter { $0.x < 5103 }.map(\.y))))
  }

  @Test func aFrameWithoutStylesStandsBySvgXAndGetsOptimalWrap() throws {
    let body = "<text:p><draw:frame text:anchor-type=\"paragraph\" svg:width=\"4cm\" svg:height=\"3cm\" svg:y=\"1cm\">"
      + "<draw:image xlink:href=\"Pictures/gone.png\"/></draw:frame>" + (1...160).map { "chữ\($0)" }.joined(separator: " ") + "</text:p>"
    let laid = try DocumentLayout.layout(LayoutTests.document(body), fonts: LayoutTests.catalog)
    let starts = TextWrapTests.lineStarts(laid)
    // At the left edge, 1 cm down: the first lines start at the margin, those beside it right of it.
    #expect(abs(starts[0].x - 1701) < 1)
    #expect(starts.contains { abs($0.x - (1701 + 2268)) < 1 }, "\(starts)")
  }
}

/// Styles as LibreOffice links them.
@Suite struct StyleLinkTests {
  @Test func withoutMasterStylesNamedStylesKeepNoParent() throws {
    let styles = "<style:style style:name=\"Big\" style:family=\"paragraph\"><style:text-properties fo:font-size=\"20pt\"/></style:style>"
      + "<style:style style:name=\"Child\" style:family=\"paragraph\" style:parent-style-name=\"Big\"><style:text-properties fo:font-weight=\"bold\"/></style:style>"
    func size(_ parts: DocumentParts) throws -> Twips? {
      let laid = try DocumentLayout.layout(parts, fonts: LayoutTests.catalog)
      return laid.pages[0].items.compactMap { if case .glyphs(let r) = $0 { r.size } else { nil } }.first
    }
    let linked = LayoutTests.document("<text:p text:style-name=\"Child\">chữ</text:p>", styles: styles)
    #expect(try size(linked) == 400)
    // The same document with no office:master-styles: the child keeps only its own properties.
    let xml = String(decoding: linked.content, as: UTF8.self).replacingOccurrences(
      of: "<office:master-styles><style:master-page style:name=\"Standard\" style:page-layout-name=\"pm1\"/></office:master-styles>", with: "")
    let bytes = Array(xml.utf8)
    #expect(try size(DocumentParts(content: bytes, styles: bytes, meta: bytes, settings: nil)) == 240)
  }
}

/// Collapsing table borders measured as LibreOffice measures them (SwRowFrame::Format).
@Suite struct CollapsingBorderTests {
  @Test func aRowsContentStartsBelowTheThickestBorderAboveIt() throws {
    // Row 1's cells have a 3 pt bottom border; row 2 has no top border: its text still starts
    // 3 pt (60 twips) down, in every cell, the same as below a 3 pt top border of its own.
    let cell = { (style: String, text: String) in
      "<table:table-cell table:style-name=\"\(style)\" office:value-type=\"string\"><text:p>\(text)</text:p></table:table-cell>"
    }
    let styles = "<style:style style:name=\"T\" style:family=\"table\"><style:table-properties style:width=\"10cm\" table:border-model=\"collapsing\"/></style:style>"
      + "<style:style style:name=\"Thick\" style:family=\"table-cell\"><style:table-cell-properties fo:padding=\"0cm\" fo:border-bottom=\"3pt solid #000000\"/></style:style>"
      + "<style:style style:name=\"Own\" style:family=\"table-cell\"><style:table-cell-properties fo:padding=\"0cm\" fo:border-top=\"3pt solid #000000\"/></style:style>"
      + "<style:style style:name=\"None\" style:family=\"table-cell\"><style:table-cell-properties fo:padding=\"0cm\"/></style:style>"
    let body = "<table:table table:style-name=\"T\"><table:table-column table:number-columns-repeated=\"2\"/>"
      + "<table:table-row>" + cell("Thick", "một") + cell("Thick", "hai") + "</table:table-row>"
      + "<table:table-row>" + cell("None", "ba") + cell("None", "bốn") + "</table:table-row>"
      + "<table:table-row>" + cell("Own", "năm") + cell("None", "sáu") + "</table:table-row></table:table>"
    let laid = try DocumentLayout.layout(LayoutTests.document(body, styles: styles), fonts: LayoutTests.catalog)
    let baselines = LayoutTests.baselines(laid.pages[0])
    #expect(baselines.count == 6)
    #expect(baselines[2] == baselines[3] && baselines[4] == baselines[5], "\(baselines)")
    #expect(baselines[2] - baselines[0] == 276 + 60, "\(baselines)")
    #expect(baselines[4] - baselines[2] == 276 + 60, "\(baselines)")
  }
}

/// Elements LibreOffice does not know, shown as it shows them.
@Suite struct UnknownElementTests {
  @Test func foreignAndUnknownTextElementsShowTheirTextNestedParagraphsDoNot() throws {
    let body = "<text:p>A1 <foo:bar xmlns:foo=\"urn:example\">FOREIGN <text:span>SPAN</text:span></foo:bar> A2</text:p>"
      + "<text:p>B1 <text:p>NESTED</text:p> B2</text:p><text:p>C1 <text:userdefined>USERDEF</text:userdefined> C2</text:p>"
      + "<text:userdefined>BODY</text:userdefined><foo:block xmlns:foo=\"urn:example\"><text:p>INBLOCK</text:p></foo:block>"
    let laid = try DocumentLayout.layout(LayoutTests.document(body), fonts: LayoutTests.catalog)
    let text = LayoutTests.runTexts(laid).joined(separator: "|")
    #expect(text.contains("FOREIGN") && text.contains("SPAN") && text.contains("USERDEF") && text.contains("INBLOCK"), "\(text)")
    #expect(!text.contains("NESTED") && !text.contains("BODY"), "\(text)")
    #expect(laid.warnings.contains("the paragraph nested inside another paragraph is left out, as in LibreOffice"))
  }

  @Test func formFieldsStillRefusedByName() {
    let body = "<text:p>a <field:fieldmark xmlns:field=\"urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0\" text:name=\"x\"/></text:p>"
    #expect(throws: LayoutError.unsupported("the element <field:fieldmark> inside a paragraph")) {
      try DocumentLayout.layout(LayoutTests.document(body), fonts: LayoutTests.catalog)
    }
  }
}

/// Header and footer frames as LibreOffice sizes them.
@Suite struct HeaderSpacingTests {
  @Test func dynamicSpacingIsEatenByTheContent() throws {
    func bodyTop(dynamic: Bool) throws -> Double {
      let layout = LayoutTests.defaultPageLayout + "<style:header-style><style:header-footer-properties fo:min-height=\"0.5cm\""
        + " fo:margin-bottom=\"1cm\" style:dynamic-spacing=\"\(dynamic)\"/></style:header-style>"
      var parts = LayoutTests.document("<text:p>Thân</text:p>", pageLayout: layout)
      let xml = String(decoding: parts.content, as: UTF8.self).replacingOccurrences(
        of: "<style:master-page style:name=\"Standard\" style:page-layout-name=\"pm1\"/>",
        with: "<style:master-page style:name=\"Standard\" style:page-layout-name=\"pm1\"><style:header><text:p>Đầu trang</text:p></style:header></style:master-page>")
      parts = DocumentParts(content: Array(xml.utf8), styles: Array(xml.utf8), meta: Array(xml.utf8), settings: nil)
      let laid = try DocumentLayout.layout(parts, fonts: LayoutTests.catalog)
      return LayoutTests.baselines(laid.pages[0]).max()!
    }
    // One 276-twip header line: without dynamic spacing the frame is max(283, 276 + 567) = 843 tall,
    // with it max(283, 276) = 283: the body starts 560 twips higher.
    #expect(try bodyTop(dynamic: false) - bodyTop(dynamic: true) == 560)
  }
}

/// Date fields in languages measured nowhere here take their names and short dates from ICU.
@Suite struct DateFieldLocaleTests {
  @Test func germanNamesAndShortDateComeFromICU() throws {
    let styles = "<number:date-style style:name=\"Long\" number:language=\"de\" number:country=\"DE\">"
      + "<number:day/><number:text>. </number:text><number:month number:style=\"long\" number:textual=\"true\"/>"
      + "<number:text> </number:text><number:year number:style=\"long\"/></number:date-style>"
      + "<number:date-style style:name=\"Lang\" number:language=\"de\" number:country=\"DE\" number:format-source=\"language\"><number:day/></number:date-style>"
    let body = "<text:p><text:date style:data-style-name=\"Long\"/>|<text:date style:data-style-name=\"Lang\"/></text:p>"
    let now = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: .current, year: 2026, month: 12, day: 4, hour: 9).date!
    let laid = try DocumentLayout.layout(LayoutTests.document(body, styles: styles), fonts: LayoutTests.catalog, now: now)
    let text = LayoutTests.runTexts(laid).joined()
    #expect(text == "4. Dezember 2026|04.12.26", "\(text)")
  }
}

/// Double borders: two lines in the border's width, the outer one away from the content.
@Suite struct DoubleBorderTests {
  @Test func aDoubleBorderIsTwoLinesWithTheOuterOneOutside() throws {
    let border = try #require(try BorderLine.parse("0.3cm double #000000", lineWidths: "0.05cm 0.15cm 0.1cm"))
    // 0.3 cm is 170 twips: the outer line (0.1 cm of 0.3) on top for a top border, the inner below.
    let items = border.items(x1: 0, y1: 1000, x2: 500, y2: 1000, outside: -1)
    let lines = items.compactMap { item -> (y: Double, width: Double)? in
      if case .line(_, let y1, _, _, let w, _) = item { (y1, w) } else { nil }
    }
    #expect(lines.count == 2)
    #expect(lines[0].y < 1000 && lines[1].y > 1000, "\(lines)")
    #expect(abs(lines[0].width - 170.0 / 3 * 1) < 1 && abs(lines[1].width - 170.0 / 6) < 1, "\(lines)")
    #expect(throws: LayoutError.unsupported("groove borders")) { try BorderLine.parse("0.05pt groove #000000") }
  }
}
