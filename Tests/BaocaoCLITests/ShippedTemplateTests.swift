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
}
