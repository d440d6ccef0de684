import BaocaoData
import BaocaoTemplating
import Foundation

/// One record of a batch, with where it came from.
public struct BatchRecord: Sendable {
  public var source: String
  /// The default output name: the record's file name without extension, or `source-N` for arrays.
  public var name: String
  public var value: Result<Value, DataError>
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

  public init(
    document: TemplateDocument, records: [BatchRecord], complement: Value?, options: RenderOptions,
    formats: [OutputFormat], namePattern: String?, outputDirectory: String, jobs: Int
  ) {
    self.document = document
    self.records = records
    self.complement = complement
    self.options = options
    self.formats = formats
    self.namePattern = namePattern
    self.outputDirectory = outputDirectory
    self.jobs = max(1, jobs)
  }

  public struct Summary: Sendable {
    public var written: Int
    public var failed: Int
    public var seconds: Double
    public var line: String {
      "\(written) written, \(failed) failed in \(String(format: "%.2f", seconds)) s"
    }
  }

  public func run(log: @escaping @Sendable (String) -> Void) -> Summary {
    let start = Date()
    try? FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
    let nameProgram: TextTemplate? = namePattern.flatMap { try? TextTemplate(bytes: Array($0.utf8), file: "--name") }
    let lock = NSLock()
    nonisolated(unsafe) var written = 0
    nonisolated(unsafe) var failed = 0
    let records = self.records
    DispatchQueue.concurrentPerform(iterations: records.count) { i in
      let record = records[i]
      var problems: [String] = []
      var count = 0
      switch record.value {
      case .failure(let e):
        problems.append("error: \(e.description)")
      case .success(let value):
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
          do {
            try document.write(data: value, complement: complement, options: options, format: format, to: out)
            count += 1
          } catch let list as DiagnosticList {
            problems += list.diagnostics.map { "\(record.source): \($0.description)" }
          } catch {
            problems.append("error: \(record.source): \(error)")
          }
        }
      }
      lock.lock()
      written += count
      if !problems.isEmpty { failed += 1 }
      lock.unlock()
      for p in problems { log(p) }
    }
    return Summary(written: written, failed: failed, seconds: Date().timeIntervalSince(start))
  }
}
