import Foundation
import Testing

/// Charts bound to the data with Carbone's bindChart: the chart's own table repeats one row per
/// element, its ranges follow, and LibreOffice draws the merged chart.
@Suite struct ChartTests {
  let folder = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/charts")

  func entry(_ odt: String, _ name: String) throws -> String {
    try CLI.run("/usr/bin/env", ["python3", "-c", "import zipfile,sys\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", odt, name]).stdout
  }

  @Test func oneChartRowPerElementWithItsRangesAndNoStalePicture() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("out.odt").path
    let r = try CLI.baocao(["render", folder.appendingPathComponent("bound-columns.odt").path, folder.appendingPathComponent("bound-columns.json").path, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let chart = try entry(out, "Object 1/content.xml")
    #expect(!chart.contains("{") && !chart.contains("bindChart"))
    // Five provinces: five data rows after the header, each with its two bound values.
    let rows = chart.components(separatedBy: "<table:table-rows>")[1].components(separatedBy: "<table:table-row>").dropFirst()
    #expect(rows.count == 5)
    #expect(rows.first?.contains("<text:p>Hà Nội</text:p>") == true)
    #expect(rows.first?.contains(#"office:value-type="float" office:value="87""#) == true)
    #expect(rows.first?.contains(#"office:value-type="float" office:value="4""#) == true)
    #expect(rows.last?.contains(#"office:value="0""#) == true)
    for range in ["local-table.$A$1:.$C$6", "local-table.$A$2:.$A$6", "local-table.$B$2:.$B$6", "local-table.$C$2:.$C$6"] {
      #expect(chart.contains("\"\(range)\""), "\(range)")
    }
    #expect(chart.contains(#"chart:label-cell-address="local-table.$B$1""#), "labels stay in the header")
    // The stored picture of the template's chart goes, with its reference and manifest entry.
    #expect(!(try entry(out, "content.xml")).contains("ObjectReplacements"))
    #expect(!(try entry(out, "META-INF/manifest.xml")).contains("ObjectReplacements"))

    let validator = CLI.shared.appendingPathComponent("tools/odf-validate").path
    if FileManager.default.fileExists(atPath: validator), CLI.which("jing") != nil {
      let v = try CLI.run("/usr/bin/env", ["python3", validator, "--extended", out])
      #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    } else {
      print("skipped ODF validation: needs ../shared/tools/odf-validate and jing")
    }
    guard let conv = try CLI.soffice(["--convert-to", "pdf", "--outdir", dir.path, out]) else {
      print("skipped LibreOffice's view of the chart: soffice is not installed")
      return
    }
    #expect(conv.status == 0, "\(conv.stderr)")
    let text = try CLI.run("/usr/bin/env", ["pdftotext", dir.appendingPathComponent("out.pdf").path, "-"]).stdout
    for label in ["Tasks", "Done", "Late"] { #expect(text.contains(label), "LibreOffice's PDF shows '\(label)': \(text)") }
  }

  @Test func aBindChartThatNamesNoCellIsReportedAndCheckListsTheBindings() throws {
    let check = try CLI.baocao(["check", folder.appendingPathComponent("bound-columns.odt").path])
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stdout.contains("chart 'Object 1' binds d.provinces[i].done, d.provinces[i].late"), "\(check.stdout)")

    let dir = try CLI.temporaryDirectory()
    let source = try String(contentsOf: folder.appendingPathComponent("bound-columns.source.fodt"), encoding: .utf8)
      .replacingOccurrences(of: "{bindChart(3)=", with: "{bindChart(7)=")
    try source.write(to: dir.appendingPathComponent("t.fodt"), atomically: true, encoding: .utf8)
    let made = try CLI.run("/usr/bin/env", ["python3", folder.appendingPathComponent("make-package.py").path, dir.appendingPathComponent("t.fodt").path, dir.appendingPathComponent("t.odt").path])
    #expect(made.status == 0, "\(made.stderr)")
    let r = try CLI.baocao(["check", dir.appendingPathComponent("t.odt").path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("Object 1/content.xml") && r.stderr.contains("bindChart(7) names no cell of its row: none holds 7"), "\(r.stderr)")
  }

  /// A LibreOffice-made spreadsheet whose chart reads a looped range: the chart follows the rows.
  @Test func aSpreadsheetChartFollowsItsRangeAsRowsRepeat() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("out.ods").path
    let r = try CLI.baocao(["render", folder.appendingPathComponent("sheet-chart.ods").path, folder.appendingPathComponent("bound-columns.json").path, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let chart = try entry(out, "Object 1/content.xml")
    for range in ["Sheet1.A2:Sheet1.C6 Sheet1.B1:Sheet1.C1", "Sheet1.A2:Sheet1.A6", "Sheet1.B2:Sheet1.B6", "Sheet1.C2:Sheet1.C6"] {
      #expect(chart.contains("=\"\(range)\""), "\(range)")
    }
    #expect(!chart.contains("<draw:g>"), "no stale range marks in the chart's copy of the cells")
    #expect(chart.contains("<text:p>Lào Cai</text:p>"), "the chart's copy of the cells holds the data")
    let content = try entry(out, "content.xml")
    #expect(content.contains("draw:notify-on-update-of-ranges=\"Sheet1.A2:Sheet1.A6 Sheet1.B1:Sheet1.B1 Sheet1.B2:Sheet1.B6"))
    #expect(!content.contains("ObjectReplacements"))
    let validator = CLI.shared.appendingPathComponent("tools/odf-validate").path
    if FileManager.default.fileExists(atPath: validator), CLI.which("jing") != nil {
      let v = try CLI.run("/usr/bin/env", ["python3", validator, "--extended", out])
      #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    }
  }

  /// The national summary's two charts, drawn by the native engine, against LibreOffice's PDF of
  /// the same merged document: every bar, the wall and the legend's keys within 1 pt, the same text.
  @Test func theSummarysChartsAreDrawnAsLibreOfficeDrawsThem() throws {
    guard CLI.which("qpdf") != nil, CLI.which("pdftotext") != nil else {
      print("skipped: needs qpdf and poppler-utils")
      return
    }
    let root = CLI.packageRoot
    let dir = try CLI.temporaryDirectory()
    let odt = dir.appendingPathComponent("summary.odt").path, pdf = dir.appendingPathComponent("native.pdf").path
    for (out, engine) in [(odt, "auto"), (pdf, "native")] {
      let r = try CLI.baocao(["render", root.appendingPathComponent("templates/bao-cao-tong-hop.odt").path,
                              root.appendingPathComponent("samples/provinces").path,
                              "--complement", root.appendingPathComponent("samples/meeting.json").path, "-o", out, "--pdf-engine", engine])
      #expect(r.status == 0, "\(r.stderr)")
    }
    guard let conv = try CLI.soffice(["--convert-to", "pdf", "--outdir", dir.path, odt]) else {
      print("skipped the comparison with LibreOffice: soffice is not installed")
      return
    }
    #expect(conv.status == 0, "\(conv.stderr)")
    struct Shape: Decodable { var page: Int; var rgb: [Double]; var box: [Double] }
    func shapes(_ file: String) throws -> [Shape] {
      let out = try CLI.run("/usr/bin/env", ["python3", root.appendingPathComponent("Tests/Tools/pdf-shapes.py").path, file]).stdout
      return try JSONDecoder().decode([Shape].self, from: Data(out.utf8))
    }
    // The charts' colours: LibreOffice's first three series colours and the wall's grey.
    let colours: [[Double]] = [[0, 0.271, 0.525], [1, 0.259, 0.055], [1, 0.827, 0.125], [0.851, 0.851, 0.851]]
    func chartShapes(_ all: [Shape]) -> [Shape] {
      all.filter { s in colours.contains { c in zip(c, s.rgb).allSatisfy { abs($0 - $1) < 0.01 } } }
    }
    let ours = chartShapes(try shapes(pdf)), theirs = chartShapes(try shapes(dir.appendingPathComponent("summary.pdf").path))
    // 34 + 34 columns and the stacked chart's under way and overdue parts, 3 legend keys, 2 walls.
    #expect(ours.count == theirs.count && theirs.count > 100, "\(ours.count) shapes, LibreOffice \(theirs.count)")
    var worst = 0.0
    for t in theirs {
      let same = ours.filter { $0.page == t.page && zip($0.rgb, t.rgb).allSatisfy { abs($0 - $1) < 0.01 } }
      let distance = same.map { o in zip(o.box, t.box).map { abs($0 - $1) }.max() ?? 99 }.min() ?? 99
      worst = max(worst, distance)
    }
    #expect(worst <= 1.0, "a bar's edge lies \(worst) pt from LibreOffice's")
    print("summary charts: \(theirs.count) shapes, each edge within \(worst) pt of LibreOffice's")
    func letters(_ file: String) throws -> String {
      try CLI.run("/usr/bin/env", ["pdftotext", "-raw", file, "-"]).stdout.filter { !$0.isWhitespace }
    }
    #expect(try letters(pdf) == letters(dir.appendingPathComponent("summary.pdf").path), "the same text (tick labels, legend, title) in the same order")
  }

  /// Charts LibreOffice made through its own API (Tests/Fixtures/charts/make-lo-charts.py, as
  /// Insert ▸ Chart does): drawn natively, every shape within 1 pt of LibreOffice's PDF of the same
  /// file, the same text; one with values below zero is left to LibreOffice by name.
  @Test(arguments: ["three-categories", "turned-labels", "small-with-legend", "line-with-marks", "pie", "donut"])
  func libreOfficeMadeChartsAreDrawnAsLibreOfficeDrawsThem(_ name: String) throws {
    guard CLI.which("qpdf") != nil, CLI.which("pdftotext") != nil else {
      print("skipped: needs qpdf and poppler-utils")
      return
    }
    let dir = try CLI.temporaryDirectory()
    let odt = folder.appendingPathComponent(name + ".odt").path, native = dir.appendingPathComponent("native.pdf").path
    let r = try CLI.baocao(["convert", odt, "-o", native, "--pdf-engine", "native"])
    #expect(r.status == 0, "\(r.stderr)")
    guard let conv = try CLI.soffice(["--convert-to", "pdf", "--outdir", dir.path, odt]) else {
      print("skipped the comparison with LibreOffice: soffice is not installed")
      return
    }
    #expect(conv.status == 0, "\(conv.stderr)")
    let reference = dir.appendingPathComponent(name + ".pdf").path
    let worst = try Self.worstShapeDistance(native, reference)
    #expect(worst <= 1.0, "\(name): a shape's edge lies \(worst) pt from LibreOffice's")
    func letters(_ file: String) throws -> String {
      try CLI.run("/usr/bin/env", ["pdftotext", "-raw", file, "-"]).stdout.filter { !$0.isWhitespace }
    }
    #expect(try letters(native) == letters(reference), "\(name): the same text in the same order")
  }

  @Test(arguments: [("negative-values", "charts with negative values"), ("horizontal-bars", "horizontal bar charts")])
  func chartsTheNativeEngineDoesNotDrawAreLeftToLibreOffice(name: String, feature: String) throws {
    let dir = try CLI.temporaryDirectory()
    let odt = folder.appendingPathComponent(name + ".odt").path
    let r = try CLI.baocao(["convert", odt, "-o", dir.appendingPathComponent("x.pdf").path, "--pdf-engine", "native"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("does not support \(feature)"), "\(r.stderr)")
    guard CLI.which("soffice") != nil else { return }
    // Under the default engine, LibreOffice makes it, with a warning naming why.
    let auto = try CLI.baocao(["convert", odt, "-o", dir.appendingPathComponent("y.pdf").path])
    #expect(auto.status == 0 && auto.stderr.contains(feature), "\(auto.stderr)")
  }

  /// The largest distance between a chart shape (bars, wall, legend keys) of `ours` and the nearest
  /// shape of the same colour on the same page of `theirs`; infinity when the counts differ.
  static func worstShapeDistance(_ ours: String, _ theirs: String) throws -> Double {
    struct Shape: Decodable { var page: Int; var rgb: [Double]; var box: [Double] }
    func shapes(_ file: String) throws -> [Shape] {
      let out = try CLI.run("/usr/bin/env", ["python3", CLI.packageRoot.appendingPathComponent("Tests/Tools/pdf-shapes.py").path, file]).stdout
      let colours: [[Double]] = [[0, 0.271, 0.525], [1, 0.259, 0.055], [1, 0.827, 0.125], [0.341, 0.616, 0.11], [0.851, 0.851, 0.851]]
      return try JSONDecoder().decode([Shape].self, from: Data(out.utf8)).filter { s in
        colours.contains { c in zip(c, s.rgb).allSatisfy { abs($0 - $1) < 0.01 } }
      }
    }
    let a = try shapes(ours), b = try shapes(theirs)
    guard a.count == b.count, !b.isEmpty else { return .infinity }
    var worst = 0.0
    for t in b {
      let same = a.filter { $0.page == t.page && zip($0.rgb, t.rgb).allSatisfy { abs($0 - $1) < 0.01 } }
      worst = max(worst, same.map { o in zip(o.box, t.box).map { abs($0 - $1) }.max() ?? 99 }.min() ?? .infinity)
    }
    return worst
  }
}
