import Foundation
import Testing

/// Damaged and hostile packages: each is refused with exit status 1 (not a crash, which exits by a
/// signal or with another status), a message naming the file and the reason, and no output.
@Suite struct DamagedPackageTests {
  static let cases: [(file: String, message: String)] = [
    ("absolute-entry.odt", "an entry with an unsafe name '/content.xml'"),
    ("parent-entry.odt", "an entry with an unsafe name '../evil.xml'"),
    ("declared-huge.odt", "'content.xml' is too large once uncompressed"),
    ("duplicate-entry.odt", "two entries named 'content.xml'"),
    ("encrypted.odt", "protected with a password"),
    ("not-a-zip.odt", "not a zip package"),
  ]

  @Test(arguments: cases.map(\.file))
  func refusedCleanly(_ file: String) throws {
    let expected = Self.cases.first { $0.file == file }!.message
    let path = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/hostile/\(file)").path
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = dir.appendingPathComponent("d.json")
    try "{}".write(to: data, atomically: true, encoding: .utf8)
    for (command, output) in [("render", "out.odt"), ("render", "out.pdf"), ("convert", "out.pdf"), ("check", "")] {
      var arguments = [command, path]
      if command == "render" { arguments.append(data.path) }
      if !output.isEmpty { arguments += ["-o", dir.appendingPathComponent(output).path] }
      let r = try CLI.baocao(arguments)
      #expect(r.status == 1, "\(command) \(file): exit \(r.status) \(r.stderr)")
      #expect(r.stderr.contains(path) && r.stderr.contains(expected), "\(command) \(file): \(r.stderr)")
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "d.json" }
    #expect(left.isEmpty, "nothing may be written: \(left)")
  }
}
