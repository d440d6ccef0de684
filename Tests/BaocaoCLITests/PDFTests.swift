import Foundation
import Testing

/// The native PDF engine against LibreOffice and the PDF tools: same lines and pages, embedded subset
/// fonts with Unicode maps, the exact Vietnamese text back from pdftotext.
@Suite struct PDFTests {
  let root = CLI.packageRoot

  /// Renders the 34 monthly reports and the national summary as ODT and PDF into a new folder.
  func renderSamples() throws -> URL {
    let dir = try CLI.temporaryDirectory()
    let b = try CLI.baocao(["batch", root.appendingPathComponent("templates/bao-cao-thang.odt").path,
                            root.appendingPathComponent("samples/provinces").path,
                            "--complement", root.appendingPathComponent("samples/meeting.json").path,
                            "-o", dir.path, "--format", "odt,pdf", "--quiet"])
    #expect(b.status == 0, "\(b.stderr)")
    for ext in ["odt", "pdf"] {
      let s = try CLI.baocao(["render", root.appendingPathComponent("templates/bao-cao-tong-hop.odt").path,
                              root.appendingPathComponent("samples/provinces").path,
                              "--complement", root.appendingPathComponent("samples/meeting.json").path,
                              "-o", dir.appendingPathComponent("bao-cao-tong-hop." + ext).path])
      #expect(s.status == 0, "\(s.stderr)")
    }
    return dir
  }

  @Test func nativePDFBreaksLinesAndPagesLikeLibreOffice() throws {
    let compare = CLI.shared.appendingPathComponent("tools/pdf-layout-compare").path
    guard CLI.which("soffice") != nil, CLI.which("pdftotext") != nil, FileManager.default.fileExists(atPath: compare) else {
      print("skipped: needs soffice, pdftotext and ../shared/tools/pdf-layout-compare")
      return
    }
    let dir = try renderSamples()
    let lo = dir.appendingPathComponent("lo")
    try FileManager.default.createDirectory(at: lo, withIntermediateDirectories: true)
    let odts = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".odt") }.sorted()
    #expect(odts.count == 35)
    let conv = try CLI.soffice(["--convert-to", "pdf", "--outdir", lo.path] + odts.map { dir.appendingPathComponent($0).path })
    #expect(conv?.status == 0)
    let (matched, total) = try compareWithLibreOffice(odts.map { dir.appendingPathComponent($0) }, lo: lo, compare: compare, turnedText: ["bao-cao-tong-hop.pdf"])
    print("native vs LibreOffice: \(matched)/\(total) lines break at the same word")
  }

  /// LibreOffice-authored documents with lists, tabs, merged cells and pictures, converted as they are.
  @Test func libreOfficeAuthoredDocumentsMatch() throws {
    let compare = CLI.shared.appendingPathComponent("tools/pdf-layout-compare").path
    guard CLI.which("soffice") != nil, CLI.which("pdftotext") != nil, FileManager.default.fileExists(atPath: compare) else {
      print("skipped: needs soffice, pdftotext and ../shared/tools/pdf-layout-compare")
      return
    }
    let dir = try CLI.temporaryDirectory()
    let held = root.appendingPathComponent("Tests/Fixtures/held")
    var docs = try FileManager.default.contentsOfDirectory(atPath: held.path).filter { $0.hasSuffix(".odt") }.sorted().map { held.appendingPathComponent($0) }
    docs.append(root.appendingPathComponent("Tests/Fixtures/lo-report.odt"))
    for doc in docs where doc.pathExtension == "odt" {
      let r = try CLI.baocao(["convert", doc.path, "-o", dir.appendingPathComponent(doc.deletingPathExtension().lastPathComponent + ".pdf").path])
      #expect(r.status == 0, "\(doc.lastPathComponent): \(r.stderr)")
    }
    // A flat template without page styles (LibreOffice's default page) merged straight to PDF.
    let flat = dir.appendingPathComponent("flat-report.fodt")
    for ext in ["fodt", "pdf"] {
      let r = try CLI.baocao(["render", root.appendingPathComponent("Tests/Fixtures/lo-report.fodt").path,
                              root.appendingPathComponent("Tests/Fixtures/lo-report.json").path,
                              "-o", dir.appendingPathComponent("flat-report." + ext).path])
      #expect(r.status == 0, "\(r.stderr)")
    }
    docs.append(flat)
    // A line shape anchored to a paragraph (Word's rule under an agency's name), with its text.
    docs.append(root.appendingPathComponent("Tests/Fixtures/shapes/line-under-agency.fodt"))
    let r = try CLI.baocao(["convert", docs.last!.path, "-o", dir.appendingPathComponent("line-under-agency.pdf").path, "--pdf-engine", "native"])
    #expect(r.status == 0, "\(r.stderr)")
    // spacing/: character spacing (fo:letter-spacing), over whole paragraphs and over spans: 0.05 cm,
    // 2 pt, 0.1 cm and −0.0185 cm, left-aligned and justified. text/: file-name fields, invisible
    // characters, a master page no paragraph names, hyperlinks and underlines (words as pdftotext reads them).
    for folder in ["spacing", "text"] {
      let fixtures = root.appendingPathComponent("Tests/Fixtures/" + folder)
      for name in try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter({ $0.hasSuffix(".fodt") }).sorted() {
        let doc = fixtures.appendingPathComponent(name)
        let r = try CLI.baocao(["convert", doc.path, "-o", dir.appendingPathComponent(doc.deletingPathExtension().lastPathComponent + ".pdf").path,
                                "--pdf-engine", "native"])
        #expect(r.status == 0, "\(name): \(r.stderr)")
        docs.append(doc)
      }
    }
    let lo = dir.appendingPathComponent("lo")
    try FileManager.default.createDirectory(at: lo, withIntermediateDirectories: true)
    let conv = try CLI.soffice(["--convert-to", "pdf", "--outdir", lo.path] + docs.map(\.path))
    #expect(conv?.status == 0)
    _ = try compareWithLibreOffice(docs, lo: lo, compare: compare, native: dir)
  }

  /// Runs pdf-layout-compare on each document's native PDF (beside it, or in `native`) against LibreOffice's.
  /// `turnedText`: documents with text turned 45° (a chart's category labels). pdftotext makes
  /// words of diagonal glyphs by their positions to a hundredth of a point, which LibreOffice rounds
  /// its own way; their words are compared with the blanks left out instead.
  func compareWithLibreOffice(_ docs: [URL], lo: URL, compare: String, native: URL? = nil, turnedText: Set<String> = []) throws -> (Int, Int) {
    var matched = 0.0, total = 0.0
    for doc in docs {
      let name = doc.deletingPathExtension().lastPathComponent + ".pdf"
      let ours = (native ?? doc.deletingLastPathComponent()).appendingPathComponent(name)
      let r = try CLI.run("/usr/bin/env", ["python3", compare, "--json", ours.path, lo.appendingPathComponent(name).path])
      let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
      let pages = json["pages"] as! [Int]
      let lines = json["lines"] as! [Int]
      let agreement = json["agreement"] as! Double
      #expect(pages[0] == pages[1], "\(name): \(pages[0]) pages, LibreOffice \(pages[1])")
      #expect(agreement >= 0.98, "\(name): \(agreement) of lines break at the same word")
      #expect((json["dy_max"] as? Double ?? 99) <= 1.0, "\(name): baselines \(json["dy_max"] ?? "-") pt apart")
      if turnedText.contains(name) {
        func letters(_ pdf: URL) throws -> String {
          try CLI.run("/usr/bin/env", ["pdftotext", "-raw", pdf.path, "-"]).stdout.filter { !$0.isWhitespace }
        }
        #expect(try letters(ours) == letters(lo.appendingPathComponent(name)), "\(name): text differs from LibreOffice's")
      } else {
        #expect(json["text_equal"] as? Bool == true, "\(name): words differ from LibreOffice's")
      }
      matched += agreement * Double(lines.max()!)
      total += Double(lines.max()!)
    }
    return (Int(matched.rounded()), Int(total))
  }

  @Test func fontsAreEmbeddedSubsetWithUnicodeMapsAndTheFileIsClean() throws {
    guard CLI.which("pdffonts") != nil, CLI.which("qpdf") != nil, CLI.which("pdftotext") != nil else {
      print("skipped: needs poppler-utils and qpdf")
      return
    }
    let dir = try renderSamples()
    let pdfs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".pdf") }.sorted()
    #expect(pdfs.count == 35)
    for pdf in pdfs {
      let path = dir.appendingPathComponent(pdf).path
      let q = try CLI.run(CLI.which("qpdf")!, ["--check", path])
      #expect(q.status == 0 && q.stdout.contains("No syntax or stream encoding errors"), "\(pdf): \(q.stdout)\(q.stderr)")
      let f = try CLI.run(CLI.which("pdffonts")!, [path])
      let rows = f.stdout.split(separator: "\n").dropFirst(2)
      // A PDF LibreOffice made (the summary, whose charts the native engine leaves to it) embeds
      // its fonts its own way; ours are CID fonts.
      let byLibreOffice = try CLI.run("/usr/bin/env", ["pdfinfo", path]).stdout.contains("LibreOffice")
      #expect(!rows.isEmpty)
      for row in rows {
        let cols = row.split(separator: " ", omittingEmptySubsequences: true)
        // name type... encoding emb sub uni object ID
        let flags = cols.suffix(5).prefix(3)
        #expect(flags.allSatisfy { $0 == "yes" }, "\(pdf): \(row)")
        #expect(byLibreOffice || (row.contains("CID TrueType") && row.contains("Identity-H")), "\(pdf): \(row)")
      }
    }
  }

  @Test func pdftotextGivesBackTheVietnameseText() throws {
    guard CLI.which("pdftotext") != nil else {
      print("skipped: needs pdftotext (poppler-utils)")
      return
    }
    let dir = try renderSamples()
    let shipped = ShippedTemplateTests()
    let nfc = { (s: String) in s.precomposedStringWithCanonicalMapping }
    let squash = { (s: String) in s.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }
    for sample in try shipped.samples() {
      let stem = sample.file.deletingPathExtension().lastPathComponent
      // -raw keeps the content stream's order: each table cell's lines together.
      let r = try CLI.run(CLI.which("pdftotext")!, ["-raw", dir.appendingPathComponent(stem + ".pdf").path, "-"])
      let text = squash(r.stdout)
      let hasProvince = text.contains(nfc(sample.province))
      #expect(hasProvince, "\(stem): province")
      let hasDate = text.contains(nfc(sample.place) + ", " + ShippedTemplateTests.officialDate(sample.issueDate))
      #expect(hasDate, "\(stem): date line")
      for task in sample.tasks {
        let found = text.contains(squash(nfc(task)))
        #expect(found, "\(stem): task '\(task)'")
      }
      let isNFC = text == nfc(text)
      #expect(isNFC, "\(stem): text must come back NFC")
    }
  }

  @Test func samePDFBytesEveryRun() throws {
    let dir = try CLI.temporaryDirectory()
    var outputs: [Data] = []
    for i in 0..<2 {
      let out = dir.appendingPathComponent("r\(i).pdf")
      let r = try CLI.baocao(["render", root.appendingPathComponent("templates/bao-cao-thang.odt").path,
                              root.appendingPathComponent("samples/provinces/79-ho-chi-minh.json").path,
                              "--complement", root.appendingPathComponent("samples/meeting.json").path, "-o", out.path])
      #expect(r.status == 0, "\(r.stderr)")
      outputs.append(try Data(contentsOf: out))
    }
    #expect(outputs[0] == outputs[1])
    #expect(outputs[0].starts(with: Data("%PDF-1.7".utf8)))
  }

  @Test(arguments: [
    ("<text:p>Text<text:ruby><text:ruby-base>x</text:ruby-base></text:ruby></text:p>", "the element <text:ruby> inside a paragraph"),
    ("<table:table><table:table-column/><table:table-row><table:table-cell><text:p>Cell<text:note text:note-class=\"footnote\"><text:note-citation>1</text:note-citation><text:note-body><text:p>n</text:p></text:note-body></text:note></text:p></table:table-cell></table:table-row></table:table>", "footnotes in tables"),
  ])
  func unsupportedFeatureFailsNamingItAndLeavesNoFile(body: String, feature: String) throws {
    let dir = try CLI.temporaryDirectory()
    let doc = dir.appendingPathComponent("note.fodt")
    try """
      <?xml version="1.0" encoding="UTF-8"?>
      <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
      <office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/></style:page-layout></office:automatic-styles>
      <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
      <office:body><office:text>\(body)</office:text></office:body>
      </office:document>
      """.write(to: doc, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("note.pdf")
    let r = try CLI.baocao(["convert", doc.path, "-o", out.path, "--pdf-engine", "native"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("note.fodt") && r.stderr.contains(feature) && r.stderr.contains("--pdf-engine auto"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["note.fodt"])
  }

  @Test func libreOfficeEngineOnRequest() throws {
    guard CLI.which("soffice") != nil, CLI.which("pdfinfo") != nil else {
      print("skipped: needs soffice and pdfinfo")
      return
    }
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("lc.pdf")
    let r = try CLI.baocao(["render", root.appendingPathComponent("templates/bao-cao-thang.odt").path,
                            root.appendingPathComponent("samples/provinces/12-lai-chau.json").path,
                            "--complement", root.appendingPathComponent("samples/meeting.json").path,
                            "-o", out.path, "--pdf-engine", "libreoffice"])
    #expect(r.status == 0, "\(r.stderr)")
    let info = try CLI.run(CLI.which("pdfinfo")!, [out.path])
    #expect(info.stdout.contains("LibreOffice"))
  }

  /// --fonts folders come before the installed fonts: with only DejaVu Sans Bold there, regular
  /// DejaVu Sans text takes that face; without it, fontconfig's regular face. A family nobody has
  /// gets fontconfig's fallback with a warning, as in LibreOffice, not a refusal.
  @Test func userFontsComeFirstWithFontsOption() throws {
    let dejavu = "/usr/share/fonts/truetype/dejavu"
    guard FileManager.default.fileExists(atPath: dejavu + "/DejaVuSans-Bold.ttf"), let pdffonts = CLI.which("pdffonts") else {
      print("skipped: needs DejaVu Sans (Debian's fonts-dejavu-core) and pdffonts")
      return
    }
    let dir = try CLI.temporaryDirectory()
    let fonts = dir.appendingPathComponent("fonts")
    try FileManager.default.createDirectory(at: fonts, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: dejavu + "/DejaVuSans-Bold.ttf", toPath: fonts.appendingPathComponent("DejaVuSans-Bold.ttf").path)
    func document(_ family: String) throws -> String {
      let doc = dir.appendingPathComponent("doc.fodt")
      try """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
        <office:styles><style:default-style style:family="paragraph"><style:text-properties fo:font-family="'\(family)'" fo:font-size="12pt"/></style:default-style></office:styles>
        <office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/></style:page-layout></office:automatic-styles>
        <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
        <office:body><office:text><text:p>Chữ ký số</text:p></office:text></office:body></office:document>
        """.write(to: doc, atomically: true, encoding: .utf8)
      return doc.path
    }
    let out = dir.appendingPathComponent("doc.pdf").path
    let doc = try document("DejaVu Sans")
    let without = try CLI.baocao(["convert", doc, "-o", out])
    #expect(without.status == 0 && without.stderr.isEmpty, "\(without.stderr)")
    #expect(try CLI.run(pdffonts, [out]).stdout.contains("+DejaVuSans "))
    let with = try CLI.baocao(["convert", doc, "-o", out, "--fonts", fonts.path])
    #expect(with.status == 0, "\(with.stderr)")
    #expect(try CLI.run(pdffonts, [out]).stdout.contains("+DejaVuSans-Bold "))
    let unknown = try CLI.baocao(["convert", try document("Nowhere Grotesk"), "-o", out])
    #expect(unknown.status == 0, "\(unknown.stderr)")
    #expect(unknown.stderr.contains("warning: ") && unknown.stderr.contains("'Nowhere Grotesk' is not installed; 'DejaVu Sans' stands in"), "\(unknown.stderr)")
  }

}
