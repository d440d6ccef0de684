import Foundation
import Testing

/// The shipped templates with all 34 sample records, checked through LibreOffice's text export.
@Suite struct ShippedTemplateTests {
  let root = CLI.packageRoot

  struct Sample {
    var file: URL
    var province: String
    var place: String
    var issueDate: String
    var tasks: [String]
  }

  func samples() throws -> [Sample] {
    let dir = root.appendingPathComponent("samples/provinces")
    return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted().map { name in
      let url = dir.appendingPathComponent(name)
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      let items = ((json["tasks"] as! [String: Any])["items"] as! [[String: Any]]).map { $0["name"] as! String }
      return Sample(file: url, province: json["province"] as! String, place: json["place"] as! String,
        issueDate: json["issueDate"] as! String, tasks: items)
    }
  }

  /// Decree 30's date line, computed independently of the formatter: days under 10 and months 1–2 padded.
  static func officialDate(_ iso: String) -> String {
    let p = iso.split(separator: "-").map { Int($0)! }
    let month = p[1] <= 2 ? String(format: "%02d", p[1]) : String(p[1])
    return "ngày \(String(format: "%02d", p[2])) tháng \(month) năm \(p[0])"
  }

  @Test func thirtyFourSamplesAndMeeting() throws {
    let s = try samples()
    #expect(s.count == 34)
    #expect(Set(s.map { $0.file.lastPathComponent.prefix(2) }).count == 34, "one record per provincial code")
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("samples/meeting.json").path))
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("samples/schema.json").path))
  }

  @Test func monthlyReportsHoldNameDateAndTasks() throws {
    guard CLI.which("soffice") != nil else {
      print("skipped: soffice is not installed")
      return
    }
    let dir = try CLI.temporaryDirectory()
    let r = try CLI.baocao(["batch", root.appendingPathComponent("templates/bao-cao-thang.odt").path,
                            root.appendingPathComponent("samples/provinces").path,
                            "--complement", root.appendingPathComponent("samples/meeting.json").path, "-o", dir.path])
    #expect(r.status == 0, "\(r.stderr)")
    let odts = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".odt") }.sorted()
    #expect(odts.count == 34)
    let conv = try CLI.soffice(["--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir.path]
      + odts.map { dir.appendingPathComponent($0).path })
    #expect(conv?.status == 0)
    for sample in try samples() {
      let stem = sample.file.deletingPathExtension().lastPathComponent
      let text = try String(contentsOf: dir.appendingPathComponent(stem + ".txt"), encoding: .utf8)
      let nfc = { (s: String) in s.precomposedStringWithCanonicalMapping }
      #expect(text.contains(nfc(sample.province)), "\(stem): province name")
      #expect(text.contains(nfc(sample.place) + ", " + Self.officialDate(sample.issueDate)), "\(stem): date line")
      for task in sample.tasks { #expect(text.contains(nfc(task)), "\(stem): task '\(task)'") }
      #expect(!text.contains("{d.") && !text.contains("{c."), "\(stem): leftover tag")
      #expect(text == nfc(text), "\(stem): output must be NFC")
    }
  }

  @Test func templatesValidate() throws {
    let validator = CLI.shared.appendingPathComponent("tools/odf-validate").path
    guard FileManager.default.fileExists(atPath: validator), CLI.which("jing") != nil else {
      print("skipped ODF validation: needs ../shared/tools/odf-validate and jing")
      return
    }
    let templates = ["bao-cao-thang.odt", "bao-cao-tong-hop.odt", "thong-ke.ods"].map { root.appendingPathComponent("templates/" + $0).path }
    let v = try CLI.run("/usr/bin/env", ["python3", validator, "--extended"] + templates)
    #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
  }

  /// The rows of a merged chart's own table: each row's cell texts.
  static func chartRows(_ xml: String) -> [[String]] {
    guard let body = xml.components(separatedBy: "<table:table-rows>").dropFirst().first else { return [] }
    return body.components(separatedBy: "<table:table-row>").dropFirst().map { row in
      row.components(separatedBy: "<table:table-cell").dropFirst().map { cell in
        let text = cell.components(separatedBy: "<text:p>").dropFirst().first?.components(separatedBy: "</text:p>").first ?? ""
        return text
      }
    }
  }

  /// The national summary's two charts hold the 34 provinces in the table's order, with the data's values.
  @Test func summaryChartsHoldEveryProvinceInTheTablesOrder() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("summary.odt").path
    let r = try CLI.baocao(["render", root.appendingPathComponent("templates/bao-cao-tong-hop.odt").path,
                            root.appendingPathComponent("samples/provinces").path,
                            "--complement", root.appendingPathComponent("samples/meeting.json").path, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    func entry(_ name: String) throws -> String {
      try CLI.run("/usr/bin/env", ["python3", "-c", "import zipfile,sys\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", out, name]).stdout
    }
    var records: [String: [String: Any]] = [:]  // province → record
    for sample in try samples() {
      records[sample.province] = try JSONSerialization.jsonObject(with: Data(contentsOf: sample.file)) as? [String: Any]
    }
    // The table's order: its rows' province names, as merged.
    let content = try entry("content.xml")
    let tableOrder = content.components(separatedBy: "<table:table-row").compactMap { row -> String? in
      records.keys.first { row.contains(">\($0)<") }
    }
    #expect(tableOrder.count == 34)
    let share = Self.chartRows(try entry("Object 1/content.xml"))
    let status = Self.chartRows(try entry("Object 2/content.xml"))
    #expect(share.count == 34 && status.count == 34)
    for (k, province) in tableOrder.enumerated() where k < share.count && k < status.count {
      let record = records[province]!, tasks = record["tasks"] as! [String: Any]
      let shortName = record["shortName"] as! String
      #expect(share[k].first == shortName && status[k].first == shortName, "row \(k + 1): \(share[k]) \(status[k]) for \(shortName)")
      let expected = ((tasks["completedShare"] as! Double) * 100 * 100).rounded() / 100
      #expect(Double(share[k][1]) == expected, "\(shortName): share \(share[k][1]), data \(expected)")
      #expect(status[k].dropFirst().map { Int($0) } == [tasks["completed"] as? Int, tasks["inProgress"] as? Int, tasks["overdue"] as? Int],
        "\(shortName): \(status[k])")
    }
    // The native PDF's columns against its axis: each height over the plot's is the value over the
    // axis's maximum (0–70 for the shares).
    let pdf = dir.appendingPathComponent("native.pdf").path
    let made = try CLI.baocao(["render", root.appendingPathComponent("templates/bao-cao-tong-hop.odt").path,
                               root.appendingPathComponent("samples/provinces").path,
                               "--complement", root.appendingPathComponent("samples/meeting.json").path, "-o", pdf, "--pdf-engine", "native"])
    #expect(made.status == 0, "\(made.stderr)")
    if CLI.which("qpdf") != nil {
      struct Shape: Decodable { var page: Int; var rgb: [Double]; var box: [Double] }
      let json = try CLI.run("/usr/bin/env", ["python3", root.appendingPathComponent("Tests/Tools/pdf-shapes.py").path, pdf]).stdout
      let shapes = try JSONDecoder().decode([Shape].self, from: Data(json.utf8))
      func coloured(_ c: [Double]) -> [Shape] { shapes.filter { zip($0.rgb, c).allSatisfy { abs($0 - $1) < 0.01 } } }
      let walls = coloured([0.851, 0.851, 0.851]).sorted { $0.page < $1.page }
      let firstChart = walls.first!
      let columns = coloured([0, 0.271, 0.525]).filter { $0.page == firstChart.page && $0.box[0] >= firstChart.box[0] && $0.box[2] <= firstChart.box[2] }
        .sorted { $0.box[0] < $1.box[0] }
      #expect(columns.count == 34, "\(columns.count) columns in the first chart")
      let plotHeight = firstChart.box[3] - firstChart.box[1]
      for (k, column) in columns.enumerated() where k < tableOrder.count {
        let tasks = records[tableOrder[k]]!["tasks"] as! [String: Any]
        let shown = (column.box[3] - column.box[1]) / plotHeight * 70
        let data = (tasks["completedShare"] as! Double) * 100
        #expect(abs(shown - data) < 0.1, "\(tableOrder[k]): the column shows \(shown), the data says \(data)")
      }
    }
    let validator = CLI.shared.appendingPathComponent("tools/odf-validate").path
    if FileManager.default.fileExists(atPath: validator), CLI.which("jing") != nil {
      let v = try CLI.run("/usr/bin/env", ["python3", validator, "--extended", out])
      #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    }
    guard let conv = try CLI.soffice(["--convert-to", "pdf", "--outdir", dir.path, out]) else {
      print("skipped LibreOffice's view of the charts: soffice is not installed")
      return
    }
    #expect(conv.status == 0, "\(conv.stderr)")
    let text = try CLI.run("/usr/bin/env", ["pdftotext", dir.appendingPathComponent("summary.pdf").path, "-"]).stdout
    for label in ["Tỷ lệ nhiệm vụ đã hoàn thành (%)", "Nhiệm vụ theo tình trạng", "Đang thực hiện", "Quá hạn"] {
      #expect(text.contains(label), "LibreOffice's PDF shows '\(label)'")
    }
  }

  /// The workbook's chart sheet reads the totals row, which the loop moves from row 5 to row 37.
  @Test func theWorkbooksChartFollowsItsTotalsRow() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("thong-ke.ods").path
    let r = try CLI.baocao(["render", root.appendingPathComponent("templates/thong-ke.ods").path,
                            root.appendingPathComponent("samples/provinces").path,
                            "--complement", root.appendingPathComponent("samples/meeting.json").path, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let listing = try CLI.run("/usr/bin/env", ["python3", "-c", """
      import zipfile,sys
      z=zipfile.ZipFile(sys.argv[1])
      for n in z.namelist():
          if n.endswith('/content.xml') and not n.startswith('META-INF'): sys.stdout.write(z.read(n).decode())
      sys.stdout.write('\\n----\\n'); sys.stdout.write(z.read('content.xml').decode())
      """, out]).stdout
    let parts = listing.components(separatedBy: "\n----\n")
    #expect(parts.count == 2)
    let chart = parts.first ?? "", content = parts.last ?? ""
    #expect(chart.contains("'Thống kê'.D2:'Thống kê'.F2 'Thống kê'.D37:'Thống kê'.F37"), "the chart's range follows the totals row")
    #expect(!chart.contains(".D5:"), "no range left on the template's row")
    #expect(content.contains("'Thống kê'.D37:'Thống kê'.D37"), "the frame's ranges follow too")
    #expect(content.contains("<table:table table:name=\"Biểu đồ\""))
    let validator = CLI.shared.appendingPathComponent("tools/odf-validate").path
    if FileManager.default.fileExists(atPath: validator), CLI.which("jing") != nil {
      let v = try CLI.run("/usr/bin/env", ["python3", validator, "--extended", out])
      #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    }
  }
}
