import Foundation
import Testing

/// Workbooks rendered with repeated rows: formulas grow, cached values are right without recalculation,
/// and LibreOffice's CSV export shows the expected table.
@Suite struct SpreadsheetTests {
  let root = CLI.packageRoot

  /// content.xml of an .ods, read with unzip.
  func content(_ ods: URL) throws -> String {
    let r = try CLI.run("/usr/bin/env", ["unzip", "-p", ods.path, "content.xml"])
    return r.stdout
  }

  /// Each formula cell's formula and cached value, in document order.
  func formulas(_ xml: String) -> [(formula: String, value: String?)] {
    var out: [(String, String?)] = []
    var rest = Substring(xml)
    while let r = rest.range(of: "table:formula=\"") {
      let after = rest[r.upperBound...]
      let end = after.firstIndex(of: "\"")!
      let formula = String(after[..<end]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&gt;", with: ">")
      let tagEnd = after.firstIndex(of: ">")!
      let tag = after[..<tagEnd]
      var value: String? = nil
      if let v = tag.range(of: "office:value=\"") {
        value = String(tag[v.upperBound...].prefix { $0 != "\"" })
      }
      out.append((formula, value))
      rest = after[tagEnd...]
    }
    return out
  }

  struct Province {
    var code: String
    var name: String
    var completed: Double, inProgress: Double, overdue: Double
    var online: Double, local: Double, certificates: Double, adults: Double
  }

  func provinces() throws -> [Province] {
    let dir = root.appendingPathComponent("samples/provinces")
    return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted().map { name in
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as! [String: Any]
      let t = json["tasks"] as! [String: Any], i = json["indicators"] as! [String: Any]
      func n(_ d: [String: Any], _ k: String) -> Double { (d[k] as! NSNumber).doubleValue }
      return Province(
        code: json["code"] as! String, name: json["province"] as! String, completed: n(t, "completed"), inProgress: n(t, "inProgress"),
        overdue: n(t, "overdue"), online: n(i, "onlineRecords"), local: n(i, "localShare"), certificates: n(i, "signatureCertificates"),
        adults: n(i, "adultsWithSignature"))
    }
  }

  @Test func statisticsWorkbookTotalsCoverAllThirtyFourRows() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("thong-ke.ods")
    let r = try CLI.baocao(["render", root.appendingPathComponent("templates/thong-ke.ods").path,
                            root.appendingPathComponent("samples/provinces").path,
                            "--complement", root.appendingPathComponent("samples/meeting.json").path, "-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let p = try provinces()
    #expect(p.count == 34)
    let f = formulas(try content(out))
    // 34 rows × 2 per-row formulas, then the totals row's 9.
    #expect(f.count == 34 * 2 + 9)
    for (k, province) in p.enumerated() {
      let row = k + 3
      let total = province.completed + province.inProgress + province.overdue
      #expect(f[2 * k].formula == "of:=[.D\(row)]+[.E\(row)]+[.F\(row)]")
      #expect(Double(f[2 * k].value ?? "") == total, "\(province.name): total tasks")
      let share = total > 0 ? province.completed / total : 0
      #expect(abs((Double(f[2 * k + 1].value ?? "") ?? -1) - share) < 1e-12, "\(province.name): completion share")
    }
    let totals = Array(f.suffix(9))
    #expect(totals[0].formula == "of:=SUM([.D3:.D36])")
    #expect(Double(totals[0].value ?? "") == p.reduce(0) { $0 + $1.completed })
    #expect(Double(totals[2].value ?? "") == p.reduce(0) { $0 + $1.overdue })
    #expect(Double(totals[5].value ?? "") == p.reduce(0) { $0 + $1.online })
    #expect(totals[6].formula == "of:=AVERAGE([.J3:.J36])")
    #expect(abs((Double(totals[6].value ?? "") ?? 0) - p.reduce(0) { $0 + $1.local } / 34) < 1e-12)
    #expect(Double(totals[7].value ?? "") == p.reduce(0) { $0 + $1.certificates })

    let validator = CLI.shared.appendingPathComponent("tools/odf-validate").path
    if FileManager.default.fileExists(atPath: validator), CLI.which("jing") != nil {
      let v = try CLI.run("/usr/bin/env", ["python3", validator, "--extended", out.path, root.appendingPathComponent("templates/thong-ke.ods").path])
      #expect(v.status == 0, "\(v.stdout)")
    } else {
      print("skipped ODF validation: needs jing")
    }

    guard CLI.which("soffice") != nil else {
      print("skipped LibreOffice CSV export: soffice is not installed")
      return
    }
    let conv = try CLI.soffice(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false", "--outdir", dir.path, out.path])
    #expect(conv?.status == 0)
    let csv = try String(contentsOf: dir.appendingPathComponent("thong-ke.csv"), encoding: .utf8)
    let lines = csv.split(separator: "\n").map(String.init)
    #expect(lines.count == 37)
    func g(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
    func fields(_ line: String) -> [String] {
      var out: [String] = [], current = "", quoted = false
      for ch in line {
        if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { out.append(current); current = "" } else { current.append(ch) }
      }
      return out + [current]
    }
    for (k, province) in p.enumerated() {
      let total = province.completed + province.inProgress + province.overdue
      let cells = fields(lines[k + 2])
      #expect(cells[0] == String(k + 1) && cells[1] == province.code, "row \(k + 3): \(lines[k + 2])")
      #expect(cells[3] == g(province.completed) && cells[6] == g(total) && cells[8] == g(province.online), "row \(k + 3): \(lines[k + 2])")
    }
    let last = fields(lines[36])
    #expect(last[0] == "Tổng cộng" && last[3] == g(p.reduce(0) { $0 + $1.completed }) && last[8] == g(p.reduce(0) { $0 + $1.online }), "\(lines[36])")
  }

  /// A workbook authored in LibreOffice: typed cells, per-row formulas, totals under the loop,
  /// a reference below the loop and one from another sheet.
  @Test func libreOfficeAuthoredWorkbook() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("workbook.ods")
    let r = try CLI.baocao(["render", root.appendingPathComponent("Tests/Fixtures/held/workbook.ods").path,
                            root.appendingPathComponent("Tests/Fixtures/held/workbook.json").path, "-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let xml = try content(out)
    let f = formulas(xml)
    let expected: [(String, String)] = [
      ("of:=[.C2]/[.B2]", "0.914779528401958"), ("of:=SUM([.B2:.C2])", "787028"),
      ("of:=[.C3]/[.B3]", "0.9169901621909067"), ("of:=SUM([.B3:.C3])", "180245"),
      ("of:=[.C4]/[.B4]", "0.7468879668049793"), ("of:=SUM([.B4:.C4])", "210500"),
      ("of:=SUM([.B2:.B4])", "625553"), ("of:=SUM([.C2:.C4])", "552220"), ("of:=[.C5]/[.B5]", "0.8827709242861915"),
      ("of:=AVERAGE([.E2:.E4])", "0.8603333333333333"),
    ]
    for (k, e) in expected.enumerated() {
      #expect(f[k].formula == e.0, "formula \(k)")
      #expect(f[k].value == e.1, "value of \(e.0)")
    }
    #expect(xml.contains("office:string-value=\"3 tỉnh\""))
    #expect(xml.contains("table:formula=\"of:=MAX([.$B$2:.$B$4])\" office:value-type=\"float\" office:value=\"411028\""))
    #expect(xml.contains("table:formula=\"of:=[Data.B5]\" office:value-type=\"float\" office:value=\"625553\""))
    #expect(xml.contains("table:formula=\"of:=SUM([$Data.$C$2:.$C$4])\" office:value-type=\"float\" office:value=\"552220\""))
    #expect(xml.contains("office:value-type=\"percentage\" office:value=\"0.914\""), "a number in a percentage-styled cell is a percentage")
    #expect(!xml.contains("baocao-row"))
  }

  @Test func columnLoopsAreRefusedAndUncomputedFormulasReported() throws {
    let dir = try CLI.temporaryDirectory()
    let template = dir.appendingPathComponent("columns.fods")
    try """
      <?xml version="1.0" encoding="UTF-8"?>
      <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
      <office:body><office:spreadsheet><table:table table:name="S"><table:table-row>
      <table:table-cell office:value-type="string"><text:p>{d.months[i].name}</text:p></table:table-cell>
      <table:table-cell office:value-type="string"><text:p>{d.months[i+1].name}</text:p></table:table-cell>
      <table:table-cell table:formula="of:=VLOOKUP(1;[.A1:.B2];2)" office:value-type="float" office:value="0"><text:p>0</text:p></table:table-cell>
      </table:table-row></table:table></office:spreadsheet></office:body></office:document>
      """.write(to: template, atomically: true, encoding: .utf8)
    let check = try CLI.baocao(["check", template.path])
    #expect(check.status == 1)
    #expect(check.stderr.contains("S.B1: the loop over 'd.months' runs across columns"), "\(check.stderr)")
    #expect(check.stderr.contains("warning:") && check.stderr.contains("VLOOKUP"), "\(check.stderr)")
    let data = dir.appendingPathComponent("d.json")
    try #"{"months":[{"name":"a"},{"name":"b"}]}"#.write(to: data, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out.fods")
    let r = try CLI.baocao(["render", template.path, data.path, "-o", out.path])
    #expect(r.status == 1 && r.stderr.contains("runs across columns"))
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func aSheetPerRecordWhenTheSheetNameHoldsALoopTag() throws {
    let dir = try CLI.temporaryDirectory()
    let template = dir.appendingPathComponent("per-province.fods")
    try """
      <?xml version="1.0" encoding="UTF-8"?>
      <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
      <office:body><office:spreadsheet>
      <table:table table:name="{d[i].name}"><table:table-column table:number-columns-repeated="3"/><table:table-row>
      <table:table-cell office:value-type="string"><text:p>{d[i].name}</text:p></table:table-cell>
      <table:table-cell office:value-type="string"><text:p>{d[i].total}</text:p></table:table-cell>
      <table:table-cell table:formula="of:=[.B1]*2" office:value-type="float" office:value="0"><text:p>0</text:p></table:table-cell>
      </table:table-row></table:table>
      </office:spreadsheet></office:body></office:document>
      """.write(to: template, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out.fods")
    let r = try CLI.baocao(["render", template.path, root.appendingPathComponent("Tests/Fixtures/held/workbook.json").path, "-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let xml = try String(contentsOf: out, encoding: .utf8)
    let names = xml.components(separatedBy: "<table:table table:name=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
    #expect(names == ["Hà Nội", "Lai Châu", "Cà Mau"])
    #expect(xml.contains("office:value=\"822056\"") && xml.contains("office:value=\"188050\"") && xml.contains("office:value=\"241000\""))
  }
}
