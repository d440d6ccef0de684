import BaocaoFonts
import BaocaoLayout
import BaocaoODF
import BaocaoPDF

/// Turns text documents into PDF with the native engine (layout + PDF writer, no LibreOffice).
public enum PDFConverter {
  /// `source` names the document in error messages; `path`, where it was read from, fills its
  /// file-name fields as LibreOffice does (a merged template's fields keep their stored text).
  public static func pdf(
    _ parts: TextDocumentParts, fonts: FontCatalog, source: String, path: String? = nil, archival: Bool = false
  ) throws -> PDFOutput {
    try make(parts, fonts: fonts, source: source, path: path, archival: archival).output
  }

  /// The PDF, and every font that stood in for another (metric twins too; the output's warnings
  /// name only those with other widths).
  public static func make(
    _ parts: TextDocumentParts, fonts: FontCatalog, source: String, path: String? = nil, archival: Bool = false
  ) throws -> (output: PDFOutput, standIns: [FontStandIn]) {
    let layoutParts = DocumentParts(
      content: parts.content, styles: parts.styles, meta: parts.meta, settings: parts.settings, files: parts.files, path: path)
    do {
      let laidOut = try DocumentLayout.layout(layoutParts, fonts: fonts)
      let warnings = (parts.warnings + laidOut.fontStandIns.filter { !$0.metricCompatible }.map(\.description) + laidOut.warnings).map { "\(source): \($0)" }
      let standIns = laidOut.fontStandIns
      return (PDFOutput(bytes: try PDFWriter.write(laidOut, archival: archival), warnings: warnings), standIns)
    } catch let e as LayoutError {
      let hint: String
      switch e {
      case .unsupported(let feature):
        throw NativeRefusal(feature: feature, error: DocumentError(file: source, message: e.description,
          hint: "change the template, or let LibreOffice make this PDF: --pdf-engine auto (the default) does when LibreOffice is installed"))
      case .missingFont, .missingGlyph: hint = "add the font with --fonts DIR, or pass --pdf-engine libreoffice"
      default: hint = "change the template, or pass --pdf-engine libreoffice to have LibreOffice make this PDF"
      }
      throw DocumentError(file: source, message: e.description, hint: hint)
    } catch {
      throw DocumentError(file: source, message: "cannot write the PDF: \(error)")
    }
  }
}

/// The native engine's refusal of a feature it does not lay out: told like any DocumentError, and
/// the reason --pdf-engine auto hands the document to LibreOffice.
public struct NativeRefusal: Error, Sendable, CustomStringConvertible {
  public var feature: String
  public var error: DocumentError
  public var description: String { error.description }
}
