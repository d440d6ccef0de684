import BaocaoXML
import Foundation

/// An embedded chart as LibreOffice stores it ("Object 1/content.xml"): its kind, its series and
/// categories read from the chart's own table, and the styles that say how it looks.
struct ChartModel {
  enum Kind: String {
    case bar, line, circle, ring, area
  }

  struct Text {
    var text: String
    /// Points.
    var size: Double
    var color: RGB
    var bold: Bool
  }

  struct Series {
    var name: String
    var values: [Double?]
    var kind: Kind
    /// The style's colours; nil: the palette's, by the series' place.
    var fill: RGB?
    var stroke: RGB?
    var labelsShown: Bool
    var labelSize: Double
    /// A line's width, in points.
    var lineWidth = 0.0
    /// The mark at each point of a line ("square", "diamond"), and its size in points; nil: none.
    var symbol: String? = nil
    var symbolSize = 0.0
    /// Each point's own fill (chart:data-point styles: a pie's slices), nil where it has none.
    var pointFills: [RGB?] = []
  }

  struct Axis {
    var showsLabels = true
    var labelSize = 10.0
    var labelColor = RGB(r: 0, g: 0, b: 0)
    var majorGrid = false
    var minimum: Double? = nil
    var maximum: Double? = nil
    var interval: Double? = nil
    var reversed = false
    var lineColor: RGB? = nil
  }

  var kind: Kind
  /// The chart's size, in points.
  var width: Double
  var height: Double
  var title: Text?
  var subtitle: Text?
  /// end (right), start, top, bottom; nil: no legend.
  var legendPosition: String?
  var legendSize = 10.0
  var legendFill: RGB? = nil
  /// LibreOffice's legends have a black hairline border unless their style says otherwise.
  var legendStroke: RGB? = RGB(r: 0, g: 0, b: 0)
  /// Bars run along the x axis (chart:vertical: LibreOffice's "bar" rather than "column").
  var horizontal = false
  var stacked = false
  var percentage = false
  var gapWidth = 100.0
  var overlap = 0.0
  var categories: [String] = []
  var series: [Series] = []
  var categoryAxis = Axis()
  var valueAxis = Axis()
  var wallFill: RGB? = nil
  var wallStroke: RGB? = nil

  /// LibreOffice's default series colours, in order.
  static let palette: [RGB] = {
    let hex: [Int] = [0x004586, 0xff420e, 0xffd320, 0x579d1c, 0x7e0021, 0x83caff, 0x314004, 0xaecf00, 0x4b1f6f, 0xff950e, 0xc5000b, 0x0084d1]
    return hex.map { (v: Int) -> RGB in RGB(r: Double(v >> 16) / 255, g: Double((v >> 8) & 0xFF) / 255, b: Double(v & 0xFF) / 255) }
  }()

  /// Reads a chart, refusing by name what the engine does not draw (an unknown kind, 3D, axis titles, parts placed by hand).
  static func read(_ root: XMLElement) throws(LayoutError) -> ChartModel {
    guard let chart = root.descendant("chart:chart") else { throw .badDocument("the embedded chart has no chart:chart element") }
    let styles = ChartStyles(root)
    let className = (chart["chart:class"] ?? "").replacingOccurrences(of: "chart:", with: "")
    guard let kind = Kind(rawValue: className) else {
      throw .unsupported("charts of the kind '\(className)' (the native engine draws bar, column, line, pie and donut charts)")
    }
    let table = ChartTable(chart)
    var model = ChartModel(
      kind: kind, width: (Units.twips(chart["svg:width"]).map(Double.init) ?? 0) / 20,
      height: (Units.twips(chart["svg:height"]).map(Double.init) ?? 0) / 20)
    if let t = chart.first("chart:title") { model.title = styles.text(t.textContent, style: t["chart:style-name"], defaultSize: 13) }
    if let t = chart.first("chart:subtitle") { model.subtitle = styles.text(t.textContent, style: t["chart:style-name"], defaultSize: 11) }
    if let legend = chart.first("chart:legend") {
      model.legendPosition = legend["chart:legend-position"] ?? "end"
      model.legendSize = styles.fontSize(legend["chart:style-name"]) ?? 10
      let g = styles.graphic(legend["chart:style-name"])
      model.legendFill = g["draw:fill"] == "solid" ? g["draw:fill-color"].flatMap(Units.color) : nil
      if g["draw:stroke"] == "none" { model.legendStroke = nil } else if let c = g["svg:stroke-color"].flatMap(Units.color) { model.legendStroke = c }
    }
    guard let plot = chart.first("chart:plot-area") else { throw .badDocument("the embedded chart has no plot area") }
    let plotProperties = styles.properties(plot["chart:style-name"])
    model.horizontal = plotProperties["chart:vertical"] == "true"
    model.stacked = plotProperties["chart:stacked"] == "true"
    model.percentage = plotProperties["chart:percentage"] == "true"
    if plotProperties["chart:three-dimensional"] == "true" { throw .unsupported("three-dimensional charts") }
    if plot.all("chart:axis").contains(where: { $0.first("chart:title") != nil }) { throw .unsupported("chart axis titles") }
    // Parts placed by hand keep their saved places (older files); the engine lays out LibreOffice's automatic ones.
    // A plot area without LibreOffice's automatic placement (or without any style: defaults of
    // older programs) is left to LibreOffice.
    if styles.properties(plot["chart:style-name"])["chart:auto-position"] != "true" {
      throw .unsupported("charts whose plot area is placed by hand or has no style (<chart:plot-area> without chart:auto-position)")
    }
    for part in [chart.first("chart:title"), chart.first("chart:legend")].compactMap({ $0 }) where part["svg:x"] != nil {
      if styles.properties(part["chart:style-name"])["chart:auto-position"] != "true" {
        throw .unsupported("chart parts placed by hand (<\(part.name)> without chart:auto-position)")
      }
    }
    if plot.all("chart:axis").count > 2 { throw .unsupported("charts with secondary axes") }
    if let axisX = plot.all("chart:axis").first(where: { $0["chart:dimension"] == "x" }) {
      model.categoryAxis = styles.axis(axisX)
      if let range = axisX.first("chart:categories")?["table:cell-range-address"] {
        model.categories = table.cells(range).map { $0.text }
      }
    }
    if let axisY = plot.all("chart:axis").first(where: { $0["chart:dimension"] == "y" }) {
      model.valueAxis = styles.axis(axisY)
      let p = styles.properties(axisY["chart:style-name"])
      model.gapWidth = p["chart:gap-width"].flatMap(Double.init) ?? 100
      model.overlap = p["chart:overlap"].flatMap(Double.init) ?? (model.stacked || model.percentage ? 100 : 0)
    }
    for s in plot.all("chart:series") {
      let p = styles.properties(s["chart:style-name"])
      let g = styles.graphic(s["chart:style-name"])
      let seriesClass = (s["chart:class"] ?? chart["chart:class"] ?? "").replacingOccurrences(of: "chart:", with: "")
      guard let seriesKind = Kind(rawValue: seriesClass) else { throw .unsupported("chart series of the kind '\(seriesClass)'") }
      let name = s["chart:label-cell-address"].flatMap { table.cells($0).first?.text } ?? ""
      let values = s["chart:values-cell-range-address"].map { table.cells($0).map(\.number) } ?? []
      var series = Series(
        name: name, values: values, kind: seriesKind,
        fill: g["draw:fill"] == "none" ? nil : g["draw:fill-color"].flatMap(Units.color),
        stroke: g["svg:stroke-color"].flatMap(Units.color),
        labelsShown: (p["chart:data-label-number"] ?? "none") != "none", labelSize: styles.fontSize(s["chart:style-name"]) ?? 10)
      series.lineWidth = (Units.twips(g["svg:stroke-width"]).map(Double.init) ?? 0) / 20
      switch p["chart:symbol-type"] ?? "none" {
      case "none": break
      case "named-symbol": series.symbol = p["chart:symbol-name"] ?? "square"
      // LibreOffice's automatic marks, in turn (its standard symbols' order).
      case "automatic": series.symbol = ["square", "diamond", "arrow-down", "arrow-up", "arrow-right", "arrow-left", "bow-tie", "hourglass"][model.series.count % 8]
      case let other: series.symbol = other
      }
      series.symbolSize = (Units.twips(p["chart:symbol-width"]).map(Double.init) ?? 0) / 20
      for point in s.all("chart:data-point") {
        let repeated = min(max(1, Int(point["chart:repeated"] ?? "1") ?? 1), 100_000)
        let fill = styles.graphic(point["chart:style-name"])["draw:fill-color"].flatMap(Units.color)
        series.pointFills += Array(repeating: fill, count: min(repeated, max(0, values.count - series.pointFills.count)))
      }
      model.series.append(series)
    }
    if model.categories.isEmpty, let count = model.series.map(\.values.count).max() {
      model.categories = (1...max(1, count)).map(String.init)
    }
    if let wall = plot.first("chart:wall") {
      let g = styles.graphic(wall["chart:style-name"])
      model.wallFill = g["draw:fill"] == "none" ? nil : g["draw:fill-color"].flatMap(Units.color)
      model.wallStroke = g["draw:stroke"] == "solid" ? g["svg:stroke-color"].flatMap(Units.color) : nil
    }
    return model
  }
}

/// The chart part's automatic styles (family "chart"), by name.
struct ChartStyles {
  var styles: [String: XMLElement] = [:]

  init(_ root: XMLElement) {
    guard let automatic = root.descendant("office:automatic-styles") else { return }
    for s in automatic.all("style:style") { if let n = s["style:name"] { styles[n] = s } }
  }

  func attributes(_ element: String, _ name: String?) -> [String: String] {
    guard let name, let style = styles[name], let p = style.first(element) else { return [:] }
    var out: [String: String] = [:]
    for a in p.attributes { out[a.name] = a.value }
    return out
  }

  func properties(_ name: String?) -> [String: String] { attributes("style:chart-properties", name) }
  func graphic(_ name: String?) -> [String: String] { attributes("style:graphic-properties", name) }

  func fontSize(_ name: String?) -> Double? {
    attributes("style:text-properties", name)["fo:font-size"].flatMap(Units.twips).map { Double($0) / 20 }
  }

  func text(_ text: String, style: String?, defaultSize: Double) -> ChartModel.Text {
    let t = attributes("style:text-properties", style)
    return ChartModel.Text(
      text: text, size: fontSize(style) ?? defaultSize, color: t["fo:color"].flatMap(Units.color) ?? RGB(r: 0, g: 0, b: 0),
      bold: t["fo:font-weight"] == "bold")
  }

  func axis(_ element: XMLElement) -> ChartModel.Axis {
    let name = element["chart:style-name"]
    let p = properties(name)
    var axis = ChartModel.Axis()
    axis.showsLabels = p["chart:display-label"] != "false"
    axis.labelSize = fontSize(name) ?? 10
    axis.labelColor = attributes("style:text-properties", name)["fo:color"].flatMap(Units.color) ?? RGB(r: 0, g: 0, b: 0)
    axis.majorGrid = element.all("chart:grid").contains { ($0["chart:class"] ?? "major") == "major" }
    axis.minimum = p["chart:minimum"].flatMap(Double.init)
    axis.maximum = p["chart:maximum"].flatMap(Double.init)
    axis.interval = p["chart:interval-major"].flatMap(Double.init)
    axis.reversed = p["chart:reverse-direction"] == "true"
    axis.lineColor = graphic(name)["svg:stroke-color"].flatMap(Units.color)
    return axis
  }
}

/// The chart's own table ("local-table"): cells by column and row, as its ranges address them.
struct ChartTable {
  struct Cell {
    var text: String
    var number: Double?
  }

  var rows: [[Cell]] = []

  init(_ chart: XMLElement) {
    guard let table = chart.all("table:table").first(where: { $0["table:name"] == "local-table" }) ?? chart.descendant("table:table") else { return }
    func collect(_ element: XMLElement) {
      for child in element.elements {
        switch child.name {
        case "table:table-header-rows", "table:table-rows", "table:table-row-group": collect(child)
        case "table:table-row":
          var row: [Cell] = []
          for cell in child.elements where cell.name == "table:table-cell" || cell.name == "table:covered-table-cell" {
            let repeated = min(Int(cell["table:number-columns-repeated"] ?? "1") ?? 1, 1024)
            let value = cell["office:value"].flatMap(Double.init).flatMap { $0.isNaN ? nil : $0 }
            row += Array(repeating: Cell(text: cell.textContent, number: value), count: max(1, repeated))
          }
          rows.append(row)
        default: continue
        }
      }
    }
    collect(table)
  }

  /// The cells a range names ("local-table.$B$2:.$B$6", or one cell), row by row.
  func cells(_ range: String) -> [Cell] {
    let first = range.split(separator: " ").first.map(String.init) ?? range
    let ends = first.split(separator: ":", maxSplits: 1).map { Self.address(String($0)) }
    guard let start = ends.first ?? nil else { return [] }
    let end = (ends.count > 1 ? ends[1] : nil) ?? start
    var out: [Cell] = []
    for r in min(start.row, end.row)...max(start.row, end.row) {
      for c in min(start.column, end.column)...max(start.column, end.column) {
        out.append(r < rows.count && c < rows[r].count ? rows[r][c] : Cell(text: "", number: nil))
      }
    }
    return out
  }

  /// "local-table.$B$2" → column 1, row 1 (from zero).
  static func address(_ text: String) -> (column: Int, row: Int)? {
    let cell = text.split(separator: ".").last.map(String.init) ?? text
    var column = 0, row = 0, letters = 0
    for ch in cell where ch != "$" {
      if let a = ch.asciiValue, ch.isLetter { column = column * 26 + Int(a & 0xDF) - 64; letters += 1 }
      else if let d = ch.wholeNumberValue { row = row * 10 + d }
      if column > 16384 || row > 1_048_576 { return nil }
    }
    guard letters > 0, row > 0 else { return nil }
    return (column - 1, row - 1)
  }
}

extension Array {
  /// The element at `index`, or nil past the ends.
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
