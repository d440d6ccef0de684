import BaocaoData
import Foundation

/// The monthly job in one file (`baocao.yaml`): the records, the complement, where outputs go, and
/// each template with whether it makes one output per record or one from all records.
///
/// ```yaml
/// data: samples/provinces
/// complement: samples/meeting.json
/// output: out
/// outputs:
///   - template: templates/bao-cao-thang.odt
///     each: record            # one output per record (the default)
///     formats: [odt, pdf]
///     folder: bao-cao-thang
///     name: "{d.code}-{d.shortName}"   # optional, default: the record's file name
///   - template: templates/bao-cao-tong-hop.odt
///     each: all               # one output from all the records (d is their list)
///     formats: [odt, pdf]
///     name: bao-cao-tong-hop
/// ```
/// Relative paths are read from the run file's folder.
public struct RunFile: Sendable {
  public struct Output: Sendable {
    public enum Each: String, Sendable { case record, all }
    public var template: String
    public var each: Each
    public var formats: [String]?
    public var folder: String?
    public var name: String?
  }

  public var path: String
  public var data: [String]
  public var complement: String?
  public var output: String
  public var lang: String?
  public var timezone: String?
  /// PDFs as PDF/A-2b (`pdfa: true`).
  public var pdfA = false
  /// Signatures on every PDF (`sign:` with `signer:` then `agency:`), as the settings `baocao
  /// sign` takes, by option name; paths resolved against the run file's folder.
  public var sign: [(step: String, settings: [(String, String)])] = []
  public static let signSettings: Set<String> = [
    "p12", "password-file", "pkcs11-module", "token-label", "key-label", "pin-file", "image", "seal", "at", "width", "reason",
    "location", "contact", "tsa",
  ]
  public var outputs: [Output]

  public static func load(path: String) throws -> RunFile {
    let value = try DataLoader.load(path: path)
    let base = (path as NSString).deletingLastPathComponent
    func resolve(_ p: String) -> String {
      p.hasPrefix("/") || base.isEmpty ? p : (base as NSString).appendingPathComponent(p)
    }
    func fail(_ message: String, hint: String) -> DocumentError {
      DocumentError(file: path, message: message, hint: hint)
    }
    guard case .object(let root) = value else {
      throw fail("a run file holds a mapping (data:, output:, outputs:)", hint: "see the example in README.md")
    }
    let known: Set<String> = ["data", "complement", "output", "outputs", "lang", "timezone", "pdfa", "sign"]
    if let unknown = root.keys.first(where: { !known.contains($0) }) {
      throw fail("unknown setting '\(unknown)'", hint: "the settings are \(known.sorted().joined(separator: ", "))")
    }
    var data: [String] = []
    switch root["data"] {
    case .string(let s)?: data = [resolve(s)]
    case .array(let a)?:
      for item in a {
        guard let s = item.stringValue else { throw fail("'data' lists paths (text)", hint: "write data: [folder, file.json]") }
        data.append(resolve(s))
      }
    default: throw fail("'data' is missing: the records to render", hint: "write data: samples/provinces")
    }
    guard let output = root["output"]?.stringValue else {
      throw fail("'output' is missing: the folder outputs go to", hint: "write output: out")
    }
    guard let list = root["outputs"]?.arrayValue, !list.isEmpty else {
      throw fail("'outputs' is missing: the templates to render", hint: "list them under outputs: with template: for each")
    }
    var outputs: [Output] = []
    for (k, item) in list.enumerated() {
      guard case .object(let o) = item, let template = o["template"]?.stringValue else {
        throw fail("outputs[\(k)] has no 'template'", hint: "each entry names its template: template: templates/x.odt")
      }
      let outputKeys: Set<String> = ["template", "each", "formats", "folder", "name"]
      if let unknown = o.keys.first(where: { !outputKeys.contains($0) }) {
        throw fail("outputs[\(k)]: unknown setting '\(unknown)'", hint: "the settings are \(outputKeys.sorted().joined(separator: ", "))")
      }
      let eachText = o["each"]?.stringValue ?? "record"
      guard let each = Output.Each(rawValue: eachText) else {
        throw fail("outputs[\(k)]: each is '\(eachText)'", hint: "use each: record (one output per record) or each: all (one from all records)")
      }
      var formats: [String]? = nil
      switch o["formats"] {
      case .string(let s)?: formats = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      case .array(let a)?: formats = a.compactMap(\.stringValue)
      case nil: break
      default: throw fail("outputs[\(k)]: formats is a list such as [odt, pdf]", hint: "write formats: [odt, pdf]")
      }
      outputs.append(Output(
        template: resolve(template), each: each, formats: formats, folder: o["folder"]?.stringValue, name: o["name"]?.stringValue))
    }
    var file = RunFile(
      path: path, data: data, complement: root["complement"]?.stringValue.map(resolve), output: resolve(output),
      lang: root["lang"]?.stringValue, timezone: root["timezone"]?.stringValue, outputs: outputs)
    switch root["pdfa"] {
    case nil: break
    case .bool(let b)?: file.pdfA = b
    default: throw fail("'pdfa' is true or false", hint: "write pdfa: true for PDF/A-2b files")
    }
    if let sign = root["sign"] {
      guard case .object(let steps) = sign, !steps.isEmpty else {
        throw fail("'sign' holds the steps signer: and agency:", hint: "see the example in README.md")
      }
      if let unknown = steps.keys.first(where: { $0 != "signer" && $0 != "agency" }) {
        throw fail("sign: unknown step '\(unknown)'", hint: "the steps are signer (the signature image) and agency (the seal)")
      }
      for step in ["signer", "agency"] {
        guard let value = steps[step] else { continue }
        guard case .object(let o) = value else { throw fail("sign.\(step) is a mapping of settings", hint: "write p12:, password-file:, image: under it") }
        var settings: [(String, String)] = []
        for (key, v) in o {
          guard signSettings.contains(key) else {
            throw fail("sign.\(step): unknown setting '\(key)'", hint: "the settings are \(signSettings.sorted().joined(separator: ", "))")
          }
          guard let text = v.stringValue ?? (v.numberValue.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) }) else {
            throw fail("sign.\(step).\(key) is text", hint: "write \(key): VALUE")
          }
          let isPath = ["p12", "password-file", "pin-file", "image", "seal"].contains(key) || (key == "pkcs11-module" && text.contains("/"))
          settings.append((key, isPath ? resolve(text) : text))
        }
        file.sign.append((step, settings))
      }
    }
    return file
  }
}
