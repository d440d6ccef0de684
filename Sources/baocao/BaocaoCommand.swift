import ArgumentParser
import BaocaoConvert
import BaocaoData
import BaocaoODF
import BaocaoTemplating
import Foundation

struct BaocaoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "baocao",
    abstract: "Merge structured data into OpenDocument templates: reports, summaries and workbooks.",
    subcommands: [
      RenderCommand.self, CheckCommand.self, BatchCommand.self, RunCommand.self, ConvertCommand.self, SignCommand.self,
      VerifyCommand.self,
    ])
}

/// Options shared by the commands that merge data.
struct MergeOptions: ParsableArguments {
  @Option(name: .long, help: "A JSON/YAML file used as the complement 'c'.")
  var complement: String?

  @Option(name: .long, help: "Locale for formatters: vi (default), en, fr, …")
  var lang: String?

  @Option(name: .long, help: "Time zone for dates (default Asia/Ho_Chi_Minh).")
  var timezone: String?

  @Option(name: .long, help: "A JSON file of Carbone render options (lang, timezone, currency*, translations, complement, enum, extension).")
  var options: String?

  @Flag(name: .long, help: "Treat every path missing from the data as an error.")
  var strict = false

  @Option(name: .long, help: "A folder pictures named by the data may also come from (besides the data file's folder); repeatable.")
  var pictureFolder: [String] = []

  @Option(name: .long, help: "fail (default): a picture the data names that cannot be read fails the document; keep: the template's picture stays, with a warning.")
  var missingPicture: String = "fail"

  /// Reads the options file, then lets command-line flags win.
  func resolve() throws(CLIError) -> (RenderOptions, Value?) {
    var render = RenderOptions()
    var complementValue: Value? = nil
    if let path = options {
      let json = try CLIError.wrap { () throws(DataError) in try DataLoader.load(path: path) }
      guard case .object(let o) = json else {
        throw CLIError("\(path): the options file must hold a JSON object")
      }
      render.apply(json: json)
      if let c = o["complement"] { complementValue = c }
    }
    if let complement {
      complementValue = try CLIError.wrap { () throws(DataError) in try DataLoader.load(path: complement) }
    }
    if let lang { render.lang = lang.lowercased() }
    if let timezone {
      guard TimeZone(identifier: timezone) != nil else {
        throw CLIError("unknown time zone '\(timezone)'; use an IANA name such as Asia/Ho_Chi_Minh")
      }
      render.timezone = timezone
    }
    guard TimeZone(identifier: render.timezone) != nil else {
      throw CLIError("unknown time zone '\(render.timezone)'; use an IANA name such as Asia/Ho_Chi_Minh")
    }
    render.strict = strict
    for folder in pictureFolder {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw CLIError("--picture-folder \(folder): no such folder")
      }
    }
    render.pictureFolders = pictureFolder
    switch missingPicture {
    case "fail": render.keepMissingPictures = false
    case "keep": render.keepMissingPictures = true
    default: throw CLIError("--missing-picture takes fail or keep, not '\(missingPicture)'")
    }
    return (render, complementValue)
  }
}

/// An error the CLI prints as `error: …` and exits 1 for.
struct CLIError: Error, CustomStringConvertible {
  var description: String
  init(_ message: String) { description = message }

  static func wrap<T>(_ body: () throws(DataError) -> T) throws(CLIError) -> T {
    do { return try body() } catch { throw CLIError(error.description) }
  }
}

/// Warnings go to standard error, one line each, and do not change the exit status.
func warn(_ warnings: [String]) {
  for w in warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
}

func fail(_ error: Error) -> Never {
  let text: String
  switch error {
  case let list as DiagnosticList: text = list.diagnostics.map(\.description).joined(separator: "\n")
  case let e as CLIError: text = "error: \(e.description)"
  case let e as DataError: text = "error: \(e.description)"
  case let e as DocumentError: text = "error: \(e.description)"
  case let e as NativeRefusal: text = "error: \(e.description)"
  default: text = "error: \(error)"
  }
  FileHandle.standardError.write(Data((text + "\n").utf8))
  exit(1)
}
