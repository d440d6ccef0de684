import ArgumentParser
import BaocaoData
import BaocaoODF
import BaocaoTemplating
import Foundation

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the whole job a run file describes: every template, per record or from all records.")

  @Argument(help: "The run file (default: baocao.yaml).")
  var runFile: String = "baocao.yaml"

  @Option(name: .shortAndLong, help: "The output folder, instead of the run file's 'output'.")
  var output: String?

  @Option(name: .long, help: "Parallel workers (default: all cores).")
  var jobs: Int?

  @Flag(name: .long, help: "Print only errors and the summary line.")
  var quiet = false

  @OptionGroup var pdf: PDFOptions

  func run() throws {
    do {
      InFlight.shared.cleanUpOnSignals()
      var file = try RunFile.load(path: runFile)
      if let output { file.output = output }
      var options = RenderOptions()
      if let lang = file.lang { options.lang = lang.lowercased() }
      if let tz = file.timezone {
        guard TimeZone(identifier: tz) != nil else { throw CLIError("\(runFile): unknown time zone '\(tz)'") }
        options.timezone = tz
      }
      let complement = try file.complement.map { path in try CLIError.wrap { () throws(DataError) in try DataLoader.load(path: path) } }
      let wantsPDF = file.outputs.contains { ($0.formats ?? []).contains { $0.lowercased() == "pdf" } }
      var pdfOptions = pdf
      pdfOptions.pdfA = pdf.pdfA || file.pdfA
      let job = MonthlyRun(
        run: file, options: options, complement: complement, pdf: wantsPDF ? try pdfOptions.maker() : nil,
        jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
      let documents = try job.openTemplates()
      let progress = Progress(quiet: quiet)
      let report = try job.execute(documents: documents) { _, done, total, result in progress.report(done: done, total: total, result) }
      progress.finish()
      try job.writeReport(report)
      print(report.line + "; report: " + (file.output as NSString).appendingPathComponent("run-report.json"))
      if report.failed > 0 { throw ExitCode(1) }
    } catch let e as ExitCode {
      throw e
    } catch {
      fail(error)
    }
  }
}
