import BaocaoFonts
@testable import BaocaoPDF
import BaocaoXML
import Foundation
import Testing

@testable import BaocaoLayout

@Suite struct LayoutTests {
  static let catalog = FontCatalog()
  /// The shipped fonts only: a family they lack is missing (no installed font stands in).
  static let shippedOnly = FontCatalog(systemFonts: false)

  @Test func lineHeightFollowsLibreOfficesRule() throws {
    let serif = try #require(Self.catalog.font(family: "Times New Roman", bold: false, italic: false))
    #expect(serif.family == "Liberation Serif")
    #expect(LineMetrics(font: serif, size: 240).height == 276)  // 12 pt → 13.8 pt, as measured in LibreOffice
    #expect(LineMetrics(font: serif, size: 280).height == 322)  // 14 pt
    #expect(LineMetrics(font: serif, size: 280).ascent == 262)
    let bold = try #require(Self.catalog.font(family: "Arial", bold: true, italic: false))
    #expect(bold.family == "Liberation Sans" && bold.bold)
    #expect(Self.shippedOnly.font(family: "No Such Font", bold: false, italic: false) == nil)
  }

  @Test func xmlTreeDecodesEntitiesAndKeepsOrder() throws {
    let root = try XMLTree.parse(Array("<a x=\"1 &amp; 2\"><b>T&#7871;t &lt;</b><!-- c --><c/>tail</a>".utf8))
    #expect(root["x"] == "1 & 2")
    #expect(root.first("b")?.textContent == "Tết <")
    #expect(root.elements.map(\.name) == ["b", "c"])
    #expect(throws: XMLTreeError.self) { try XMLTree.parse(Array("<a><b></a>".utf8)) }
  }

  /// Names are told apart by all their bytes, even those that share length, start and end (the
  /// name table hashes only those), and a document may have hundreds of distinct names.
  @Test func xmlTreeKeepsNamesThatDifferOnlyInTheMiddle() throws {
    var xml = "<r a12345678X12345678=\"x\" a12345678Y12345678='y &amp; z'>"
    for k in 0..<600 { xml += "<e\(k) n\(k)=\"\(k)\"/>" }
    xml += "<![CDATA[<raw> & text]]></r>"
    let root = try XMLTree.parse(Array(xml.utf8))
    #expect(root["a12345678X12345678"] == "x" && root["a12345678Y12345678"] == "y & z")
    #expect(root.elements.count == 600)
    #expect(root.elements.enumerated().allSatisfy { k, e in e.name == "e\(k)" && e["n\(k)"] == "\(k)" && e["n\(k + 1)"] == nil })
    #expect(root.textContent == "<raw> & text")
  }

  @Test func lengthsAreReadAsTheStandardReaderReadsTheirNumbers() throws {
    #expect(Units.twips("2cm") == 1134 && Units.twips(" 0.5pt ") == 10 && Units.twips("-0.1in") == -144)
    #expect(Units.twips("10mm") == 567 && Units.twips("1pc") == 240 && Units.twips("12px") == 180 && Units.twips(".5in") == 720)
    #expect(Units.twips("1e1pt") == 200)  // not a plain decimal: read by the standard reader
    #expect(Units.twips("1234567890123456789.5pt") == nil && Units.twips("1e400pt") == nil && Units.twips("nanpt") == nil)  // no crash
    #expect(Units.twips("12345678.123456789in") == Int((12345678.123456789 * 1440).rounded(.toNearestOrAwayFromZero)))
    #expect(Units.twips("0.0000000000000000000001in") == 0)
    #expect(Units.percent("120%") == 120 && Units.percent("1e400%") == nil && Units.percent("nan%") == nil)
    for bad in ["", "cm", "pt", "2", "2 cm", "2km", "abc", "-", "1.2.3cm", "--1cm"] { #expect(Units.twips(bad) == nil, "\(bad)") }
    #expect(Units.color("#FfA000") == RGB(r: 1, g: 160.0 / 255, b: 0) && Units.color("#12345") == nil && Units.color("#12345g") == nil)
    #expect(try BorderLine.parse("0.5pt  solid #ff0000") == BorderLine(width: 10, color: RGB(r: 1, g: 0, b: 0)))
    #expect(try BorderLine.parse("none") == nil && BorderLine.parse("0pt solid #000000") == nil)
    #expect(try BorderLine.parse("0.5pt dotted #000000")?.pattern == .dotted)
    #expect(throws: LayoutError.unsupported("ridge borders")) { try BorderLine.parse("0.5pt ridge #000000") }
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      let digits = Int.random(in: 1...15, using: &generator)
      var text = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
      if Bool.random(using: &generator) { text.insert(".", at: text.index(text.startIndex, offsetBy: Int.random(in: 0...digits, using: &generator))) }
      if Bool.random(using: &generator) { text = "-" + text }
      let read = text.utf8.withContiguousStorageIfAvailable { Units.number($0) } ?? nil
      #expect(read == Double(text), "\(text)")
    }
  }

  @Test func contentIsParsedInTwoPartsAsOne() throws {
    let head = "<?xml version=\"1.0\"?><office:document-content><office:automatic-styles><style:style style:name=\"P1\"/></office:automatic-styles>"
    let body = "<office:body><office:text><text:p>Một &amp; hai</text:p></office:text></office:body>"
    let content = Array((head + body + "\n</office:document-content>\n").utf8)
    let split = try #require(XMLTree.bodySplit(content))
    #expect(split.head == 0..<head.utf8.count && split.body == head.utf8.count..<(head + body).utf8.count)
    let headRoot = try XMLTree.parse(content, split.head, closingOpenElements: true)
    #expect(headRoot.name == "office:document-content" && headRoot.first("office:automatic-styles")?.first("style:style")?["style:name"] == "P1")
    let bodyRoot = try XMLTree.parse(content, split.body, closingOpenElements: false)
    #expect(bodyRoot.name == "office:body" && bodyRoot.textContent == "Một & hai")
    // Anything after the body but the root's end tag: not split.
    #expect(XMLTree.bodySplit(Array((head + body + "<x/></office:document-content>").utf8)) == nil)
    // An error in the body is placed in the whole part.
    let broken = Array((head + "<office:body><text:p></office:body></office:document-content>").utf8)
    let brokenSplit = try #require(XMLTree.bodySplit(broken))
    var offsets: [Int] = []
    do { _ = try XMLTree.parse(broken, brokenSplit.body, closingOpenElements: false) } catch { offsets.append(error.offset) }
    do { _ = try XMLTree.parse(broken) } catch { offsets.append(error.offset) }
    #expect(offsets.count == 2 && offsets[0] == offsets[1])
    // The same through the layout, which reads the body apart: the whole part's offset.
    var brokenDocument = Self.document("<text:p>Báo cáo</text:p>")
    let brokenXML = String(decoding: brokenDocument.content, as: UTF8.self).replacingOccurrences(of: "<text:p>Báo cáo</text:p>", with: "<text:p>Báo cáo</text:span>")
    brokenDocument.content = Array(brokenXML.utf8)
    var wholeError = ""
    do { _ = try XMLTree.parse(brokenDocument.content) } catch { wholeError = "content.xml: \(error)" }
    #expect(throws: LayoutError.badDocument(wholeError)) { try DocumentLayout.layout(brokenDocument, fonts: Self.catalog) }
    // "<office:body" in a comment of the head cuts the part in the wrong place: the whole part is
    // read instead, and the document is laid out as without the comment.
    let plain = Self.document("<text:p>Báo cáo</text:p>")
    var commented = plain
    let xml = String(decoding: plain.content, as: UTF8.self).replacingOccurrences(of: "<office:meta>", with: "<!-- <office:body> --><office:meta>")
    commented.content = Array(xml.utf8)
    func runs(_ laid: LaidOutDocument) -> [[UInt32]] {
      laid.pages[0].items.compactMap { item -> [UInt32]? in if case .glyphs(let r) = item { r.glyphs.map(\.id) } else { nil } }
    }
    let expected = runs(try DocumentLayout.layout(plain, fonts: Self.catalog))
    #expect(!expected.isEmpty)
    #expect(runs(try DocumentLayout.layout(commented, fonts: Self.catalog)) == expected)
  }

  static let defaultPageLayout = "<style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" fo:margin-top=\"2cm\" fo:margin-bottom=\"2cm\" fo:margin-left=\"3cm\" fo:margin-right=\"2cm\"/>"

  /// The text of each glyph run on the document's pages, in drawing order.
  static func runTexts(_ laid: LaidOutDocument) -> [String] {
    laid.pages.flatMap(\.items).compactMap { item -> String? in
      guard case .glyphs(let run) = item else { return nil }
      return run.glyphs.indices.map { run.text(of: $0) }.joined()
    }
  }

  static func document(_ body: String, styles: String = "", pageLayout: String = defaultPageLayout) -> DocumentParts {
    let xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0">
      <office:meta><dc:title>Thử nghiệm</dc:title></office:meta>
      <office:styles><style:default-style style:family="paragraph"><style:paragraph-properties fo:orphans="2" fo:widows="2"/><style:text-properties style:font-name="Times New Roman" fo:font-size="12pt"/></style:default-style>\(styles)</office:styles>
      <office:automatic-styles><style:page-layout style:name="pm1">\(pageLayout)</style:page-layout></office:automatic-styles>
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
      return run.x + run.glyphs.prefix(n).reduce(0) { $0 + $1.advance }
    }
    #expect(ends.count >= 3)
    let measure = Double(11906 - 1701 - 1134)  // page width minus 3 cm and 2 cm
    for end in ends.dropLast() { #expect(abs(end - 1701 - measure) < 0.5) }
    #expect(ends.last! - 1701 < measure - 100)
  }

  /// Endnotes as LibreOffice prints them: the citation (i, ii...) raised in the text, the notes
  /// after the body from a new page, each led by its number and a tab.
  @Test func endnotesFollowTheBodyOnANewPage() throws {
    let body = "<text:p>Một<text:note text:note-class=\"endnote\"><text:note-body><text:p>Ghi chú một</text:p></text:note-body></text:note>"
      + " hai<text:note text:note-class=\"endnote\"><text:note-body><text:p>Ghi chú hai</text:p></text:note-body></text:note>.</text:p>"
    let laid = try DocumentLayout.layout(Self.document(body), fonts: Self.catalog)
    #expect(laid.pages.count == 2)
    let first = Self.lines(laid.pages[0]), second = Self.lines(laid.pages[1])
    #expect(first.joined().replacingOccurrences(of: " ", with: "") == "Mộtihaiii.", "\(first)")
    #expect(second.map { $0.replacingOccurrences(of: " ", with: "") } == ["iGhichúmột", "iiGhichúhai"], "\(second)")
  }

  /// An endnote with an empty body still has its page, with its number alone.
  @Test func anEmptyEndnoteKeepsItsNumber() throws {
    let body = "<text:p>Một<text:note text:note-class=\"endnote\"><text:note-citation/><text:note-body/></text:note></text:p>"
    let laid = try DocumentLayout.layout(Self.document(body), fonts: Self.catalog)
    #expect(laid.pages.count == 2)
    #expect(Self.lines(laid.pages[1]).map { $0.trimmingCharacters(in: .whitespaces) } == ["i"], "\(Self.lines(laid.pages[1]))")
  }

  /// A table's relative width (whole percent) wins over its absolute one unless it fills the margins.
  @Test func relativeTableWidthsWin() throws {
    let styles = "<style:style style:name=\"T\" style:family=\"table\"><style:table-properties style:width=\"20cm\" style:rel-width=\"50.7%\" table:align=\"left\"/></style:style>"
    let table = "<table:table table:style-name=\"T\"><table:table-column table:number-columns-repeated=\"2\"/><table:table-row>"
      + "<table:table-cell><text:p>a</text:p></table:table-cell><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>"
    var xs: [String: Double] = [:]
    for case .glyphs(let r) in try DocumentLayout.layout(Self.document(table, styles: styles), fonts: Self.catalog).pages[0].items {
      xs[r.glyphs.indices.map { r.text(of: $0) }.joined()] = r.x
    }
    // 16 cm of room (21 cm less 3 + 2 cm): 50 % is 8 cm, each column 4 cm (2268 twips).
    let room = 11906 - 1701 - 1134
    #expect(abs((xs["b"] ?? 0) - (xs["a"] ?? 0) - Double(room * 50 / 100 / 2)) < 2, "\(xs)")
  }

  /// The baseline of each glyph run on the page, in painting order.
  static func baselines(_ page: Page) -> [Double] {
    page.items.compactMap { if case .glyphs(let r) = $0 { r.y } else { nil } }
  }

  /// Text of each line of a page, words in order (a raised or lowered run joins its line).
  static func lines(_ page: Page) -> [String] {
    var rows: [(y: Double, runs: [(x: Double, text: String)])] = []
    for case .glyphs(let run) in page.items {
      let text = run.glyphs.indices.map { run.text(of: $0) }.joined()
      if let k = rows.firstIndex(where: { abs($0.y - run.y) < 150 }) { rows[k].runs.append((run.x, text)) } else { rows.append((run.y, [(run.x, text)])) }
    }
    return rows.sorted { $0.y < $1.y }.map { $0.runs.sorted { $0.x < $1.x }.map(\.text).joined().replacingOccurrences(of: "\t", with: " ") }
  }

  /// List numbers as LibreOffice's list tree gives them: an item holding only a sublist uses no
  /// number, separate lists that continue one another share their levels, a level starts at its
  /// text:start-value, and an undefined level is numbered "1.".
  @Test func listNumbersFollowLibreOfficesTree() throws {
    let style = "<text:list-style style:name=\"L\"><text:list-level-style-number text:level=\"1\" style:num-format=\"1\" style:num-suffix=\".\" text:start-value=\"2\"/>"
      + "<text:list-level-style-number text:level=\"2\" style:num-format=\"a\" style:num-suffix=\")\"/></text:list-style>"
    func list(_ items: String, continues: Bool = true) -> String {
      "<text:list text:style-name=\"L\"\(continues ? " text:continue-numbering=\"true\"" : "")>\(items)</text:list>"
    }
    let sub = "<text:list-item><text:list><text:list-item><text:p>sub</text:p></text:list-item></text:list></text:list-item>"
    let body = list("<text:list-item><text:p>one</text:p></text:list-item>", continues: false) + list(sub) + list(sub)
      + list("<text:list-item><text:p>two</text:p></text:list-item>")
      + list("<text:list-item><text:list><text:list-item><text:list><text:list-item><text:p>deep</text:p></text:list-item></text:list></text:list-item></text:list></text:list-item>", continues: false)
    let laid = try DocumentLayout.layout(Self.document(body, styles: style), fonts: Self.catalog)
    // (The tab after each label is no glyph; level 3 is not defined: "1.")
    #expect(Self.lines(laid.pages[0]) == ["2.one", "a)sub", "b)sub", "3.two", "1.deep"], "\(Self.lines(laid.pages[0]))")
  }

  /// Which list a text:list continues, as LibreOffice decides: a repeated xml:id is the same list,
  /// text:continue-list joins the list it names whatever its style, and text:continue-numbering
  /// continues only the list made last, when it has the same style.
  @Test func listsContinueAsLibreOfficeJoinsThem() throws {
    let styles = ["N": "1", "A": "a"].map { name, format in
      "<text:list-style style:name=\"\(name)\"><text:list-level-style-number text:level=\"1\" style:num-format=\"\(format)\" style:num-suffix=\".\"/></text:list-style>"
    }.joined()
    func list(_ style: String, _ text: String, _ attributes: String = "") -> String {
      "<text:list text:style-name=\"\(style)\" \(attributes)><text:list-item><text:p>\(text)</text:p></text:list-item></text:list>"
    }
    let body = list("N", "one", "xml:id=\"x\"") + list("A", "other") + list("N", "new", "text:continue-numbering=\"true\"")
      + list("N", "again", "xml:id=\"x\"") + list("A", "joined", "text:continue-list=\"x\"")
    let laid = try DocumentLayout.layout(Self.document(body, styles: styles), fonts: Self.catalog)
    #expect(Self.lines(laid.pages[0]) == ["1.one", "a.other", "1.new", "2.again", "c.joined"], "\(Self.lines(laid.pages[0]))")
  }

  /// More of LibreOffice's list rules: a start value outside 0…32767 is dropped; consecutive
  /// numbering counts on across levels; a paragraph after a sublist in the same item has no label;
  /// a relative font size in an automatic character style is ignored.
  @Test func listRulesAsLibreOfficeReadsThem() throws {
    let styles = "<text:list-style style:name=\"N\"><text:list-level-style-number text:level=\"1\" style:num-format=\"1\" style:num-suffix=\".\"/>"
      + "<text:list-level-style-number text:level=\"2\" style:num-format=\"a\" style:num-suffix=\")\"/></text:list-style>"
      + "<text:list-style style:name=\"C\" text:consecutive-numbering=\"true\"><text:list-level-style-number text:level=\"1\" style:num-format=\"1\" style:num-suffix=\".\"/>"
      + "<text:list-level-style-number text:level=\"2\" style:num-format=\"1\" style:num-suffix=\")\"/></text:list-style>"
    let item = { (text: String) in "<text:list-item><text:p>\(text)</text:p></text:list-item>" }
    let body = "<text:list text:style-name=\"N\"><text:list-item text:start-value=\"327601520\"><text:p>big</text:p></text:list-item>"
      + "<text:list-item><text:p>first</text:p><text:list>\(item("sub"))</text:list><text:p>after</text:p></text:list-item></text:list>"
      + "<text:list text:style-name=\"C\">\(item("aa"))<text:list-item><text:list>\(item("bb") + item("cc"))</text:list></text:list-item>\(item("dd"))</text:list>"
    let laid = try DocumentLayout.layout(Self.document(body, styles: styles), fonts: Self.catalog)
    #expect(Self.lines(laid.pages[0]) == ["1.big", "2.first", "a)sub", "after", "1.aa", "2)bb", "3)cc", "4.dd"], "\(Self.lines(laid.pages[0]))")

    // The same style among the named ones applies.
    let style = "<style:style style:name=\"T\" style:family=\"text\"><style:text-properties fo:font-size=\"150%\"/></style:style>"
    let named = Self.document("<text:p>a <text:span text:style-name=\"T\">b</text:span></text:p>", styles: style)
    var automatic = named
    automatic.content = Array(String(decoding: named.content, as: UTF8.self).replacingOccurrences(of: style, with: "")
      .replacingOccurrences(of: "<office:automatic-styles>", with: "<office:automatic-styles>" + style).utf8)
    func sizes(_ parts: DocumentParts) throws -> Set<Int> {
      Set(try DocumentLayout.layout(parts, fonts: Self.catalog).pages[0].items.compactMap { if case .glyphs(let r) = $0 { r.size } else { nil } })
    }
    #expect(try sizes(named) == [240, 360])
    #expect(try sizes(automatic) == [240])
  }

  /// The tab after a list label is no place to break: a word too long for the line starts beside
  /// the label (and is cut where it overflows).
  @Test func aLongWordStaysBesideItsLabel() throws {
    let styles = "<text:list-style style:name=\"N\"><text:list-level-style-number text:level=\"1\" style:num-format=\"1\" style:num-suffix=\".\"/></text:list-style>"
    let word = String(repeating: "X", count: 60)
    let body = "<text:list text:style-name=\"N\"><text:list-item><text:p>\(word)</text:p></text:list-item></text:list>"
    let lines = Self.lines(try DocumentLayout.layout(Self.document(body, styles: styles), fonts: Self.catalog).pages[0])
    #expect(lines.count == 2 && lines[0].hasPrefix("1.XXX"), "\(lines)")
  }

  /// A heading inside a list takes the outline numbering (here none) and no list number when its
  /// style names no list style; a heading without a style stays in the list.
  @Test func headingsInListsTakeTheOutline() throws {
    let styles = "<style:style style:name=\"H\" style:family=\"paragraph\"/>"
      + "<text:list-style style:name=\"N\"><text:list-level-style-number text:level=\"1\" style:num-format=\"1\" style:num-suffix=\".\"/></text:list-style>"
    let body = "<text:list text:style-name=\"N\"><text:list-item><text:p>one</text:p></text:list-item>"
      + "<text:list-item><text:h text:outline-level=\"1\" text:style-name=\"H\">heading</text:h></text:list-item>"
      + "<text:list-item><text:h text:outline-level=\"1\">plain</text:h></text:list-item></text:list>"
    let laid = try DocumentLayout.layout(Self.document(body, styles: styles), fonts: Self.catalog)
    #expect(Self.lines(laid.pages[0]) == ["1.one", "heading", "2.plain"], "\(Self.lines(laid.pages[0]))")
  }

  /// A line shape anchored to a paragraph is drawn where LibreOffice draws it: from the column's
  /// left edge and the top of the paragraph's frame (its own space above included).
  @Test func lineShapesSitWhereLibreOfficeDrawsThem() throws {
    let styles = "<style:style style:name=\"P\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-left=\"1cm\" fo:margin-top=\"0.5cm\"/></style:style>"
    let body = "<text:p>a</text:p><text:p text:style-name=\"P\"><draw:line text:anchor-type=\"paragraph\" svg:x1=\"2cm\" svg:y1=\"0.8cm\" svg:x2=\"6cm\" svg:y2=\"0.8cm\"/>b</text:p>"
    var parts = Self.document(body, styles: styles)
    parts.content = Array(String(decoding: parts.content, as: UTF8.self)
      .replacingOccurrences(of: "xmlns:dc=", with: "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" xmlns:dc=").utf8)
    let laid = try DocumentLayout.layout(parts, fonts: Self.catalog)
    let lines = laid.pages[0].items.compactMap { item -> (Double, Double, Double)? in
      if case .line(let x1, let y1, let x2, _, _, _) = item { (x1, y1, x2) } else { nil }
    }
    let runs = laid.pages[0].items.compactMap { item -> GlyphRun? in if case .glyphs(let r) = item { r } else { nil } }
    let a = try #require(runs.first), b = try #require(runs.last)
    try #require(lines.count == 1)
    let left = a.x  // the column's left edge
    #expect(abs(lines[0].0 - (left + 1134)) < 1 && abs(lines[0].2 - (left + 3402)) < 1, "\(lines) \(left)")
    // 0.8 cm below the top of the second paragraph's frame: below the first line, a little under
    // the top of the second paragraph's text (its 0.5 cm space above is within the 0.8 cm).
    #expect(lines[0].1 > a.y && lines[0].1 < b.y + 300, "\(lines) \(a.y) \(b.y)")
  }

  /// Word's rules as LibreOffice imports them (measured on Word-made Decree 30 reports): one
  /// centred in its paragraph's area is centred in the column; one that follows the text flow in a
  /// table cell and would pass the cell's bottom is drawn at that bottom.
  @Test func centredRulesAndRulesKeptInTheirCell() throws {
    let styles = "<style:style style:name=\"C\" style:family=\"graphic\"><style:graphic-properties style:horizontal-pos=\"center\" style:horizontal-rel=\"paragraph\"/></style:style>"
      + "<style:style style:name=\"F\" style:family=\"graphic\"><style:graphic-properties style:flow-with-text=\"true\"/></style:style>"
      + "<style:style style:name=\"R\" style:family=\"table-row\"><style:table-row-properties style:row-height=\"1cm\"/></style:style>"
    let body = "<text:p>a<draw:line draw:style-name=\"C\" text:anchor-type=\"char\" svg:x1=\"0cm\" svg:y1=\"0.5cm\" svg:x2=\"4cm\" svg:y2=\"0.5cm\"/></text:p>"
      + "<table:table><table:table-column/><table:table-row table:style-name=\"R\"><table:table-cell><text:p>b"
      + "<draw:line draw:style-name=\"F\" text:anchor-type=\"char\" svg:x1=\"1cm\" svg:y1=\"3cm\" svg:x2=\"3cm\" svg:y2=\"3cm\"/></text:p></table:table-cell></table:table-row></table:table>"
    var parts = Self.document(body, styles: styles)
    parts.content = Array(String(decoding: parts.content, as: UTF8.self)
      .replacingOccurrences(of: "xmlns:dc=", with: "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" xmlns:dc=").utf8)
    let laid = try DocumentLayout.layout(parts, fonts: Self.catalog)
    let lines = laid.pages[0].items.compactMap { item -> (x1: Double, y: Double, x2: Double)? in
      if case .line(let x1, let y1, let x2, _, _, _) = item, x2 - x1 > 1000 { (x1, y1, x2) } else { nil }
    }
    let runs = laid.pages[0].items.compactMap { item -> GlyphRun? in if case .glyphs(let r) = item { r } else { nil } }
    let a = try #require(runs.first), b = try #require(runs.last)
    try #require(lines.count == 2, "\(lines)")
    let centred = try #require(lines.first { abs($0.x2 - $0.x1 - 2268) < 1 }), kept = try #require(lines.first { abs($0.x2 - $0.x1 - 1134) < 1 })
    // A column of 16 cm (9071 twips) from the 3 cm margin: the 4 cm rule starts 6 cm in.
    #expect(abs(centred.x1 - (a.x + 3401.5)) < 1, "\(lines) \(a.x)")
    // The 1 cm row ends about 1 cm below the cell's text, far above the 3 cm the line asks for.
    #expect(kept.y < b.y + 567 && kept.y > b.y, "\(lines) \(b.y)")
  }

  /// Double underlines and strike-throughs are drawn as two lines each.
  @Test func doubleLinesAreTwoLines() throws {
    let styles = "<style:style style:name=\"D\" style:family=\"paragraph\"><style:text-properties style:text-underline-style=\"solid\" "
      + "style:text-underline-type=\"double\" style:text-line-through-style=\"solid\" style:text-line-through-type=\"double\"/></style:style>"
    let laid = try DocumentLayout.layout(Self.document("<text:p text:style-name=\"D\">gạch đôi</text:p>", styles: styles), fonts: Self.catalog)
    let lines = laid.pages[0].items.filter { if case .line = $0 { true } else { false } }
    #expect(lines.count == 4)
  }

  /// A list item's second paragraph starts at the level's indent (no first-line indent), and the
  /// paragraph's own automatic style, when it sets indents, wins over the list level's.
  @Test func listIndentsAsLibreOfficeGivesThem() throws {
    let style = "<text:list-style style:name=\"L\"><text:list-level-style-bullet text:level=\"1\" text:bullet-char=\"-\">"
      + "<style:list-level-properties text:list-level-position-and-space-mode=\"label-alignment\"><style:list-level-label-alignment "
      + "text:label-followed-by=\"listtab\" text:list-tab-stop-position=\"2cm\" fo:text-indent=\"-1cm\" fo:margin-left=\"2cm\"/>"
      + "</style:list-level-properties></text:list-level-style-bullet></text:list-style>"
    let automatic = "<style:style style:name=\"H\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-right=\"0cm\"/></style:style>"
    let body = "<text:list text:style-name=\"L\"><text:list-item><text:p>first</text:p><text:p>second</text:p></text:list-item>"
      + "<text:list-item><text:p text:style-name=\"H\">hard</text:p></text:list-item></text:list>"
    var parts = Self.document(body, styles: style)
    parts.content = Array(String(decoding: parts.content, as: UTF8.self)
      .replacingOccurrences(of: "<office:automatic-styles>", with: "<office:automatic-styles>" + automatic).utf8)
    let laid = try DocumentLayout.layout(parts, fonts: Self.catalog)
    // Where each word's first letter is.
    var starts: [String: Double] = [:]
    for case .glyphs(let run) in laid.pages[0].items {
      var x = run.x
      for k in run.glyphs.indices {
        let t = run.text(of: k)
        for word in ["first", "second", "hard"] where t == String(word.first!) && starts[word] == nil && run.glyphs.indices.map({ run.text(of: $0) }).joined().contains(word) {
          starts[word] = x
        }
        x += run.glyphs[k].advance
      }
    }
    let left = try #require(starts["first"])
    #expect(abs(starts["second"]! - left) < 1, "\(starts) \(Self.lines(laid.pages[0]))")  // at the 2 cm indent, like the first paragraph's text
    // The automatic style sets margin-right only: margin-left and the indent are 0, the label sits
    // at the margin and the text at the next default tab stop (1.25 cm in a flat document).
    #expect(abs(starts["hard"]! - (left - 1134 + 709)) < 1, "\(starts)")
  }

  /// A table aligned left with a width of its own: LibreOffice shares the width out column by
  /// column from what is left (three equal weights give 1/3, 2/9 and 4/9); a repeated row is read once.
  @Test func absoluteTablesShareTheirWidthAsLibreOfficeDoes() throws {
    let styles = "<style:style style:name=\"T\" style:family=\"table\"><style:table-properties style:width=\"9cm\" table:align=\"left\"/></style:style>"
      + "<style:style style:name=\"C\" style:family=\"table-column\"><style:table-column-properties style:rel-column-width=\"33*\"/></style:style>"
    let body = "<table:table table:style-name=\"T\"><table:table-column table:style-name=\"C\" table:number-columns-repeated=\"3\"/>"
      + "<table:table-row table:number-rows-repeated=\"4\"><table:table-cell><text:p>a</text:p></table:table-cell>"
      + "<table:table-cell><text:p>b</text:p></table:table-cell><table:table-cell><text:p>c</text:p></table:table-cell></table:table-row></table:table>"
    let laid = try DocumentLayout.layout(Self.document(body, styles: styles), fonts: Self.catalog)
    var xs: [String: [Double]] = [:]
    for case .glyphs(let run) in laid.pages[0].items { xs[run.glyphs.indices.map { run.text(of: $0) }.joined(), default: []].append(run.x) }
    #expect(xs["a"]?.count == 1, "a row said to repeat 4 times is printed once: \(xs)")
    let a = try #require(xs["a"]?.first), b = try #require(xs["b"]?.first), c = try #require(xs["c"]?.first)
    let width = Double(Units.twips("9cm")!)
    #expect(abs((b - a) - (width / 3).rounded(.down)) <= 1, "\(xs)")
    #expect(abs((c - b) - (width * 2 / 9).rounded(.down)) <= 1, "\(xs)")
  }

  @Test func unsupportedFeaturesAreNamed() throws {
    var refused: [(body: String, styles: String, page: String, feature: String)] = [
      ("<text:p>a</text:p>", "<text:linenumbering-configuration text:number-lines=\"true\"/>", Self.defaultPageLayout, "line numbering"),
      ("<text:p text:style-name=\"D\">a</text:p>", "<style:style style:name=\"D\" style:family=\"paragraph\"><style:paragraph-properties>"
        + "<style:drop-cap style:lines=\"3\"/></style:paragraph-properties></style:style>", Self.defaultPageLayout, "drop capitals"),
      ("<text:p>a</text:p>", "", "<style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" fo:border=\"0.5pt solid #000000\"/>",
        "page borders"),
      ("<text:p>a</text:p>", "", Self.defaultPageLayout + "<style:header-style><style:header-footer-properties fo:min-height=\"0cm\" "
        + "fo:border-bottom=\"0.06pt solid #000000\"/></style:header-style>", "borders or padding around the header"),
    ]
    func paragraphStyle(_ props: String) -> String {
      "<style:style style:name=\"X\" style:family=\"paragraph\">\(props)</style:style>"
    }
    let xp = "<text:p text:style-name=\"X\">a</text:p>"
    refused += [
      (xp, paragraphStyle("<style:text-properties style:text-rotation-angle=\"90\"/>"), Self.defaultPageLayout, "rotated text"),
      (xp, paragraphStyle("<style:paragraph-properties fo:break-before=\"column\"/>"), Self.defaultPageLayout, "column breaks"),
      (xp, paragraphStyle("<style:paragraph-properties style:font-independent-line-spacing=\"true\"/>"), Self.defaultPageLayout,
        "font-independent line spacing"),
      ("<text:p>a</text:p>", "", "<style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" style:layout-grid-mode=\"line\"/>",
        "a text grid on the page"),
    ]
    refused.append((
      "<table:table><table:table-column/><table:table-row><table:table-cell table:style-name=\"R\"><text:p>a</text:p></table:table-cell>"
        + "</table:table-row></table:table>",
      "<style:style style:name=\"R\" style:family=\"table-cell\"><style:table-cell-properties style:rotation-angle=\"90\"/></style:style>",
      Self.defaultPageLayout, "rotated text in table cells"))
    refused.append((
      "<text:p><draw:frame text:anchor-type=\"as-char\" svg:width=\"2cm\" svg:height=\"2cm\"><draw:object xlink:href=\"./Object 1\"/>"
        + "<draw:image xlink:href=\"./ObjectReplacements/Object 1\"/></draw:frame></text:p>",
      "", Self.defaultPageLayout, "embedded objects other than charts (formulas, documents: <draw:object>)"))
    for r in refused {
      #expect(throws: LayoutError.unsupported(r.feature)) {
        try DocumentLayout.layout(Self.document(r.body, styles: r.styles, pageLayout: r.page), fonts: Self.catalog)
      }
    }
    let font = "<style:style style:name=\"F\" style:family=\"paragraph\"><style:text-properties fo:font-family=\"Missing Sans\"/></style:style>"
    #expect(throws: LayoutError.missingFont("Missing Sans")) {
      try DocumentLayout.layout(Self.document("<text:p text:style-name=\"F\">a</text:p>", styles: font), fonts: Self.shippedOnly)
    }
  }

  /// A hidden section is not printed (as in LibreOffice); a section in two columns is refused by name.
  @Test func sectionsAreFlattenedHiddenOnesSkippedColumnsRefused() throws {
    let styles = "<style:style style:name=\"Two\" style:family=\"section\"><style:section-properties>"
      + "<style:columns fo:column-count=\"2\" fo:column-gap=\"0.5cm\"/></style:section-properties></style:style>"
    let doc = try DocumentLayout.layout(Self.document(
      "<text:p>a</text:p><text:section text:name=\"S1\" text:display=\"none\"><text:p>hidden</text:p></text:section>"
        + "<text:section text:name=\"S2\"><text:p>b</text:p></text:section>"), fonts: Self.catalog)
    let runs = doc.pages.flatMap(\.items).compactMap { if case .glyphs(let run) = $0 { run } else { nil } }
    #expect(runs.map { String(String.UnicodeScalarView($0.source.compactMap(Unicode.Scalar.init))) } == ["a", "b"])
    #expect(throws: LayoutError.unsupported("sections with several text columns")) {
      try DocumentLayout.layout(Self.document("<text:section text:style-name=\"Two\" text:name=\"S\"><text:p>x</text:p></text:section>", styles: styles), fonts: Self.catalog)
    }
  }

  /// Date and time fields that are not fixed show the time of conversion in their format and the
  /// document's language, as LibreOffice shows the time of loading (measured with LibreOffice 7.4).
  @Test func dateFieldsShowTheirFormatInTheDocumentsLanguage() throws {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .current
    let now = try #require(calendar.date(from: DateComponents(year: 2025, month: 9, day: 24, hour: 8, minute: 5, second: 9)))
    let styles = """
      <style:default-style style:family="paragraph"><style:text-properties fo:language="vi" fo:country="VN"/></style:default-style>
      <number:date-style style:name="Auto" number:automatic-order="true"><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/><number:text>-</number:text><number:year number:style="long"/></number:date-style>
      <number:date-style style:name="Names"><number:day-of-week number:style="long"/><number:text>, </number:text><number:day/><number:text> </number:text><number:month number:textual="true" number:style="long"/><number:text> </number:text><number:year/></number:date-style>
      <number:date-style style:name="English" number:language="en" number:country="GB"><number:day/><number:text> </number:text><number:month number:textual="true" number:style="long"/></number:date-style>
      <number:date-style style:name="French" number:language="fr" number:country="FR"><number:month number:textual="true"/></number:date-style>
      <number:time-style style:name="Time"><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/></number:time-style>
      """
    let fields = [
      ("<text:date style:data-style-name=\"Auto\">x</text:date>", "24/09/2025"),
      ("<text:date style:data-style-name=\"Names\" text:date-adjust=\"-P1D\">x</text:date>", "Thứ Ba, 23 Tháng 9 25"),
      ("<text:date style:data-style-name=\"English\">x</text:date>", "24 September"),
      ("<text:date>x</text:date>", "24/09/25"),
      ("<text:date text:fixed=\"true\">01/01/2020</text:date>", "01/01/2020"),
      ("<text:time style:data-style-name=\"Time\" text:time-adjust=\"PT1H\">x</text:time>", "09:05"),
    ]
    for (field, expected) in fields {
      let doc = try DocumentLayout.layout(Self.document("<text:p>\(field)</text:p>", styles: styles), fonts: Self.catalog, now: now)
      let text = doc.pages.flatMap(\.items).compactMap { item -> String? in
        guard case .glyphs(let run) = item else { return nil }
        return String(String.UnicodeScalarView(run.glyphs.flatMap { g in g.cluster.compactMap { Unicode.Scalar(run.source[Int($0)]) } }))
      }.joined()
      #expect(text == expected, "\(field)")
    }
    // Other languages' names come from ICU (CLDR): French abbreviates September "sept.".
    let french = try DocumentLayout.layout(Self.document("<text:p><text:date style:data-style-name=\"French\">x</text:date></text:p>", styles: styles), fonts: Self.catalog, now: now)
    let frenchText = Self.runTexts(french).joined()
    #expect(frenchText == "sept.", "\(frenchText)")
  }

  /// Paragraphs with the same borders make one box (LibreOffice's join-border); at a page break the
  /// box is closed at the bottom of the page and opened again on the next, as LibreOffice draws it.
  /// Paragraphs and a large table's cells are laid out on two cores: the pages must be exactly those
  /// of one core, page fields in the later cells must show their page, and a failure there must be
  /// reported as it would be.
  @Test func tablesSharedBetweenCoresLayOutAsOnOne() throws {
    func row(_ k: Int) -> String {
      let right = k == 15 ? "Trang <text:page-number text:select-page=\"current\">9</text:page-number>"
        : String(repeating: "Nhiệm vụ chuyển đổi số số \(k). ", count: k % 4 + 1)
      return "<table:table-row><table:table-cell><text:p>\(k)</text:p></table:table-cell>"
        + "<table:table-cell><text:p>\(right)</text:p></table:table-cell></table:table-row>"
    }
    // Long enough to be laid out on two cores before pages are filled (and across two pages).
    // Body paragraphs (a heading, a list, one with a page field) go to the other core as they are read too.
    let table = "<text:h text:outline-level=\"1\">Tiêu đề</text:h><text:list><text:list-item><text:p>Một việc</text:p></text:list-item></text:list>"
      + "<text:p>Trang <text:page-number text:select-page=\"current\">1</text:page-number></text:p><text:p>Bảng</text:p><table:table><table:table-column table:number-columns-repeated=\"2\"/>" + (1...40).map(row).joined()
      + "</table:table><text:p>Hết.</text:p>"
    func dump(_ laid: LaidOutDocument) -> [String] {
      laid.pages.flatMap { page in
        page.items.map { item -> String in
          switch item {
          case .glyphs(let run): "g \(run.x) \(run.y) \(run.glyphs.map(\.id)) \(run.glyphs.map(\.advance))"
          case .line(let x1, let y1, let x2, let y2, let w, _): "l \(x1) \(y1) \(x2) \(y2) \(w)"
          case .dashedLine(let x1, let y1, let x2, let y2, let w, _, let dash): "d \(x1) \(y1) \(x2) \(y2) \(w) \(dash)"
          case .wave(let x1, let y, let x2, let w, _, let step, let a): "w \(x1) \(y) \(x2) \(w) \(step) \(a)"
          case .rect(let x, let y, let w, let h, _): "r \(x) \(y) \(w) \(h)"
          case .image(_, let x, let y, let w, let h): "i \(x) \(y) \(w) \(h)"
          case .mark(let n, let x, let y, let w, let h): "m \(n) \(x) \(y) \(w) \(h)"
          case .clip(let x, let y, let w, let h): "c \(x) \(y) \(w) \(h)"
          case .endClip: "e"
          case .path(let p): "p \(p.segments.count)"
          }
        }
      }
    }
    Paginator.usesTwoCores = false
    let one = try DocumentLayout.layout(Self.document(table), fonts: Self.catalog)
    Paginator.usesTwoCores = true
    let two = try DocumentLayout.layout(Self.document(table), fonts: Self.catalog)
    let (a, b) = (dump(one), dump(two))
    #expect(a.count > 40)
    let difference = a.indices.first { $0 >= b.count || a[$0] != b[$0] }
    #expect(a.count == b.count && difference == nil, "first difference: \(difference.map { "\(a[$0]) | \(b[$0])" } ?? "in length")")
    let texts = two.pages[0].items.compactMap { item -> String? in
      guard case .glyphs(let run) = item else { return nil }
      return run.glyphs.indices.map { run.text(of: $0) }.joined()
    }
    #expect(texts.contains { $0.hasPrefix("Trang 1") })
    // Fonts are looked up as cells are laid out: this fails on the other core.
    let missing = "<style:style style:name=\"M\" style:family=\"paragraph\"><style:text-properties fo:font-family=\"Missing Sans\"/></style:style>"
    let failing = table.replacingOccurrences(of: "<text:p>14</text:p>", with: "<text:p text:style-name=\"M\">14</text:p>")
    #expect(throws: LayoutError.missingFont("Missing Sans")) {
      try DocumentLayout.layout(Self.document(failing, styles: missing), fonts: Self.shippedOnly)
    }
    // The table's cells go to the other core as its rows are read; the body then fails further on.
    // The other core's work is dropped, and the next document is laid out as before.
    #expect(throws: LayoutError.self) {
      try DocumentLayout.layout(Self.document(table + "<draw:frame/>"), fonts: Self.catalog)
    }
    #expect(dump(try DocumentLayout.layout(Self.document(table), fonts: Self.catalog)) == a)
  }

  @Test func textIsComposedAndUppercasedAsShown() throws {
    // The glyphs, and the text each stands for (what copying from the PDF gives).
    func glyphs(_ body: String, styles: String = "") throws -> [String] {
      try DocumentLayout.layout(Self.document(body, styles: styles), fonts: Self.catalog).pages[0].items.compactMap { item in
        // Scalars compared, not strings (which compare equal when only canonically equivalent).
        if case .glyphs(let run) = item { "\(run.glyphs.map(\.id)) \(run.glyphs.indices.flatMap { run.text(of: $0).unicodeScalars.map(\.value) })" } else { nil }
      }
    }
    // Decomposed letters after composed ones in the same run: shown composed, as LibreOffice does.
    #expect(try glyphs("<text:p>Đề án Tie\u{0302}\u{0301}n đo\u{0323}</text:p>") == glyphs("<text:p>Đề án Tiến đọ</text:p>"))
    let upper = "<style:style style:name=\"U\" style:family=\"paragraph\"><style:text-properties fo:text-transform=\"uppercase\"/></style:style>"
    #expect(try glyphs("<text:p text:style-name=\"U\">Kết quả tie\u{0302}\u{0301}n</text:p>", styles: upper) == glyphs("<text:p>KẾT QUẢ TIẾN</text:p>"))
  }

  /// Characters LibreOffice does not draw leave no glyph and no space; a non-breaking hyphen is
  /// drawn, and copied, as a hyphen; a zero-width space lets a long word break there.
  @Test func invisibleCharactersLeaveNothing() throws {
    let laid = try DocumentLayout.layout(Self.document("<text:p>a\u{2060}b\u{AD}c\u{FEFF}d e\u{2011}f</text:p>"), fonts: Self.catalog)
    #expect(Self.lines(laid.pages[0]) == ["abcd e-f"])
    let word = (1...25).map { _ in "chữ" }.joined()
    let broken = try DocumentLayout.layout(Self.document("<text:p>\(word)\u{200B}\(word)</text:p>"), fonts: Self.catalog)
    #expect(Self.lines(broken.pages[0]) == [word, word])
  }

  /// Spaces that end a line in a run of their own hang past the margin like any others.
  @Test func trailingSpacesInTheirOwnRunHang() throws {
    let style = "<style:style style:name=\"B\" style:family=\"text\"><style:text-properties fo:font-weight=\"bold\"/></style:style>"
    let word = (1...20).map { _ in "chữ" }.joined()
    let body = "<text:p>\(word) <text:span text:style-name=\"B\"><text:s text:c=\"3\"/></text:span>\(word) \(word)</text:p>"
    let laid = try DocumentLayout.layout(Self.document(body, styles: style), fonts: Self.catalog)
    #expect(Self.lines(laid.pages[0]).map { $0.trimmingCharacters(in: .whitespaces) } == [word, word, word])
  }

  /// LibreOffice's own default page style serves a document whose first paragraph names no master
  /// page, even when styles.xml defines others: their headers are not printed.
  @Test func unnamedMasterPagesDoNotServeTheFirstPage() throws {
    let xml = String(decoding: Self.document("<text:p>Thân bài</text:p>").content, as: UTF8.self).replacingOccurrences(
      of: "<style:master-page style:name=\"Standard\" style:page-layout-name=\"pm1\"/>",
      with: "<style:master-page style:name=\"MP0\" style:page-layout-name=\"pm1\"><style:header><text:p>Đầu trang</text:p></style:header></style:master-page>")
    let bytes = Array(xml.utf8)
    let laid = try DocumentLayout.layout(DocumentParts(content: bytes, styles: bytes, meta: nil, settings: nil), fonts: Self.catalog)
    #expect(Self.lines(laid.pages[0]) == ["Thân bài"])
  }

  /// Cells go on LibreOffice's grid: covered cells are ignored, so a cell after a spanning one
  /// takes the next free column even where the document leaves the covered cell out; a cell
  /// spanning rows keeps its column taken below; cells past the last column are left out.
  @Test func cellsTakeTheNextFreeColumn() throws {
    func xs(_ rows: String) throws -> [String: Double] {
      let table = "<table:table><table:table-column table:number-columns-repeated=\"3\"/>\(rows)</table:table>"
      var out: [String: Double] = [:]
      for case .glyphs(let r) in try DocumentLayout.layout(Self.document(table), fonts: Self.catalog).pages[0].items {
        out[r.glyphs.indices.map { r.text(of: $0) }.joined()] = r.x
      }
      return out
    }
    let cell = { (t: String, a: String) in "<table:table-cell \(a)><text:p>\(t)</text:p></table:table-cell>" }
    let withCovered = try xs("<table:table-row>" + cell("a", "table:number-columns-spanned=\"2\"") + "<table:covered-table-cell/>" + cell("b", "") + "</table:table-row>")
    let without = try xs("<table:table-row>" + cell("a", "table:number-columns-spanned=\"2\"") + cell("b", "") + cell("extra", "") + "</table:table-row>")
    #expect(without["b"] == withCovered["b"] && without["b"]! > withCovered["a"]! + 3000)
    #expect(without["extra"] == nil)
    let spans = try xs("<table:table-row>" + cell("x", "table:number-rows-spanned=\"2\"") + cell("y", "") + cell("z", "") + "</table:table-row>"
      + "<table:table-row>" + cell("p", "") + cell("q", "") + "</table:table-row>")
    #expect(spans["p"] == spans["y"] && spans["q"] == spans["z"])
  }

  /// A row of fixed height prints only the lines that start above its print area's bottom.
  @Test func fixedHeightRowsDropLinesBelowTheirBottom() throws {
    let styles = "<style:style style:name=\"R\" style:family=\"table-row\"><style:table-row-properties style:row-height=\"0.7cm\"/></style:style>"
    let table = "<table:table><table:table-column/><table:table-row table:style-name=\"R\"><table:table-cell>"
      + "<text:p>one</text:p><text:p>two</text:p><text:p>three</text:p></table:table-cell></table:table-row></table:table><text:p>after</text:p>"
    let laid = try DocumentLayout.layout(Self.document(table, styles: styles), fonts: Self.catalog)
    // 0.7 cm (397 twips): the second line starts at 276 twips and prints; the third, at 552, does not.
    let runs: [String] = laid.pages[0].items.compactMap { if case .glyphs(let r) = $0 { r.glyphs.indices.map { r.text(of: $0) }.joined() } else { nil } }
    #expect(runs == ["one", "two", "after"], "\(runs)")
    // Such a row never splits across pages: after 50 lines of text, a 4 cm row goes whole to page 2.
    let tall = "<style:style style:name=\"F\" style:family=\"table-row\"><style:table-row-properties style:row-height=\"4cm\"/></style:style>"
    let filler = "<text:p>" + (1...50).map { "Dòng \($0)" }.joined(separator: "<text:line-break/>") + "</text:p>"
    let rows = "<table:table><table:table-column/><table:table-row table:style-name=\"F\"><table:table-cell>"
      + (1...8).map { "<text:p>row line \($0)</text:p>" }.joined() + "</table:table-cell></table:table-row></table:table>"
    let split = try DocumentLayout.layout(Self.document(filler + rows, styles: tall), fonts: Self.catalog)
    #expect(split.pages.count == 2)
    #expect(!Self.lines(split.pages[0]).contains { $0.hasPrefix("row line") }, "\(Self.lines(split.pages[0]))")
  }

  /// settings.xml's AddParaTableSpacing false: the larger of the spaces below and above, not both.
  @Test func paragraphSpacingIsTheLargerOneWhenSettingsSaySo() throws {
    let styles = "<style:style style:name=\"A\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-bottom=\"0.5cm\"/></style:style>"
      + "<style:style style:name=\"B\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-top=\"1cm\"/></style:style>"
    func gap(_ settings: String?) throws -> Double {
      let doc = Self.document("<text:p text:style-name=\"A\">một</text:p><text:p text:style-name=\"B\">hai</text:p>", styles: styles).content
      let bytes = settings.map { Array($0.utf8) }
      let laid = try DocumentLayout.layout(DocumentParts(content: doc, styles: doc, meta: doc, settings: bytes), fonts: Self.catalog)
      let ys = Self.baselines(laid.pages[0])
      return ys[1] - ys[0]
    }
    let settings = "<office:document-settings xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:config=\"urn:oasis:names:tc:opendocument:xmlns:config:1.0\" xmlns:ooo=\"http://openoffice.org/2004/office\"><office:settings><config:config-item-set config:name=\"ooo:configuration-settings\"><config:config-item config:name=\"AddParaTableSpacing\" config:type=\"boolean\">false</config:config-item></config:config-item-set></office:settings></office:document-settings>"
    // 0.5 cm is 283 twips: the sum (1.5 cm) by default, the larger (1 cm) when the setting is false.
    let (sum, larger) = (try gap(nil), try gap(settings))
    #expect(abs(sum - larger - 283.5) <= 1, "\(sum) \(larger)")
  }

  /// A paragraph without a style, naming a missing one, or in an automatic style without a parent is
  /// in "Standard", LibreOffice's Default Paragraph Style; a named style without a parent is not.
  @Test func paragraphsWithoutAStyleAreInStandard() throws {
    let styles = "<style:style style:name=\"Standard\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-left=\"2cm\"/></style:style>"
      + "<style:style style:name=\"Other\" style:family=\"paragraph\"><style:text-properties fo:font-weight=\"bold\"/></style:style>"
    let body = "<text:p>unstyled</text:p><text:p text:style-name=\"P1\">automatic</text:p><text:p text:style-name=\"Other\">named</text:p>"
      + "<text:p text:style-name=\"Nope\">missing</text:p>"
    let doc = Self.document(body, styles: styles).content
    let bytes = Array(String(decoding: doc, as: UTF8.self).replacingOccurrences(
      of: "<office:automatic-styles>",
      with: "<office:automatic-styles><style:style style:name=\"P1\" style:family=\"paragraph\"><style:text-properties fo:font-style=\"italic\"/></style:style>").utf8)
    let laid = try DocumentLayout.layout(DocumentParts(content: bytes, styles: bytes, meta: bytes, settings: nil), fonts: Self.catalog)
    let xs: [Double] = laid.pages[0].items.compactMap { if case .glyphs(let r) = $0 { r.x } else { nil } }
    // 2 cm is 1134 twips right of the others' start.
    #expect(xs.count == 4 && xs[0] - xs[2] == 1134 && xs[1] == xs[0] && xs[3] == xs[0], "\(xs)")
  }

  /// LibreOffice's rule for the last paragraph of a fixed-height cell (measured by a helper): it
  /// shows only if its space above and below start inside the cell, unless it has no space above.
  @Test func aFixedRowDropsItsLastParagraphWhenItsSpacingLeavesNoRoom() throws {
    let styles = "<style:style style:name=\"R\" style:family=\"table-row\"><style:table-row-properties style:row-height=\"1cm\"/></style:style>"
      + "<style:style style:name=\"S\" style:family=\"table-row\"><style:table-row-properties style:row-height=\"0.7cm\"/></style:style>"
      + "<style:style style:name=\"M\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-top=\"0.2cm\" fo:margin-bottom=\"0.2cm\"/></style:style>"
      + "<style:style style:name=\"B\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-bottom=\"0.2cm\"/></style:style>"
    func printed(_ row: String, _ cell: String) throws -> (runs: [String], clips: Int) {
      let table = "<table:table><table:table-column/><table:table-row table:style-name=\"\(row)\"><table:table-cell>\(cell)</table:table-cell></table:table-row></table:table><text:p>after</text:p>"
      let items = try DocumentLayout.layout(Self.document(table, styles: styles), fonts: Self.catalog).pages[0].items
      let runs: [String] = items.compactMap { if case .glyphs(let r) = $0 { r.glyphs.indices.map { r.text(of: $0) }.joined() } else { nil } }
      return (runs, items.filter { if case .clip = $0 { true } else { false } }.count)
    }
    // 1 cm (567 twips): "one" ends at 389; "two" would start at 615 with its 226 twips of space
    // above, and its 113 below come after: 728 is past the bottom, so it is left out, though its
    // frame starts inside the cell.
    #expect(try printed("R", "<text:p text:style-name=\"M\">one</text:p><text:p text:style-name=\"M\">two</text:p>") == (["one", "after"], 0))
    // No space above: its top inside the cell is enough, and the line crossing the bottom is cut.
    #expect(try printed("S", "<text:p>one</text:p><text:p text:style-name=\"B\">two</text:p>") == (["one", "two", "after"], 1))
  }

  /// With separate borders, the cell's last paragraph, without space above and with space below,
  /// is painted in the bottom border's strip even after a paragraph that did not fit (measured by a
  /// helper: "gem." in a German form); "Werks-/Lageplan" does not break after its hyphen.
  @Test func aFixedRowsLastParagraphShowsInItsSeparateBottomBorder() throws {
    let styles = "<style:style style:name=\"T\" style:family=\"table\"><style:table-properties style:width=\"2.2cm\" table:align=\"left\" table:border-model=\"separating\"/></style:style>"
      + "<style:style style:name=\"R\" style:family=\"table-row\"><style:table-row-properties style:row-height=\"8.31mm\"/></style:style>"
      + "<style:style style:name=\"C\" style:family=\"table-cell\"><style:table-cell-properties fo:border-top=\"0.26mm solid #808080\" fo:border-bottom=\"0.26mm solid #000000\" fo:padding=\"0cm\"/></style:style>"
      + "<style:style style:name=\"A\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-top=\"2.12mm\"/><style:text-properties fo:font-size=\"10pt\"/></style:style>"
      + "<style:style style:name=\"Z\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-bottom=\"2.12mm\"/><style:text-properties fo:font-size=\"10pt\"/></style:style>"
    let table = "<table:table table:style-name=\"T\"><table:table-column/><table:table-row table:style-name=\"R\"><table:table-cell table:style-name=\"C\">"
      + "<text:p text:style-name=\"A\">Gebäudebezeichnung</text:p><text:p text:style-name=\"Z\">gem. Werks-/Lageplan</text:p></table:table-cell></table:table-row></table:table>"
    let items = try DocumentLayout.layout(Self.document(table, styles: styles), fonts: Self.catalog).pages[0].items
    let runs: [String] = items.compactMap { if case .glyphs(let r) = $0 { r.glyphs.indices.map { r.text(of: $0) }.joined() } else { nil } }
    #expect(runs.contains { $0.hasPrefix("gem.") } && !runs.contains { $0.contains("Werks") }, "\(runs)")
  }

  /// A row's background fills its cells that have none of their own ("transparent" included); the
  /// separating border model is laid out as LibreOffice Writer draws it, like the collapsing one.
  @Test func rowBackgroundsShowThroughCellsWithoutTheirOwn() throws {
    let styles = "<style:style style:name=\"T\" style:family=\"table\"><style:table-properties style:width=\"10cm\" table:border-model=\"separating\"/></style:style>"
      + "<style:style style:name=\"R\" style:family=\"table-row\"><style:table-row-properties fo:background-color=\"#00dcff\"/></style:style>"
      + "<style:style style:name=\"Red\" style:family=\"table-cell\"><style:table-cell-properties fo:background-color=\"#ff3333\"/></style:style>"
      + "<style:style style:name=\"Clear\" style:family=\"table-cell\"><style:table-cell-properties fo:background-color=\"transparent\"/></style:style>"
    let table = "<table:table table:style-name=\"T\"><table:table-column table:number-columns-repeated=\"3\"/><table:table-row table:style-name=\"R\">"
      + "<table:table-cell table:style-name=\"Red\"><text:p>a</text:p></table:table-cell><table:table-cell table:style-name=\"Clear\"><text:p>b</text:p></table:table-cell>"
      + "<table:table-cell><text:p>c</text:p></table:table-cell></table:table-row></table:table>"
    let laid = try DocumentLayout.layout(Self.document(table, styles: styles), fonts: Self.catalog)
    let fills: [String] = laid.pages[0].items.compactMap { if case .rect(_, _, _, _, let c) = $0 { "\(c)" } else { nil } }
    let red = "\(Units.color("#ff3333")!)", cyan = "\(Units.color("#00dcff")!)"
    #expect(fills == [red, cyan, cyan], "\(fills)")
  }

  @Test func tableBordersAreDrawnOnceAfterTheRowsBackgrounds() throws {
    let styles = "<style:style style:name=\"C\" style:family=\"table-cell\"><style:table-cell-properties fo:border=\"0.5pt solid #000000\"/></style:style>"
      + "<style:style style:name=\"G\" style:family=\"table-cell\"><style:table-cell-properties fo:border=\"0.5pt solid #000000\" fo:background-color=\"#e6e6e6\"/></style:style>"
    let cell = { (style: String) in "<table:table-cell table:style-name=\"\(style)\"><text:p>ô</text:p></table:table-cell>" }
    let table = "<table:table><table:table-column table:number-columns-repeated=\"3\"/><table:table-row>" + cell("C") + cell("G") + cell("C")
      + "</table:table-row></table:table>"
    let items = try DocumentLayout.layout(Self.document(table, styles: styles), fonts: Self.catalog).pages[0].items
    var horizontal: [(Double, Double)] = [], vertical = 0
    for case .line(let x1, let y1, let x2, let y2, _, _) in items { if y1 == y2 { horizontal.append((x1, x2)) } else if x1 == x2 { vertical += 1 } }
    // The top and the bottom each one line across the table; four edges between and around three cells.
    #expect(horizontal.count == 2 && vertical == 4)
    #expect(horizontal.allSatisfy { $0.1 - $0.0 == Double(11906 - 1701 - 1134) })
    // The middle cell's background comes before every border, so that it hides none of them.
    let lastRect = items.lastIndex { if case .rect = $0 { true } else { false } }
    let firstLine = items.firstIndex { if case .line = $0 { true } else { false } }
    #expect(lastRect != nil && firstLine != nil && lastRect! < firstLine!)
  }

  @Test func joinedBordersMakeOneBoxPerPage() throws {
    let styles = "<style:style style:name=\"Box\" style:family=\"paragraph\"><style:paragraph-properties "
      + "fo:border=\"0.5pt solid #000000\" fo:padding=\"0.2cm\"/></style:style>"
    let box = "<text:p text:style-name=\"Box\">a</text:p>"
    func horizontalLines(_ page: Page) -> Int {
      page.items.filter { if case .line(_, let y1, _, let y2, _, _) = $0 { y1 == y2 } else { false } }.count
    }
    let two = try DocumentLayout.layout(Self.document(box + box, styles: styles), fonts: Self.catalog)
    #expect(horizontalLines(two.pages[0]) == 2)  // the top of the first and the bottom of the second, none between
    let many = try DocumentLayout.layout(Self.document(String(repeating: box, count: 80), styles: styles), fonts: Self.catalog)
    #expect(many.pages.count > 1)
    #expect(many.pages.map(horizontalLines) == Array(repeating: 2, count: many.pages.count))
  }

  /// Two threads taking jobs from either end get every job exactly once.
  @Test func jobQueueHandsOutEachJobOnce() {
    for count in [0, 1, 2, 17, 20_000] {
      let queue = JobQueue(count: count)
      let back = Concurrently { () -> [Int] in
        var taken: [Int] = []
        while let k = queue.takeLast() { taken.append(k) }
        return taken
      }
      var front: [Int] = []
      while let k = queue.takeFirst() { front.append(k) }
      let fromBack = back.value
      #expect(front.count + fromBack.count == count && Set(front + fromBack) == Set(0..<count))
      #expect(front == front.sorted() && fromBack == fromBack.sorted(by: >))
    }
  }

  /// The text shows the font's glyph ids; the CIDToGIDMap must lead each to the same glyph in the
  /// subset, which numbers its glyphs afresh (and adds the parts of composite glyphs).
  @Test func subsetGlyphsAreFoundThroughTheCIDMap() throws {
    let font = try #require(Self.catalog.font(family: "Times New Roman", bold: false, italic: false))
    let scalars = "Ủy ban nhân dân tỉnh Đắk Lắk — ổn định; ữ ỹ ẵ Ặ 1.234,5 % (W)".unicodeScalars.map(\.value)
    let glyphs = Array(Set(font.shape(scalars, range: 0..<scalars.count).map(\.glyph)).union([0])).sorted()
    let (program, order) = try #require(font.subset(glyphs))
    #expect(Set(glyphs).isSubset(of: order) && order == order.sorted())
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("subset-\(UUID().uuidString).ttf")
    try Data(program).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let subset = try #require(Font(path: file.path))
    let map = PDFWriter.cidToGIDMap(order, upTo: glyphs.last!)
    var advances = Set<Int>()
    for g in glyphs {
      let new = Int(map[2 * Int(g)]) << 8 | Int(map[2 * Int(g) + 1])
      #expect(order[new] == g)
      #expect(subset.advance(of: UInt32(new)) == font.advance(of: g), "glyph \(g)")
      advances.insert(font.advance(of: g))
    }
    #expect(advances.count > 10)  // advances tell glyphs apart: a shifted map would show
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
    // The file's /ID follows its bytes: any one byte changed changes it.
    let bytes = Array(0..<UInt8(37))
    func id(_ b: [UInt8]) -> [UInt64] {
      var (h1, h2): (UInt64, UInt64) = (1, 2)
      ObjectWriter.hash(b, &h1, &h2)
      return [h1, h2]
    }
    #expect(bytes.indices.allSatisfy { k in var changed = bytes; changed[k] ^= 0x40; return id(changed) != id(bytes) })
    let other = try PDFWriter.write(try DocumentLayout.layout(Self.document("<text:p>Cà Mau – Đề án 07</text:p>"), fonts: Self.catalog))
    func idLine(_ pdf: [UInt8]) -> Substring? { String(decoding: pdf, as: UTF8.self).split(separator: "\n").first { $0.contains("/ID [") } }
    #expect(idLine(a) != nil && idLine(a) != idLine(other))
  }
}

@Suite struct WordShaperTests {
  static func describe(_ glyphs: [ShapedGlyph]) -> [String] {
    glyphs.map { "\($0.glyph)@\($0.cluster)+\($0.advance)(\($0.xOffset),\($0.yOffset))" }
  }

  /// Shaping word by word (with the cache) must give exactly what shaping the whole run gives,
  /// including the kerning between a space and the letter after it.
  @Test func wordByWordShapingEqualsWholeRunShaping() throws {
    let texts = [
      "Ủy ban nhân dân tỉnh Lai Châu báo cáo Ủy ban nhân dân", "A Y T V W “Tỉnh” A  Y  AV To Ya 1.234,5 %",
      " leading and trailing ", "Tie\u{0302}\u{0301}n đo\u{0323} (NFD)", "x", "   ", "Đắk Lắk, Khánh Hòa — ổn định; ữ ỹ ẵ",
    ]
    var spaceKerned = false
    for (family, bold, italic) in [("Times New Roman", false, false), ("Times New Roman", true, true), ("Arial", false, false)] {
      let font = try #require(LayoutTests.catalog.font(family: family, bold: bold, italic: italic))
      let shaper = WordShaper()
      for kerning in [true, false] {
        for text in texts + texts {  // the second pass is served from the cache
          let scalars = text.unicodeScalars.map(\.value)
          for range in [0..<scalars.count, 1..<max(1, scalars.count - 1)] {
            let whole = font.shape(scalars, range: range, kerning: kerning)
            #expect(Self.describe(shaper.shape(font, scalars, range: range, kerning: kerning)) == Self.describe(whole), "\(family) \(text)")
          }
        }
      }
      let plainSpace = font.shape([0x20], range: 0..<1)[0].advance
      if font.shape([0x20, 0x41], range: 0..<2)[0].advance != plainSpace { spaceKerned = true }
    }
    // The case the pair lookup exists for: a space kerned against the letter after it.
    #expect(spaceKerned)
  }
}

/// Charts' value axes, scaled as LibreOffice's ScaleAutomatism scales them (each case checked
/// against LibreOffice's PDF of a chart with those values).
@Suite struct ChartScaleTests {
  @Test(arguments: [
    (2.0, 87.0, 0.0, 100.0, 10.0),  // within 1/21 of 90: one interval more
    (4.0, 61.73, 0.0, 70.0, 10.0),  // the summary's shares
    (0.0, 68.0, 0.0, 80.0, 10.0),  // the stacked summary
    (-12.0, 30.0, -15.0, 35.0, 5.0),
    (95.0, 100.0, 92.0, 101.0, 1.0),  // close together: half their range below them
    (0.0, 0.42, 0.0, 0.45, 0.05),
  ])
  func automaticScale(low: Double, high: Double, minimum: Double, maximum: Double, interval: Double) {
    let scale = ChartScale(low: low, high: high, maximumCount: 10, axis: ChartModel.Axis())
    #expect(abs(scale.minimum - minimum) < 1e-9 && abs(scale.maximum - maximum) < 1e-9 && abs(scale.interval - interval) < 1e-9,
      "\(low)…\(high): \(scale.minimum)…\(scale.maximum) by \(scale.interval)")
  }

  @Test func ticksAndTheirLabels() {
    let scale = ChartScale(low: 0, high: 0.42, maximumCount: 10, axis: ChartModel.Axis())
    #expect(scale.ticks.map(scale.label) == ["0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.45"])
  }
}
