import BaocaoData
import BaocaoTemplating
import Foundation

/// One record of a batch, with where it came from.
public struct BatchRecord: Sendable {
  public var source: String
  /// The default output name: the record's file name without extension, or `source-N` for arrays.
  public var name: String
  public var value: Result<Value, DataError>

  /// The folder of the record's file, where pictures it names are read from.
  public var folder: String? {
    var file = source
    if file.hasSuffix("]"), let open = file.lastIndex(of: "[") { file = String(file[..<open]) }
    let folder = (file as NSString).deletingLastPathComponent
    return folder.isEmpty ? nil : folder
  }
}

public enum BatchRecords {
  /// Files, folders of records, or JSON files holding an array (one record per element).
  /// A file that cannot be read becomes a failed record, so the other records still render.
  public static func collect(_ inputs: [String]) throws(DataError) -> [BatchRecord] {
    var out: [BatchRecord] = []
    for input in inputs {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
        throw DataError(file: input, message: "no such file or directory")
      }
      let files = isDir.boolValue ? try DataLoader.recordFiles(in: input) : [input]
      for file in files {
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
          let v = try DataLoader.load(path: file)
          // A file holding an array (JSON, or CSV rows) gives one record per element.
          if !isDir.boolValue, case .array(let items) = v {
            for (i, item) in items.enumerated() {
              out.append(BatchRecord(source: "\(file)[\(i)]", name: "\(stem)-\(i + 1)", value: .success(item)))
            }
          } else {
            out.append(BatchRecord(source: file, name: stem, value: .success(v)))
          }
        } catch {
          out.append(BatchRecord(source: file, name: stem, value: .failure(error)))
        }
      }
    }
    return out
  }
}

/// Renders every record in parallel; a bad record is reported and the others still complete.
public struct BatchJob: Sendable {
  public var document: TemplateDocument
  public var records: [BatchRecord]
  public var complement: Value?
  public var options: RenderOptions
  public var formats: [OutputFormat]
  public var namePattern: String?
  public var outputDirectory: String
  public var jobs: Int
  public var pdf: PDFMaker?

  public init(
    document: TemplateDocument, records: [BatchRecord], complement: Value?, options: RenderOptions,
    formats: [OutputFormat], namePattern: String?, outputDirectory: String, jobs: Int, pdf: PDFMaker? = nil
  ) {
    self.pdf = pdf
    self.document = document
    self.records = records
    self.complement = complement
    self.options = options
    self.formats = formats
    self.namePattern = namePattern
    self.outputDirectory = outputDirectory
    self.jobs = max(1, jobs)
  }

  /// What happened to one record.
  public struct RecordResult: Sendable, Encodable {
    public struct Output: Sendable, Encodable {
      public var path: String
      public var bytes: Int
      /// For a PDF: "native" or "libreoffice".
      public var engine: String? = nil
      /// For a signed PDF: each signature (who signed, in which field).
      public var signatures: [String]? = nil
    }
    public var source: String
    public var outputs: [Output] = []
    public var milliseconds: Double = 0
    public var warnings: [String] = []
    public var errors: [String] = []
  }

  public struct Summary: Sendable, Encodable {
    public var template: String
    public var written: Int
    public var failed: Int
    public var seconds: Double
    public var records: [RecordResult]
    public var line: String {
      "\(records.count) records: \(written) files written, \(failed) records failed, in \(String(format: "%.2f", seconds)) s"
    }
  }

  /// Renders every record on all workers; `progress` is called after each record (from any thread).
  public func run(progress: @escaping @Sendable (_ done: Int, _ total: Int, RecordResult) -> Void) -> Summary {
    let start = Date()
    try? FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
    removeStaleTemporaryFiles()
    let nameProgram: TextTemplate? = namePattern.flatMap { try? TextTemplate(bytes: Array($0.utf8), file: "--name") }
    let lock = NSLock()
    nonisolated(unsafe) var results = [RecordResult?](repeating: nil, count: records.count)
    nonisolated(unsafe) var done = 0
    let records = self.records
    // PDFs that LibreOffice makes are made at the end, all in one LibreOffice process.
    let batch = formats.contains(.pdf) ? pdf?.libreOfficeBatch(for: document) : nil
    let staging = batch.map { _ in NSTemporaryDirectory() + "baocao-batch-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" }
    if let staging { try? FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true) }
    defer { if let staging { try? FileManager.default.removeItem(atPath: staging) } }
    nonisolated(unsafe) var pending: [(record: Int, odt: String, output: String)] = []
    let queue = DispatchQueue(label: "baocao.batch", attributes: .concurrent)
    let group = DispatchGroup()
    let slots = DispatchSemaphore(value: jobs)
    for i in records.indices {
      slots.wait()
      group.enter()
      queue.async {
        var staged: [(odt: String, output: String)] = []
        let result = render(records[i], nameProgram: nameProgram, staging: staging.map { ($0, i) }, staged: &staged)
        lock.lock()
        pending += staged.map { (i, $0.odt, $0.output) }
        results[i] = result
        done += 1
        let n = done
        lock.unlock()
        progress(n, records.count, result)
        slots.signal()
        group.leave()
      }
    }
    group.wait()
    if let batch, let staging, !pending.isEmpty {
      let pdfs = batch.convert(pending.map(\.odt), staging)
      for p in pending {
        guard var result = results[p.record] else { continue }
        if let bytes = pdfs[p.odt] {
          do {
            let made = try batch.finish(bytes, records[p.record].source)
            try OutputWriter.write(made.bytes, to: p.output)
            result.outputs.append(.init(
              path: p.output, bytes: made.bytes.count, engine: "libreoffice", signatures: made.signatures.isEmpty ? nil : made.signatures))
            if let note = batch.note, !result.warnings.contains(note) { result.warnings.append(note) }
          } catch {
            result.errors.append("\(records[p.record].source): \(error)")
          }
        } else {
          result.errors.append("\(records[p.record].source): \(document.path): LibreOffice could not convert the merged document to PDF")
        }
        results[p.record] = result
      }
    }
    let all = results.compactMap { $0 }
    return Summary(
      template: document.path, written: all.reduce(0) { $0 + $1.outputs.count }, failed: all.filter { !$0.errors.isEmpty }.count,
      seconds: Date().timeIntervalSince(start), records: all)
  }

  /// With `staging` (a folder and the record's index), a PDF is not made here: the merged .odt is
  /// left there and listed in `staged`, for LibreOffice to convert with the others.
  func render(
    _ record: BatchRecord, nameProgram: TextTemplate?, staging: (folder: String, index: Int)? = nil,
    staged: inout [(odt: String, output: String)]
  ) -> RecordResult {
    let t0 = Date()
    var result = RecordResult(source: record.source)
    switch record.value {
    case .failure(let e):
      result.errors.append(e.description)
    case .success(let value):
      var options = options
      options.pictureBase = options.pictureBase ?? record.folder
      var base = record.name
      if let nameProgram {
        var o = options
        o.outputMode = .text
        if let b = try? nameProgram.render(data: value, complement: complement, options: o) {
          let s = String(decoding: b, as: UTF8.self).replacingOccurrences(of: "/", with: "-")
          if !s.isEmpty { base = s }
        }
      }
      for format in formats {
        let out = (outputDirectory as NSString).appendingPathComponent(base + "." + format.rawValue)
        if format == .pdf, let staging {
          let flat: Bool = if case .flat = document.kind { true } else { false }
          let odt = staging.folder + "/\(staging.index)." + (flat ? "fodt" : "odt")
          do {
            try document.write(data: value, complement: complement, options: options, format: flat ? .fodt : .odt, to: odt)
            staged.append((odt, out))
          } catch let list as DiagnosticList {
            result.errors += list.diagnostics.map { "\(record.source): " + $0.description.replacingOccurrences(of: "error: ", with: "") }
          } catch {
            result.errors.append("\(record.source): \(error)")
          }
          continue
        }
        do {
          let written = try document.write(data: value, complement: complement, options: options, format: format, to: out, pdf: pdf)
          result.warnings += written.warnings
          let size = (try? FileManager.default.attributesOfItem(atPath: out))?[.size] as? Int ?? 0
          result.outputs.append(.init(path: out, bytes: size, engine: written.engine, signatures: written.signatures))
        } catch let list as DiagnosticList {
          // Merge problems point into the template; say which record caused them.
          result.errors += list.diagnostics.map { "\(record.source): " + $0.description.replacingOccurrences(of: "error: ", with: "") }
        } catch {
          result.errors.append("\(record.source): \(error)")
        }
      }
    }
    result.milliseconds = Date().timeIntervalSince(t0) * 1000
    return result
  }

  /// Temporary files of a run that was killed outright (SIGKILL) are removed before a new run.
  func removeStaleTemporaryFiles() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: outputDirectory)) ?? []
    for name in names where OutputWriter.isTemporaryName(name) {
      unlink((outputDirectory as NSString).appendingPathComponent(name))
    }
  }

  /// Writes `OUTDIR/run-report.json` atomically.
  public func writeReport(_ summary: Summary) throws(DocumentError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(summary) else {
      throw DocumentError(file: outputDirectory, message: "cannot encode the run report")
    }
    try OutputWriter.write([UInt8](data), to: (outputDirectory as NSString).appendingPathComponent("run-report.json"))
  }
}
