import BaocaoData
import BaocaoSheets
import BaocaoTemplating
import BaocaoXML
import Foundation

/// A template file compiled once: a text/XML file, a flat ODF file or an ODF package.
public final class TemplateDocument: @unchecked Sendable {
  public enum Kind: Sendable {
    case package(spreadsheet: Bool)
    case flat(spreadsheet: Bool)
    case text(ext: String)
  }

  /// The package parts that may hold tags.
  static let templatedParts = ["content.xml", "styles.xml", "meta.xml"]

  public let path: String
  public let kind: Kind
  /// Compiled parts: the whole file for text and flat templates, else by part name.
  let programs: [String: TemplateProgram]
  /// Package entry names in their original order.
  let entryNames: [String]
  /// For spreadsheets: the styles part, whose number formats the cached values are written in.
  var sheetStyles: [UInt8]? = nil
  /// The spreadsheet's rows as the template has them: formulas the merge did not touch keep their values.
  var sheetRows: SheetProcessor.TemplateRows? = nil
  /// Pictures the data replaces, by part (see PictureTags).
  var pictures: [String: [PictureTags.Binding]] = [:]
  /// Embedded charts' contents that hold tags (see ChartTags), by part name ("Object 1/content.xml").
  var charts: Set<String> = []
  /// Every embedded chart's content, tags or not.
  var chartParts: [String] = []
  /// The data paths each chart binds with bindChart, for `check`.
  var chartPaths: [String: [String]] = [:]

  init(path: String, kind: Kind, programs: [String: TemplateProgram], entryNames: [String]) {
    self.path = path
    self.kind = kind
    self.programs = programs
    self.entryNames = entryNames
  }

  /// Opens and compiles a template, throwing every problem in it at once.
  public static func open(path: String) throws -> TemplateDocument {
    let (document, diagnostics) = try load(path: path)
    let errors = diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty { throw DiagnosticList(errors) }
    return document
  }

  static func requireFile(_ path: String) throws(DocumentError) {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw DocumentError(file: path, message: "no such file")
    }
    if isDir.boolValue { throw DocumentError(file: path, message: "is a folder, not a template file") }
  }

  static func readFile(_ path: String) throws(DocumentError) -> [UInt8] {
    try requireFile(path)
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DocumentError(file: path, message: "cannot read the file")
    }
    return [UInt8](data)
  }

  /// Refuses an XML part that is not well-formed or declares a DTD, naming its line.
  static func checkXML(_ bytes: [UInt8], file: String, part: String? = nil) throws(DocumentError) {
    if let problem = XMLSafety.check(bytes) {
      throw DocumentError(file: file, part: part, message: "line \(problem.line): \(problem.message)")
    }
  }

  static func load(path: String) throws -> (TemplateDocument, [Diagnostic]) {
    let ext = (path as NSString).pathExtension.lowercased()
    switch ext {
    case "odt", "ods", "ott", "ots":
      return try loadPackage(path: path, spreadsheet: ext == "ods" || ext == "ots")
    case "fodt", "fods":
      let bytes = try readFile(path)
      try checkXML(bytes, file: path)
      let sheet = ext == "fods"
      // Rows of a spreadsheet carry their template position through the merge (see SheetProcessor).
      let marked = PictureTags.mark(sheet ? SheetProcessor.prepare(bytes) : bytes, file: path, part: "")
      let prepared = marked.bytes
      let (program, diags) = compile(prepared, file: path, part: "", odf: true, inserted: marked.inserted)
      let doc = TemplateDocument(path: path, kind: .flat(spreadsheet: sheet), programs: ["": program], entryNames: [])
      if !marked.bindings.isEmpty { doc.pictures[""] = marked.bindings }
      if sheet {
        doc.sheetStyles = bytes
        doc.sheetRows = SheetProcessor.templateRows(prepared)
      }
      return (doc, marked.diagnostics + diags + (sheet ? sheetDiagnostics(bytes, file: path) : []))
    default:
      let bytes = try readFile(path)
      guard String(validating: bytes, as: UTF8.self) != nil else {
        throw DocumentError(file: path, message: "the template is not UTF-8 text", hint: "save it as UTF-8, or use an .odt/.ods template")
      }
      let (program, diags) = compile(bytes, file: path, part: "", odf: false)
      return (TemplateDocument(path: path, kind: .text(ext: ext), programs: ["": program], entryNames: []), diags)
    }
  }

  static func compile(
    _ bytes: [UInt8], file: String, part: String, aliases: [String: TemplateCompiler.AliasDefinition]? = nil, odf: Bool,
    inserted: [Range<Int>] = []
  ) -> (TemplateProgram, [Diagnostic]) {
    var a = aliases ?? [:]
    if aliases == nil { TemplateCompiler.collectAliases(bytes, into: &a) }
    var compiler = TemplateCompiler(file: file, part: part, aliases: a, dropDelimiterParagraphs: odf)
    compiler.typedCells = odf
    compiler.inserted = inserted
    return compiler.compile(bytes)
  }

  static func loadPackage(path: String, spreadsheet: Bool) throws -> (TemplateDocument, [Diagnostic]) {
    try requireFile(path)
    let zip = try ZipReader.openDocument(path: path)
    guard zip.entry(named: "content.xml") != nil else {
      throw DocumentError(file: path, message: "the package has no content.xml; it is not an OpenDocument file",
        hint: "save it again from LibreOffice as .odt or .ods")
    }
    var partBytes: [String: [UInt8]] = [:]
    // Embedded charts' contents may hold tags too (bindChart).
    var chartParts: [String] = []
    for e in zip.entries where e.name.hasSuffix("/content.xml") && !e.name.hasPrefix("META-INF/") {
      let bytes = try zip.read(e)
      guard ChartTags.isChart(e.name, bytes) else { continue }
      try checkXML(bytes, file: path, part: e.name)
      partBytes[e.name] = bytes
      chartParts.append(e.name)
    }
    for name in templatedParts {
      guard let e = zip.entry(named: name) else { continue }
      let bytes = try zip.read(e)
      try checkXML(bytes, file: path, part: name)
      partBytes[name] = bytes
    }
    // Aliases declared in one part are usable in all of them.
    var aliases: [String: TemplateCompiler.AliasDefinition] = [:]
    for name in templatedParts + chartParts { if let b = partBytes[name] { TemplateCompiler.collectAliases(b, into: &aliases) } }
    var programs: [String: TemplateProgram] = [:]
    var diagnostics: [Diagnostic] = []
    var sheetRows: SheetProcessor.TemplateRows? = nil
    var pictures: [String: [PictureTags.Binding]] = [:]
    var charts: Set<String> = []
    var chartPaths: [String: [String]] = [:]
    for name in templatedParts + chartParts {
      // A part without a brace holds no tag: it is copied as it is, without compiling it.
      guard var b = partBytes[name], b.withUnsafeBufferPointer({ p in p.baseAddress.flatMap { memchr($0, Int32(UInt8(ascii: "{")), p.count) } != nil })
      else { continue }
      let isChart = chartParts.contains(name)
      if isChart {
        let prepared = ChartTags.prepare(b, file: path, part: name)
        diagnostics += prepared.diagnostics
        b = prepared.bytes
        chartPaths[name] = prepared.paths
      }
      let pictureMarks = PictureTags.mark(spreadsheet && name == "content.xml" ? SheetProcessor.prepare(b) : b, file: path, part: name)
      let marked = pictureMarks.bytes
      let (program, d) = compile(marked, file: path, part: name, aliases: aliases, odf: true, inserted: pictureMarks.inserted)
      diagnostics += pictureMarks.diagnostics + d
      // A part without tags is copied as it is.
      guard !program.tags.isEmpty else { continue }
      programs[name] = program
      if !pictureMarks.bindings.isEmpty { pictures[name] = pictureMarks.bindings }
      if isChart { charts.insert(name) }
      if spreadsheet && name == "content.xml" { sheetRows = SheetProcessor.templateRows(marked) }
    }
    let doc = TemplateDocument(
      path: path, kind: .package(spreadsheet: spreadsheet), programs: programs, entryNames: zip.entries.map(\.name))
    doc.pictures = pictures
    doc.charts = charts
    doc.chartParts = chartParts
    doc.chartPaths = chartPaths.filter { charts.contains($0.key) }
    if spreadsheet {
      doc.sheetStyles = partBytes["styles.xml"] ?? []
      doc.sheetRows = sheetRows
      // A sheet without tags is copied as it is: its loops and formulas need no checking.
      if programs["content.xml"] != nil {
        diagnostics += sheetDiagnostics(partBytes["content.xml"] ?? [], file: path, part: "content.xml")
      }
    }
    return (doc, diagnostics)
  }

  /// Loops across columns (refused: the sheet would come out wrong) and formulas left to the
  /// spreadsheet program (warnings).
  static func sheetDiagnostics(_ content: [UInt8], file: String, part: String = "") -> [Diagnostic] {
    SheetProcessor.inspect(content).map {
      Diagnostic($0.isError ? .error : .warning, file: file, part: part, message: "\($0.place): \($0.message)", hint: $0.hint)
    }
  }

  // MARK: - Rendering

  /// What merging one document gathers across its parts: the pictures the data named, and how the
  /// sheet's rows moved (for its charts' ranges).
  final class MergeState {
    let pictures: PictureStore
    var sheetAddresses: (@Sendable (String) -> String)? = nil
    init(_ pictures: PictureStore) { self.pictures = pictures }
  }

  func renderPart(
    _ name: String, data: Value?, complement: Value?, options: RenderOptions, state: MergeState? = nil
  ) throws -> [UInt8]? {
    guard let program = programs[name] else { return nil }
    var merged: [UInt8]
    do {
      merged = try TemplateRenderer(program: program, options: options).render(data: data, complement: complement)
    } catch {
      throw DiagnosticList(error.diagnostics.map { d in
        var d = d
        d.file = path
        d.part = name
        return d
      })
    }
    if let styles = sheetStyles, name == "content.xml" || name == "" {
      let finished = SheetProcessor.finish(merged, styles: styles, template: sheetRows)
      merged = finished.bytes
      state?.sheetAddresses = finished.addresses
    }
    if pictures[name] != nil {
      merged = try (state?.pictures ?? PictureStore(options: options)).resolve(merged, file: path, part: name)
    }
    if charts.contains(name) { merged = ChartTags.finish(merged) }
    return merged
  }

  /// What writing one output told: warnings (a PDF's font stand-ins, its engine's choice) and,
  /// for a PDF, the engine that made it.
  public struct Written: Sendable {
    public var warnings: [String] = []
    public var engine: String? = nil
    public var signatures: [String]? = nil
  }

  /// Merges `data` and writes the result to `output` atomically (`-` for standard output).
  @discardableResult
  public func write(
    data: Value?, complement: Value?, options: RenderOptions, format: OutputFormat, to output: String, pdf: PDFMaker? = nil
  ) throws -> Written {
    var options = options
    if format == .pdf {
      guard let pdf else { throw DocumentError(file: output, message: "no PDF engine was given") }
      let made = try pdf.makePDF(document: self, data: data, complement: complement, options: options)
      try OutputWriter.write(made.bytes, to: output)
      return Written(warnings: made.warnings, engine: made.engine, signatures: made.signatures.isEmpty ? nil : made.signatures)
    }
    switch kind {
    case .text:
      options.outputMode = format == .txt ? .text : .xml
      let bytes = try renderPart("", data: data, complement: complement, options: options) ?? []
      try OutputWriter.write(bytes, to: output)
    case .flat:
      options.outputMode = .odf
      options.fileExtension = options.fileExtension ?? "odt"
      let store = PictureStore(options: options, embeds: true)
      let bytes = try renderPart("", data: data, complement: complement, options: options, state: MergeState(store)) ?? []
      try OutputWriter.write(bytes, to: output)
      return Written(warnings: store.warnings)
    case .package:
      options.outputMode = .odf
      options.fileExtension = options.fileExtension ?? "odt"
      let temp = output == "-"
        ? (NSTemporaryDirectory() as NSString).appendingPathComponent("baocao.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        : OutputWriter.temporaryPath(for: output)
      let warnings: [String]
      do {
        warnings = try writePackage(data: data, complement: complement, options: options, to: temp)
      } catch {
        unlink(temp)
        InFlight.shared.remove(temp)
        throw error
      }
      if output == "-" {
        defer { unlink(temp) }
        guard let d = FileManager.default.contents(atPath: temp) else {
          throw DocumentError(file: output, message: "cannot read back the output")
        }
        FileHandle.standardOutput.write(d)
      } else {
        try OutputWriter.commit(temp, to: output)
      }
      return Written(warnings: warnings)
    }
    return Written()
  }

  /// Writes the merged package; returns its warnings (pictures kept by --missing-picture keep).
  func writePackage(data: Value?, complement: Value?, options: RenderOptions, to path: String) throws -> [String] {
    let zip = try ZipReader.openDocument(path: self.path)
    let store = PictureStore(options: options)
    let state = MergeState(store)
    // The merged parts, content.xml first: a spreadsheet's rows tell its charts' ranges where to go.
    var merged: [String: [UInt8]] = [:]
    for name in ["content.xml"] + zip.entries.map(\.name) where merged[name] == nil {
      if let bytes = try renderPart(name, data: data, complement: complement, options: options, state: state) { merged[name] = bytes }
    }
    // Charts over a sheet's cells follow its rows as loops repeat them.
    var changedCharts = charts
    if let addresses = state.sheetAddresses {
      for name in chartParts {
        guard let bytes = try merged[name] ?? zip.entry(named: name).map({ try zip.read($0) }) else { continue }
        let moved = ChartTags.followSheet(bytes, addresses)
        if moved != bytes {
          merged[name] = moved
          changedCharts.insert(name)
        }
      }
    }
    // The charts the data changed lose their stored pictures (see ChartTags.dropReplacements).
    let stale = Set(changedCharts.map { String($0.dropLast("/content.xml".count)) })
    var parts: [ZipWriter.Part] = []
    if let mimetype = zip.entry(named: "mimetype") { parts.append(.bytes(name: "mimetype", data: try zip.read(mimetype), mtime: mimetype.mtime)) }
    for entry in zip.entries where entry.name != "mimetype" {
      if entry.name.hasPrefix("ObjectReplacements/"), stale.contains(String(entry.name.dropFirst("ObjectReplacements/".count))) { continue }
      let isManifest = entry.name == "META-INF/manifest.xml"
      var bytes = merged[entry.name]
      if bytes == nil, (!stale.isEmpty && ["content.xml", "styles.xml"].contains(entry.name)) || (isManifest && (!stale.isEmpty || !store.files.isEmpty)) {
        bytes = try zip.read(entry)
      }
      guard var b = bytes else {
        parts.append(.copy(name: entry.name, index: entry.index, mtime: entry.mtime))
        continue
      }
      if !stale.isEmpty { b = ChartTags.dropReplacements(b, objects: stale) }
      // The pictures the data named get their manifest entries.
      if isManifest { b = store.manifest(b) }
      parts.append(.bytes(name: entry.name, data: b, mtime: entry.mtime))
    }
    let now = time(nil)
    for file in store.files { parts.append(.bytes(name: file.name, data: file.bytes, mtime: now)) }
    try ZipWriter.write(parts, from: zip, to: path)
    return store.warnings
  }
}
