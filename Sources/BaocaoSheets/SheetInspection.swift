/// What `baocao check` says about a spreadsheet template before any merge.
public struct SheetIssue: Sendable, Equatable {
  public var isError: Bool
  public var place: String
  public var message: String
  public var hint: String
}

extension SheetProcessor {
  static let computed: Set<String> = [
    "SUM", "AVERAGE", "COUNT", "COUNTA", "MIN", "MAX", "ROUND", "ROUNDUP", "ROUNDDOWN", "INT", "ABS", "IF", "AND", "OR",
    "NOT", "IFERROR", "TRUE", "FALSE",
  ]

  /// Formulas using functions baocao does not compute (LibreOffice computes them on load), and loops
  /// that run across columns, which baocao does not repeat.
  public static func inspect(_ bytes: [UInt8]) -> [SheetIssue] {
    var issues: [SheetIssue] = []
    var scan = XMLScan(bytes)
    var depth = 0
    var sheet = ""
    var row = 0
    var column = 0
    var rowCells: [(column: Int, text: String)] = []
    var cellStart: Int? = nil
    func place(_ c: Int) -> String { "\(sheet).\(CellAddress.columnName(c))\(row)" }
    func finishRow() {
      // {d.x[i]} in one cell and {d.x[i+1]} in another cell of the same row: a loop across columns.
      for cell in rowCells where cell.text.utf8.contains(UInt8(ascii: "[")) {
        var rest = Substring(cell.text)
        while let r = rest.range(of: "[i+1]") {
          let before = rest[rest.startIndex..<r.lowerBound]
          let open = before.lastIndex(of: "{").map { before.index(after: $0) } ?? before.startIndex
          let array = String(before[open...])
          if rowCells.contains(where: { $0.column != cell.column && $0.text.contains(array + "[i]") }) {
            issues.append(SheetIssue(
              isError: true, place: place(cell.column),
              message: "the loop over '\(array)' runs across columns; baocao repeats rows and sheets, not columns",
              hint: "put one element per row (the [i] and [i+1] tags in two rows)"))
          }
          rest = rest[r.upperBound...]
        }
      }
      rowCells = []
    }
    while let tag = scan.next() {
      let name = tag.name
      if name.elementsEqual("table:table".utf8) {
        if tag.kind == .start {
          depth += 1
          if depth == 1 {
            sheet = XMLScan.attributes(bytes, tag.range).first { $0.name == "table:name" }?.value ?? ""
            row = 0
          }
        } else if tag.kind == .end {
          depth -= 1
        }
        continue
      }
      guard depth == 1 else { continue }
      if name.elementsEqual("table:table-row".utf8) {
        if tag.kind == .start || tag.kind == .empty {
          row += 1
          column = 0
          rowCells = []
        }
        if tag.kind == .end || tag.kind == .empty { finishRow() }
      } else if name.elementsEqual("table:table-cell".utf8) || name.elementsEqual("table:covered-table-cell".utf8) {
        if tag.kind == .end {
          if let s = cellStart { rowCells.append((column - 1, text(in: bytes[s..<tag.range.lowerBound]))) }
          cellStart = nil
          continue
        }
        let a = XMLScan.attributes(bytes, tag.range)
        if let f = a.first(where: { $0.name == "table:formula" })?.value {
          let tokens = FormulaTokenizer.tokens(f).filter { if case .space = $0 { false } else { true } }
          let unknown = tokens.indices.compactMap { k -> String? in
            guard case .name(let n) = tokens[k], k + 1 < tokens.count, tokens[k + 1] == .op("("), !computed.contains(n.uppercased()) else { return nil }
            return n.uppercased()
          }
          if let n = unknown.first {
            issues.append(SheetIssue(
              isError: false, place: place(column),
              message: "the formula \(f) uses \(n), which baocao does not compute; the cell is left for the spreadsheet program to calculate when the file is opened",
              hint: "viewers that never recalculate show it empty; use SUM, AVERAGE, COUNT, MIN, MAX, ROUND, IF… if that matters"))
          }
        }
        let repeated = Int(a.first { $0.name == "table:number-columns-repeated" }?.value ?? "1") ?? 1
        column += max(1, min(repeated, 16384))
        if tag.kind == .start { cellStart = tag.range.upperBound }
      }
    }
    return issues
  }
}
