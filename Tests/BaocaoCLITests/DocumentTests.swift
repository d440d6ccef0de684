import Foundation
import Testing

/// ODT rendering checked the way a user would: LibreOffice's text export and the ODF validator.
@Suite struct DocumentTests {
  let fixtures = CLI.packageRoot.appendingPathComponent("Tests/Fixtures")

  @Test func libreOfficeTemplateRendersExpectedText() throws {
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("out.odt").path
    let r = try CLI.baocao(["render", fixtures.appendingPathComponent("lo-report.odt").path,
                            fixtures.appendingPathComponent("lo-report.json").path, "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let content = try CLI.run("/usr/bin/env", ["python3", "-c", """
      import zipfile,sys
      z=zipfile.ZipFile(sys.argv[1]); n=z.namelist(); i=z.infolist()[0]
      print(n[0], i.compress_type, len(i.extra)); sys.stdout.write(z.read('content.xml').decode())
      """, out])
    #expect(content.stdout.hasPrefix("mimetype 0 0"), "mimetype must come first, stored, without extra field")
    #expect(!content.stdout.contains("{d."), "no tag may be left over")
    guard let conv = try CLI.soffice(["--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir.path, out]) else {
      print("skipped LibreOffice text export: soffice is not installed")
      return
    }
    #expect(conv.status == 0, "\(conv.stderr)")
    let text = try String(contentsOf: dir.appendingPathComponent("out.txt"), encoding: .utf8)
    let expected = try String(contentsOf: fixtures.appendingPathComponent("lo-report.expected.txt"), encoding: .utf8)
    #expect(text == expected)
  }

  @Test func outputValidatesLikeItsTemplate() throws {
    let validator = CLI.shared.appendingPathComponent("tools/odf-validate").path
    guard FileManager.default.fileExists(atPath: validator), CLI.which("jing") != nil else {
      print("skipped ODF validation: needs ../shared/tools/odf-validate and jing")
      return
    }
    let dir = try CLI.temporaryDirectory()
    let out = dir.appendingPathComponent("out.odt").path
    _ = try CLI.baocao(["render", fixtures.appendingPathComponent("lo-report.odt").path,
                        fixtures.appendingPathComponent("lo-report.json").path, "-o", out])
    let v = try CLI.run("/usr/bin/env", ["python3", validator, "--extended", fixtures.appendingPathComponent("lo-report.odt").path, out])
    #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
  }

  @Test func spreadsheetCellsTakeTheValueType() throws {
    let dir = try CLI.temporaryDirectory()
    let data = dir.appendingPathComponent("d.json")
    try #"[{"code":"01","name":"=SUM(A1)","n":12.5,"date":"2025-09-24"},{"code":"12","name":"Lai Châu","n":3,"date":"x"}]"#
      .write(to: data, atomically: true, encoding: .utf8)
    let r = try CLI.baocao(["render", fixtures.appendingPathComponent("typed-cells.fods").path, data.path, "-o", "-"])
    #expect(r.status == 0, "\(r.stderr)")
    let cells = r.stdout.components(separatedBy: "<table:table-cell").dropFirst(5).map { "<table:table-cell" + $0 }
    #expect(cells.count == 8)
    #expect(cells[0].hasPrefix(#"<table:table-cell office:value-type="string"><text:p>01<"#), "codes keep their zero")
    #expect(cells[1].hasPrefix(#"<table:table-cell office:value-type="string"><text:p>=SUM(A1)<"#), "a value starting with = stays text")
    #expect(cells[2].hasPrefix(#"<table:table-cell office:value-type="float" office:value="12.5">"#))
    #expect(cells[3].hasPrefix(#"<table:table-cell office:value-type="date" office:date-value="2025-09-24">"#))
    #expect(cells[6].hasPrefix(#"<table:table-cell office:value-type="float" office:value="3">"#))
    #expect(!r.stdout.contains("table:formula"), "no formula may appear from data")
  }

  @Test func checkReportsEveryMistake() throws {
    let dir = try CLI.temporaryDirectory()
    let t = dir.appendingPathComponent("t.xml")
    try "<r>\n<p>{d.a:formatZ}</p>\n<p>{d.rows[i].x}</p>\n<p>{d.b:upperCase</p>\n</r>\n".write(to: t, atomically: true, encoding: .utf8)
    let r = try CLI.baocao(["check", t.path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("t.xml:2:4") && r.stderr.contains("formatZ"), "\(r.stderr)")
    #expect(r.stderr.contains("t.xml:3:4") && r.stderr.contains("[i+1]"), "\(r.stderr)")
    #expect(r.stderr.contains("t.xml:4:4") && r.stderr.contains("never closed"), "\(r.stderr)")
  }
}

/// Broken and hostile inputs: a clear message naming the file, a non-zero exit, and no output file.
@Suite struct HostileInputTests {
  enum Case: String, CaseIterable {
    case truncatedJSON, nonUTF8JSON, missingData, templateNotZip, odtWithoutContent, loopWithoutEnd,
      unknownFormatter, externalEntity, missingTemplate
  }

  func prepare(_ c: Case, in dir: URL) throws -> (template: String, data: String, expect: String) {
    let good = dir.appendingPathComponent("good.json")
    try #"{"name":"Lai Châu","rows":[{"x":1}]}"#.write(to: good, atomically: true, encoding: .utf8)
    let xml = dir.appendingPathComponent("t.xml")
    try "<p>{d.name}</p>".write(to: xml, atomically: true, encoding: .utf8)
    func zip(_ name: String, _ files: [String: String]) throws -> String {
      let path = dir.appendingPathComponent(name).path
      let spec = String(data: try JSONSerialization.data(withJSONObject: files), encoding: .utf8)!
      let r = try CLI.run("/usr/bin/env", ["python3", "-c", """
        import zipfile,sys,json
        z=zipfile.ZipFile(sys.argv[1],'w')
        for k,v in json.loads(sys.argv[2]).items(): z.writestr(k,v)
        """, path, spec])
      #expect(r.status == 0, "\(r.stderr)")
      return path
    }
    switch c {
    case .truncatedJSON:
      let d = dir.appendingPathComponent("trunc.json")
      try #"{"name":"Lai Ch"#.write(to: d, atomically: true, encoding: .utf8)
      return (xml.path, d.path, "trunc.json:1:")
    case .nonUTF8JSON:
      let d = dir.appendingPathComponent("latin1.json")
      try Data([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0x43, 0xE2, 0x75, 0x22, 0x7D]).write(to: d)
      return (xml.path, d.path, "latin1.json:1:8: the file is not valid UTF-8")
    case .missingData:
      return (xml.path, dir.appendingPathComponent("nope.json").path, "nope.json: no such file")
    case .missingTemplate:
      return (dir.appendingPathComponent("nope.odt").path, good.path, "nope.odt: no such file")
    case .templateNotZip:
      let t = dir.appendingPathComponent("fake.odt")
      try "hello".write(to: t, atomically: true, encoding: .utf8)
      return (t.path, good.path, "fake.odt: the file is not a zip package")
    case .odtWithoutContent:
      return (try zip("empty.odt", ["mimetype": "application/vnd.oasis.opendocument.text", "styles.xml": "<a/>"]), good.path,
        "empty.odt: the package has no content.xml")
    case .loopWithoutEnd:
      let t = dir.appendingPathComponent("loop.xml")
      try "<r><p>{d.rows[i].x}</p></r>".write(to: t, atomically: true, encoding: .utf8)
      return (t.path, good.path, "loop.xml:1:7: the loop started by '{d.rows[i].x}' has no '[i+1]' tag")
    case .unknownFormatter:
      let t = dir.appendingPathComponent("fmt.xml")
      try "<p>{d.name:upperCsae}</p>".write(to: t, atomically: true, encoding: .utf8)
      return (t.path, good.path, "fmt.xml:1:4: unknown formatter 'upperCsae'")
    case .externalEntity:
      let content = """
        <?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\
        <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
        xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>\
        <text:p>&xxe;{d.name}</text:p></office:text></office:body></office:document-content>
        """
      return (try zip("xxe.odt", ["mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content]), good.path,
        "xxe.odt:content.xml:")
    }
  }

  @Test(arguments: Case.allCases)
  func failsCleanly(_ c: Case) throws {
    let dir = try CLI.temporaryDirectory()
    let (template, data, expect) = try prepare(c, in: dir)
    let ext = template.hasSuffix(".odt") ? "odt" : "xml"
    let out = dir.appendingPathComponent("out.\(ext)")
    let r = try CLI.baocao(["render", template, data, "-o", out.path])
    #expect(r.status == 1, "\(c): \(r.stderr)")
    #expect(r.stderr.contains(expect), "\(c): \(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path), "\(c) left an output")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty, "\(c) left \(leftovers)")
    #expect(!r.stderr.contains("root:"), "nothing from outside the inputs may leak")
  }

  @Test func existingOutputIsLeftUntouchedOnFailure() throws {
    let dir = try CLI.temporaryDirectory()
    let (template, data, _) = try prepare(.truncatedJSON, in: dir)
    let out = dir.appendingPathComponent("report.xml")
    try "previous".write(to: out, atomically: true, encoding: .utf8)
    let r = try CLI.baocao(["render", template, data, "-o", out.path])
    #expect(r.status == 1)
    #expect(try String(contentsOf: out, encoding: .utf8) == "previous")
  }

  @Test func usageErrorsExitTwo() throws {
    #expect(try CLI.baocao(["render"]).status == 2)
    #expect(try CLI.baocao(["render", "a.xml", "b.json", "-o", "c.xml", "--bogus"]).status == 2)
    #expect(try CLI.baocao(["frobnicate"]).status == 2)
  }

  @Test func csvAndYamlData() throws {
    let dir = try CLI.temporaryDirectory()
    let t = dir.appendingPathComponent("t.txt")
    try "{d[i].code}|{d[i].n:formatN(1)};{d[i+1].code}".write(to: t, atomically: true, encoding: .utf8)
    let csv = dir.appendingPathComponent("p.csv")
    try "code,name,n\n01,Hà Nội,3\n12,Lai Châu,4.5\n".write(to: csv, atomically: true, encoding: .utf8)
    #expect(try CLI.baocao(["render", t.path, csv.path, "-o", "-"]).stdout == "01|3,0;12|4,5;")
    let yaml = dir.appendingPathComponent("d.yaml")
    try "name: Cà Mau\nitems:\n  - a: 1\n  - a: 2\n".write(to: yaml, atomically: true, encoding: .utf8)
    let t2 = dir.appendingPathComponent("t2.txt")
    try "{d.name}: {d.items[].a:aggSum}".write(to: t2, atomically: true, encoding: .utf8)
    #expect(try CLI.baocao(["render", t2.path, yaml.path, "-o", "-"]).stdout == "Cà Mau: 3")
  }

  @Test func standardInputAndOutput() throws {
    let dir = try CLI.temporaryDirectory()
    let t = dir.appendingPathComponent("t.txt")
    try "Tỉnh {d.name}: {d.n:formatN(1)}".write(to: t, atomically: true, encoding: .utf8)
    let r = try CLI.baocao(["render", t.path, "-", "-o", "-"], stdin: Data(#"{"name":"Cà Mau","n":1234.56}"#.utf8))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "Tỉnh Cà Mau: 1.234,6")
  }
}
