import ArgumentParser
import BaocaoConvert
import BaocaoData
import BaocaoODF
import BaocaoTemplating
import Foundation

struct RunCommand: ParsableCommand {
  /// A run file's signing step, read as `baocao sign` reads its options (the same checks and
  /// messages); its key is opened here, once for the whole run.
  static func signingStep(_ step: String, _ settings: [(String, String)], runFile: String) throws -> SigningStep {
    let keySettings: Set<String> = ["p12", "password-file", "pkcs11-module", "token-label", "key-label", "pin-file"]
    var keyArguments: [String] = []
    var lookArguments: [String] = []
    for (key, value) in settings {
      if key == "image" && step == "agency" || key == "seal" && step == "signer" {
        throw CLIError("\(runFile): sign.\(step) takes \(step == "agency" ? "seal" : "image"):, not \(key):")
      }
      if keySettings.contains(key) { keyArguments += ["--" + key, value] } else { lookArguments += ["--" + key, value] }
    }
    do {
      let key = try KeyOptions.parse(keyArguments)
      let look = try AppearanceOptions.parse(lookArguments)
      var request = try look.request()
      request.role = step == "agency" ? .seal : .signer
      return SigningStep(key: try key.open(), request: request)
    } catch let e as CLIError {
      throw CLIError("\(runFile): sign.\(step): \(e.description)")
    } catch {
      throw CLIError("\(runFile): sign.\(step): \(KeyOptions.message(for: error))")
    }
  }

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
      var maker: PDFMaker? = wantsPDF ? try pdfOptions.maker() : nil
      if !file.sign.isEmpty {
        guard let pdfMaker = maker else { throw CLIError("\(runFile): 'sign' needs a PDF output (formats: [pdf])") }
        maker = SignedPDF(pdfMaker, steps: try file.sign.map { step in try Self.signingStep(step.step, step.settings, runFile: runFile) })
      }
      let job = MonthlyRun(
        run: file, options: options, complement: complement, pdf: maker,
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
