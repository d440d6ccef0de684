import BaocaoData
import BaocaoFonts
import BaocaoODF
import BaocaoTemplating
import Foundation

/// Which program makes PDFs.
public enum PDFEngineKind: String, CaseIterable, Sendable {
  case native, libreoffice
}

/// The native engine: merge in memory, lay out, write the PDF. Fonts are loaded once and shared.
public struct NativePDF: PDFMaker {
  public let fonts: FontCatalog

  public init(fonts: FontCatalog) { self.fonts = fonts }

  public func makePDF(document: TemplateDocument, data: Value?, complement: Value?, options: RenderOptions) throws -> PDFOutput {
    let parts = try document.mergedTextParts(data: data, complement: complement, options: options)
    return try PDFConverter.pdf(parts, fonts: fonts, source: document.path)
  }
}

/// LibreOffice as the PDF engine: the merged ODT is handed to `soffice --headless --convert-to pdf`.
public struct LibreOfficePDF: PDFMaker {
  public init() {}

  public func makePDF(document: TemplateDocument, data: Value?, complement: Value?, options: RenderOptions) throws -> PDFOutput {
    let work = (NSTemporaryDirectory() as NSString).appendingPathComponent("baocao-lo.\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    let flat: Bool = if case .flat = document.kind { true } else { false }
    let odt = (work as NSString).appendingPathComponent("document." + (flat ? "fodt" : "odt"))
    try document.write(data: data, complement: complement, options: options, format: flat ? .fodt : .odt, to: odt)
    return PDFOutput(bytes: try LibreOfficePDF.convert(odt, in: work, source: document.path))
  }

  /// Converts one document with soffice, using a private profile so that parallel runs do not clash.
  public static func convert(_ path: String, in work: String, source: String) throws -> [UInt8] {
    guard let soffice = findSoffice() else {
      throw DocumentError(file: source, message: "--pdf-engine libreoffice needs LibreOffice, and soffice was not found",
        hint: "install it (apt-get install libreoffice-writer-nogui) or use the native engine")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: soffice)
    process.arguments = [
      "-env:UserInstallation=file://" + (work as NSString).appendingPathComponent("profile"), "--headless",
      "--convert-to", "pdf", "--outdir", work, path,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let pdf = ((path as NSString).deletingPathExtension as String) + ".pdf"
    guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: pdf), !data.isEmpty else {
      throw DocumentError(file: source, message: "LibreOffice could not convert the document to PDF (exit \(process.terminationStatus))")
    }
    return [UInt8](data)
  }

  static func findSoffice() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/soffice"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}
