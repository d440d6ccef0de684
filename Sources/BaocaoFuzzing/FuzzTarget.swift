import BaocaoData
import BaocaoFonts
import BaocaoLayout
import BaocaoODF
import BaocaoPDF
import BaocaoSheets
import BaocaoSign
import BaocaoTemplating
import BaocaoXML
import Foundation

/// One reader of outside bytes, driven with arbitrary input. Errors are the expected outcome of
/// bad input; what a target must never do is trap, hang or exhaust memory. libFuzzer runs these
/// (scripts/fuzz), and the regression tests run every saved input through them.
package enum FuzzTarget: String, CaseIterable, Sendable {
  case json, yaml, csv
  /// Tag scanning, compiling and merging of a text template.
  case template
  /// An ODF package: zip, XML checks, compiling, merging, writing (as .odt and as .ods).
  case odf
  /// The layout's XML parser and libxml2's well-formedness check.
  case xml
  /// Layout and PDF of a content.xml and a styles.xml, separated by the first NUL byte.
  case layout
  /// Formula tokens (which must give their text back) and evaluation.
  case formula
  /// A spreadsheet's content.xml after a merge: rows, formulas rewritten, cached values.
  case sheet
  /// PNG and JPEG pictures as PDF images.
  case image
  /// Markup baocao reads in templates beyond tags: picture frames whose alternative text holds a
  /// tag, pictures' headers and data: URIs, charts' own tables (bindChart) and ranges.
  case markup
  /// A PDF read for signing and verifying: cross-reference tables and streams, object streams,
  /// pages, form fields, signature dictionaries and their CMS objects (OpenSSL).
  case pdf

  package func run(_ bytes: [UInt8]) {
    switch self {
    case .json: _ = try? DataLoader.parse(bytes, file: "fuzz.json")
    case .yaml: _ = try? DataLoader.parse(bytes, file: "fuzz.yaml")
    case .csv: _ = try? DataLoader.parse(bytes, file: "fuzz.csv")
    case .template: Self.template(bytes)
    case .odf: Self.odf(bytes)
    case .xml:
      _ = XMLSafety.check(bytes)
      _ = try? XMLTree.parse(bytes)
    case .layout: Self.layout(bytes)
    case .formula: Self.formula(bytes)
    case .sheet:
      let prepared = SheetProcessor.prepare(bytes)
      _ = SheetProcessor.finish(prepared, styles: nil, template: SheetProcessor.templateRows(prepared))
      _ = SheetProcessor.finish(prepared, styles: nil)
      _ = SheetProcessor.inspect(bytes)
    case .image: _ = try? PDFImage.make(ImageData(name: "fuzz", bytes: bytes))
    case .markup: TemplateDocument.exerciseMarkup(bytes)
    case .pdf:
      let file = try? PDFFile(bytes)
      _ = try? file?.pages()
      _ = try? PDFVerifier.verify(bytes, trustPEM: nil)
    }
  }

  /// Data with a little of everything a tag can reach: values, objects, arrays to loop over.
  static let data: Value = try! JSONReader.parse(Array(#"""
    {"name":"Lai Châu","n":1234.5,"ok":true,"none":null,"date":"2025-09-24","code":"01",
     "tasks":[{"name":"A","status":"done","pct":0.5,"sub":[{"x":1},{"x":2}]},{"name":"B","status":"late","pct":1}],
     "obj":{"a":{"b":"c"}},"list":[3,1,2]}
    """#.utf8), file: "data.json")

  static func template(_ bytes: [UInt8]) {
    guard let t = try? TextTemplate(bytes: bytes, file: "fuzz.xml") else { return }
    for mode in [RenderOptions.OutputMode.xml, .odf, .text] {
      var o = RenderOptions()
      o.outputMode = mode
      _ = try? t.render(data: data, complement: data, options: o)
    }
  }

  static let workDirectory: String = {
    let d = NSTemporaryDirectory() + "baocao-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }()

  static func odf(_ bytes: [UInt8]) {
    for ext in ["odt", "ods"] {
      let path = workDirectory + "/in." + ext
      guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
      guard let doc = try? TemplateDocument.open(path: path) else { continue }
      var o = RenderOptions()
      o.outputMode = .odf
      _ = try? doc.write(data: data, complement: nil, options: o, format: ext == "odt" ? .odt : .ods, to: workDirectory + "/out." + ext)
      if ext == "odt" { _ = try? TemplateDocument.textParts(path: path) }
    }
  }

  static let fonts = FontCatalog()

  static func layout(_ bytes: [UInt8]) {
    let split = bytes.firstIndex(of: 0)
    let content = Array(bytes[..<(split ?? bytes.count)])
    let styles = split.map { Array(bytes[($0 + 1)...]) }
    // The content stands for an embedded chart's too, so that a frame naming "./Object 1" in it
    // has a chart to draw when the input holds one.
    var parts = DocumentParts(content: content, styles: styles, meta: nil, settings: nil)
    parts.files = ["Object 1/content.xml": content]
    guard let laidOut = try? DocumentLayout.layout(parts, fonts: fonts, now: Date(timeIntervalSince1970: 1_758_672_000)) else { return }
    _ = try? PDFWriter.write(laidOut)
  }

  static func formula(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let tokens = FormulaTokenizer.tokens(text)
    // Rewriting a formula relies on this: its tokens give back its text.
    precondition(FormulaTokenizer.text(tokens) == text, "tokens do not give back the formula")
    let grid: [CellValue] = [.number(2), .string("x"), .bool(true), .empty, .error("#N/A"), .number(-0.5)]
    var e = FormulaEvaluator(
      sheet: "S", cell: { _, c, r in grid[Int(UInt(bitPattern: c &+ r) % UInt(grid.count))] }, extent: { _ in (1000, 30) })
    _ = try? e.evaluate("of:=" + text)
  }
}
