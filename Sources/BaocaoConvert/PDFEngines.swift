import BaocaoData
import BaocaoFonts
import BaocaoLayout
import BaocaoODF
import BaocaoTemplating
import Foundation

/// Which program makes PDFs: `auto` (the default) lays out natively what the native engine
/// supports and hands the rest to LibreOffice when it is installed.
public enum PDFEngineKind: String, CaseIterable, Sendable {
  case auto, native, libreoffice
}

/// The native engine: merge in memory, lay out, write the PDF. Fonts are loaded once and shared.
public struct NativePDF: PDFMaker {
  public let fonts: FontCatalog
  /// PDF/A-2b.
  public let archival: Bool

  public init(fonts: FontCatalog, archival: Bool = false) {
    self.fonts = fonts
    self.archival = archival
  }

  public func makePDF(document: TemplateDocument, data: Value?, complement: Value?, options: RenderOptions) throws -> PDFOutput {
    let parts = try document.mergedTextParts(data: data, complement: complement, options: options)
    return try PDFConverter.pdf(parts, fonts: fonts, source: document.path, archival: archival)
  }
}

/// The native engine where it lays the template out, LibreOffice where it does not (a batch gives
/// LibreOffice all of a template's documents in one process). Each template is judged once, on its own unmerged parts, before its
/// first record; a merged document the native engine still refuses goes to LibreOffice too.
/// Without LibreOffice, the native engine's refusal stands.
public final class AutoPDF: PDFMaker, @unchecked Sendable {
  public enum Verdict: Sendable, Equatable {
    case native
    /// LibreOffice, and the native engine's refusal that sent the template there.
    case libreoffice(because: String)
  }

  let native: NativePDF
  public let libreOfficeInstalled: Bool
  private let lock = NSLock()
  private var verdicts: [String: Verdict] = [:]
  private var standIns: [String: [FontStandIn]] = [:]

  public init(fonts: FontCatalog, archival: Bool = false, libreOfficeInstalled: Bool = LibreOfficePDF.findSoffice() != nil) {
    native = NativePDF(fonts: fonts, archival: archival)
    self.libreOfficeInstalled = libreOfficeInstalled
  }

  /// Which engine the template's PDFs take, and why; judged once per template.
  public func verdict(for document: TemplateDocument) -> Verdict {
    lock.lock()
    if let v = verdicts[document.path] {
      lock.unlock()
      return v
    }
    lock.unlock()
    var v = Verdict.native
    var fonts: [FontStandIn] = []
    if let parts = try? document.unmergedTextParts() {
      do {
        fonts = try PDFConverter.make(parts, fonts: native.fonts, source: document.path).standIns
      } catch let e as NativeRefusal {
        v = .libreoffice(because: e.feature)
      } catch {
        // Anything else (a missing picture, a broken part) is for the merged document to tell.
      }
    }
    lock.lock()
    verdicts[document.path] = verdicts[document.path] ?? v
    standIns[document.path] = standIns[document.path] ?? fonts
    let kept = verdicts[document.path]!
    lock.unlock()
    return kept
  }

  /// The fonts that stand in for others in the template's native layout (after `verdict`).
  public func fontStandIns(for document: TemplateDocument) -> [FontStandIn] {
    _ = verdict(for: document)
    lock.lock()
    defer { lock.unlock() }
    return standIns[document.path] ?? []
  }

  /// The warning a PDF made by LibreOffice carries.
  public static func note(_ source: String, _ feature: String) -> String {
    "\(source): made by LibreOffice: the native engine does not lay out \(feature)"
  }

  public func libreOfficeBatch(for document: TemplateDocument) -> LibreOfficeBatch? {
    guard libreOfficeInstalled, case .libreoffice(let feature) = verdict(for: document) else { return nil }
    let archival = native.archival
    return LibreOfficeBatch(note: Self.note(document.path, feature), convert: { LibreOfficePDF.convertAll($0, in: $1, archival: archival) })
  }

  public func makePDF(document: TemplateDocument, data: Value?, complement: Value?, options: RenderOptions) throws -> PDFOutput {
    func viaLibreOffice(_ feature: String) throws -> PDFOutput {
      var out = try LibreOfficePDF(archival: native.archival).makePDF(document: document, data: data, complement: complement, options: options)
      out.warnings.append(Self.note(document.path, feature))
      return out
    }
    if libreOfficeInstalled, case .libreoffice(let feature) = verdict(for: document) { return try viaLibreOffice(feature) }
    do {
      return try native.makePDF(document: document, data: data, complement: complement, options: options)
    } catch let refusal as NativeRefusal where libreOfficeInstalled {
      return try viaLibreOffice(refusal.feature)
    }
  }
}

/// LibreOffice as the PDF engine: the merged ODT is handed to `soffice --headless --convert-to pdf`.
public struct LibreOfficePDF: PDFMaker {
  /// PDF/A-2b, from LibreOffice's own PDF/A export.
  public let archival: Bool

  public init(archival: Bool = false) { self.archival = archival }

  public func makePDF(document: TemplateDocument, data: Value?, complement: Value?, options: RenderOptions) throws -> PDFOutput {
    let work = (NSTemporaryDirectory() as NSString).appendingPathComponent("baocao-lo.\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    let flat: Bool = if case .flat = document.kind { true } else { false }
    let odt = (work as NSString).appendingPathComponent("document." + (flat ? "fodt" : "odt"))
    try document.write(data: data, complement: complement, options: options, format: flat ? .fodt : .odt, to: odt)
    return PDFOutput(bytes: try LibreOfficePDF.convert(odt, in: work, source: document.path, archival: archival), engine: "libreoffice")
  }

  public func libreOfficeBatch(for document: TemplateDocument) -> LibreOfficeBatch? {
    let archival = archival
    return LibreOfficePDF.findSoffice() == nil ? nil : LibreOfficeBatch(note: nil, convert: { LibreOfficePDF.convertAll($0, in: $1, archival: archival) })
  }

  /// Converts many documents in one LibreOffice process (a few hundred at a time), into
  /// `folder`/pdf; returns the PDFs by source path. A document LibreOffice fails on is missing.
  public static func convertAll(_ paths: [String], in folder: String, archival: Bool = false) -> [String: [UInt8]] {
    guard let soffice = findSoffice(), !paths.isEmpty else { return [:] }
    let out = folder + "/pdf"
    try? FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    var made: [String: [UInt8]] = [:]
    for start in stride(from: 0, to: paths.count, by: 200) {
      let chunk = Array(paths[start..<min(start + 200, paths.count)])
      guard (try? LibreOfficeRunner.shared.convert(soffice: soffice, chunk, to: out, archival: archival)) != nil else { continue }
      for path in chunk {
        let pdf = out + "/" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".pdf"
        if let data = FileManager.default.contents(atPath: pdf), !data.isEmpty { made[path] = [UInt8](data) }
      }
    }
    return made
  }

  /// Converts one document with LibreOffice (see LibreOfficeRunner).
  public static func convert(_ path: String, in work: String, source: String, archival: Bool = false) throws -> [UInt8] {
    guard let soffice = findSoffice() else {
      throw DocumentError(file: source, message: "--pdf-engine libreoffice needs LibreOffice, and soffice was not found",
        hint: "install it (apt-get install libreoffice-writer-nogui) or use the native engine")
    }
    let pdf = work + "/" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".pdf"
    let status = try LibreOfficeRunner.shared.convert(soffice: soffice, [path], to: work, archival: archival)
    guard status == 0, let data = FileManager.default.contents(atPath: pdf), !data.isEmpty else {
      throw DocumentError(file: source, message: "LibreOffice could not convert the document to PDF (exit \(status))")
    }
    return [UInt8](data)
  }

  public static func findSoffice() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/soffice"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}

/// How baocao runs LibreOffice: one conversion at a time (requests to a LibreOffice already at work
/// fail, and it converts one document at a time anyway), with a private profile made on first use
/// and kept for the run (a first start spends most of its time making it), removed at exit. A
/// batch hands all its documents to one process.
public final class LibreOfficeRunner: @unchecked Sendable {
  public static let shared = LibreOfficeRunner()
  private let lock = NSLock()
  private var directory: String?

  /// Converts `paths` to PDF in `folder` with one LibreOffice process; returns its exit status.
  func convert(soffice: String, _ paths: [String], to folder: String, archival: Bool = false) throws -> Int32 {
    lock.lock()
    defer { lock.unlock() }
    if directory == nil {
      let dir = NSTemporaryDirectory() + "baocao-lo-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
      try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      directory = dir
      atexit { LibreOfficeRunner.shared.removeProfile() }
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: soffice)
    process.arguments = ["-env:UserInstallation=file://" + directory! + "/profile", "--headless", "--norestore", "--convert-to", archival ? Self.pdfA : "pdf", "--outdir", folder] + paths
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// LibreOffice's PDF export asked for PDF/A-2b (filter options as JSON, LibreOffice 7.4 and later).
  static let pdfA = #"pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}"#

  /// Removes the profile (at exit).
  func removeProfile() {
    lock.lock()
    defer { lock.unlock() }
    if let directory { try? FileManager.default.removeItem(atPath: directory) }
    directory = nil
  }
}
