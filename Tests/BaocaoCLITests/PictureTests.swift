import Foundation
import Testing

/// Pictures from the data (Carbone's way: the template picture's alternative text holds the tag),
/// on a LibreOffice-made template with a picture in a table-row loop.
@Suite struct PictureTests {
  let folder = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/pictures/from-data")
  var template: String { folder.appendingPathComponent("pictures-in-rows.odt").path }
  var data: String { folder.appendingPathComponent("pictures.json").path }

  /// The package's entry names and one entry's text.
  func entries(_ odt: String) throws -> [String] {
    try CLI.run("/usr/bin/env", ["python3", "-c", "import zipfile,sys\nprint('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", odt])
      .stdout.split(separator: "\n").map(String.init)
  }

  func entry(_ odt: String, _ name: String) throws -> String {
    try CLI.run("/usr/bin/env", ["python3", "-c", "import zipfile,sys\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", odt, name]).stdout
  }

  @Test func onePicturePerRowEachStoredOnceWithItsManifestEntry() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("out.odt").path
    let r = try CLI.baocao(["render", template, data, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let names = try entries(out)
    let stored = names.filter { $0.hasPrefix("Pictures/baocao-") }
    // Four rows show three distinct pictures (the first comes twice).
    #expect(stored.count == 3, "\(names)")
    #expect(Set(stored.map { ($0 as NSString).pathExtension }) == ["png", "jpg", "gif"])
    let manifest = try entry(out, "META-INF/manifest.xml")
    for name in stored { #expect(manifest.contains("manifest:full-path=\"\(name)\" manifest:media-type=\"image/")) }
    let content = try entry(out, "content.xml")
    #expect(!content.contains("{d."), "no tag may be left over")
    #expect(!content.contains("baocao-picture"), "the marker never reaches an output")
    #expect(!content.contains("<svg:desc>"), "the alternative text that held the tag goes")
    let hrefs = content.components(separatedBy: "xlink:href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    #expect(hrefs.count == 8)
    #expect(Set(hrefs) == Set(stored))
    // The wide picture (300 × 100 px at 96 dpi) contained in a 2 cm square: 2.6458 cm of space
    // above and below, in the picture's own size.
    #expect(content.contains("fo:clip=\"rect(-2.6458cm, 0.0000cm, -2.6458cm, 0.0000cm)\""))

    let validator = CLI.shared.appendingPathComponent("tools/odf-validate").path
    guard FileManager.default.fileExists(atPath: validator), CLI.which("jing") != nil else {
      print("skipped ODF validation: needs ../shared/tools/odf-validate and jing")
      return
    }
    let v = try CLI.run("/usr/bin/env", ["python3", validator, "--extended", out])
    #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
  }

  /// Each picture drawn in a PDF, as its shown size in points (pixels over pdfimages' resolution).
  func shownSizes(_ pdf: String) throws -> [[Double]] {
    let list = try CLI.run("/usr/bin/env", ["pdfimages", "-list", pdf]).stdout
    return list.split(separator: "\n").dropFirst(2).compactMap { line -> [Double]? in
      let f = line.split(separator: " ")
      guard f.count > 13, f[2] == "image", let w = Double(f[3]), let h = Double(f[4]), let x = Double(f[12]), let y = Double(f[13]) else { return nil }
      return [w / x * 72, h / y * 72]
    }
  }

  @Test func thePDFShowsEachPictureAtItsSizeAsLibreOfficeDoes() throws {
    guard CLI.which("pdfimages") != nil else {
      print("skipped: pdfimages (poppler-utils) is not installed")
      return
    }
    let dir = try CLI.temporaryDirectory()
    let pdf = dir.appendingPathComponent("out.pdf").path
    let r = try CLI.baocao(["render", template, data, "-o", pdf, "--pdf-engine", "native"])
    #expect(r.status == 0, "\(r.stderr)")
    let native = try shownSizes(pdf)
    // Row by row: contained in 2 × 2 cm, then filled into 3 × 1.5 cm.
    let cm = 72 / 2.54
    let expected: [[Double]] = [
      [2 * cm, 2 * cm / 3], [3 * cm, 1.5 * cm],  // 300 × 100 px
      [1 * cm, 2 * cm], [3 * cm, 1.5 * cm],  // 60 × 120 px
      [2 * cm, 2 * cm], [3 * cm, 1.5 * cm],  // 40 × 40 px
      [2 * cm, 2 * cm / 3], [3 * cm, 1.5 * cm],
    ]
    #expect(native.count == expected.count, "\(native)")
    for (got, want) in zip(native, expected) {
      #expect(abs(got[0] - want[0]) < 0.5 && abs(got[1] - want[1]) < 0.5, "shown \(got), expected \(want)")
    }
    let odt = dir.appendingPathComponent("out.odt").path
    _ = try CLI.baocao(["render", template, data, "-o", odt])
    guard let conv = try CLI.soffice(["--convert-to", "pdf", "--outdir", dir.appendingPathComponent("lo").path, odt]) else {
      print("skipped the comparison with LibreOffice: soffice is not installed")
      return
    }
    #expect(conv.status == 0, "\(conv.stderr)")
    let libreOffice = try shownSizes(dir.appendingPathComponent("lo/out.pdf").path)
    #expect(libreOffice.count == native.count)
    for (lo, ours) in zip(libreOffice, native) {
      #expect(abs(lo[0] - ours[0]) < 0.5 && abs(lo[1] - ours[1]) < 0.5, "LibreOffice shows \(lo), we show \(ours)")
    }
  }

  @Test func aSpreadsheetShowsOnePicturePerRowAsLibreOfficeOpensIt() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("out.ods").path
    let r = try CLI.baocao(["render", folder.appendingPathComponent("sheet-pictures.ods").path, data, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try entries(out).filter { $0.hasPrefix("Pictures/baocao-") }.count == 3)
    let content = try entry(out, "content.xml")
    #expect(!content.contains("{d.") && !content.contains("baocao-picture") && !content.contains("<svg:title>"))
    guard CLI.which("pdfimages") != nil, let conv = try CLI.soffice(["--convert-to", "pdf", "--outdir", dir.path, out]) else {
      print("skipped LibreOffice's view of the spreadsheet: needs soffice and pdfimages")
      return
    }
    #expect(conv.status == 0, "\(conv.stderr)")
    // Contained in 2 × 1 cm frames (Calc draws fo:clip's space as Writer does).
    let cm = 72 / 2.54
    let expected: [[Double]] = [[2 * cm, 2 * cm / 3], [0.5 * cm, 1 * cm], [1 * cm, 1 * cm], [2 * cm, 2 * cm / 3]]
    let shown = try shownSizes(dir.appendingPathComponent("out.pdf").path)
    #expect(shown.count == expected.count, "\(shown)")
    for (got, want) in zip(shown, expected) {
      #expect(abs(got[0] - want[0]) < 0.5 && abs(got[1] - want[1]) < 0.5, "shown \(got), expected \(want)")
    }
  }

  /// A copy of the fixture's data with one row's picture changed.
  func dataFile(picture: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent("pictures.json")
    let text = #"{"rows": [{"name": "A", "picture": "wide.png"}, {"name": "B", "picture": "\#(picture)"}]}"#
    try text.write(to: path, atomically: true, encoding: .utf8)
    for name in ["wide.png", "tall.jpg"] {
      try? FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: dir.appendingPathComponent(name))
    }
    return path.path
  }

  @Test(arguments: [
    ("missing.png", "no picture file 'missing.png'"),
    ("../../etc/passwd", "is outside the folders pictures may come from"),
    ("/etc/hostname", "is outside the folders pictures may come from"),
    ("https://example.org/x.png", "baocao does not download pictures"),
    ("pictures.json", "is not a PNG, JPEG, GIF or SVG picture"),
    ("data:image/png;base64,@@@", "base64 data is damaged"),
    ("data:image/png;base64,AAAA", "is not a PNG, JPEG, GIF or SVG picture"),
  ])
  func aPictureThatCannotBeReadFailsTheDocumentAndNamesIt(picture: String, message: String) throws {
    let dir = try CLI.temporaryDirectory()
    let json = try dataFile(picture: picture, in: dir)
    let out = dir.appendingPathComponent("out.odt").path
    let r = try CLI.baocao(["render", template, json, "-o", out])
    #expect(r.status == 1)
    #expect(r.stderr.contains("the picture 'Contained'") && r.stderr.contains(message), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out), "no half-written output")

    // Kept on request: the template's picture stays, with a warning.
    let kept = try CLI.baocao(["render", template, json, "-o", out, "--missing-picture", "keep"])
    #expect(kept.status == 0, "\(kept.stderr)")
    #expect(kept.stderr.contains("the template's picture stays"), "\(kept.stderr)")
    let content = try entry(out, "content.xml")
    #expect(content.contains("xlink:href=\"Pictures/10000000000000400000004017CD154C38367F69.png\""))
    #expect(!content.contains("baocao-picture"))
  }

  @Test func aFolderAllowedOnTheCommandLineIsReadAndBatchReadsBesideEachRecord() throws {
    let dir = try CLI.temporaryDirectory()
    let elsewhere = try CLI.temporaryDirectory()
    try FileManager.default.copyItem(at: folder.appendingPathComponent("tall.jpg"), to: elsewhere.appendingPathComponent("tall.jpg"))
    let json = try dataFile(picture: elsewhere.appendingPathComponent("tall.jpg").path, in: dir)
    let out = dir.appendingPathComponent("out.odt").path
    #expect(try CLI.baocao(["render", template, json, "-o", out]).status == 1)
    let r = try CLI.baocao(["render", template, json, "-o", out, "--picture-folder", elsewhere.path])
    #expect(r.status == 0, "\(r.stderr)")
    // A batch reads each record's pictures from the record's own folder.
    let batch = try CLI.baocao(["batch", template, data, "-o", dir.appendingPathComponent("batch").path, "--quiet"])
    #expect(batch.status == 0, "\(batch.stderr)")
  }

  @Test func anEmptyValueShowsNoPictureAndABadFitIsReportedAtItsTag() throws {
    let dir = try CLI.temporaryDirectory()
    let json = try dataFile(picture: "", in: dir)
    let out = dir.appendingPathComponent("out.odt").path
    let r = try CLI.baocao(["render", template, json, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let content = try entry(out, "content.xml")
    #expect(content.components(separatedBy: "<draw:frame").count - 1 == 2, "row B shows no picture")

    // The marker baocao puts in the frame does not move the columns diagnostics give: an unknown
    // formatter in the tag that comes after it on its line, and a fit baocao does not know.
    let fodt = dir.appendingPathComponent("t.fodt")
    let source = try String(contentsOf: folder.appendingPathComponent("pictures-in-rows.source.fodt"), encoding: .utf8)
      .replacingOccurrences(of: "imageFit(fill)", with: "imageFit(cover)")
      .replacingOccurrences(of: "{d.rows[i].picture}</svg:desc>", with: "{d.rows[i].picture:bogusFormatter}</svg:desc>")
    try source.write(to: fodt, atomically: true, encoding: .utf8)
    let check = try CLI.baocao(["check", fodt.path])
    #expect(check.status == 1)
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    for (needle, message) in [("{d.rows[i].picture:bogusFormatter}", "unknown formatter 'bogusFormatter'"), ("{d.rows[i].picture:imageFit(cover)}", "imageFit takes contain, fill or fillWidth, not 'cover'")] {
      let line = lines.firstIndex { $0.contains(needle) }! + 1
      let text = lines[line - 1]
      let column = text.distance(from: text.startIndex, to: text.range(of: needle)!.lowerBound) + 1
      #expect(check.stderr.contains("t.fodt:\(line):\(column)") && check.stderr.contains(message), "\(needle) at \(line):\(column): \(check.stderr)")
    }
  }

  @Test func anSVGPictureIsStoredAsSVGAndTheNativeEngineLeavesItToLibreOffice() throws {
    let dir = try CLI.temporaryDirectory()
    let svg = ##"<svg xmlns="http://www.w3.org/2000/svg" width="3cm" height="1cm"><rect width="100%" height="100%" fill="#c81e1e"/></svg>"##
    try svg.write(to: dir.appendingPathComponent("mark.svg"), atomically: true, encoding: .utf8)
    let json = try dataFile(picture: "mark.svg", in: dir)
    let out = dir.appendingPathComponent("out.odt").path
    let r = try CLI.baocao(["render", template, json, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try entries(out).contains { $0.hasPrefix("Pictures/baocao-") && $0.hasSuffix(".svg") })
    #expect(try entry(out, "META-INF/manifest.xml").contains("manifest:media-type=\"image/svg+xml\""))
    // 3 × 1 cm contained in a 2 cm square: 1 cm of space above and below.
    #expect(try entry(out, "content.xml").contains("fo:clip=\"rect(-1.0000cm, 0.0000cm, -1.0000cm, 0.0000cm)\""))
    let pdf = try CLI.baocao(["render", template, json, "-o", dir.appendingPathComponent("out.pdf").path, "--pdf-engine", "native"])
    #expect(pdf.status == 1)
    #expect(pdf.stderr.contains("LibreOffice draws SVG"), "\(pdf.stderr)")
  }

  @Test func checkListsThePicturesATemplateBinds() throws {
    let r = try CLI.baocao(["check", template])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("picture 'Contained' (contain): {d.rows[i].picture}"), "\(r.stdout)")
    #expect(r.stdout.contains("picture 'Filled' (fill): {d.rows[i].picture:imageFit(fill)}"), "\(r.stdout)")
  }
}
