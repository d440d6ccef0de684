import Foundation

/// What `render` writes.
public enum OutputFormat: String, Sendable, CaseIterable {
  case odt, ods, fodt, fods, xml, html, txt, pdf

  public static func resolve(explicit: String?, output: String, template: TemplateDocument) throws(DocumentError) -> OutputFormat {
    if let explicit {
      guard let f = OutputFormat(rawValue: explicit.lowercased()) else {
        throw DocumentError(file: output, message: "unknown format '\(explicit)'",
          hint: "use one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      try template.kind.check(f, file: output)
      return f
    }
    let ext = (output as NSString).pathExtension.lowercased()
    if output == "-" || ext.isEmpty { return template.kind.defaultFormat }
    guard let f = OutputFormat(rawValue: ext) else {
      // Text templates may be written under any extension (e.g. .csv, .md).
      if case .text = template.kind { return .txt }
      throw DocumentError(file: output, message: "cannot tell the format from the extension '.\(ext)'", hint: "pass --format")
    }
    try template.kind.check(f, file: output)
    return f
  }
}

extension TemplateDocument.Kind {
  public var defaultFormat: OutputFormat {
    switch self {
    case .package(let spreadsheet): return spreadsheet ? .ods : .odt
    case .flat(let spreadsheet): return spreadsheet ? .fods : .fodt
    case .text(let ext): return OutputFormat(rawValue: ext) ?? .txt
    }
  }

  func check(_ f: OutputFormat, file: String) throws(DocumentError) {
    let ok: Bool
    switch self {
    case .package(let s): ok = f == (s ? .ods : .odt) || (!s && f == .pdf)
    case .flat(let s): ok = f == (s ? .fods : .fodt) || (!s && f == .pdf)
    case .text: ok = [.xml, .html, .txt].contains(f)
    }
    if !ok {
      let also = defaultFormat == .odt || defaultFormat == .fodt ? " or .pdf" : ""
      throw DocumentError(file: file, message: "the template makes .\(defaultFormat.rawValue)\(also) files; it cannot be written as .\(f.rawValue)",
        hint: "give the output the extension .\(defaultFormat.rawValue)\(also)")
    }
  }
}
