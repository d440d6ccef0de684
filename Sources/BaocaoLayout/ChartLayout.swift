import BaocaoFonts
import Foundation

/// Draws a chart as LibreOffice 7.4 draws it (chart2's view): title, legend, axes with their
/// automatic scale, grid lines, columns, lines, pies and donuts. Works in points from the frame's
/// top-left corner, y down; the items it returns are in twips.
struct ChartLayout {
  let fonts: FontResolver

  /// LibreOffice's chart text: Liberation Sans (its default chart font), black.
  static let fontName = "Liberation Sans"
  static let gridColor = RGB(r: 0xb3 / 255.0, g: 0xb3 / 255.0, b: 0xb3 / 255.0)
  /// Tick marks stand 0.15 cm outside the axis (measured).
  static let tick = 150 / 2540.0 * 72

  func items(_ model: ChartModel, width: Double, height: Double) throws(LayoutError) -> [DisplayItem] {
    if let position = model.legendPosition, position != "end" { throw .unsupported("chart legends placed '\(position)' (the native engine draws them on the right)") }
    if model.series.contains(where: \.labelsShown) { throw .unsupported("data labels on charts") }
    if model.subtitle != nil { throw .unsupported("chart subtitles") }
    // Below zero, LibreOffice's category axis crosses the plot at zero, its labels beside it.
    if model.series.contains(where: { $0.values.contains { ($0 ?? 0) < 0 } }) {
      throw .unsupported("charts with negative values")
    }
    if model.kind == .circle || model.kind == .ring { return try pie(model, width: width / 20, height: height / 20) }
    let lines = model.kind == .line && model.series.allSatisfy { $0.kind == .line }
    guard (model.kind == .bar && model.series.allSatisfy({ $0.kind == .bar })) || lines, !model.horizontal else {
      throw .unsupported(model.horizontal ? "horizontal bar charts" : "charts mixing kinds (columns with lines)")
    }
    if lines && (model.stacked || model.percentage) { throw .unsupported("stacked line charts") }
    if lines, let other = model.series.compactMap(\.symbol).first(where: { $0 != "square" && $0 != "diamond" }) {
      throw .unsupported("marks of the kind '\(other)' on chart lines")
    }
    var out = Canvas()
    let w = width / 20, h = height / 20
    out.rect(0, 0, w, h, fill: RGB(r: 1, g: 1, b: 1))
    let place = try ChartPlacement(model: model, width: w, height: h, layout: self)
    let scale = place.scale
    let plot = place.plot
    // The wall, the grid, the axes and their ticks.
    if let fill = model.wallFill { out.rect(plot.x, plot.y, plot.width, plot.height, fill: fill) }
    let ticks = scale.ticks
    if model.valueAxis.majorGrid {
      for v in ticks { out.line(plot.x + plot.width, place.y(v), plot.x, place.y(v), Self.gridColor) }
    }
    let slots = max(1, model.categories.count)
    let slot = plot.width / Double(slots)
    // Ticks between the columns' slots; a line's points stand on the ticks.
    for x in lines ? place.categoryX : (0...slots).map({ plot.x + Double($0) * slot }) {
      out.line(x, plot.bottom + Self.tick, x, plot.bottom, model.categoryAxis.lineColor ?? Self.gridColor)
    }
    out.line(plot.x, plot.bottom, plot.x + plot.width, plot.bottom, model.categoryAxis.lineColor ?? Self.gridColor)
    for v in ticks { out.line(plot.x - Self.tick, place.y(v), plot.x, place.y(v), model.valueAxis.lineColor ?? Self.gridColor) }
    out.line(plot.x, plot.bottom, plot.x, plot.y, model.valueAxis.lineColor ?? Self.gridColor)
    let series = model.series.enumerated().map { ($0, $1) }
    if lines {
      // Each series a line through its points (a missing value breaks it), then its marks.
      for (k, s) in series {
        let colour = s.stroke ?? s.fill ?? ChartModel.palette[k % ChartModel.palette.count]
        var segments: [Path.Segment] = []
        var open = false
        for (c, x) in place.categoryX.enumerated() {
          guard c < s.values.count, let v = s.values[c] else { open = false; continue }
          segments.append(open ? .line(x * 20, place.y(v) * 20) : .move(x * 20, place.y(v) * 20))
          open = true
        }
        out.items.append(.path(Path(segments, stroke: colour, strokeWidth: s.lineWidth * 20)))
        if let symbol = s.symbol {
          for (c, x) in place.categoryX.enumerated() where c < s.values.count {
            guard let v = s.values[c] else { continue }
            out.mark(symbol, x: x, y: place.y(v), size: s.symbolSize, colour: s.fill ?? colour)
          }
        }
      }
    }
    // The bars: side by side (gap-width between groups, overlap within), or stacked.
    let stacked = model.stacked || model.percentage
    let columns = stacked ? 1 : max(1, series.count)
    let gap = model.gapWidth / 100
    let overlap = stacked ? 0 : model.overlap / 100
    let barWidth = slot / (Double(columns) - Double(columns - 1) * overlap + gap)
    for c in 0..<(lines ? 0 : slots) {
      var positive = 0.0, negative = 0.0
      for (k, s) in series {
        // A zero draws nothing (LibreOffice draws no empty bar).
        guard c < s.values.count, let v = s.values[c], v != 0 else { continue }
        let column = stacked ? 0 : k
        let x = plot.x + Double(c) * slot + barWidth * gap / 2 + Double(column) * barWidth * (1 - overlap)
        var (from, to) = (0.0, v)
        if stacked {
          if v >= 0 { (from, to) = (positive, positive + v); positive += v } else { (from, to) = (negative, negative + v); negative += v }
        }
        let y1 = place.y(from), y2 = place.y(to)
        out.rect(x, min(y1, y2), barWidth, abs(y1 - y2), fill: s.fill ?? ChartModel.palette[k % ChartModel.palette.count])
      }
    }
    // Drawn in LibreOffice's order (the axes' labels, then the title, then the legend), so that
    // text extraction reads both PDFs in the same order.
    for run in place.axisRuns { out.text(run.run, run.color) }
    drawTitleAndLegend(model, place, lines: lines, into: &out)
    return out.items
  }

  /// The title, then the legend: its box and, for each entry, its key and its name. A line's key
  /// is a stretch of its line with its mark in the middle; other keys are squares.
  func drawTitleAndLegend(_ model: ChartModel, _ place: ChartPlacement, lines: Bool, into out: inout Canvas) {
    if let title = model.title, let run = place.titleRun { out.text(run, title.color) }
    guard let legend = place.legend else { return }
    if let fill = legend.fill { out.rect(legend.box.x, legend.box.y, legend.box.width, legend.box.height, fill: fill) }
    if let stroke = legend.stroke { out.frame(legend.box, stroke) }
    for (k, entry) in legend.entries.enumerated() {
      if lines {
        let s = model.series[k], y = entry.symbol.y + entry.symbol.height / 2
        out.items.append(.path(Path([.move(entry.symbol.x * 20, y * 20), .line(entry.symbol.right * 20, y * 20)],
          stroke: entry.color, strokeWidth: s.lineWidth * 20)))
        if let symbol = s.symbol { out.mark(symbol, x: entry.symbol.x + entry.symbol.width / 2, y: y, size: 6.0, colour: s.fill ?? entry.color) }
      } else {
        out.rect(entry.symbol.x, entry.symbol.y, entry.symbol.width, entry.symbol.height, fill: entry.color)
      }
      out.text(entry.run, RGB.black)
    }
  }

  /// A line of chart text: shaped in the chart's font, its width and heights in points.
  struct TextRun {
    var run: GlyphRun
    var width: Double
    var ascent: Double
    var descent: Double
  }

  /// Chart text as LibreOffice draws it: each glyph advancing by its width at the font's whole
  /// pixel size at 96 dpi, rounded to whole pixels (measured: digits of 10 pt 5.25 pt apart).
  /// `width` is the drawn extent, by which LibreOffice centres a title.
  func text(_ string: String, size: Double, bold: Bool = false, color: RGB = .black) throws(LayoutError) -> TextRun {
    var props = TextProps()
    props.fontName = Self.fontName
    props.size = Int((size * 20).rounded())
    props.bold = bold
    let font = try fonts.font(props)
    let scalars = string.precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
    let shaped = fonts.shaper.shape(font, scalars, range: 0..<scalars.count, kerning: false)
    let em = Double(font.unitsPerEm), pixels = (size * 4 / 3).rounded()
    var glyphs: [PlacedGlyph] = []
    var total = 0.0
    for (k, g) in shaped.enumerated() {
      let next = k + 1 < shaped.count ? shaped[k + 1].cluster : scalars.count
      let advance = (Double(font.advance(of: g.glyph)) / em * pixels).rounded() * 15
      glyphs.append(PlacedGlyph(id: g.glyph, cluster: Int32(g.cluster)..<Int32(max(g.cluster, next)), advance: advance))
      // The drawn extent: every advance but the last, then the last glyph's own width.
      total += k + 1 < shaped.count ? advance / 20 : Double(font.advance(of: g.glyph)) * size / em
    }
    let run = GlyphRun(font: font, size: props.size, color: color, x: 0, y: 0, glyphs: glyphs, source: scalars)
    return TextRun(run: run, width: total, ascent: Double(font.ascender) * size / em, descent: Double(font.descender) * size / em)
  }
}

/// Items in points, kept as twips.
struct Canvas {
  var items: [DisplayItem] = []

  mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: RGB) {
    items.append(.rect(x: x * 20, y: y * 20, width: w * 20, height: h * 20, color: fill))
  }

  mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: RGB) {
    // LibreOffice's hairlines: the thinnest line the device draws.
    items.append(.line(x1: x1 * 20, y1: y1 * 20, x2: x2 * 20, y2: y2 * 20, width: 0, color: color))
  }

  mutating func frame(_ r: ChartRect, _ color: RGB) {
    items.append(.path(Path([.move(r.x * 20, r.y * 20), .line(r.right * 20, r.y * 20), .line(r.right * 20, r.bottom * 20),
      .line(r.x * 20, r.bottom * 20), .close], stroke: color, strokeWidth: 0)))
  }

  /// A line's mark at (x, y): a square or a diamond of `size`, filled and outlined in `colour`.
  mutating func mark(_ kind: String, x: Double, y: Double, size: Double, colour: RGB) {
    let h = size / 2
    let corners: [(Double, Double)] = kind == "diamond" ? [(x - h, y), (x, y - h), (x + h, y), (x, y + h)] : [(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h)]
    var segments: [Path.Segment] = [.move(corners[0].0 * 20, corners[0].1 * 20)]
    for c in corners.dropFirst() { segments.append(.line(c.0 * 20, c.1 * 20)) }
    segments.append(.close)
    items.append(.path(Path(segments, fill: colour, stroke: colour, strokeWidth: 0)))
  }

  mutating func text(_ run: GlyphRun, _ color: RGB) {
    var r = run
    r.color = color
    items.append(.glyphs(r))
  }
}

struct ChartRect {
  var x, y, width, height: Double
  var right: Double { x + width }
  var bottom: Double { y + height }
}

extension ChartLayout {
  /// A pie or a donut as LibreOffice draws one: as large as the space the title and the legend
  /// leave allows, centred in it; its first slice from twelve o'clock counter-clockwise; a donut's
  /// hole half its radius (measured).
  func pie(_ model: ChartModel, width w: Double, height h: Double) throws(LayoutError) -> [DisplayItem] {
    guard model.series.count == 1, let series = model.series.first else {
      throw .unsupported("pies and donuts of more than one series")
    }
    let values = series.values.map { $0 ?? 0 }
    var out = Canvas()
    out.rect(0, 0, w, h, fill: RGB(r: 1, g: 1, b: 1))
    let place = try ChartPlacement(model: model, width: w, height: h, layout: self)
    let space = place.space
    let radius = min(space.width, space.height) / 2
    let centre = (x: space.x + space.width / 2, y: space.y + space.height / 2)
    let hole = model.kind == .ring ? radius / 2 : 0
    let total = values.reduce(0, +)
    var start = 90.0
    for (k, v) in values.enumerated() where v > 0 && total > 0 {
      let sweep = v / total * 360
      let colour = (series.pointFills[safe: k] ?? nil) ?? ChartModel.palette[k % ChartModel.palette.count]
      out.items.append(.path(Path(Self.slice(centre: centre, radius: radius, hole: hole, from: start, sweep: sweep), fill: colour)))
      start += sweep
    }
    drawTitleAndLegend(model, place, lines: false, into: &out)
    return out.items
  }

  /// A slice from `from` degrees (counter-clockwise from three o'clock, y down), `sweep` degrees on,
  /// as cubic curves; with a hole, the ring between the two radii. In twips.
  static func slice(centre: (x: Double, y: Double), radius: Double, hole: Double, from: Double, sweep: Double) -> [Path.Segment] {
    func point(_ r: Double, _ degrees: Double) -> (Double, Double) {
      let a = degrees * .pi / 180
      return ((centre.x + r * cos(a)) * 20, (centre.y - r * sin(a)) * 20)
    }
    // Pieces end on every multiple of 18°, as LibreOffice's (a circle in 20 curves).
    func arc(_ r: Double, _ a0: Double, _ a1: Double) -> [Path.Segment] {
      var stops = [a0]
      let up = a1 > a0
      var next = up ? (floor(a0 / 18) + 1) * 18 : (ceil(a0 / 18) - 1) * 18
      while up ? next < a1 - 1e-9 : next > a1 + 1e-9 {
        stops.append(next)
        next += up ? 18 : -18
      }
      stops.append(a1)
      var out: [Path.Segment] = []
      for (s, e) in zip(stops, stops.dropFirst()) {
        let t = 4.0 / 3 * tan((e - s) * .pi / 180 / 4)
        let (sx, sy) = point(r, s), (ex, ey) = point(r, e)
        let (ca, sa) = (cos(s * .pi / 180), sin(s * .pi / 180)), (cb, sb) = (cos(e * .pi / 180), sin(e * .pi / 180))
        // Control points along the tangents (y down: a counter-clockwise turn goes up).
        out.append(.curve(sx - t * r * sa * 20, sy - t * r * ca * 20, ex + t * r * sb * 20, ey + t * r * cb * 20, ex, ey))
      }
      return out
    }
    var segments: [Path.Segment] = []
    let (ox, oy) = point(radius, from)
    if hole > 0 {
      segments.append(.move(ox, oy))
      segments += arc(radius, from, from + sweep)
      let (ix, iy) = point(hole, from + sweep)
      segments.append(.line(ix, iy))
      segments += arc(hole, from + sweep, from)
    } else {
      segments.append(.move(centre.x * 20, centre.y * 20))
      segments.append(.line(ox, oy))
      segments += arc(radius, from, from + sweep)
    }
    segments.append(.close)
    return segments
  }

  /// Text as LibreOffice's chart measures it to size its boxes: each glyph's advance rounded to
  /// whole pixels at 96 dpi (it draws the glyphs at their true advances).
  struct Measure {
    var width: Double
    var ascent: Double
    var descent: Double
    var height: Double { ascent + descent }
  }

  /// `wholePixels`: at the font's whole pixel size, as LibreOffice centres a category label (its
  /// boxes are otherwise sized at the exact pixel size; both measured).
  func measure(_ string: String, size: Double, wholePixels: Bool = false) throws(LayoutError) -> Measure {
    var props = TextProps()
    props.fontName = Self.fontName
    props.size = Int((size * 20).rounded())
    let font = try fonts.font(props)
    let pixels = wholePixels ? (size * 4 / 3).rounded() : size * 4 / 3, em = Double(font.unitsPerEm)
    var width = 0.0
    for scalar in string.unicodeScalars {
      guard let g = font.glyph(for: scalar.value) else { continue }
      width += (Double(font.advance(of: g)) / em * pixels).rounded()
    }
    return Measure(
      width: width * 0.75, ascent: (Double(font.ascender) / em * pixels).rounded() * 0.75,
      descent: (Double(font.descender) / em * pixels).rounded() * 0.75)
  }
}

/// A value axis's automatic scale, as LibreOffice's ScaleAutomatism makes it for bars: from zero
/// when the values are wide apart, an interval of 1, 2 or 5 times a power of ten for at most
/// `maximumCount` intervals, and one interval more when the data comes within 1/21 of the end.
struct ChartScale {
  var minimum: Double
  var maximum: Double
  var interval: Double

  var ticks: [Double] {
    guard interval > 0 else { return [minimum, maximum] }
    let count = Int(((maximum - minimum) / interval + 1e-9).rounded(.down))
    return (0...max(0, min(count, 1000))).map { minimum + Double($0) * interval }
  }

  init(low: Double, high: Double, maximumCount: Int, axis: ChartModel.Axis) {
    var sourceMin = low, sourceMax = high
    if sourceMin > sourceMax { sourceMax = sourceMin }
    let swap = sourceMin < 0 && sourceMax <= 0
    if swap { (sourceMin, sourceMax) = (-sourceMax, -sourceMin) }
    var tempMin = sourceMin, tempMax = sourceMax
    // Values wide apart start at zero; values close together get half their range below them.
    if tempMin > 0 {
      if tempMin == tempMax || tempMin / tempMax < 5.0 / 6.0 { tempMin = 0 } else { tempMin -= (tempMax - tempMin) / 2 }
    }
    if tempMin == tempMax { tempMax = tempMax == 0 ? 1 : tempMax * 2 }
    let count = max(2, min(10, maximumCount))
    var magnitude = 1.0, normalized = 1.0
    var first = true
    var result = (tempMin, tempMax, 1.0)
    for _ in 0..<64 {
      if first {
        let raw = (tempMax - tempMin) / Double(count)
        let exponent = floor(log10(raw))
        magnitude = pow(10, exponent)
        normalized = raw / magnitude
        if normalized <= 1 { normalized = 1 } else if normalized <= 2 { normalized = 2 } else if normalized <= 5 { normalized = 5 } else {
          normalized = 1
          magnitude *= 10
        }
        first = false
      } else if normalized == 1 { normalized = 2 } else if normalized == 2 { normalized = 5 } else {
        normalized = 1
        magnitude *= 10
      }
      let distance = normalized * magnitude
      var axisMin = floor(tempMin / distance + 1e-9) * distance
      var axisMax = ceil(tempMax / distance - 1e-9) * distance
      if axisMin != 0, (axisMax - sourceMin) / (axisMax - axisMin) > 20.0 / 21.0 { axisMin -= distance }
      if axisMax != 0, (sourceMax - axisMin) / (axisMax - axisMin) > 20.0 / 21.0 { axisMax += distance }
      result = (axisMin, axisMax, distance)
      if Int(((axisMax - axisMin) / distance + 1e-9).rounded(.down)) <= count { break }
    }
    (minimum, maximum, interval) = swap ? (-result.1, -result.0, result.2) : result
    if let m = axis.minimum { minimum = m }
    if let m = axis.maximum { maximum = m }
    if let i = axis.interval, i > 0 { interval = i }
  }

  /// The label of a tick value in the "General" format: as few decimals as the interval needs,
  /// trailing zeros dropped (0, 0.05, 0.1).
  func label(_ v: Double) -> String {
    var decimals = 0
    var step = interval
    while decimals < 10, abs(step - step.rounded()) > 1e-9 { step *= 10; decimals += 1 }
    var text = String(format: "%.\(decimals)f", v)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
  }
}

/// Where LibreOffice's automatic layout puts a column chart's parts (chart2's ChartView and
/// VCartesianAxis, as measured on its PDFs): 2 % of the chart's size around everything, the title
/// at the top, the legend on the right, centred, and the plot shrunk until the axes' labels fit.
struct ChartPlacement {
  var plot: ChartRect
  var scale: ChartScale
  var titleRun: GlyphRun?
  var axisRuns: [(run: GlyphRun, color: RGB)] = []
  var legend: Legend?
  /// Where each category stands: its slot's centre for columns, a tick for lines.
  var categoryX: [Double] = []
  /// What the title and the legend leave (a pie fills it).
  var space = ChartRect(x: 0, y: 0, width: 0, height: 0)

  struct Legend {
    var box: ChartRect
    var fill: RGB?
    var stroke: RGB?
    var entries: [(symbol: ChartRect, color: RGB, run: GlyphRun)]
  }

  /// Tick marks and the distance from them to their labels (0.15 cm and 0.1 cm).
  static let tickAndGap = ChartLayout.tick + 100 / 2540.0 * 72
  static let sin45 = 0.5.squareRoot()

  func y(_ value: Double) -> Double {
    guard scale.maximum > scale.minimum else { return plot.bottom }
    return plot.bottom - (value - scale.minimum) / (scale.maximum - scale.minimum) * plot.height
  }

  init(model: ChartModel, width w: Double, height h: Double, layout: ChartLayout) throws(LayoutError) {
    // LibreOffice works in 1/100 mm: the 2 % distances are whole hundredths.
    let nX = floor(w * 2540 / 72 * 0.02) * 72 / 2540, nY = floor(h * 2540 / 72 * 0.02) * 72 / 2540
    var left = nX, right = w - nX, top = nY
    let bottom = h - nY
    if let title = model.title, !title.text.isEmpty {
      let scale = title.size / 13
      let text = try layout.text(title.text, size: title.size, bold: title.bold)
      var run = text.run
      run.x = (w / 2 - text.width / 2) * 20
      run.y = (nY + 19.03 * scale) * 20
      titleRun = run
      top = 2 * nY + 25.9 * scale
    }
    // The legend: one entry per series, on the right, vertically centred on the chart.
    // A pie's legend names its categories, in its slices' colours; other charts' their series.
    let pie = model.kind == .circle || model.kind == .ring
    let names = pie ? model.categories : model.series.map(\.name)
    func colour(_ k: Int) -> RGB {
      if pie { return (model.series.first?.pointFills[safe: k] ?? nil) ?? ChartModel.palette[k % ChartModel.palette.count] }
      return model.series[k].fill ?? ChartModel.palette[k % ChartModel.palette.count]
    }
    if model.legendPosition != nil, !names.isEmpty {
      let size = model.legendSize
      let measures = try names.map { s throws(LayoutError) in try layout.measure(s, size: size) }
      let lineHeight = measures.first?.height ?? 0, ascent = measures.first?.ascent ?? 0
      let pad = 2.85, spacing = 100 / 2540.0 * 72
      // Keys: a square for columns, a stretch of line for lines (measured).
      let key = model.kind == .line ? 22.65 : 5.95
      let textOffset = 3.3 + key + 2.85
      let boxWidth = textOffset + 2.6 + (measures.map(\.width).max() ?? 0)
      let boxHeight = Double(measures.count) * lineHeight + Double(measures.count - 1) * spacing + 2 * pad
      let box = ChartRect(x: w - 6.0 - boxWidth, y: (h - boxHeight) / 2, width: boxWidth, height: boxHeight)
      var entries: [(ChartRect, RGB, GlyphRun)] = []
      // Stacked columns list their series top down, as the stack shows them (measured).
      let order = Array(names.enumerated())
      for (row, (k, name)) in (model.stacked || model.percentage ? order.reversed() : order).enumerated() {
        let baseline = box.y + pad + ascent + Double(row) * (lineHeight + spacing)
        var run = try layout.text(name, size: size).run
        run.x = (box.x + textOffset) * 20
        run.y = baseline * 20
        let middle = baseline - (ascent - (measures.first?.descent ?? 0)) / 2
        entries.append((ChartRect(x: box.x + 3.3, y: middle - 2.975, width: key, height: 5.95), colour(k), run))
      }
      legend = Legend(box: box, fill: model.legendFill, stroke: model.legendStroke, entries: entries)
      right = box.x - nX
    }
    space = ChartRect(x: left, y: top, width: right - left, height: bottom - top)
    if pie {
      plot = space
      scale = ChartScale(low: 0, high: 1, maximumCount: 10, axis: ChartModel.Axis())
      return
    }
    // The value axis's scale: over the values, or over their sums when stacked.
    var low = 0.0, high = 0.0, any = false
    let count = model.categories.count
    for c in 0..<count {
      var positive = 0.0, negative = 0.0
      for s in model.series {
        guard c < s.values.count, let v = s.values[c] else { continue }
        if model.stacked || model.percentage {
          if v >= 0 { positive += v } else { negative += v }
        } else {
          low = any ? min(low, v) : v
          high = any ? max(high, v) : v
          any = true
        }
      }
      if model.stacked || model.percentage {
        low = any ? min(low, negative) : negative
        high = any ? max(high, positive) : positive
        any = true
      }
    }
    if model.percentage { throw .unsupported("percent-stacked charts") }
    let labelSize = model.valueAxis.labelSize, categorySize = model.categoryAxis.labelSize
    let probe = try layout.measure("0", size: labelSize)
    // Category labels: across when they fit their slots, else turned 45°, every k-th shown.
    let categories = try model.categories.map { c throws(LayoutError) in try layout.measure(c, size: categorySize) }
    let textHeight = categories.first?.height ?? probe.height
    // Columns stand in the middle of their slots; a line's points on the ticks, the first and the
    // last at the plot's ends.
    let onTicks = model.kind == .line && count > 1
    func fraction(_ i: Int) -> Double { onTicks ? Double(i) / Double(count - 1) : (Double(i) + 0.5) / Double(max(1, count)) }
    var plotRight = right
    func spacing(_ plotLeft: Double) -> Double { (plotRight - plotLeft) / Double(onTicks ? count - 1 : max(1, count)) }
    // The plot's top: half the top label's height below the space's top.
    let plotTop = top + (model.valueAxis.showsLabels ? probe.height / 2 : 0)
    // First guess of the plot's left (the value labels' widths need the scale, which needs the plot's height).
    var rotated = false, step = 1
    var xLabelHeight = model.categoryAxis.showsLabels ? textHeight : 0
    var plotLeft = left
    var scale = ChartScale(low: low, high: high, maximumCount: 10, axis: model.valueAxis)
    for _ in 0..<3 {
      let plotBottom = bottom - xLabelHeight - (model.categoryAxis.showsLabels ? Self.tickAndGap : 0)
      let labelHeight = probe.height
      scale = ChartScale(low: any ? low : 0, high: any ? high : 1, maximumCount: Int((plotBottom - plotTop) / labelHeight), axis: model.valueAxis)
      let widest = try scale.ticks.map { v throws(LayoutError) in try layout.measure(scale.label(v), size: labelSize).width }.max() ?? 0
      plotLeft = left + (model.valueAxis.showsLabels ? widest + Self.tickAndGap : 0)
      guard model.categoryAxis.showsLabels, count > 0 else { break }
      // Across, neighbours must not overlap; turned, their distance across the text must pass its height.
      plotRight = right
      if onTicks, let last = categories.last { plotRight = right - last.width / 2 }
      let slot = spacing(plotLeft)
      rotated = zip(categories, categories.dropFirst()).contains { slot < ($0.width + $1.width) / 2 }
      if rotated {
        step = 1
        while Double(step) * slot * Self.sin45 < textHeight && step < count { step += 1 }
        // The turned labels hang left of their slots: the plot moves right until the first ones fit.
        for i in Swift.stride(from: 0, to: count, by: step) {
          let reach = (categories[i].width + textHeight / 2) * Self.sin45
          let f = fraction(i)
          if f < 1 { plotLeft = max(plotLeft, (left + reach - f * plotRight) / (1 - f)) }
        }
        xLabelHeight = Swift.stride(from: 0, to: count, by: step).map { (categories[$0].width + textHeight) * Self.sin45 }.max() ?? 0
      } else {
        step = 1
        xLabelHeight = textHeight
        // Labels on the ticks reach half their width past the plot's ends.
        if onTicks, let first = categories.first { plotLeft = max(plotLeft, left + first.width / 2) }
      }
    }
    if !(onTicks && model.categoryAxis.showsLabels && !rotated) { plotRight = right }
    let plotBottom = bottom - xLabelHeight - (model.categoryAxis.showsLabels ? Self.tickAndGap : 0)
    plot = ChartRect(x: plotLeft, y: plotTop, width: max(0, plotRight - plotLeft), height: max(0, plotBottom - plotTop))
    self.scale = scale
    let plotWidth = plot.width
    categoryX = (0..<count).map { plotLeft + fraction($0) * plotWidth }
    // The labels: the categories', then the values' (LibreOffice's order).
    if model.categoryAxis.showsLabels, count > 0 {
      for i in Swift.stride(from: 0, to: count, by: step) {
        let m = categories[i]
        var run = try layout.text(model.categories[i], size: categorySize).run
        let centre = categoryX[i]
        let labelTop = plotBottom + Self.tickAndGap
        // Placed by their width at the font's whole pixel size (measured), sized by the exact one.
        let placed = try layout.measure(model.categories[i], size: categorySize, wholePixels: true)
        if rotated {
          // The middle of the text's right end at the slot's centre, its highest corner on the label line.
          let middle = (x: centre, y: labelTop + m.height / 2 * Self.sin45)
          let toBaseline = (m.ascent - m.descent) / 2 * Self.sin45
          run.x = (middle.x + toBaseline - placed.width * Self.sin45) * 20
          run.y = (middle.y + toBaseline + placed.width * Self.sin45) * 20
          run.angle = 45
        } else {
          run.x = (centre - placed.width / 2) * 20
          run.y = (labelTop + m.ascent) * 20
        }
        axisRuns.append((run, model.categoryAxis.labelColor))
      }
    }
    if model.valueAxis.showsLabels {
      for v in scale.ticks {
        let text = scale.label(v)
        let m = try layout.measure(text, size: labelSize)
        var run = try layout.text(text, size: labelSize).run
        run.x = (plotLeft - Self.tickAndGap - m.width) * 20
        run.y = (y(v) + (m.ascent - m.descent) / 2) * 20
        axisRuns.append((run, model.valueAxis.labelColor))
      }
    }
  }
}
