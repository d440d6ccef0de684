import Foundation
import Testing

/// --pdf-engine auto (the default): the native engine for what it lays out, LibreOffice for the
/// rest, judged once per template; a batch hands LibreOffice all its documents in one process.
@Suite struct PDFEngineChoiceTests {
  /// A flat text document the native engine refuses (text scaled to 50 %) holding one tag.
  static func refusedTemplate(in dir: URL) throws -> String {
    let path = dir.appendingPathComponent("scaled.fodt")
    try """
      <?xml version="1.0" encoding="UTF-8"?>
      <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
      <office:styles><style:default-style style:family="paragraph"><style:text-properties style:font-name="Liberation Serif" fo:font-size="12pt"/></style:default-style>
      <style:style style:name="S" style:family="paragraph"><style:text-properties style:text-scale="50%"/></style:style></office:styles>
      <office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/></style:page-layout></office:automatic-styles>
      <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
      <office:body><office:text><text:p text:style-name="S">Tỉnh {d.name}</text:p></office:text></office:body></office:document>
      """.write(to: path, atomically: true, encoding: .utf8)
    return path.path
  }

  /// A stand-in `soffice` that logs each start and "converts" every file it is given by writing
  /// a small PDF beside the others, so that the engine choice is tested without LibreOffice.
  static func fakeSoffice(in dir: URL) throws -> (bin: URL, log: URL) {
    let bin = dir.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let log = dir.appendingPathComponent("soffice.log")
    let script = bin.appendingPathComponent("soffice")
    try """
      #!/bin/sh
      echo start >> '\(log.path)'
      out=""; prev=""
      for a in "$@"; do
        if [ "$prev" = "--outdir" ]; then out="$a"; fi
        case "$a" in *.odt|*.fodt) n=$(basename "$a"); printf '%%PDF-1.4 fake %s\\n' "$n" > "$out/${n%.*}.pdf" ;; esac
        prev="$a"
      done
      """.write(to: script, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
    return (bin, log)
  }

  @Test func refusedTemplatesGoToLibreOfficeOnceForAWholeBatch() throws {
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let template = try Self.refusedTemplate(in: dir)
    let (bin, log) = try Self.fakeSoffice(in: dir)
    let env = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    let records = dir.appendingPathComponent("records")
    try FileManager.default.createDirectory(at: records, withIntermediateDirectories: true)
    for (k, name) in ["Lai Châu", "Cà Mau", "Hà Nội"].enumerated() {
      try "{\"name\":\"\(name)\"}".write(to: records.appendingPathComponent("r\(k).json"), atomically: true, encoding: .utf8)
    }
    let out = dir.appendingPathComponent("out")
    let r = try CLI.baocao(["batch", template, records.path, "-o", out.path, "--format", "fodt,pdf", "--quiet"], environment: env)
    #expect(r.status == 0, "\(r.stderr)")
    let starts = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").count
    #expect(starts == 1, "LibreOffice must start once for the batch, started \(starts) times")
    let report = try String(contentsOf: out.appendingPathComponent("run-report.json"), encoding: .utf8)
    #expect(report.components(separatedBy: "\"engine\" : \"libreoffice\"").count - 1 == 3, "\(report)")
    #expect(report.contains("made by LibreOffice: the native engine does not lay out text scaling"))
    for k in 0..<3 { #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("r\(k).pdf").path)) }

    // One document: LibreOffice makes it, and says so; --pdf-engine native still refuses.
    let one = dir.appendingPathComponent("one.pdf")
    let single = try CLI.baocao(["render", template, records.appendingPathComponent("r0.json").path, "-o", one.path], environment: env)
    #expect(single.status == 0 && single.stderr.contains("warning: \(template): made by LibreOffice"), "\(single.stderr)")
    let native = try CLI.baocao(["render", template, records.appendingPathComponent("r0.json").path, "-o", one.path, "--pdf-engine", "native"], environment: env)
    #expect(native.status == 1 && native.stderr.contains("does not support text scaling"), "\(native.stderr)")
  }

  @Test func withoutLibreOfficeTheRefusalStands() throws {
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let template = try Self.refusedTemplate(in: dir)
    let data = dir.appendingPathComponent("d.json")
    try "{\"name\":\"Lai Châu\"}".write(to: data, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("x.pdf")
    let r = try CLI.baocao(["render", template, data.path, "-o", out.path], environment: ["PATH": "/nonexistent"])
    #expect(r.status == 1 && r.stderr.contains("does not support text scaling") && r.stderr.contains("when LibreOffice is installed"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    let check = try CLI.baocao(["check", template], environment: ["PATH": "/nonexistent"])
    #expect(check.stdout.contains("PDF: the native engine does not lay out text scaling"), "\(check.stdout)")
  }

  @Test func checkNamesTheEngineAndTheStandIns() throws {
    let r = try CLI.baocao(["check", CLI.packageRoot.appendingPathComponent("templates/bao-cao-thang.odt").path])
    #expect(r.status == 0)
    #expect(r.stdout.contains("PDF: the native engine lays this template out"))
    #expect(r.stdout.contains("font: 'Times New Roman' → 'Liberation Serif' (metric twin"))
  }
}
