import BaocaoFonts
import Testing

@testable import BaocaoLayout

/// Character formatting as LibreOffice prints it: hyperlinks, underlines, raised text, italics (measured
/// on its PDFs: the colours each case gets, where pdftotext ends words, where lines break).
@Suite struct CharacterTests {
  static let styles = """
    <style:style style:name="Red" style:family="text"><style:text-properties fo:color="#ff0000"/></style:style>
    <style:style style:name="Green" style:family="text"><style:text-properties fo:color="#00ff00" style:text-underline-style="none"/></style:style>
    <style:style style:name="Under" style:family="text"><style:text-properties style:text-underline-style="solid"/></style:style>
    <style:style style:name="Sub" style:family="text"><style:text-properties style:text-position="sub 58%"/></style:style>
    """
  static let automatic = """
    <style:style style:name="T1" style:family="text"><style:text-properties fo:color="#ff00ff"/></style:style>
    """

  static func layout(_ body: String, styles: String = styles) throws -> LaidOutDocument {
    let doc = LayoutTests.document(body, styles: styles).content
    let bytes = Array(String(decoding: doc, as: UTF8.self)
      .replacingOccurrences(of: "<office:automatic-styles>", with: "<office:automatic-styles>" + automatic).utf8)
    return try DocumentLayout.layout(DocumentParts(content: bytes, styles: bytes, meta: bytes, settings: nil), fonts: LayoutTests.catalog)
  }

  static func runs(_ laid: LaidOutDocument) -> [(text: String, color: RGB, endsWord: Bool)] {
    laid.pages.flatMap(\.items).compactMap { item in
      guard case .glyphs(let run) = item else { return nil }
      return (run.glyphs.indices.map { run.text(of: $0) }.joined(), run.color, run.endsWord)
    }
  }

  static func underlines(_ laid: LaidOutDocument) -> Int {
    laid.pages.flatMap(\.items).filter { if case .line = $0 { true } else { false } }.count
  }

  @Test func linkTextTakesTheLinkStyleOverNamedStylesButNotOverHardFormatting() throws {
    let navy = RGB(r: 0, g: 0, b: 128.0 / 255)
    let a = "<text:a xlink:href=\"http://a\""
    let cases: [(body: String, color: RGB, underlined: Bool)] = [
      // No style of its own and none in the document: LibreOffice's built-in Internet Link.
      ("\(a)>plain</text:a>", navy, true),
      // A named character style inside (or around) the link loses to it, underline included.
      ("\(a)><text:span text:style-name=\"Red\">red</text:span></text:a>", navy, true),
      ("<text:span text:style-name=\"Red\">\(a)>outer</text:a></text:span>", navy, true),
      ("\(a)><text:span text:style-name=\"Green\">green</text:span></text:a>", navy, true),
      // Hard formatting inside the link wins.
      ("\(a)><text:span text:style-name=\"T1\">hard</text:span></text:a>", RGB(r: 1, g: 0, b: 1), true),
      // The link's own style replaces Internet Link.
      ("\(a) text:style-name=\"Green\">own</text:a>", RGB(r: 0, g: 1, b: 0), false),
    ]
    for c in cases {
      let laid = try Self.layout("<text:p>\(c.body)</text:p>")
      let runs = Self.runs(laid)
      #expect(runs.count == 1 && runs[0].color == c.color, "\(c.body): \(runs)")
      #expect((Self.underlines(laid) == 1) == c.underlined, "\(c.body)")
    }
    // The document's own Internet link style.
    let own = Self.styles + "<style:style style:name=\"Internet_20_link\" style:family=\"text\"><style:text-properties fo:color=\"#0000ff\"/></style:style>"
    let laid = try Self.layout("<text:p>\(a)>doc</text:a></text:p>", styles: own)
    #expect(Self.runs(laid).first?.color == RGB(r: 0, g: 0, b: 1) && Self.underlines(laid) == 0)
  }

  @Test func underlinedPortionsInARowEndWordsForTextExtraction() throws {
    // Two underlined portions in a row ("p" and "ty Docu", two links): LibreOffice draws their
    // underline with blanks after each, and pdftotext reads "Emp ty Docu ment".
    let two = Self.runs(try Self.layout(
      "<text:p>Em<text:a xlink:href=\"http://a\">p</text:a><text:a xlink:href=\"http://b\">ty Docu</text:a>ment</text:p>"))
    #expect(two.map(\.text) == ["Em", "p", "ty Docu", "ment"])
    #expect(two.map(\.endsWord) == [false, true, true, false])
    // One underlined portion alone is drawn with its own font's underline: no word end.
    let one = Self.runs(try Self.layout("<text:p><text:a xlink:href=\"http://a\">http://www.sueddeuts</text:a>che.de/</text:p>"))
    #expect(one.map(\.endsWord) == [false, false])
    // Spans of the same style in a row are one portion to LibreOffice.
    let merged = Self.runs(try Self.layout(
      "<text:p>x <text:span text:style-name=\"Under\">Kapi</text:span><text:span text:style-name=\"Under\">tel</text:span> y</text:p>"))
    #expect(merged.map(\.text) == ["x ", "Kapitel", " y"] && merged.allSatisfy { !$0.endsWord }, "\(merged)")
    // A lowered portion among them draws its own underline: no word end after it ("Cou r i er").
    let lowered = Self.runs(try Self.layout(
      "<text:p>Co<text:a xlink:href=\"http://a\">u</text:a><text:a xlink:href=\"http://b\">r</text:a>"
        + "<text:a xlink:href=\"http://c\"><text:span text:style-name=\"Sub\">e</text:span></text:a>r</text:p>"))
    #expect(lowered.map(\.endsWord) == [false, true, true, false, false], "\(lowered)")
  }

  @Test func raisedOrLoweredTextWithoutASizeGetsLibreOfficesDefault() throws {
    // "sub" alone: lowered automatically at 58 % (LibreOffice's default); a position of 0 % keeps 100 %.
    for (position, escapement, size) in [("sub", TextProps.autoSub, 58), ("super", TextProps.autoSuper, 58), ("33%", 33, 58), ("0%", 0, 100), ("sub 70%", TextProps.autoSub, 70)] {
      var p = TextProps()
      try p.apply(["style:text-position": position], fonts: [:])
      #expect(p.escapement == escapement && p.escapementSize == size, "\(position): \(p.escapement) \(p.escapementSize)")
    }
  }

  @Test func italicTextEndsATwelfthOfItsHeightBeforeTheLinesEnd() throws {
    let italic = "<style:style style:name=\"I\" style:family=\"text\"><style:text-properties fo:font-style=\"italic\"/></style:style>"
    func baselines(_ width: Int) throws -> Int {
      // Page width in twips, no margins: the line is `width` twips long.
      let layout = "<style:page-layout-properties fo:page-width=\"\(Double(width) / 1440)in\" fo:page-height=\"5in\" fo:margin-top=\"0in\" fo:margin-bottom=\"0in\" fo:margin-left=\"0in\" fo:margin-right=\"0in\"/>"
      let laid = try DocumentLayout.layout(LayoutTests.document(
        "<text:p><text:span text:style-name=\"I\">Lorem ipsum</text:span></text:p>", styles: italic, pageLayout: layout), fonts: LayoutTests.catalog)
      return Set(LayoutTests.baselines(laid.pages[0])).count
    }
    // The words' width, on a wide line.
    let wide = try DocumentLayout.layout(LayoutTests.document(
      "<text:p><text:span text:style-name=\"I\">Lorem ipsum</text:span></text:p>", styles: italic), fonts: LayoutTests.catalog)
    let width = wide.pages[0].items.compactMap { if case .glyphs(let r) = $0 { r.glyphs.reduce(0) { $0 + $1.advance } } else { nil } }.reduce(0, +)
    // 12 pt Liberation Serif Italic is 276 twips high: its text keeps 23 twips from the line's end.
    #expect(try baselines(Int(width.rounded(.up)) + 30) == 1)
    #expect(try baselines(Int(width.rounded(.up)) + 10) == 2)
  }

  @Test func aListLabelKeepsTheCharactersItsSymbolFontHas() throws {
    guard let symbols = LayoutTests.catalog.font(family: "OpenSymbol", bold: false, italic: false), symbols.family == "OpenSymbol" else {
      print("skipped: OpenSymbol is not installed (LibreOffice installs it)")
      return
    }
    // OpenSymbol has digits and "_", not letters: as LibreOffice's glyph fallback draws it, the
    // label "b_2_a" keeps "_2_" in OpenSymbol, and its letters come from another font, painted
    // after OpenSymbol's glyphs (pdftotext then reads "b _2_ a", as in LibreOffice's PDF).
    let styles = """
      <style:style style:name="Symbols" style:family="text"><style:text-properties style:font-name="OpenSymbol"/></style:style>
      <text:list-style style:name="L"><text:list-level-style-number text:level="1" text:style-name="Symbols" style:num-prefix="b_" style:num-suffix="_a" style:num-format="1" text:start-value="2"/></text:list-style>
      """
    let laid = try DocumentLayout.layout(LayoutTests.document(
      "<text:list text:style-name=\"L\"><text:list-item><text:p>Mục</text:p></text:list-item></text:list>", styles: styles), fonts: LayoutTests.catalog)
    let runs = laid.pages[0].items.compactMap { item -> (String, String)? in
      guard case .glyphs(let r) = item else { return nil }
      return (r.glyphs.indices.map { r.text(of: $0) }.joined(), r.font.family)
    }
    #expect(runs.map(\.0) == ["_2_", "b", "a", "Mục"], "\(runs)")
    #expect(runs[0].1 == "OpenSymbol" && runs[1].1 != "OpenSymbol" && runs[2].1 == runs[1].1, "\(runs)")
  }

  @Test func underlineAttributesMakeOneValuePerStyleAsLibreOfficeReadsThem() {
    // (style, type, width) of one style, and the line LibreOffice drew (measured in its PDFs).
    let cases: [(String?, String?, String?, TextLine?)] = [
      ("dotted", "double", nil, TextLine(pattern: .dotted)),
      ("dash", nil, "bold", TextLine(pattern: .dash, bold: true)),
      ("wave", "double", "bold", TextLine(pattern: .wave, double: true)),
      ("solid", "double", "bold", TextLine(pattern: .solid, double: true)),
      ("none", "single", nil, TextLine(pattern: .solid)),
      ("solid", "none", nil, TextLine(pattern: .solid)),
      (nil, "double", nil, TextLine(pattern: .solid, double: true)),
      (nil, nil, "auto", TextLine()),
      ("solid", nil, "thick", TextLine(pattern: .solid, bold: true)),
      ("solid", nil, "1pt", TextLine(pattern: .solid)),
      ("ImSoInvalid", nil, nil, nil),
    ]
    for (style, type, width, expected) in cases {
      #expect(TextLine.read(style: style, type: type, width: width) == expected, "\(style ?? "-") \(type ?? "-") \(width ?? "-")")
    }
  }

  @Test func dottedDashedAndWavyLinesAreDrawnInTheirPatterns() throws {
    let styles = Self.styles + """
      <style:style style:name="Wave" style:family="text"><style:text-properties style:text-underline-style="wave"/></style:style>
      <style:style style:name="BoldDots" style:family="text"><style:text-properties style:text-underline-style="dotted" style:text-underline-width="bold"/></style:style>
      <style:style style:name="DottedStrike" style:family="text"><style:text-properties style:text-line-through-style="dotted"/></style:style>
      <style:style style:name="X" style:family="text"><style:text-properties style:text-line-through-style="solid" style:text-line-through-text="X"/></style:style>
      <style:style style:name="Boxed" style:family="paragraph"><style:paragraph-properties fo:border="1pt dashed #000000"/></style:style>
      """
    func items(_ body: String) throws -> [DisplayItem] { try Self.layout(body, styles: styles).pages.flatMap(\.items) }
    // 12 pt text: a single line is 0.6 pt thick; bold, 1.2 pt, in dots as long as it is thick.
    let dots = try items("<text:p><text:span text:style-name=\"BoldDots\">dots</text:span></text:p>").compactMap { item -> [Double]? in
      if case .dashedLine(_, _, _, _, let width, _, let dash) = item { [width] + dash } else { nil }
    }
    #expect(dots == [[24, 24, 24]])
    let waves = try items("<text:p><text:span text:style-name=\"Wave\">wave</text:span></text:p>").filter { if case .wave = $0 { true } else { false } }
    #expect(waves.count == 1)
    // A dotted strike-through is solid, as LibreOffice draws it.
    let strike = try items("<text:p><text:span text:style-name=\"DottedStrike\">struck</text:span></text:p>")
    #expect(strike.filter { if case .line = $0 { true } else { false } }.count == 1)
    // LibreOffice draws a dashed border's dashes 8 pt long with 2.5 pt gaps, whatever its width.
    let box = try items("<text:p text:style-name=\"Boxed\">boxed</text:p>").compactMap { item -> [Double]? in
      if case .dashedLine(_, _, _, _, _, _, let dash) = item { dash } else { nil }
    }
    #expect(box.count == 4 && box.allSatisfy { $0 == [160, 50] })
    // Characters struck over the text would change its words: refused by name.
    #expect(throws: LayoutError.self) { try items("<text:p><text:span text:style-name=\"X\">x</text:span></text:p>") }
  }
}
