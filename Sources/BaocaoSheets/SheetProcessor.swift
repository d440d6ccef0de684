import Foundation

/// Spreadsheet content after a merge, made right for any spreadsheet program: formulas rewritten as
/// if the loop's rows had been inserted (references follow their row, ranges over the loop grow,
/// references below move down), every formula's cached value computed, and number cells whose style
/// shows a percentage typed as percentages.
///
/// Rows are traced through the merge by a temporary attribute: `markRows` puts `baocao-row="S:R"`
/// (template sheet and row) on every row before the template is compiled; the merge copies it with
/// each repeated row; `finish` reads it back and removes it.
public enum SheetProcessor {
  static let marker = "baocao-row"

  // MARK: - Before the merge

  /// Prepares a spreadsheet template for the merge: a sheet whose name holds a loop tag
  /// (`{d[i].province}`) gets its `[i+1]` sheet if the author did not write one, so that the sheet
  /// repeats once per record; every row is marked with its place.
  public static func prepare(_ bytes: [UInt8]) -> [UInt8] { markRows(closeSheetLoops(bytes)) }

  static func closeSheetLoops(_ bytes: [UInt8]) -> [UInt8] {
    var scan = XMLScan(bytes)
    var depth = 0
    var names: [(name: String, end: Int)] = []
    var current: String? = nil
    while let tag = scan.next() {
      guard tag.name.elementsEqual("table:table".utf8) else { continue }
      if tag.kind == .start {
        depth += 1
        if depth == 1 { current = XMLScan.attributes(bytes, tag.range).first { $0.name == "table:name" }?.value ?? "" }
      } else if tag.kind == .end {
        depth -= 1
        if depth == 0, let c = current { names.append((c, tag.range.upperBound)) }
      }
    }
    var inserts: [(Int, String)] = []
    for (k, sheet) in names.enumerated() where sheet.name.contains("{") && sheet.name.contains("[i]") {
      let closing = sheet.name.replacingAll("[i]", "[i+1]")
      if k + 1 < names.count, names[k + 1].name.contains("[i+1]") { continue }
      inserts.append((sheet.end, "<table:table table:name=\"" + XMLEntities.encodeAttribute(closing) + "\"><table:table-row><table:table-cell/></table:table-row></table:table>"))
    }
    guard !inserts.isEmpty else { return bytes }
    var out: [UInt8] = []
    var at = 0
    for (position, text) in inserts {
      out += bytes[at..<position]
      out += Array(text.utf8)
      at = position
    }
    out += bytes[at...]
    return out
  }

  public static func markRows(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 10)
    var scan = XMLScan(bytes)
    var copied = 0
    var sheet = -1
    var row = 0
    var depth = 0  // tables inside tables (shapes, charts) do not count
    while let tag = scan.next() {
      if tag.name.elementsEqual("table:table".utf8) {
        if tag.kind == .start {
          depth += 1
          if depth == 1 { sheet += 1; row = 0 }
        } else if tag.kind == .end {
          depth -= 1
        }
      } else if depth == 1, tag.name.elementsEqual("table:table-row".utf8), tag.kind == .start || tag.kind == .empty {
        row += 1
        let attributes = XMLScan.attributes(bytes, tag.range)
        let repeated = repeats(attributes.first { $0.name == "table:number-rows-repeated" }?.value, upTo: maxRows)
        let insertAt = tag.range.lowerBound + 1 + "table:table-row".utf8.count
        out += bytes[copied..<insertAt]
        out += Array(" \(marker)=\"\(sheet):\(row)\"".utf8)
        copied = insertAt
        row += max(0, repeated - 1)
      }
    }
    out += bytes[copied...]
    return out
  }

  /// What each marked row of the prepared template held, so that the rows a merge left as they
  /// were can be told from the rows it changed (see `finish`).
  public struct TemplateRows: Sendable {
    /// Marker value ("S:R") → hash of the whole row element's bytes.
    var hashes: [String: Int] = [:]
  }

  /// Reads the rows of a template prepared by `prepare`.
  public static func templateRows(_ prepared: [UInt8]) -> TemplateRows {
    var rows = TemplateRows()
    forEachRow(prepared) { marker, range in if let marker { rows.hashes[marker] = hash(prepared[range]) } }
    return rows
  }

  /// Calls `body` with each sheet-level row's marker value and its element's byte range.
  static func forEachRow(_ bytes: [UInt8], _ body: (String?, Range<Int>) -> Void) {
    var scan = XMLScan(bytes)
    var depth = 0
    var open: (marker: String?, start: Int)? = nil
    while let tag = scan.next() {
      if tag.name.elementsEqual("table:table".utf8) {
        if tag.kind == .start { depth += 1 } else if tag.kind == .end { depth -= 1 }
      } else if depth == 1, tag.name.elementsEqual("table:table-row".utf8) {
        switch tag.kind {
        case .start:
          open = (XMLScan.attributes(bytes, tag.range).first { $0.name == marker }?.value, tag.range.lowerBound)
        case .empty:
          body(XMLScan.attributes(bytes, tag.range).first { $0.name == marker }?.value, tag.range)
        case .end:
          if let o = open { body(o.marker, o.start..<tag.range.upperBound) }
          open = nil
        case .other: break
        }
      }
    }
  }

  static func hash(_ bytes: ArraySlice<UInt8>) -> Int {
    var h = Hasher()
    bytes.withUnsafeBytes { h.combine(bytes: $0) }
    return h.finalize()
  }

  /// A sheet's size in LibreOffice: a repeat count past it is read as reaching the sheet's end (the
  /// count only places rows and cells here; the document's bytes keep what they say).
  static let maxRows = 1 << 24
  static let maxColumns = 16_384

  static func repeats(_ value: String?, upTo limit: Int) -> Int {
    guard let value, let n = Int(value) else { return 1 }
    return min(max(1, n), limit)
  }

  // MARK: - After the merge

  public struct Result {
    public var bytes: [UInt8]
    /// Formulas left for the spreadsheet program to compute, with the reason.
    public var unevaluated: [String]
    /// Rewrites a list of cell range addresses ("Sheet1.$B$2:.$B$3 …") for the rows as they are
    /// now, as the sheet's own ranges were (a chart's ranges, in its own part).
    public var addresses: @Sendable (String) -> String = { $0 }
  }

  struct Cell {
    var sheet: Int
    var row: Int
    var column: Int
    var tag: Range<Int>
    /// The element's content (between its start and end tags), nil when it is empty.
    var body: Range<Int>?
    var attributes: [(name: String, value: String, range: Range<Int>)]
    var formula: String?
    var style: String?

    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
  }

  struct Sheet {
    var name: String
    /// Template row → the rows it became, in order.
    var outputs: [Int: [Int]] = [:]
    /// Output row → (template row, which copy of it).
    var origin: [Int: (row: Int, copy: Int)] = [:]
    var rows = 0
    var columns = 0
    var columnStyles: [String?] = []
    /// Output rows whose content the merge made or changed, ascending: rows that differ from their
    /// template row (tags, loop copies), rows of a repeated sheet.
    var changed: [Range<Int>] = []

    func isChanged(_ row: Int) -> Bool { intersects(row...row) }

    /// True when a changed row lies in `rows`.
    func intersects(_ rows: ClosedRange<Int>) -> Bool {
      var lo = 0, hi = changed.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if changed[mid].upperBound <= rows.lowerBound { lo = mid + 1 } else { hi = mid }
      }
      return lo < changed.count && changed[lo].lowerBound <= rows.upperBound
    }
  }

  /// Without `template`, every row counts as changed and every formula is recomputed.
  public static func finish(_ bytes: [UInt8], styles: [UInt8]?, template: TemplateRows? = nil) -> Result {
    var sheets: [Sheet] = []
    var cells: [Cell] = []
    var rowTags: [Range<Int>] = []
    var otherRewrites: [(range: Range<Int>, text: String)] = []

    // 1. Read the sheets: rows and where they came from, cells and their values.
    var scan = XMLScan(bytes)
    var depth = 0
    var row = 0
    var column = 0
    var rowRepeat = 1
    var openCell: Int? = nil
    // The open row: where its element starts, its first output row, its marker.
    var openRow: (start: Int, first: Int, repeats: Int, marker: String?) = (0, 0, 1, nil)
    func closeRow(_ s: Int, _ range: Range<Int>) {
      let unchanged: Bool
      if let template, let m = openRow.marker, let h = template.hashes[m], m.hasPrefix("\(s):") {
        unchanged = h == hash(bytes[range])
      } else {
        unchanged = false
      }
      if !unchanged { sheets[s].changed.append(openRow.first..<(openRow.first + openRow.repeats)) }
    }
    while let tag = scan.next() {
      let name = tag.name
      if name.elementsEqual("table:table".utf8) {
        if tag.kind == .start {
          depth += 1
          if depth == 1 {
            let a = XMLScan.attributes(bytes, tag.range)
            sheets.append(Sheet(name: a.first { $0.name == "table:name" }?.value ?? "Sheet\(sheets.count + 1)"))
            row = 0
          }
        } else if tag.kind == .end {
          depth -= 1
        }
        continue
      }
      guard depth == 1, !sheets.isEmpty else { continue }
      let s = sheets.count - 1
      if name.elementsEqual("table:table-column".utf8), tag.kind != .end {
        let a = XMLScan.attributes(bytes, tag.range)
        // At most a sheet's columns in all, however many column elements repeat.
        let n = min(repeats(a.first { $0.name == "table:number-columns-repeated" }?.value, upTo: maxColumns),
          max(0, maxColumns - sheets[s].columnStyles.count))
        let style = a.first { $0.name == "table:default-cell-style-name" }?.value
        sheets[s].columnStyles += Array(repeating: style, count: n)
      } else if name.elementsEqual("table:table-row".utf8), tag.kind == .end {
        closeRow(s, openRow.start..<tag.range.upperBound)
      } else if name.elementsEqual("table:table-row".utf8), tag.kind == .start || tag.kind == .empty {
        let a = XMLScan.attributes(bytes, tag.range)
        row += 1
        column = 0
        rowRepeat = repeats(a.first { $0.name == "table:number-rows-repeated" }?.value, upTo: maxRows)
        openRow = (tag.range.lowerBound, row, rowRepeat, a.first { $0.name == marker }?.value)
        if tag.kind == .empty { closeRow(s, tag.range) }
        if let m = a.first(where: { $0.name == marker }) {
          rowTags.append(m.range)
          let parts = m.value.split(separator: ":")
          if parts.count == 2, let t = Int(parts[1]) {
            for k in 0..<min(rowRepeat, 4096) {
              var list = sheets[s].outputs[t + k] ?? []
              sheets[s].origin[row + k] = (t + k, list.count)
              list.append(row + k)
              sheets[s].outputs[t + k] = list
            }
          }
        }
        sheets[s].rows = max(sheets[s].rows, row)
        row += max(0, rowRepeat - 1)
      } else if name.elementsEqual("table:table-cell".utf8) || name.elementsEqual("table:covered-table-cell".utf8) {
        if tag.kind == .end {
          if let c = openCell { cells[c].body = cells[c].tag.upperBound..<tag.range.lowerBound }
          openCell = nil
          continue
        }
        let a = XMLScan.attributes(bytes, tag.range)
        let repeated = repeats(a.first { $0.name == "table:number-columns-repeated" }?.value, upTo: maxColumns)
        let firstRow = row - max(0, rowRepeat - 1)
        if name.elementsEqual("table:table-cell".utf8), repeated == 1 {
          let style = a.first { $0.name == "table:style-name" }?.value
            ?? (column < sheets[s].columnStyles.count ? sheets[s].columnStyles[column] : nil)
          cells.append(Cell(
            sheet: s, row: firstRow, column: column, tag: tag.range, body: nil, attributes: a,
            formula: a.first { $0.name == "table:formula" }?.value, style: style))
          if tag.kind == .start { openCell = cells.count - 1 }
          sheets[s].columns = max(sheets[s].columns, column + 1)
        }
        column += min(repeated, 16384)
      }
    }
    // Cells' values are read when a formula being computed asks for them.
    var values: [Int: CellValue] = [:]
    func storedValue(_ k: Int) -> CellValue {
      if let v = values[k] { return v }
      let v = value(of: cells[k], in: bytes)
      values[k] = v
      return v
    }
    for k in rowTags.indices { otherRewrites.append((rowTags[k], "")) }

    // 2. Rewrite every formula for the rows as they are now.
    func key(_ sheet: Int, _ row: Int) -> Int { sheet << 32 | (row & 0xFFFF_FFFF) }
    var index: [Int: [Int: Int]] = [:]  // key(sheet, row) → column → cell
    for (k, c) in cells.enumerated() { index[key(c.sheet, c.row), default: [:]][c.column] = k }
    let sheetIndex = Dictionary(sheets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    var dirty = Set<Int>()  // formula cells whose cached value no longer holds
    for k in cells.indices {
      guard let f = cells[k].formula else { continue }
      let new = rewrite(f, sheet: cells[k].sheet, row: cells[k].row, sheets: sheets, sheetIndex: sheetIndex)
      if new != f { dirty.insert(k) }
      cells[k].formula = new
    }
    markDirty(&dirty, cells: cells, sheets: sheets, sheetIndex: sheetIndex)

    // 3. Compute the cached values.
    var state: [Int: CellValue] = [:]
    var evaluating = Set<Int>()
    var unevaluated: [String] = []
    var failed = Set<Int>()
    func cellValue(_ k: Int) throws -> CellValue {
      if let v = state[k] { return v }
      // A formula the merge did not touch keeps the value its spreadsheet program computed.
      guard let f = cells[k].formula, dirty.contains(k) else { return storedValue(k) }
      if cells[k].attribute("table:number-matrix-columns-spanned") != nil {
        throw FormulaEvaluator.Unsupported(what: "an array formula")
      }
      guard evaluating.insert(k).inserted else { throw FormulaEvaluator.Unsupported(what: "a circular reference") }
      defer { evaluating.remove(k) }
      var evaluator = FormulaEvaluator(
        sheet: sheets[cells[k].sheet].name,
        cell: { name, column, row in
          guard let s = sheetIndex[name] else { throw FormulaEvaluator.Unsupported(what: "the sheet '\(name)'") }
          guard let j = index[key(s, row)]?[column] else { return .empty }
          return try cellValue(j)
        },
        extent: { name in
          guard let s = sheetIndex[name] else { return (0, 0) }
          return (sheets[s].rows, sheets[s].columns)
        },
        sheetExists: { sheetIndex[$0] != nil })
      let v = try evaluator.evaluate(f)
      state[k] = v
      return v
    }
    for k in cells.indices where cells[k].formula != nil && dirty.contains(k) {
      do {
        let v = try cellValue(k)
        if case .error(let e) = v { throw FormulaEvaluator.Unsupported(what: "its result is \(e)") }
      } catch let e as FormulaEvaluator.Unsupported {
        failed.insert(k)
        let c = cells[k]
        unevaluated.append("\(sheets[c.sheet].name).\(CellAddress.columnName(c.column))\(c.row) (\(c.formula ?? "")): \(e.what)")
      } catch {
        failed.insert(k)
      }
    }

    // 4. Write: formula cells with their new formula, value and text; percentage cells typed.
    let numberStyles = NumberStyles(content: bytes, styles: styles)
    // LibreOffice's calcext:value-type only where the document declares that namespace.
    let hasCalcext = XMLScan(bytes).find(Array("xmlns:calcext=".utf8), from: 0) != nil
    var rewrites = otherRewrites
    for (k, c) in cells.enumerated() {
      // Cells of rows the merge left alone stay byte for byte as the template has them.
      if c.formula == nil || !dirty.contains(k), !sheets[c.sheet].isChanged(c.row) { continue }
      let isPercent = c.style.map { numberStyles.isPercentage(cellStyle: $0) } ?? false
      if let f = c.formula, dirty.contains(k) {
        let result = failed.contains(k) ? nil : state[k]
        var tag = startTag(bytes, c, formula: f, result: result, percent: isPercent, calcext: hasCalcext)
        if c.body == nil, result != nil { tag.removeLast(2); tag += ">" }
        rewrites.append((c.tag, tag))
        if let result, result != .empty {
          let text = displayText(result, style: c.style, styles: numberStyles)
          let body = "<text:p>" + XMLEntities.encodeText(text) + "</text:p>"
          if let b = c.body { rewrites.append((b, body)) } else { rewrites.append((c.tag.upperBound..<c.tag.upperBound, body + "</table:table-cell>")) }
        } else if let b = c.body {
          // Unknown result: no stale text; the spreadsheet program computes it on load.
          rewrites.append((b, ""))
        }
      } else if c.formula == nil, isPercent, c.attribute("office:value-type") == "float" {
        var tag = String(decoding: bytes[c.tag], as: UTF8.self)
        tag = tag.replacingAll("office:value-type=\"float\"", "office:value-type=\"percentage\"")
          .replacingAll("calcext:value-type=\"float\"", "calcext:value-type=\"percentage\"")
        rewrites.append((c.tag, tag))
      }
    }
    // Named ranges and conditional formats follow the rows too.
    scan = XMLScan(bytes)
    while let tag = scan.next() {
      guard tag.kind != .end else { continue }
      for a in XMLScan.attributes(bytes, tag.range) {
        var new: String? = nil
        switch a.name {
        case "table:cell-range-address", "table:base-cell-address", "calcext:target-range-address", "draw:notify-on-update-of-ranges":
          new = rewriteAddresses(a.value, sheets: sheets, sheetIndex: sheetIndex)
        case "table:expression":
          new = rewrite(a.value, sheet: nil, row: nil, sheets: sheets, sheetIndex: sheetIndex)
        default: continue
        }
        if let new, new != a.value {
          rewrites.append((a.range, " " + a.name + "=\"" + XMLEntities.encodeAttribute(new) + "\""))
        }
      }
    }
    let (finalSheets, finalIndex) = (sheets, sheetIndex)
    return Result(bytes: apply(rewrites, to: bytes), unevaluated: unevaluated) {
      rewriteAddresses($0, sheets: finalSheets, sheetIndex: finalIndex)
    }
  }

  /// Adds to `dirty` every formula whose value may have changed: one in a changed row, or one that
  /// refers (through any chain of formulas) to a changed row or a dirty formula. Row by row, so a
  /// few formulas beside a changed cell count too: they are computed again, never wrongly kept.
  static func markDirty(_ dirty: inout Set<Int>, cells: [Cell], sheets: [Sheet], sheetIndex: [String: Int]) {
    var sheets = sheets
    guard dirty.count > 0 || sheets.contains(where: { !$0.changed.isEmpty }) else { return }
    // Each formula's references as (sheet, rows).
    var pending: [(cell: Int, refs: [(Int, ClosedRange<Int>)])] = []
    for (k, c) in cells.enumerated() where c.formula != nil && !dirty.contains(k) {
      if sheets[c.sheet].isChanged(c.row) { dirty.insert(k); continue }
      var refs: [(Int, ClosedRange<Int>)] = []
      for case .reference(let r) in FormulaTokenizer.tokens(c.formula ?? "") {
        let first = r.start.sheet.flatMap { sheetIndex[$0] } ?? (r.start.sheet == nil ? c.sheet : nil)
        let last = r.end.map { e in e.sheet.flatMap { sheetIndex[$0] } ?? (e.sheet == nil ? first : nil) } ?? first
        guard let a = first, let b = last else { continue }  // another document's sheet
        let r1 = r.start.row ?? 1, r2 = r.end.map { $0.row ?? Int.max } ?? (r.start.row ?? Int.max)
        for s in min(a, b)...max(a, b) { refs.append((s, min(r1, r2)...max(r1, r2))) }
      }
      pending.append((k, refs))
    }
    // Rows of dirty formulas count as changed for the formulas that read them, until nothing moves.
    func addRows(_ formulas: [Int]) {
      var added: [Int: [Int]] = [:]
      for k in formulas { added[cells[k].sheet, default: []].append(cells[k].row) }
      for (s, rows) in added {
        sheets[s].changed = merge(sheets[s].changed, rows.sorted().map { $0..<($0 + 1) })
      }
    }
    addRows(Array(dirty))
    var rounds = 0
    while !pending.isEmpty {
      // A chain of thousands of formulas each reading the one before: stop following it and
      // take every formula left as dirty (computed again, or left to the spreadsheet program).
      rounds += 1
      if rounds > 256 {
        for p in pending { dirty.insert(p.cell) }
        break
      }
      var newly: [Int] = []
      pending.removeAll { p in
        guard p.refs.contains(where: { sheets[$0.0].intersects($0.1) }) else { return false }
        newly.append(p.cell)
        return true
      }
      if newly.isEmpty { break }
      for k in newly { dirty.insert(k) }
      addRows(newly)
    }
  }

  /// Two ascending lists of row ranges as one.
  static func merge(_ a: [Range<Int>], _ b: [Range<Int>]) -> [Range<Int>] {
    var out: [Range<Int>] = []
    out.reserveCapacity(a.count + b.count)
    var i = 0, j = 0
    while i < a.count || j < b.count {
      let next: Range<Int>
      if j >= b.count || (i < a.count && a[i].lowerBound <= b[j].lowerBound) { next = a[i]; i += 1 } else { next = b[j]; j += 1 }
      if let last = out.last, next.lowerBound <= last.upperBound {
        out[out.count - 1] = last.lowerBound..<max(last.upperBound, next.upperBound)
      } else {
        out.append(next)
      }
    }
    return out
  }

  static func apply(_ rewrites: [(range: Range<Int>, text: String)], to bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 8)
    var at = 0
    for r in rewrites.sorted(by: { $0.range.lowerBound < $1.range.lowerBound || ($0.range.lowerBound == $1.range.lowerBound && $0.range.upperBound < $1.range.upperBound) }) {
      guard r.range.lowerBound >= at else { continue }
      out += bytes[at..<r.range.lowerBound]
      out += Array(r.text.utf8)
      at = r.range.upperBound
    }
    out += bytes[at...]
    return out
  }

  /// The start tag of a formula cell with its new formula and cached value.
  static func startTag(_ bytes: [UInt8], _ c: Cell, formula: String, result: CellValue?, percent: Bool, calcext: Bool) -> String {
    let dropped: Set<String> = [
      "table:formula", "office:value", "office:value-type", "calcext:value-type", "office:string-value",
      "office:boolean-value", "office:date-value", "office:time-value",
    ]
    var s = "<" + String(decoding: bytes[c.tag].dropFirst().prefix { !XMLScan.isSpace($0) && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") }, as: UTF8.self)
    for a in c.attributes where !dropped.contains(a.name) { s += String(decoding: bytes[a.range], as: UTF8.self) }
    s += " table:formula=\"" + XMLEntities.encodeAttribute(formula) + "\""
    let original = c.attribute("office:value-type")
    switch result {
    case .number(let n)?:
      let type = percent ? "percentage" : (["percentage", "currency"].contains(original ?? "") ? original! : "float")
      s += " office:value-type=\"\(type)\" office:value=\"\(numberText(n))\"" + (calcext ? " calcext:value-type=\"\(type)\"" : "")
      if type == "currency", let cur = c.attribute("office:currency") , !s.contains("office:currency") { s += " office:currency=\"\(cur)\"" }
    case .bool(let b)?:
      s += " office:value-type=\"boolean\" office:boolean-value=\"\(b)\"" + (calcext ? " calcext:value-type=\"boolean\"" : "")
    case .string(let t)?:
      s += " office:value-type=\"string\" office:string-value=\"" + XMLEntities.encodeAttribute(t) + "\"" + (calcext ? " calcext:value-type=\"string\"" : "")
    default:
      break
    }
    return s + (c.body == nil ? "/>" : ">")
  }

  /// The shortest decimal text that reads back as the same number.
  static func numberText(_ n: Double) -> String {
    if n == n.rounded() && abs(n) < 1e15 { return String(Int64(n)) }
    return "\(n)"
  }

  static func value(of c: Cell, in bytes: [UInt8]) -> CellValue {
    switch c.attribute("office:value-type") {
    case "float", "percentage", "currency":
      return Double(c.attribute("office:value") ?? "").map { .number($0) } ?? .empty
    case "boolean":
      return .bool(c.attribute("office:boolean-value") == "true")
    case "string":
      if let s = c.attribute("office:string-value") { return .string(s) }
      return .string(text(in: c.body.map { bytes[$0] } ?? []))
    case "date", "time":
      return .string(c.attribute("office:date-value") ?? c.attribute("office:time-value") ?? "")
    default:
      let t = text(in: c.body.map { bytes[$0] } ?? [])
      return t.isEmpty ? .empty : .string(t)
    }
  }

  /// The text of a cell's paragraphs, one per line.
  static func text(in body: ArraySlice<UInt8>) -> String {
    var paragraphs: [String] = []
    var current: [UInt8] = []
    var inTag = false
    var tagName: [UInt8] = []
    var started = false
    for b in body {
      if inTag {
        if b == UInt8(ascii: ">") {
          inTag = false
          let name = String(decoding: tagName, as: UTF8.self)
          if name.hasPrefix("text:p") || name.hasPrefix("text:h") { if started { paragraphs.append(XMLEntities.decode(current[...])); current = [] }; started = true }
          if name.hasPrefix("text:s") && !name.hasPrefix("text:span") { current.append(0x20) }
        } else {
          tagName.append(b)
        }
      } else if b == UInt8(ascii: "<") {
        inTag = true
        tagName = []
      } else {
        current.append(b)
      }
    }
    if !current.isEmpty || started { paragraphs.append(XMLEntities.decode(current[...])) }
    return paragraphs.filter { !$0.isEmpty }.joined(separator: "\n")
  }

  // MARK: - References

  /// Where a template row ended up, for a formula in output row `row` (nil outside any cell).
  static func rewrite(_ formula: String, sheet: Int?, row: Int?, sheets: [Sheet], sheetIndex: [String: Int]) -> String {
    var prefix = ""
    var body = formula
    if let colon = formula.firstIndex(of: ":"), formula[..<colon].allSatisfy({ $0.isLetter }) {
      prefix = String(formula[...colon])
      body = String(formula[formula.index(after: colon)...])
    }
    var tokens = FormulaTokenizer.tokens(body)
    var changed = false
    for k in tokens.indices {
      guard case .reference(let r) = tokens[k] else { continue }
      let new = map(r, sheet: sheet, row: row, sheets: sheets, sheetIndex: sheetIndex)
      if new != r {
        tokens[k] = .reference(new)
        changed = true
      }
    }
    return changed ? prefix + FormulaTokenizer.text(tokens) : formula
  }

  static func rewriteAddresses(_ list: String, sheets: [Sheet], sheetIndex: [String: Int]) -> String {
    addressList(list).map { part -> String in
      guard let r = Reference.parse(String(part)) else { return String(part) }
      let new = map(r, sheet: nil, row: nil, sheets: sheets, sheetIndex: sheetIndex)
      return new == r ? String(part) : String(new.text.dropFirst().dropLast())
    }.joined(separator: " ")
  }

  /// A list of addresses separated by blanks; a blank inside a quoted sheet name ('Thống kê'.D5)
  /// is part of its address.
  static func addressList(_ list: String) -> [Substring] {
    var parts: [Substring] = []
    var start = list.startIndex
    var quoted = false
    var i = list.startIndex
    while i < list.endIndex {
      let c = list[i]
      if c == "'" { quoted.toggle() }
      if c == " " && !quoted {
        if start < i { parts.append(list[start..<i]) }
        start = list.index(after: i)
      }
      i = list.index(after: i)
    }
    if start < list.endIndex { parts.append(list[start...]) }
    return parts
  }

  /// Spreadsheet insertion semantics: a reference into rows that repeated follows the copy in the
  /// same iteration when the formula itself repeated with them (and the reference is relative);
  /// otherwise it points at the first copy; a range runs from the first copy of its first row to
  /// the last copy of its last row, so that it covers every repeated row.
  static func map(_ r: Reference, sheet: Int?, row: Int?, sheets: [Sheet], sheetIndex: [String: Int]) -> Reference {
    func sheetOf(_ a: CellAddress) -> Int? { a.sheet.map { sheetIndex[$0] } ?? sheet }
    var out = r
    let here = sheet.flatMap { s in row.flatMap { sheets[s].origin[$0] } }
    func single(_ a: CellAddress, end: Bool, followIteration: Bool) -> CellAddress {
      guard let t = a.row, let s = sheetOf(a), s < sheets.count else { return a }
      let sh = sheets[s]
      var b = a
      guard !sh.outputs.isEmpty else { return a }
      if let outs = sh.outputs[t], !outs.isEmpty {
        if followIteration, !a.rowAbsolute, s == sheet, let here, let mine = sh.outputs[here.row], mine.count == outs.count {
          b.row = outs[min(here.copy, outs.count - 1)]
        } else {
          b.row = end ? outs.last! : outs.first!
        }
        return b
      }
      // The row disappeared (the [i+1] row of a loop): the nearest row that remains.
      if end {
        var k = t - 1
        while k > 0 { if let o = sh.outputs[k], let last = o.last { b.row = last; return b }; k -= 1 }
      } else {
        var k = t + 1
        let limit = (sh.outputs.keys.max() ?? t) + 1
        while k <= limit { if let o = sh.outputs[k], let first = o.first { b.row = first; return b }; k += 1 }
      }
      return a
    }
    if let end = r.end {
      // A range within one row (=SUM([.B2:.D2]) in a repeated row) stays in that row's copy; any
      // other range runs from the first copy of its first row to the last copy of its last row.
      let oneRow = r.start.row != nil && r.start.row == end.row && !r.start.rowAbsolute && !end.rowAbsolute
      out.start = single(r.start, end: false, followIteration: oneRow)
      // `[$Data.$C$2:.$C$35]`: the end's sheet is the start's.
      var endAddress = end
      if endAddress.sheet == nil { endAddress.sheet = r.start.sheet }
      var mapped = single(endAddress, end: true, followIteration: oneRow)
      mapped.sheet = end.sheet
      out.end = mapped
    } else {
      out.start = single(r.start, end: false, followIteration: true)
    }
    return out
  }

  // MARK: - Display

  static func displayText(_ v: CellValue, style: String?, styles: NumberStyles) -> String {
    switch v {
    case .number(let n): return styles.format(n, cellStyle: style)
    case .string(let s): return s
    case .bool(let b): return b ? "TRUE" : "FALSE"
    case .error(let e): return e
    case .empty: return ""
    }
  }
}
