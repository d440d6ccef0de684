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
}
