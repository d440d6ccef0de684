import Foundation
import Testing

/// `baocao run`: the monthly job from a run file.
@Suite struct RunFileTests {
  let root = CLI.packageRoot

  @Test func theShippedRunFileMakesEveryOutput() throws {
    let dir = try CLI.temporaryDirectory()
    let r = try CLI.baocao(["run", root.appendingPathComponent("baocao.yaml").path, "-o", dir.path, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("34 records, 3 templates: 71 files written, 0 failures"), "\(r.stdout)")
    let monthly = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("bao-cao-thang").path)
    #expect(monthly.filter { $0.hasSuffix(".odt") }.count == 34 && monthly.filter { $0.hasSuffix(".pdf") }.count == 34)
    for f in ["bao-cao-tong-hop.odt", "bao-cao-tong-hop.pdf", "thong-ke.ods", "run-report.json"] {
      #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f)")
    }
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("run-report.json"))) as! [String: Any]
    #expect(report["written"] as? Int == 71 && report["failed"] as? Int == 0)
  }

  @Test func oneCorruptRecordCostsOnlyItsOwnOutputs() throws {
    let dir = try CLI.temporaryDirectory()
    let records = dir.appendingPathComponent("records")
    try FileManager.default.copyItem(at: root.appendingPathComponent("samples/provinces"), to: records)
    try Data("{\"code\": \"12\", \"province\": ".utf8).write(to: records.appendingPathComponent("12-lai-chau.json"))
    let run = dir.appendingPathComponent("run.yaml")
    try """
      data: records
      complement: \(root.appendingPathComponent("samples/meeting.json").path)
      output: out
      outputs:
        - template: \(root.appendingPathComponent("templates/bao-cao-thang.odt").path)
          formats: [odt, pdf]
          folder: monthly
        - template: \(root.appendingPathComponent("templates/thong-ke.ods").path)
          each: all
      """.write(to: run, atomically: true, encoding: .utf8)
    let r = try CLI.baocao(["run", run.path, "--quiet"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("12-lai-chau.json:1:"), "\(r.stderr)")
    let out = dir.appendingPathComponent("out")
    let monthly = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("monthly").path)
    #expect(monthly.filter { $0.hasSuffix(".odt") }.count == 33 && monthly.filter { $0.hasSuffix(".pdf") }.count == 33)
    #expect(!monthly.contains { $0.hasPrefix(".") || $0.hasPrefix("12-") })
    // The workbook is made from the 33 readable records, and the report says so.
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("thong-ke.ods").path))
    let report = try String(contentsOf: out.appendingPathComponent("run-report.json"), encoding: .utf8)
    #expect(report.contains("made from 33 of 34 records"))
  }

  @Test func aBrokenRunFileIsExplained() throws {
    let dir = try CLI.temporaryDirectory()
    let run = dir.appendingPathComponent("run.yaml")
    try "data: x\noutput: out\noutputs:\n  - template: t.odt\n    each: province\n".write(to: run, atomically: true, encoding: .utf8)
    let r = try CLI.baocao(["run", run.path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("run.yaml") && r.stderr.contains("each is 'province'") && r.stderr.contains("each: record"), "\(r.stderr)")
  }
}
