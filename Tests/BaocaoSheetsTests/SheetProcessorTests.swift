import Foundation
import Testing

@testable import BaocaoSheets

@Suite struct SheetProcessorTests {
  static func row(_ marker: String, _ cells: String) -> String {
    "<table:table-row baocao-row=\"\(marker)\">\(cells)</table:table-row>"
  }
  static func number(_ v: Double) -> String {
    "<table:table-cell office:value-type=\"float\" office:value=\"\(v)\"><text:p>\(v)</text:p></table:table-cell>"
  }
  static func formula(_ f: String) -> String {
    "<table:table-cell table:formula=\"\(f)\" office:value-type=\"float\" office:value=\"0\"><text:p>0</text:p></table:table-cell>"
  }

  /// A merged sheet: template row 2 (the loop) became three rows; template row 3 ([i+1]) vanished.
  static let merged: [UInt8] = {
    let body = row("0:1", "<table:table-cell office:value-type=\"string\"><text:p>Tỉnh</text:p></table:table-cell>")
      + row("0:2", number(10) + number(4) + formula("of:=[.A2]*[.B2]"))
      + row("0:2", number(20) + number(5) + formula("of:=[.A2]*[.B2]"))
      + row("0:2", number(30) + number(6) + formula("of:=[.A2]*[.B2]"))
      + row("0:4", formula("of:=SUM([.A2:.A3])") + formula("of:=MAX([.$B$2:.$B$3])") + formula("of:=ROUND(AVERAGE([.C2:.C3]);1)"))
      + row("0:5", formula("of:=[.A4]/[.A2]") + formula("of:=IF([.A4]&gt;50;1;0)") + formula("of:=FOO([.A2])"))
    return Array(("<office:spreadsheet><table:table table:name=\"S\">" + body + "</table:table>"
      + "<table:table table:name=\"T\">" + row("1:1", formula("of:=[S.A4]+SUM([$S.$A$2:.$A$3])")) + "</table:table></office:spreadsheet>").utf8)
  }()

  /// A chart's ranges, in its own part, follow the rows as the sheet's own ranges do; a blank in a
  /// quoted sheet name belongs to the address.
  @Test func chartRangesFollowTheRowsAcrossQuotedSheetNames() {
    let quoted = Array(String(decoding: Self.merged, as: UTF8.self).replacingOccurrences(of: "table:name=\"S\"", with: "table:name=\"Thống kê\"").utf8)
    let result = SheetProcessor.finish(quoted, styles: nil)
    #expect(result.addresses("'Thống kê'.A1:'Thống kê'.B1 'Thống kê'.A2:'Thống kê'.A3") == "'Thống kê'.A1:'Thống kê'.B1 'Thống kê'.A2:'Thống kê'.A4")
    #expect(result.addresses("'Thống kê'.C4:'Thống kê'.C4") == "'Thống kê'.C5:'Thống kê'.C5", "a row below the loop moves down")
    #expect(SheetProcessor.addressList("'A b'.C1:'A b'.C2 S.A1").map(String.init) == ["'A b'.C1:'A b'.C2", "S.A1"])
  }

  @Test func markRowsNumbersTemplateRows() {
    let t = "<table:table table:name=\"S\"><table:table-row table:number-rows-repeated=\"2\"></table:table-row><table:table-row/></table:table>"
    let s = String(decoding: SheetProcessor.markRows(Array(t.utf8)), as: UTF8.self)
    #expect(s.contains("<table:table-row baocao-row=\"0:1\" table:number-rows-repeated=\"2\">"))
    #expect(s.contains("<table:table-row baocao-row=\"0:3\"/>"))
  }

  @Test func formulasFollowRowsRangesGrowAndValuesAreCached() {
    let result = SheetProcessor.finish(Self.merged, styles: nil)
    let s = String(decoding: result.bytes, as: UTF8.self)
    #expect(!s.contains("baocao-row"))
    // References inside a repeated row follow their row.
    #expect(s.contains("table:formula=\"of:=[.A3]*[.B3]\" office:value-type=\"float\" office:value=\"100\""))
    #expect(s.contains("table:formula=\"of:=[.A4]*[.B4]\" office:value-type=\"float\" office:value=\"180\""))
    // A range over the loop grows to cover every copy; absolute references are handled the same way.
    #expect(s.contains("table:formula=\"of:=SUM([.A2:.A4])\" office:value-type=\"float\" office:value=\"60\""))
    #expect(s.contains("table:formula=\"of:=MAX([.$B$2:.$B$4])\" office:value-type=\"float\" office:value=\"6\""))
    #expect(s.contains("table:formula=\"of:=ROUND(AVERAGE([.C2:.C4]);1)\" office:value-type=\"float\" office:value=\"106.7\""))
    // References below the loop moved down; comparisons and IF work.
    #expect(s.contains("table:formula=\"of:=[.A5]/[.A2]\" office:value-type=\"float\" office:value=\"6\""))
    #expect(s.contains("table:formula=\"of:=IF([.A5]&gt;50;1;0)\" office:value-type=\"float\" office:value=\"1\""))
    // Another sheet's references move too.
    #expect(s.contains("table:formula=\"of:=[S.A5]+SUM([$S.$A$2:.$A$4])\" office:value-type=\"float\" office:value=\"120\""))
    // A function we do not compute keeps its formula, loses its stale value and is reported.
    #expect(s.contains("table:formula=\"of:=FOO([.A2])\"><"))
    #expect(result.unevaluated.count == 1 && result.unevaluated[0].contains("FOO"))
  }

  @Test func evaluatorHandlesTheCommonFunctions() throws {
    let grid: [String: CellValue] = ["A1": .number(2), "A2": .number(3), "A3": .string("x"), "B1": .bool(true)]
    func eval(_ f: String) throws -> CellValue {
      var e = FormulaEvaluator(
        sheet: "S", cell: { _, c, r in grid["\(CellAddress.columnName(c))\(r)"] ?? .empty }, extent: { _ in (3, 2) })
      return try e.evaluate(f)
    }
    #expect(try eval("of:=1+2*3^2") == .number(19))
    #expect(try eval("of:=50%") == .number(0.5))
    #expect(try eval("of:=SUM([.A1:.A3])") == .number(5))
    #expect(try eval("of:=COUNT([.A1:.A3])") == .number(2))
    #expect(try eval("of:=COUNTA([.A1:.B3])") == .number(4))
    #expect(try eval("of:=AVERAGE([.A1:.A2])") == .number(2.5))
    #expect(try eval("of:=ROUND(2.675;2)") == .number(2.68))
    #expect(try eval("of:=IF([.A1]<[.A2];\"nhỏ\";\"lớn\")") == .string("nhỏ"))
    #expect(try eval("of:=[.A1]&\"/\"&[.A2]") == .string("2/3"))
    #expect(try eval("of:=[.A1]/0") == .error("#DIV/0!"))
    #expect(throws: FormulaEvaluator.Unsupported.self) { try eval("of:=VLOOKUP(1;[.A1:.B3];2)") }
  }

  @Test func numberStylesFormatCachedText() {
    let styles = Array("""
      <number:percentage-style style:name="N1" number:language="vi"><number:number number:decimal-places="1"/><number:text>%</number:text></number:percentage-style>
      <number:number-style style:name="N2" number:language="vi"><number:number number:decimal-places="0" number:grouping="true"/></number:number-style>
      <style:style style:name="pct" style:family="table-cell" style:data-style-name="N1"/>
      <style:style style:name="int" style:family="table-cell" style:data-style-name="N2"/>
      """.utf8)
    let n = NumberStyles(content: styles, styles: nil)
    #expect(n.format(0.9147, cellStyle: "pct") == "91,5%")
    #expect(n.format(10388458, cellStyle: "int") == "10.388.458")
    #expect(n.isPercentage(cellStyle: "pct") && !n.isPercentage(cellStyle: "int"))
  }

  @Test func namedRangesAndConditionalFormatsFollowTheRows() {
    let body = "<office:spreadsheet><table:table table:name=\"S\">"
      + Self.row("0:1", Self.number(1)) + Self.row("0:2", Self.number(2)) + Self.row("0:2", Self.number(3)) + Self.row("0:4", Self.number(4))
      + "<calcext:conditional-formats><calcext:conditional-format calcext:target-range-address=\"S.A2:S.A3\"/></calcext:conditional-formats>"
      + "</table:table><table:named-expressions><table:named-range table:name=\"values\" table:base-cell-address=\"$S.$A$1\" table:cell-range-address=\"$S.$A$2:.$A$3\"/>"
      + "<table:named-expression table:name=\"total\" table:base-cell-address=\"$S.$A$1\" table:expression=\"of:=SUM([$S.$A$2:.$A$3])+[$S.$A$4]\"/></table:named-expressions></office:spreadsheet>"
    let s = String(decoding: SheetProcessor.finish(Array(body.utf8), styles: nil).bytes, as: UTF8.self)
    #expect(s.contains("calcext:target-range-address=\"S.A2:S.A3\""))  // rows 2–3 stay: the loop made rows 2 and 3
    #expect(s.contains("table:cell-range-address=\"$S.$A$2:.$A$3\""))
    #expect(s.contains("table:expression=\"of:=SUM([$S.$A$2:.$A$3])+[$S.$A$4]\""))
    // With a longer loop, they grow and move.
    let longer = body.replacingOccurrences(of: Self.row("0:4", Self.number(4)), with: Self.row("0:2", Self.number(5)) + Self.row("0:4", Self.number(4)))
    let t = String(decoding: SheetProcessor.finish(Array(longer.utf8), styles: nil).bytes, as: UTF8.self)
    #expect(t.contains("calcext:target-range-address=\"S.A2:S.A4\""), "\(t)")
    #expect(t.contains("table:cell-range-address=\"$S.$A$2:.$A$4\""))
    #expect(t.contains("table:expression=\"of:=SUM([$S.$A$2:.$A$4])+[$S.$A$5]\""))
  }
}

/// A merge recomputes only what it changed: formulas over rows it left alone keep the values their
/// spreadsheet program stored, even ones the evaluator would get wrong or cannot compute.
@Suite struct UntouchedFormulaTests {
  static func sheet(_ name: String, _ rows: String) -> String { "<table:table table:name=\"\(name)\">\(rows)</table:table>" }
  static func cached(_ f: String, _ v: Int) -> String {
    "<table:table-cell table:formula=\"\(f)\" office:value-type=\"float\" office:value=\"\(v)\"><text:p>\(v)</text:p></table:table-cell>"
  }
  static func number(_ v: Int) -> String {
    "<table:table-cell office:value-type=\"float\" office:value=\"\(v)\"><text:p>\(v)</text:p></table:table-cell>"
  }

  /// Row 1 of sheet A holds a tag; the rest of the workbook does not.
  static let template = "<office:spreadsheet>"
    + sheet("A", "<table:table-row><table:table-cell><text:p>{d.n}</text:p></table:table-cell>" + cached("of:=[.A1]*2", 2) + "</table:table-row>"
      + "<table:table-row>" + cached("of:=[.B1]+1", 3) + cached("of:=RAND()*0+7", 7) + "</table:table-row>")
    + sheet("B", "<table:table-row>" + number(10) + cached("of:=SUM([B.$A$1:C.$A$1])", 18) + cached("of:=[.A1]+1", 11) + "</table:table-row>")
    + sheet("C", "<table:table-row>" + number(8) + "</table:table-row>")
    + "</office:spreadsheet>"

  static func merge(_ n: Int) -> (prepared: [UInt8], out: String) {
    let prepared = SheetProcessor.prepare(Array(template.utf8))
    // What the merge makes of the tag cell: a number cell.
    let merged = String(decoding: prepared, as: UTF8.self).replacingOccurrences(
      of: "<table:table-cell><text:p>{d.n}</text:p></table:table-cell>", with: number(n))
    let out = SheetProcessor.finish(Array(merged.utf8), styles: nil, template: SheetProcessor.templateRows(prepared))
    return (prepared, String(decoding: out.bytes, as: UTF8.self))
  }

  @Test func formulasOverChangedRowsAreRecomputedTheRestKept() {
    let (_, s) = Self.merge(5)
    // Reads the tag's cell, directly and through another formula.
    #expect(s.contains(#"table:formula="of:=[.A1]*2" office:value-type="float" office:value="10""#))
    #expect(s.contains(#"table:formula="of:=[.B1]+1" office:value-type="float" office:value="11""#))
    // Untouched: the 3-D range keeps LibreOffice's 18 (it sums over sheets B and C), and so do a
    // function the evaluator does not know and a plain formula on an untouched sheet.
    #expect(s.contains(Self.cached("of:=SUM([B.$A$1:C.$A$1])", 18)))
    #expect(s.contains(Self.cached("of:=RAND()*0+7", 7)))
    #expect(s.contains(Self.cached("of:=[.A1]+1", 11)))
    #expect(!s.contains("baocao-row"))
  }

  @Test func aWorkbookTheMergeLeftAloneComesOutByteForByte() {
    let prepared = SheetProcessor.prepare(Array(Self.template.utf8))
    let out = SheetProcessor.finish(prepared, styles: nil, template: SheetProcessor.templateRows(prepared))
    #expect(String(decoding: out.bytes, as: UTF8.self) == Self.template)
    #expect(out.unevaluated.isEmpty)
  }

  @Test func rangesAcrossSheetsAreNotComputed() throws {
    var e = FormulaEvaluator(sheet: "B", cell: { _, _, _ in .number(1) }, extent: { _ in (1, 1) })
    #expect(throws: FormulaEvaluator.Unsupported.self) { try e.evaluate("of:=SUM([B.$A$1:C.$A$1])") }
    var f = FormulaEvaluator(sheet: "B", cell: { _, _, _ in .number(1) }, extent: { _ in (1, 1) }, sheetExists: { $0 == "B" })
    #expect(throws: FormulaEvaluator.Unsupported.self) { try f.evaluate("of:=[Nowhere.A1]") }
    // A whole column reads the rows that hold cells, not a million.
    var g = FormulaEvaluator(sheet: "B", cell: { _, _, _ in .number(1) }, extent: { _ in (3, 1) })
    #expect(try g.evaluate("of:=SUM([.A1:.A1048576])") == .number(3))
  }
}
