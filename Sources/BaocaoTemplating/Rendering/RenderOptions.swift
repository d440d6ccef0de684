import BaocaoData

/// How values are written and which locale, time zone and currencies formatters use.
public struct RenderOptions: Sendable {
  public enum OutputMode: Sendable {
    /// Plain XML or text: values are XML-escaped and written as they are.
    case xml
    /// Plain text (not XML): values are written unescaped.
    case text
    /// OpenDocument: newlines, tabs and space runs become ODF elements.
    case odf
  }

  public var lang: String = "vi"
  public var timezone: String = "Asia/Ho_Chi_Minh"
  public var currencySource: String? = nil
  public var currencyTarget: String? = nil
  public var currencyRates: [String: Double] = ["EUR": 1, "USD": 1.14]
  public var translations: [String: [String: String]] = [:]
  public var enumerations: [String: Value] = [:]
  /// The document extension Carbone passes to `convCRLF` (`odt`, `docx`).
  public var fileExtension: String? = nil
  public var strict: Bool = false
  public var outputMode: OutputMode = .xml
  /// Pictures the data names (a template's picture whose alternative text holds a tag): relative
  /// paths are read from `pictureBase` (the data file's folder), and no picture is read from
  /// outside it and `pictureFolders`. Unset, the current folder.
  public var pictureBase: String? = nil
  public var pictureFolders: [String] = []
  /// A picture that cannot be read leaves the template's picture in place (with a warning) instead
  /// of failing the document.
  public var keepMissingPictures = false

  public init() {}

  /// Reads Carbone's render options from a JSON object (`lang`, `timezone`, `currencySource`, …).
  public mutating func apply(json: Value) {
    guard case .object(let o) = json else { return }
    if let s = o["lang"]?.stringValue { lang = s.lowercased() }
    if let s = o["timezone"]?.stringValue { timezone = s }
    if let v = o["currencySource"] { currencySource = v.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
    if let v = o["currencyTarget"] { currencyTarget = v.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
    if case .object(let rates)? = o["currencyRates"] {
      currencyRates = [:]
      for (k, v) in rates { if let n = v.numberValue { currencyRates[k] = n } }
    }
    if case .object(let t)? = o["translations"] {
      translations = [:]
      for (langKey, table) in t {
        guard case .object(let entries) = table else { continue }
        var m: [String: String] = [:]
        for (k, v) in entries { m[k] = v.javaScriptString }
        translations[langKey] = m
      }
    }
    if case .object(let e)? = o["enum"] {
      enumerations = [:]
      for (k, v) in e { enumerations[k] = v }
    }
    if let s = o["extension"]?.stringValue { fileExtension = s }
  }
}
