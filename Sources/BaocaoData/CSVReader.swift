import OrderedCollections

/// Reads CSV (RFC 4180, comma or semicolon separated) into an array of row objects keyed by the header.
///
/// A column whose every non-empty cell is a plain decimal number becomes numbers; a cell with a
/// leading zero such as "01" keeps the whole column as text, because codes must keep their zeros.
public enum CSVReader {
  public static func parse(_ bytes: [UInt8], file: String) throws(DataError) -> Value {
    guard var text = String(validating: bytes, as: UTF8.self) else {
      throw DataError(file: file, message: "the file is not valid UTF-8 text; save it as UTF-8")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    let rows = try records(text, file: file)
    guard let header = rows.first else { return .array([]) }
    for (i, name) in header.enumerated() where name.isEmpty {
      throw DataError(file: file, line: 1, column: nil, message: "column \(i + 1) has no name in the header row")
    }
    let body = rows.dropFirst().filter { !($0.count == 1 && $0[0].isEmpty) }
    for (n, row) in body.enumerated() where row.count > header.count {
      throw DataError(file: file, line: n + 2, message: "the row has \(row.count) cells but the header has \(header.count)")
    }
    var numeric = Array(repeating: true, count: header.count)
    for row in body {
      for (c, cell) in row.enumerated() where !cell.isEmpty && !isPlainNumber(cell) { numeric[c] = false }
    }
    var out: [Value] = []
    for row in body {
      var obj = OrderedDictionary<String, Value>()
      for (c, name) in header.enumerated() {
        let cell = c < row.count ? row[c] : ""
        if cell.isEmpty { obj[name] = numeric[c] ? .null : .string("") }
        else if numeric[c] { obj[name] = .number(Double(cell)!) }
        else { obj[name] = .string(cell) }
      }
      out.append(.object(obj))
    }
    return .array(out)
  }

  /// "12", "-3.5" and "0.25" are numbers; "01", "1e5", "1.000" with a thousands dot and "" are not.
  static func isPlainNumber(_ s: String) -> Bool {
    var chars = Substring(s)
    if chars.hasPrefix("-") { chars = chars.dropFirst() }
    let parts = chars.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let intPart = parts.first, !intPart.isEmpty else { return false }
    guard intPart.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
    if intPart.count > 1 && intPart.hasPrefix("0") { return false }
    if parts.count == 2 {
      guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
    }
    return Double(s) != nil
  }

  static func records(_ text: String, file: String) throws(DataError) -> [[String]] {
    let firstLine = text.prefix(while: { $0 != "\n" && $0 != "\r\n" })
    let separator: Character =
      firstLine.filter({ $0 == ";" }).count > firstLine.filter({ $0 == "," }).count ? ";" : ","
    var rows: [[String]] = []
    var row: [String] = []
    var cell = ""
    var inQuotes = false
    var line = 1
    var quoteLine = 1
    var chars = text.makeIterator()
    var pending: Character? = nil
    while let c = pending ?? chars.next() {
      pending = nil
      if inQuotes {
        if c == "\"" {
          if let n = chars.next() {
            if n == "\"" { cell.append("\"") } else { inQuotes = false; pending = n }
          } else { inQuotes = false }
        } else {
          if c == "\n" || c == "\r\n" { line += 1 }
          cell.append(c)
        }
        continue
      }
      switch c {
      case "\"" where cell.isEmpty:
        inQuotes = true
        quoteLine = line
      case separator:
        row.append(cell); cell = ""
      case "\n", "\r\n", "\r":
        row.append(cell); cell = ""
        rows.append(row); row = []
        line += 1
      default:
        cell.append(c)
      }
    }
    if inQuotes {
      throw DataError(file: file, line: quoteLine, message: "a quoted cell starting on this line is never closed")
    }
    if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
    return rows
  }
}
