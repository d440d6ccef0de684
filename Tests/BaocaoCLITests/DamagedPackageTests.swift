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
    // Parser differentials: LibreOffice and baocao would read different documents from these.
    ("two-archives.odt", "not a consistent zip file: 400 bytes stand between its central directory and its end record"),
    ("two-names.odt", "not a consistent zip file: the entry 'notes.xml' carries a second name"),
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

/// libxml2 speaks through our diagnostics only: harmless validity findings (a duplicated xml:id,
/// which LibreOffice accepts) print nothing, and a real error is told in our format.
@Suite struct XMLDiagnosticsTests {
  static func package(_ content: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent("doc.odt").path
    let r = try CLI.run("/usr/bin/env", ["python3", "-c", """
      import zipfile,sys
      z=zipfile.ZipFile(sys.argv[1],'w')
      z.writestr('mimetype','application/vnd.oasis.opendocument.text'); z.writestr('content.xml',sys.argv[2])
      """, path, content])
    #expect(r.status == 0, "\(r.stderr)")
    return path
  }
  static let head = #"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xml="http://www.w3.org/XML/1998/namespace" office:version="1.2"><office:body><office:text>"#

  @Test func duplicatedIdsAreNotReported() throws {
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = try Self.package(Self.head + #"<text:list xml:id="list1"/><text:list xml:id="list1"/><text:p>a</text:p></office:text></office:body></office:document-content>"#, in: dir)
    let r = try CLI.baocao(["render", doc, "-", "-o", dir.appendingPathComponent("out.odt").path], stdin: Data("{}".utf8))
    #expect(r.status == 0 && r.stderr.isEmpty, "exit \(r.status): \(r.stderr)")
  }

  @Test func malformedXMLIsToldOnceInOurFormat() throws {
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = try Self.package(Self.head + "\n<text:p>a</text:span></office:text></office:body></office:document-content>", in: dir)
    let r = try CLI.baocao(["render", doc, "-", "-o", dir.appendingPathComponent("out.odt").path], stdin: Data("{}".utf8))
    #expect(r.status == 1)
    let lines = r.stderr.split(separator: "\n")
    #expect(lines.count == 1 && lines[0].hasPrefix("error: \(doc):content.xml: line 2: the XML is not well-formed: Opening and ending tag mismatch"), "\(r.stderr)")
  }
}
