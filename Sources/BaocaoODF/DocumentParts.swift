import BaocaoData
import BaocaoTemplating
import BaocaoXML
import Foundation

/// The XML parts of a text document that a layout engine reads, held in memory.
public struct TextDocumentParts: Sendable {
  public var content: [UInt8]
  public var styles: [UInt8]?
  public var meta: [UInt8]?
  public var settings: [UInt8]?
  /// Other package entries a layout may need (pictures), by name.
  public var files: [String: [UInt8]]
  /// What merging told (pictures kept by --missing-picture keep).
  public var warnings: [String] = []
}

/// A PDF, and what its maker wants the user to know (fonts that stood in for others...).
public struct PDFOutput: Sendable {
  public var bytes: [UInt8]
  public var warnings: [String]
  /// "native" or "libreoffice".
  public var engine: String
  /// The signatures added to it (who signed, in which field), in order.
  public var signatures: [String] = []

  public init(bytes: [UInt8], warnings: [String] = [], engine: String = "native") {
    self.bytes = bytes
    self.warnings = warnings
    self.engine = engine
  }
}

/// Makes the PDF of a merged text document (the native engine, or LibreOffice).
public protocol PDFMaker: Sendable {
  func makePDF(document: TemplateDocument, data: Value?, complement: Value?, options: RenderOptions) throws -> PDFOutput
  /// Set when this maker hands the template's documents to LibreOffice: a batch then gives them
  /// to one LibreOffice process all together instead of starting it once per document.
  func libreOfficeBatch(for document: TemplateDocument) -> LibreOfficeBatch?
}

extension PDFMaker {
  public func libreOfficeBatch(for document: TemplateDocument) -> LibreOfficeBatch? { nil }
}

/// Many merged documents to PDF in one LibreOffice process.
public struct LibreOfficeBatch: Sendable {
  /// A warning for each PDF made so (why LibreOffice made it), if any.
  public var note: String?
  /// Converts the .odt files (all in `folder`) and returns the PDFs it made, by .odt path.
  public var convert: @Sendable (_ odts: [String], _ folder: String) -> [String: [UInt8]]
  /// What becomes of each PDF LibreOffice made before it is written (signing); an error is that
  /// document's failure.
  public var finish: @Sendable (_ pdf: [UInt8], _ source: String) throws -> PDFOutput = { bytes, _ in
    PDFOutput(bytes: bytes, engine: "libreoffice")
  }

  public init(note: String?, convert: @escaping @Sendable ([String], String) -> [String: [UInt8]]) {
    self.note = note
    self.convert = convert
  }
}

extension TemplateDocument {
  /// Merges `data` into a text template and returns the document's parts without writing a file.
  public func mergedTextParts(data: Value?, complement: Value?, options: RenderOptions) throws -> TextDocumentParts {
    var options = options
    options.outputMode = .odf
    options.fileExtension = options.fileExtension ?? "odt"
    switch kind {
    case .text:
      throw DocumentError(file: path, message: "a text or XML template cannot be turned into PDF", hint: "use an .odt or .fodt template")
    case .flat(spreadsheet: true), .package(spreadsheet: true):
      throw DocumentError(file: path, message: "PDF output is made from text documents (.odt, .fodt), not spreadsheets",
        hint: "render the workbook as .ods")
    case .flat:
      let store = PictureStore(options: options)
      let bytes = try renderPart("", data: data, complement: complement, options: options, state: MergeState(store)) ?? []
      return TextDocumentParts(content: bytes, styles: bytes, meta: bytes, settings: bytes, files: store.entries, warnings: store.warnings)
    case .package:
      let zip = try ZipReader.openDocument(path: path)
      let store = PictureStore(options: options)
      let state = MergeState(store)
      func part(_ name: String) throws -> [UInt8]? {
        if let merged = try renderPart(name, data: data, complement: complement, options: options, state: state) { return merged }
        guard let e = zip.entry(named: name) else { return nil }
        return try zip.read(e)
      }
      guard let content = try part("content.xml") else {
        throw DocumentError(file: path, message: "the package has no content.xml")
      }
      let styles = try part("styles.xml"), meta = try part("meta.xml"), settings = try part("settings.xml")
      var files = try Self.pictures(zip).merging(store.entries) { _, new in new }
      // Embedded charts the data fills, merged (the others were read as they are, above): the
      // native engine draws them from their content.
      for name in charts { files[name] = try part(name) }
      return TextDocumentParts(content: content, styles: styles, meta: meta, settings: settings, files: files, warnings: store.warnings)
    }
  }

  /// The package's pictures: those under Pictures/, and those other programs store elsewhere
  /// (Word's converters use media/), by their extension; and its embedded objects' contents.
  static func pictures(_ zip: ZipReader) throws -> [String: [UInt8]] {
    let extensions: Set<String> = ["png", "jpg", "jpeg", "gif", "svg", "bmp", "wmf", "emf", "tif", "tiff", "webp"]
    var files: [String: [UInt8]] = [:]
    for e in zip.entries where e.name.hasPrefix("Pictures/")
      || (!e.name.hasPrefix("Thumbnails/") && extensions.contains((e.name as NSString).pathExtension.lowercased()))
    {
      files[e.name] = try zip.read(e)
    }
    for e in zip.entries where e.name.hasSuffix("/content.xml") && !e.name.hasPrefix("META-INF/") { files[e.name] = try zip.read(e) }
    return files
  }

  /// The template's own parts, tags unmerged: what the native engine is judged on.
  public func unmergedTextParts() throws -> TextDocumentParts {
    switch kind {
    case .package(spreadsheet: false), .flat(spreadsheet: false): return try Self.textParts(path: path)
    default: throw DocumentError(file: path, message: "not a text document")
    }
  }

  /// Reads the parts of an existing .odt or .fodt (no merging), checking each XML part first.
  public static func textParts(path: String) throws -> TextDocumentParts {
    let ext = (path as NSString).pathExtension.lowercased()
    switch ext {
    case "odt", "ott":
      try requireFile(path)
      let zip = try ZipReader.openDocument(path: path)
      func part(_ name: String) throws(DocumentError) -> [UInt8]? {
        guard let e = zip.entry(named: name) else { return nil }
        let bytes = try zip.read(e)
        try checkXML(bytes, file: path, part: name)
        return bytes
      }
      guard let content = try part("content.xml") else {
        throw DocumentError(file: path, message: "the package has no content.xml; it is not an OpenDocument file",
          hint: "save it again from LibreOffice as .odt")
      }
      return TextDocumentParts(
        content: content, styles: try part("styles.xml"), meta: try part("meta.xml"), settings: try part("settings.xml"),
        files: try pictures(zip))
    case "fodt":
      let bytes = try readFile(path)
      try checkXML(bytes, file: path)
      return TextDocumentParts(content: bytes, styles: bytes, meta: bytes, settings: bytes, files: [:])
    default:
      throw DocumentError(file: path, message: "only text documents (.odt, .fodt) can be converted to PDF")
    }
  }
}
