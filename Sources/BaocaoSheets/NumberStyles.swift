import Foundation

/// The number formats of a spreadsheet's cell styles, enough to write a cached value's text the way
/// the cell shows it: decimals, grouping, percent, currency symbol, the language's separators.
struct NumberStyles {
  struct Format {
    var percent = false
    var decimals: Int? = nil
    var grouping = false
    var prefix = ""
    var suffix = ""
    var language = "en"
  }

  private var cellToData: [String: String] = [:]
  private var formats: [String: Format] = [:]
  private var defaultLanguage = "en"

  init(content: [UInt8], styles: [UInt8]?) {
    for part in [styles, content].compactMap({ $0 }) { read(part) }
  }

  private mutating func read(_ bytes: [UInt8]) {
    var scan = XMLScan(bytes)
    var current: (name: String, format: Format)? = nil
    var afterNumber = false
    var textStart: Int? = nil
    while let tag = scan.next() {
      let name = String(decoding: tag.name, as: UTF8.self)
      if tag.kind == .end {
        if name == "number:text", let start = textStart, current != nil {
          let text = XMLEntities.decode(bytes[start..<tag.range.lowerBound])
          if afterNumber { current!.format.suffix += text } else { current!.format.prefix += text }
          textStart = nil
        } else if name.hasPrefix("number:") && name.hasSuffix("-style"), let c = current {
          formats[c.name] = c.format
          current = nil
        }
        continue
      }
      let a = XMLScan.attributes(bytes, tag.range)
      func attr(_ n: String) -> String? { a.first { $0.name == n }?.value }
      switch name {
      case "style:style":
        if attr("style:family") == "table-cell", let n = attr("style:name"), let d = attr("style:data-style-name") { cellToData[n] = d }
      case "style:default-style":
        continue
      case "style:text-properties":
        if current == nil, let lang = attr("fo:language"), defaultLanguage == "en" { defaultLanguage = lang }
      case "number:number-style", "number:percentage-style", "number:currency-style":
        guard let n = attr("style:name") else { continue }
        var f = Format()
        f.percent = name == "number:percentage-style"
        f.language = attr("number:language") ?? defaultLanguage
        current = (n, f)
        afterNumber = false
        if tag.kind == .empty { formats[n] = f; current = nil }
      case "number:number":
        guard current != nil else { continue }
        current!.format.decimals = attr("number:decimal-places").flatMap { Int($0) }
        current!.format.grouping = attr("number:grouping") == "true"
        afterNumber = true
      case "number:currency-symbol":
        guard current != nil else { continue }
        afterNumber = true
      case "number:text":
        if tag.kind == .start { textStart = tag.range.upperBound }
      default:
        continue
      }
    }
  }

  func format(cellStyle: String?) -> Format? {
    guard let s = cellStyle, let d = cellToData[s] else { return nil }
    return formats[d]
  }

  func isPercentage(cellStyle: String) -> Bool { format(cellStyle: cellStyle)?.percent ?? false }

  /// The text a cell shows for `n`.
  func format(_ n: Double, cellStyle: String?) -> String {
    let f = format(cellStyle: cellStyle) ?? Format(language: defaultLanguage)
    let comma = ["vi", "fr", "de", "es", "it", "pt", "ru", "nl", "pl", "id"].contains(f.language.lowercased())
    let decimalMark = comma ? "," : "."
    let groupMark = f.language.lowercased() == "fr" ? "\u{202F}" : (comma ? "." : ",")
    let value = f.percent ? n * 100 : n
    var body: String
    if let d = f.decimals {
      body = String(format: "%.\(d)f", value)
    } else {
      body = FormulaEvaluator.general(value)
    }
    var negative = false
    if body.hasPrefix("-") { negative = true; body.removeFirst() }
    var parts = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    if f.grouping, parts[0].count > 3 {
      var g = ""
      for (k, ch) in parts[0].reversed().enumerated() {
        if k > 0 && k % 3 == 0 { g = groupMark + g }
        g = String(ch) + g
      }
      parts[0] = g
    }
    var text = parts.joined(separator: decimalMark)
    if negative && text.contains(where: { $0 != "0" && $0 != "," && $0 != "." }) { text = "-" + text }
    return f.prefix + text + f.suffix
  }
}
