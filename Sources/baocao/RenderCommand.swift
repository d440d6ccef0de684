import ArgumentParser
import BaocaoConvert
import BaocaoData
import BaocaoODF
import BaocaoTemplating
import Foundation

struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render", abstract: "Merge one record (or a folder of records) into a template.")

  @Argument(help: "The template: .odt .ods .fodt .fods .xml .html .txt or any UTF-8 text.")
  var template: String

  @Argument(help: "The data: a .json/.yaml/.csv file, '-' for JSON on standard input, or a folder of records.")
  var data: String

  @Option(name: .shortAndLong, help: "The output file, or '-' for standard output.")
  var output: String

  @Option(name: .long, help: "odt|ods|fodt|fods|xml|html|txt|pdf; by default the output's extension.")
  var format: String?

  @OptionGroup var merge: MergeOptions
  @OptionGroup var pdf: PDFOptions
  @OptionGroup(title: "Signing (a PDF output)") var signing: SigningOptions

  func run() throws {
    do {
      var (options, complement) = try merge.resolve()
      // Pictures the data names are read from beside it.
      if data != "-" { options.pictureBase = (data as NSString).deletingLastPathComponent.isEmpty ? nil : (data as NSString).deletingLastPathComponent }
      let document = try TemplateDocument.open(path: template)
      let format = try OutputFormat.resolve(explicit: format, output: output, template: document)
      let value = try CLIError.wrap { () throws(DataError) in try DataLoader.load(path: data) }
      let maker = try signing.wrap(format == .pdf ? try pdf.maker() : nil)
      warn(try document.write(data: value, complement: complement, options: options, format: format, to: output, pdf: maker).warnings)
    } catch {
      fail(error)
    }
  }
}

struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "List a template's tags and report every error in it.")

  @Argument(help: "The template.")
  var template: String

  @Argument(help: "Optional data: also report the paths the data lacks.")
  var data: String?

  @OptionGroup var pdf: PDFOptions

  func run() throws {
    do {
      let report = try TemplateDocument.check(path: template)
      for tag in report.tags { print("\(tag.location)\t\(tag.text)") }
      for p in report.pictures { print("\(p.location)\tpicture '\(p.frame)' (\(p.fit)): \(p.tag)") }
      for c in report.charts {
        print("\(c.location)\tchart '\(c.object)'" + (c.boundPaths.isEmpty ? "" : " binds " + c.boundPaths.joined(separator: ", ")))
      }
      if report.diagnostics.allSatisfy({ $0.severity != .error }), let document = try? TemplateDocument.open(path: template),
        (try? document.unmergedTextParts()) != nil
      {
        printPDFEngine(document)
      }
      var problems = report.diagnostics
      if let data {
        let value = try CLIError.wrap { () throws(DataError) in try DataLoader.load(path: data) }
        problems += report.missingPaths(in: value)
      }
      for d in problems { FileHandle.standardError.write(Data((d.description + "\n").utf8)) }
      let errors = problems.filter { $0.severity == .error }.count
      let warnings = problems.count - errors
      print("\(report.tags.count) tags, \(errors) errors, \(warnings) warnings")
      if errors > 0 { throw ExitCode(1) }
    } catch let e as ExitCode {
      throw e
    } catch {
      fail(error)
    }
  }
}

extension CheckCommand {
  /// Which engine the template's PDFs take under --pdf-engine auto, and the fonts that stand in.
  func printPDFEngine(_ document: TemplateDocument) {
    guard let catalog = try? pdf.catalog() else { return }
    let auto = AutoPDF(fonts: catalog)
    switch auto.verdict(for: document) {
    case .native:
      print("PDF: the native engine lays this template out")
    case .libreoffice(let feature):
      print(auto.libreOfficeInstalled
        ? "PDF: LibreOffice (--pdf-engine auto), because the native engine does not lay out \(feature)"
        : "PDF: the native engine does not lay out \(feature), and LibreOffice is not installed: PDFs of this template fail")
    }
    for s in auto.fontStandIns(for: document) {
      print("font: '\(s.requested)' → '\(s.used)'" + (s.metricCompatible ? " (metric twin: the same line breaks)" : " (other widths: lines may break differently)"))
    }
  }
}

struct BatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "batch", abstract: "Render one output per record.")

  @Argument(help: "The template.")
  var template: String

  @Argument(help: "Record files, folders of records, or one JSON file holding an array.")
  var data: [String]

  @Option(name: .shortAndLong, help: "The output folder.")
  var output: String

  @Option(name: .long, help: "Comma-separated output formats, e.g. odt,pdf (default: the template's own).")
  var format: String?

  @Option(name: .long, help: "Output name pattern; tags allowed (default: the record's file name).")
  var name: String?

  @Option(name: .long, help: "Parallel workers (default: all cores).")
  var jobs: Int?

  @Flag(name: .long, help: "Print only errors and the summary line.")
  var quiet = false

  @Flag(name: .long, help: "Check every record against the template's tags, report all problems, render nothing.")
  var validateOnly = false

  @OptionGroup var merge: MergeOptions
  @OptionGroup var pdf: PDFOptions
  @OptionGroup(title: "Signing (each PDF)") var signing: SigningOptions

  func run() throws {
    do {
      InFlight.shared.cleanUpOnSignals()
      let (options, complement) = try merge.resolve()
      let document = try TemplateDocument.open(path: template)
      let formats = try (format?.split(separator: ",").map(String.init) ?? [document.kind.defaultFormat.rawValue])
        .map { (f: String) throws -> OutputFormat in try OutputFormat.resolve(explicit: f, output: output, template: document) }
      let records = try CLIError.wrap { () throws(DataError) in try BatchRecords.collect(data) }
      if validateOnly {
        let report = try TemplateDocument.check(path: template)
        var errors = 0, warnings = 0
        for record in records {
          let problems: [Diagnostic]
          switch record.value {
          case .failure(let e): problems = [Diagnostic(file: e.file, line: e.line ?? 0, column: e.column ?? 0, message: e.message)]
          case .success(let v): problems = report.missingPaths(in: v, file: record.source)
          }
          for p in problems {
            if p.severity == .error { errors += 1 } else { warnings += 1 }
            FileHandle.standardError.write(Data((p.description + "\n").utf8))
          }
        }
        print("\(records.count) records checked: \(errors) errors, \(warnings) warnings; nothing rendered")
        if errors > 0 { throw ExitCode(1) }
        return
      }
      let job = BatchJob(
        document: document, records: records, complement: complement, options: options, formats: formats,
        namePattern: name, outputDirectory: output, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
        pdf: try signing.wrap(formats.contains(.pdf) ? try pdf.maker() : nil))
      let progress = Progress(quiet: quiet)
      let summary = job.run { done, total, result in progress.report(done: done, total: total, result) }
      progress.finish()
      try job.writeReport(summary)
      print(summary.line + "; report: " + (output as NSString).appendingPathComponent("run-report.json"))
      if summary.failed > 0 { throw ExitCode(1) }
    } catch let e as ExitCode {
      throw e
    } catch {
      fail(error)
    }
  }
}

/// Progress on standard error: a bar on a terminal, one line per record otherwise; errors always.
final class Progress: @unchecked Sendable {
  let quiet: Bool
  let terminal = isatty(STDERR_FILENO) != 0
  let lock = NSLock()

  init(quiet: Bool) { self.quiet = quiet }

  func report(done: Int, total: Int, _ result: BatchJob.RecordResult) {
    lock.lock()
    defer { lock.unlock() }
    var text = ""
    if terminal && !quiet { text += "\r\u{1B}[K" }
    for e in result.errors { text += "error: \(e)\n" }
    if !quiet {
      let name = (result.source as NSString).lastPathComponent
      if terminal {
        let width = 30
        let filled = total == 0 ? width : width * done / total
        text += "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] \(done)/\(total) \(name)"
      } else {
        text += "[\(done)/\(total)] \(name): " + (result.errors.isEmpty ? "\(result.outputs.count) written" : "failed") + "\n"
      }
    }
    FileHandle.standardError.write(Data(text.utf8))
  }

  func finish() {
    if terminal && !quiet { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }
}
