import ArgumentParser
import BaocaoConvert
import BaocaoFonts
import BaocaoODF
import Foundation

struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert", abstract: "Convert an existing text document (.odt, .fodt) to PDF.")

  @Argument(help: "The document.")
  var document: String

  @Option(name: .shortAndLong, help: "The PDF to write.")
  var output: String

  @OptionGroup var pdf: PDFOptions

  func libreOffice() throws -> [UInt8] {
    let work = (NSTemporaryDirectory() as NSString).appendingPathComponent("baocao-convert.\(getpid())")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    // Under its own name: LibreOffice prints it in file-name fields.
    let copy = (work as NSString).appendingPathComponent((document as NSString).lastPathComponent)
    try FileManager.default.copyItem(atPath: document, toPath: copy)
    return try LibreOfficePDF.convert(copy, in: work, source: document, archival: pdf.pdfA)
  }

  func run() throws {
    do {
      guard (output as NSString).pathExtension.lowercased() == "pdf" || output == "-" else {
        throw CLIError("\(output): convert writes PDF; give the output the extension .pdf")
      }
      let bytes: [UInt8]
      let engine = try pdf.engineKind()
      if engine == .libreoffice {
        bytes = try libreOffice()
      } else {
        do {
          let made = try PDFConverter.pdf(
            try TemplateDocument.textParts(path: document), fonts: pdf.catalog(), source: document,
            path: URL(fileURLWithPath: document).standardizedFileURL.path, archival: pdf.pdfA)
          warn(made.warnings)
          bytes = made.bytes
        } catch let refusal as NativeRefusal where engine == .auto && LibreOfficePDF.findSoffice() != nil {
          bytes = try libreOffice()
          warn([AutoPDF.note(document, refusal.feature)])
        }
      }
      try OutputWriter.write(bytes, to: output)
    } catch {
      fail(error)
    }
  }
}

/// Options of the commands that write PDF.
struct PDFOptions: ParsableArguments {
  @Option(name: .long, help: "A folder of fonts to use before the fonts shipped with baocao (repeatable).")
  var fonts: [String] = []

  @Option(name: .long, help: "auto (default: native where it lays the document out, else LibreOffice when installed), native, or libreoffice.")
  var pdfEngine: String = "auto"

  @Flag(name: .customLong("pdf-a"), help: "Write PDF/A-2b (ISO 19005-2, for archiving): XMP metadata and an sRGB output intent.")
  var pdfA = false

  func catalog() throws(CLIError) -> FontCatalog {
    for dir in fonts {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
        throw CLIError("--fonts \(dir): no such folder")
      }
    }
    return FontCatalog(userDirectories: fonts)
  }

  func engineKind() throws(CLIError) -> PDFEngineKind {
    guard let kind = PDFEngineKind(rawValue: pdfEngine.lowercased()) else {
      throw CLIError("--pdf-engine \(pdfEngine): use auto, native or libreoffice")
    }
    return kind
  }

  /// The PDF maker the options ask for.
  func maker() throws(CLIError) -> PDFMaker {
    switch try engineKind() {
    case .native: return NativePDF(fonts: try catalog(), archival: pdfA)
    case .libreoffice: return LibreOfficePDF(archival: pdfA)
    case .auto: return AutoPDF(fonts: try catalog(), archival: pdfA)
    }
  }
}
