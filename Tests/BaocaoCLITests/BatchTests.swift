import Foundation
import Testing

@Suite struct BatchTests {
  let root = CLI.packageRoot

  @Test func oneCorruptRecordCostsOnlyItself() throws {
    let input = try CLI.temporaryDirectory()
    let out = try CLI.temporaryDirectory().appendingPathComponent("out")
    let samples = root.appendingPathComponent("samples/provinces")
    for name in try FileManager.default.contentsOfDirectory(atPath: samples.path) where name.hasSuffix(".json") {
      try FileManager.default.copyItem(at: samples.appendingPathComponent(name), to: input.appendingPathComponent(name))
    }
    let corrupt = input.appendingPathComponent("12-lai-chau.json")
    try #"{"province": "Lai Châu", "tasks": {"items": ["#.write(to: corrupt, atomically: true, encoding: .utf8)
    // A temporary file left by an earlier run that was killed outright.
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try Data().write(to: out.appendingPathComponent(".01-ha-noi.odt.4242.17.tmp"))

    let r = try CLI.baocao(["batch", root.appendingPathComponent("templates/bao-cao-thang.odt").path, input.path,
                            "--complement", root.appendingPathComponent("samples/meeting.json").path, "-o", out.path, "--quiet"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("12-lai-chau.json:1:"), "\(r.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
    #expect(files.filter { $0.hasSuffix(".odt") }.count == 33)
    #expect(!files.contains("12-lai-chau.odt"))
    #expect(!files.contains { $0.hasSuffix(".tmp") }, "no partial or stale temporary file: \(files)")
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run-report.json"))) as! [String: Any]
    #expect(report["failed"] as? Int == 1)
    #expect(report["written"] as? Int == 33)
    #expect((report["records"] as? [Any])?.count == 34)
    #expect(r.stdout.contains("34 records: 33 files written, 1 records failed"), "\(r.stdout)")
  }

  @Test func validateOnlyReportsEveryProblemAndRendersNothing() throws {
    let input = try CLI.temporaryDirectory()
    try #"{"agency": "UBND", "tasks": {"items": "none"}}"#.write(to: input.appendingPathComponent("a.json"), atomically: true, encoding: .utf8)
    try #"{"province": "Cà Mau", "tasks": {"items": []}}"#.write(to: input.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
    try #"{"province": "#.write(to: input.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
    let out = try CLI.temporaryDirectory().appendingPathComponent("out")
    let r = try CLI.baocao(["batch", root.appendingPathComponent("templates/bao-cao-thang.odt").path, input.path, "-o", out.path, "--validate-only"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("a.json: 'd.agency' is a text, but the template reads 'd.agency.parent'"), "\(r.stderr)")
    #expect(r.stderr.contains("a.json: 'd.tasks.items' is a text, but the template needs a list"), "\(r.stderr)")
    #expect(r.stderr.contains("warning: ") && r.stderr.contains("b.json: the data has no 'd.agency'"), "\(r.stderr)")
    #expect(r.stderr.contains("c.json:1:"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path), "nothing may be rendered")
  }

  @Test func sameInputsGiveIdenticalBytes() throws {
    let a = try CLI.temporaryDirectory(), b = try CLI.temporaryDirectory()
    for dir in [a, b] {
      let r = try CLI.baocao(["batch", root.appendingPathComponent("templates/bao-cao-thang.odt").path,
                              root.appendingPathComponent("samples/provinces").path, "-o", dir.path, "--quiet"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    for name in try FileManager.default.contentsOfDirectory(atPath: a.path) where name.hasSuffix(".odt") {
      let x = try Data(contentsOf: a.appendingPathComponent(name)), y = try Data(contentsOf: b.appendingPathComponent(name))
      #expect(x == y, "\(name) differs between two runs")
    }
  }
}
