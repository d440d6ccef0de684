import BaocaoData
import BaocaoTemplating
import Foundation

/// Everything a run file asks for, in one run: every template compiled first (so a broken template
/// stops the run before anything is written), then the per-record outputs on all cores, then the
/// outputs made from all records. One bad record never stops the others.
public struct MonthlyRun: Sendable {
  public let run: RunFile
  public let options: RenderOptions
  public let complement: Value?
  public let pdf: PDFMaker?
  public let jobs: Int

  public init(run: RunFile, options: RenderOptions, complement: Value?, pdf: PDFMaker?, jobs: Int) {
    self.run = run
    self.options = options
    self.complement = complement
    self.pdf = pdf
    self.jobs = jobs
  }

  public struct OutputReport: Sendable, Encodable {
    public var template: String
    public var each: String
    public var written: Int
    public var failed: Int
    public var seconds: Double
    public var records: [BatchJob.RecordResult]
    public var warnings: [String]
  }

  public struct Report: Sendable, Encodable {
    public var runFile: String
    public var records: Int
    public var written: Int
    public var failed: Int
    public var seconds: Double
    public var outputs: [OutputReport]
    public var line: String {
      "\(records) records, \(outputs.count) templates: \(written) files written, \(failed) failures, in \(String(format: "%.2f", seconds)) s"
    }
  }

  /// Opens every template, reporting all their problems at once.
  public func openTemplates() throws -> [TemplateDocument] {
    var documents: [TemplateDocument] = []
    var problems: [Diagnostic] = []
    for output in run.outputs {
      do {
        documents.append(try TemplateDocument.open(path: output.template))
      } catch let list as DiagnosticList {
        problems += list.diagnostics
      }
    }
    if !problems.isEmpty { throw DiagnosticList(problems) }
    return documents
  }

  public func execute(
    documents: [TemplateDocument], progress: @escaping @Sendable (_ template: String, _ done: Int, _ total: Int, BatchJob.RecordResult) -> Void
  ) throws -> Report {
    let start = Date()
    let records = try BatchRecords.collect(run.data)
    try FileManager.default.createDirectory(atPath: run.output, withIntermediateDirectories: true)
    var reports: [OutputReport] = []
    for (output, document) in zip(run.outputs, documents) {
      let t0 = Date()
      let formats = try (output.formats ?? [document.kind.defaultFormat.rawValue]).map { (f: String) throws -> OutputFormat in
        try OutputFormat.resolve(explicit: f, output: output.template, template: document)
      }
      let folder = output.folder.map { (run.output as NSString).appendingPathComponent($0) } ?? run.output
      let name = (output.template as NSString).lastPathComponent
      switch output.each {
      case .record:
        let job = BatchJob(
          document: document, records: records, complement: complement, options: options, formats: formats,
          namePattern: output.name, outputDirectory: folder, jobs: jobs, pdf: pdf)
        let summary = job.run { done, total, result in progress(name, done, total, result) }
        if output.folder != nil { try job.writeReport(summary) }
        reports.append(OutputReport(
          template: output.template, each: "record", written: summary.written, failed: summary.failed,
          seconds: summary.seconds, records: summary.records, warnings: []))
      case .all:
        // d is the list of every record that could be read; the others are reported, not hidden.
        let values = records.compactMap { try? $0.value.get() }
        var result = BatchJob.RecordResult(source: run.data.joined(separator: ", "))
        let missing = records.filter { (try? $0.value.get()) == nil }.map(\.source)
        var warnings: [String] = []
        if !missing.isEmpty {
          warnings.append("made from \(values.count) of \(records.count) records; unreadable: " + missing.joined(separator: ", "))
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stem = output.name ?? ((name as NSString).deletingPathExtension)
        for format in formats {
          let path = (folder as NSString).appendingPathComponent(stem + "." + format.rawValue)
          do {
            var options = options
            options.pictureBase = options.pictureBase ?? records.first?.folder
            let written = try document.write(data: .array(values), complement: complement, options: options, format: format, to: path, pdf: pdf)
            warnings += written.warnings
            let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
            result.outputs.append(.init(path: path, bytes: size, engine: written.engine, signatures: written.signatures))
          } catch let list as DiagnosticList {
            result.errors += list.diagnostics.map(\.description)
          } catch {
            result.errors.append("\(error)")
          }
        }
        result.warnings = warnings
        result.milliseconds = Date().timeIntervalSince(t0) * 1000
        progress(name, 1, 1, result)
        reports.append(OutputReport(
          template: output.template, each: "all", written: result.outputs.count, failed: result.errors.isEmpty ? 0 : 1,
          seconds: Date().timeIntervalSince(t0), records: [result], warnings: warnings))
      }
    }
    return Report(
      runFile: run.path, records: records.count, written: reports.reduce(0) { $0 + $1.written },
      failed: reports.reduce(0) { $0 + $1.failed },
      seconds: Date().timeIntervalSince(start), outputs: reports)
  }

  /// Writes `OUTPUT/run-report.json` atomically.
  public func writeReport(_ report: Report) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(report)
    try OutputWriter.write([UInt8](data), to: (run.output as NSString).appendingPathComponent("run-report.json"))
  }
}
