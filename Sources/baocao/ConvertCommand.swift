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

  func run() throws {
    do {
      let parts = try TemplateDocument.textParts(path: document)
      let bytes = try pdf.convert(parts, source: document)
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

  func catalog() -> FontCatalog { FontCatalog(userDirectories: fonts) }

  func convert(_ parts: TextDocumentParts, source: String) throws -> [UInt8] {
    try PDFConverter.pdf(parts, fonts: catalog(), source: source)
  }
}
