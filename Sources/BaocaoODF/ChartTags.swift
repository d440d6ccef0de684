import BaocaoPictures
import BaocaoSheets
import BaocaoTemplating
import BaocaoXML
import Foundation

/// Charts bound to the data, Carbone's way. A chart made in LibreOffice keeps its data in a table
/// of its own (the embedded object's "local-table"), whose value cells take only numbers. So a row
/// names its values with `{bindChart(N)=d.path}` (anywhere in the row, usually beside the category
/// tag): each cell of that row holding the number N shows d.path instead. With `[i]` and `[i+1]`
/// rows, one chart row repeats per element of an array. After the merge the chart's ranges are
/// stretched over the rows the table has.
enum ChartTags {
  /// An embedded object's content that is a chart.
  static func isChart(_ name: String, _ bytes: [UInt8]) -> Bool {
    name.hasSuffix("/content.xml") && EmbeddedObject.isChart(bytes)
  }

  struct Prepared {
    var bytes: [UInt8]
    var diagnostics: [Diagnostic]
    /// The data paths bindChart binds, in order.
    var paths: [String] = []
  }

  /// Turns each row's bindChart tags into value tags in the cells they name.
  static func prepare(_ bytes: [UInt8], file: String, part: String) -> Prepared {
    var edits: [(range: Range<Int>, text: [UInt8])] = []
    var diagnostics: [Diagnostic] = []
    var paths: [String] = []
    let lines = LineIndex(bytes)
    for row in rows(in: bytes) {
      let text = String(decoding: bytes[row.range], as: UTF8.self)
      guard text.contains("{bindChart(") else { continue }
      var bindings: [(number: Double, path: String)] = []
      // Each tag is taken out of the text it stands in.
      var searchFrom = row.range.lowerBound
      while let start = find(Array("{bindChart(".utf8), in: bytes, from: searchFrom, before: row.range.upperBound) {
        guard let close = bytes[start..<row.range.upperBound].firstIndex(of: UInt8(ascii: "}")) else { break }
        let tag = String(decoding: bytes[start...close], as: UTF8.self)
        let (line, column) = lines.lineColumn(of: start)
        let inner = tag.dropFirst("{bindChart(".count).dropLast()
        guard let paren = inner.firstIndex(of: ")"), inner[inner.index(after: paren)...].hasPrefix("="),
          let number = Double(inner[..<paren].trimmingCharacters(in: CharacterSet(charactersIn: " '\""))),
          case let path = inner[inner.index(paren, offsetBy: 2)...].trimmingCharacters(in: .whitespaces), !path.isEmpty
        else {
          diagnostics.append(Diagnostic(.error, file: file, part: part, line: line, column: column,
            message: "bindChart needs a number and a data path", tag: tag, hint: "write {bindChart(10)=d.list[i].value}, 10 being the number typed in the chart's table"))
          searchFrom = close + 1
          continue
        }
        bindings.append((number, path))
        paths.append(path)
        edits.append((start..<(close + 1), []))
        searchFrom = close + 1
      }
      // Each value cell holding a bound number shows the path's value instead (its type follows the value).
      var bound = Set<Double>()
      for cell in row.cells {
        guard let value = cell.value.flatMap(Double.init), let binding = bindings.first(where: { $0.number == value }) else { continue }
        bound.insert(value)
        edits.append((cell.range, Array("<table:table-cell office:value-type=\"string\"><text:p>{\(binding.path)}</text:p></table:table-cell>".utf8)))
      }
      for b in bindings where !bound.contains(b.number) {
        let (line, column) = lines.lineColumn(of: row.range.lowerBound)
        diagnostics.append(Diagnostic(.error, file: file, part: part, line: line, column: column,
          message: "bindChart(\(format(b.number))) names no cell of its row: none holds \(format(b.number))",
          tag: "{bindChart(\(format(b.number)))=\(b.path)}", hint: "type \(format(b.number)) in the chart's table, in the cell the value goes to"))
      }
    }
    return Prepared(bytes: apply(edits, to: bytes), diagnostics: diagnostics, paths: paths)
  }

  static func format(_ n: Double) -> String { n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n) }

  /// A table row of the chart's own table, and its cells.
  struct Row {
    var range: Range<Int>
    var header: Bool
    var cells: [(range: Range<Int>, value: String?)]
  }

  static func rows(in bytes: [UInt8]) -> [Row] {
    var scan = XMLScan(bytes)
    var out: [Row] = []
    var row: Row? = nil
    var cell: (start: Int, value: String?)? = nil
    var header = false
    while let tag = scan.next() {
      switch (tag.name.elementsEqual("table:table-row".utf8), tag.name.elementsEqual("table:table-cell".utf8), tag.kind) {
      case (true, _, .start): row = Row(range: tag.range.lowerBound..<tag.range.upperBound, header: header, cells: [])
      case (true, _, .end):
        if var r = row { r.range = r.range.lowerBound..<tag.range.upperBound; out.append(r) }
        row = nil
      case (_, true, .start):
        cell = (tag.range.lowerBound, XMLScan.attributes(bytes, tag.range).first { $0.name == "office:value" }?.value)
      case (_, true, .empty):
        row?.cells.append((tag.range, XMLScan.attributes(bytes, tag.range).first { $0.name == "office:value" }?.value))
      case (_, true, .end):
        if let c = cell { row?.cells.append((c.start..<tag.range.upperBound, c.value)) }
        cell = nil
      default:
        if tag.name.elementsEqual("table:table-header-rows".utf8) { header = tag.kind == .start }
      }
    }
    return out
  }

  static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int, before end: Int) -> Int? {
    var i = from
    while i + needle.count <= end {
      if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
      i += 1
    }
    return nil
  }

  /// After the merge: every range over the table's data rows reaches its last row, value cells
  /// that got no number are empty (a gap, as LibreOffice shows a missing value), and per-point
  /// entries without a style of their own no longer fix the number of points.
  static func finish(_ bytes: [UInt8]) -> [UInt8] {
    let all = rows(in: bytes)
    let headerRows = all.filter(\.header).count
    let lastRow = all.count
    var edits: [(range: Range<Int>, text: [UInt8])] = []
    for row in all where !row.header {
      for cell in row.cells {
        if let v = cell.value, Double(v) == nil {
          let fixed = String(decoding: bytes[cell.range], as: UTF8.self)
            .replacingOccurrences(of: "office:value=\"\(v)\"", with: "office:value=\"NaN\"")
          edits.append((cell.range, Array(fixed.utf8)))
        }
      }
    }
    var scan = XMLScan(bytes)
    while let tag = scan.next() {
      guard tag.kind == .start || tag.kind == .empty else { continue }
      if tag.name.elementsEqual("chart:data-point".utf8) {
        let attributes = XMLScan.attributes(bytes, tag.range)
        if !attributes.contains(where: { $0.name == "chart:style-name" }) && tag.kind == .empty { edits.append((tag.range, [])) }
        continue
      }
      for attribute in XMLScan.attributes(bytes, tag.range)
      where ["table:cell-range-address", "chart:values-cell-range-address", "chart:label-cell-address"].contains(attribute.name) {
        let stretched = stretch(attribute.value, firstDataRow: headerRows + 1, lastRow: lastRow)
        if stretched != attribute.value {
          edits.append((attribute.range, Array(" \(attribute.name)=\"\(XMLEntities.encodeAttribute(stretched))\"".utf8)))
        }
      }
    }
    return apply(edits, to: bytes)
  }

  /// "local-table.$B$2:.$B$3" → "local-table.$B$2:.$B$35": ranges of the chart's own table that
  /// reach its data rows end at its last row (the whole table's range too, from its header).
  static func stretch(_ ranges: String, firstDataRow: Int, lastRow: Int) -> String {
    ranges.split(separator: " ").map { range -> String in
      let ends = range.split(separator: ":", maxSplits: 1).map(String.init)
      guard ends.count == 2, ends[0].hasPrefix("local-table."), let startRow = row(of: ends[0]), startRow <= firstDataRow,
        let endRow = row(of: ends[1]), endRow >= firstDataRow
      else { return String(range) }
      let column = ends[1].dropLast(ends[1].reversed().prefix { $0.isNumber }.count)
      return ends[0] + ":" + column + String(max(lastRow, firstDataRow))
    }.joined(separator: " ")
  }

  static func row(of address: String) -> Int? {
    let digits = address.reversed().prefix { $0.isNumber }
    return digits.isEmpty ? nil : Int(String(digits.reversed()))
  }

  /// A chart over a sheet's cells: its ranges as the sheet's rows now are. The copy of the cells
  /// it keeps in its own table loses the marks saying where each range was (draw:g holding a
  /// range in svg:desc): they no longer hold, and LibreOffice reads the sheet again on opening.
  static func followSheet(_ bytes: [UInt8], _ addresses: (String) -> String) -> [UInt8] {
    var scan = XMLScan(bytes)
    var edits: [(range: Range<Int>, text: [UInt8])] = []
    var group: Int? = nil
    while let tag = scan.next() {
      if tag.name.elementsEqual("draw:g".utf8) {
        if tag.kind == .start { group = tag.range.lowerBound } else if tag.kind == .end, let start = group { edits.append((start..<tag.range.upperBound, [])); group = nil }
        continue
      }
      guard tag.kind == .start || tag.kind == .empty else { continue }
      for a in XMLScan.attributes(bytes, tag.range)
      where ["table:cell-range-address", "chart:values-cell-range-address", "chart:label-cell-address"].contains(a.name) && !a.value.hasPrefix("local-table.") {
        let moved = addresses(a.value)
        if moved != a.value { edits.append((a.range, Array(" \(a.name)=\"\(XMLEntities.encodeAttribute(moved))\"".utf8))) }
      }
    }
    return edits.contains(where: { !$0.text.isEmpty }) ? apply(edits, to: bytes) : bytes
  }

  /// The stored pictures of the charts the data changed would show their template's data: the
  /// frames lose them (LibreOffice draws a chart from its content, and makes a new picture when
  /// it saves), and so do the package and its manifest.
  static func dropReplacements(_ bytes: [UInt8], objects: Set<String>) -> [UInt8] {
    guard !objects.isEmpty else { return bytes }
    var scan = XMLScan(bytes)
    var edits: [(range: Range<Int>, text: [UInt8])] = []
    var open: Int? = nil
    while let tag = scan.next() {
      let isImage = tag.name.elementsEqual("draw:image".utf8), isEntry = tag.name.elementsEqual("manifest:file-entry".utf8)
      guard isImage || isEntry else { continue }
      if tag.kind == .end { if let start = open { edits.append((start..<tag.range.upperBound, [])) }; open = nil; continue }
      let attribute = XMLScan.attributes(bytes, tag.range).first { $0.name == (isImage ? "xlink:href" : "manifest:full-path") }?.value ?? ""
      let name = attribute.hasPrefix("./") ? String(attribute.dropFirst(2)) : attribute
      guard name.hasPrefix("ObjectReplacements/"), objects.contains(String(name.dropFirst("ObjectReplacements/".count))) else { continue }
      if tag.kind == .empty { edits.append((tag.range, [])) } else { open = tag.range.lowerBound }
    }
    return apply(edits, to: bytes)
  }
}

extension TemplateDocument {
  /// The readers of template markup baocao adds (picture frames, chart tables), for the fuzzer:
  /// marking, replacing (with data: URIs and paths that name nothing), and the chart passes.
  package static func exerciseMarkup(_ bytes: [UInt8]) {
    let marked = PictureTags.mark(bytes, file: "fuzz", part: "content.xml")
    var options = RenderOptions()
    options.pictureBase = NSTemporaryDirectory() + "baocao-fuzz-no-such-folder"
    options.keepMissingPictures = true
    _ = try? PictureStore(options: options).resolve(marked.bytes, file: "fuzz", part: "content.xml")
    _ = PictureInfo.read(bytes)
    _ = try? PictureStore.dataURI("data:image/png;base64," + String(decoding: bytes, as: UTF8.self))
    let prepared = ChartTags.prepare(bytes, file: "fuzz", part: "Object 1/content.xml")
    _ = ChartTags.finish(prepared.bytes)
    _ = ChartTags.followSheet(bytes) { $0 + " " }
    _ = ChartTags.dropReplacements(bytes, objects: ["Object 1"])
  }
}
