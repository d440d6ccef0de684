import BaocaoFonts
import BaocaoLayout
import BaocaoODF
import BaocaoPDF

/// Turns text documents into PDF with the native engine (layout + PDF writer, no LibreOffice).
public enum PDFConverter {
  /// `source` names the document in error messages.
  public static func pdf(_ parts: TextDocumentParts, fonts: FontCatalog, source: String) throws(DocumentError) -> PDFOutput {
    let layoutParts = DocumentParts(content: parts.content, styles: parts.styles, meta: parts.meta, settings: parts.settings, files: parts.files)
    do {
      let laidOut = try DocumentLayout.layout(layoutParts, fonts: fonts)
      let warnings = laidOut.fontStandIns.filter { !$0.metricCompatible }.map { "\(source): \($0)" }
      return PDFOutput(bytes: try PDFWriter.write(laidOut), warnings: warnings)
    } catch let e as LayoutError {
      let hint: String
      switch e {
      case .missingFont, .missingGlyph: hint = "add the font with --fonts DIR, or pass --pdf-engine libreoffice"
      default: hint = "change the template, or pass --pdf-engine libreoffice to have LibreOffice make this PDF"
      }
      throw DocumentError(file: source, message: e.description, hint: hint)
    } catch {
      throw DocumentError(file: source, message: "cannot write the PDF: \(error)")
    }
  }
}
