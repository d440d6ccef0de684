/// A table's columns and rows laid out at a width: each cell's content as line boxes, each row's height.
struct TableLayout {
  struct CellPart {
    var x: Twips
    var width: Twips
    var boxes: [LineBox]
    var cell: CellNode
    /// Where the cell's frame starts below the row part's top, and its height when it is not the
    /// row's (cells of merged rows drawn as one part).
    var yOffset: Twips = 0
    var frameHeight: Twips? = nil
    /// In a row of fixed height its content overflows: what is drawn is cut this far below the
    /// frame's top.
    var clipBottom: Twips? = nil
    var contentHeight: Twips { boxes.reduce(0) { $0 + $1.height } }
  }

  /// What LibreOffice prints of a cell's content in a row of fixed height, its print area running
  /// from `top` to `bottom` and the cell to `cellBottom` (measured by helpers over some 3,000
  /// cases; SwTextFrame::AdjustFrame shrinks a paragraph that does not fit to the room left, never
  /// below its own spacing): a paragraph that does not fit is printed if its space above and (the
  /// cell's last paragraph) below start inside the print area, or, without space above, if its
  /// frame has height and starts inside the cell (the last paragraph, in a separate bottom border
  /// or the bottom padding); of a printed one, the first line and the lines that start inside its
  /// frame and the cell. Nothing is printed of paragraphs after it otherwise.
  static func printed(_ boxes: [LineBox], from top: Twips, above bottom: Twips, cellBottom: Twips) -> [LineBox] {
    let spaceBelow = boxes.last?.isSpaceBelow == true ? boxes.last : nil
    let end = boxes.count - (spaceBelow == nil ? 0 : 1)
    var kept: [LineBox] = []
    var y = top
    var k = 0
    var fits = true
    while k < end {
      var next = k + 1
      while next < end, boxes[next].spaceAbove == nil { next += 1 }
      let upper = boxes[k].spaceAbove ?? 0
      let lower = next == end ? spaceBelow?.height ?? 0 : 0
      let height = boxes[k..<next].reduce(0) { $0 + $1.height }
      defer { k = next }
      if fits && y + height + lower <= bottom {
        kept += boxes[k..<next]
        y += height
        continue
      }
      fits = false
      let frame = max(bottom - y, upper + lower)
      let painted = (bottom - y > upper + lower) || (upper == 0 && frame > 0 && y < cellBottom)
      if painted {
        kept.append(boxes[k])
        var lineTop = y + boxes[k].height
        for box in boxes[(k + 1)..<next] where lineTop < min(y + frame, cellBottom) {
          kept.append(box)
          lineTop += box.height
        }
      }
      y += frame
    }
    if fits, let spaceBelow { kept.append(spaceBelow) }
    return kept
  }

  struct RowPart {
    var cells: [CellPart]
    var height: Twips
    var minHeight: Twips
    var keepTogether: Bool
    var isLast: Bool
    /// Separated borders (no table:border-model="collapsing"): each row holds its bottom border too.
    var separate = false
    /// With collapsing borders, the room above every cell's content, the same across the row.
    var sharedTop: Twips? = nil
    /// With collapsing borders, the room below: the largest bottom padding, and on the table's last
    /// row the largest bottom border.
    var sharedBottom: Twips? = nil

    /// The height of the row's first line in every cell: what must fit for the row to start on a page.
    var firstLineHeight: Twips {
      cells.map { topSpace($0) + ($0.boxes.first?.height ?? 0) + bottomSpace($0) }.max() ?? 0
    }

    /// Borders as LibreOffice measures them: a row holds its top border; with collapsing borders the
    /// bottom border only on the table's last row (the next row's top border is the shared line).
    func topSpace(_ c: CellPart) -> Twips { sharedTop ?? c.cell.borders.topSpace }
    func bottomSpace(_ c: CellPart) -> Twips {
      sharedBottom ?? c.cell.borders.padding.bottom + (isLast || separate ? c.cell.borders.bottom?.width ?? 0 : 0)
    }

    /// `above`: the thickest bottom border of the row above (collapsing borders). As LibreOffice
    /// measures collapsing borders (SwRowFrame::Format): every cell's content starts below the
    /// thickest of the row's own top borders and paddings, or of the row above's bottom borders
    /// and the row's paddings; the last row's bottom border comes below its minimum height.
    static func measure(
      _ cells: [CellPart], minHeight: Twips, fixed: Twips?, keepTogether: Bool, isLast: Bool, separate: Bool = false, above: Twips = 0
    ) -> RowPart {
      var row = RowPart(cells: cells, height: 0, minHeight: minHeight, keepTogether: keepTogether, isLast: isLast, separate: separate)
      var lastBorder: Twips = 0
      if !separate && !cells.isEmpty {
        let paddingTop = cells.map(\.cell.borders.padding.top).max() ?? 0
        row.sharedTop = max(cells.map(\.cell.borders.topSpace).max() ?? 0, above + paddingTop)
        row.sharedBottom = cells.map(\.cell.borders.padding.bottom).max() ?? 0
        if isLast { lastBorder = cells.map { $0.cell.borders.bottom?.width ?? 0 }.max() ?? 0 }
      }
      let content = cells.map { row.topSpace($0) + $0.contentHeight + row.bottomSpace($0) }.max() ?? 0
      row.height = fixed ?? max(minHeight, content) + lastBorder
      if lastBorder > 0 { row.sharedBottom! += lastBorder }
      return row
    }

    /// The part of the row that fits in `height` and the rest, or nil when no line of it fits.
    func split(at height: Twips) -> (RowPart, RowPart)? {
      var first: [CellPart] = []
      var rest: [CellPart] = []
      var moved = false
      for c in cells {
        // The part left on this page closes the table there, so it carries its bottom border.
        let room = height - topSpace(c) - c.cell.borders.padding.bottom - (c.cell.borders.bottom?.width ?? 0)
        var used: Twips = 0
        var k = 0
        while k < c.boxes.count, used + c.boxes[k].height <= room {
          used += c.boxes[k].height
          k += 1
        }
        if k > 0 { moved = true }
        var a = c
        a.boxes = Array(c.boxes.prefix(k))
        var b = c
        b.boxes = Array(c.boxes.dropFirst(k))
        first.append(a)
        rest.append(b)
      }
      guard moved, rest.contains(where: { !$0.boxes.isEmpty }) else { return nil }
      return (RowPart.measure(first, minHeight: 0, fixed: nil, keepTogether: false, isLast: isLast, separate: separate),
        RowPart.measure(rest, minHeight: 0, fixed: nil, keepTogether: false, isLast: isLast, separate: separate))
    }
  }

  var x: Twips
  var width: Twips
  var rows: [RowPart] = []

  /// Where a table's cells go at a width: the table's place, and each cell's place and the width
  /// its content gets (`tooManyCells` when a row has more cells than the table has columns: only the
  /// cells before that one are listed).
  struct Plan {
    var x: Twips
    var width: Twips
    var cells: [(row: Int, x: Twips, width: Twips, contentWidth: Twips, cell: CellNode)] = []
    var tooManyCells = false
  }

  static func plan(_ t: TableNode, width available: Twips) -> Plan {
    var plan = frame(t, width: available)
    let edges = columnEdges(t, width: plan.width)
    var occupied: [Int: Set<Int>] = [:]
    for (r, row) in t.rows.enumerated() {
      if !add(row, index: r, rowCount: t.rows.count, edges: edges, separate: !t.props.collapsing, occupied: &occupied, to: &plan) {
        plan.tooManyCells = true
      }
    }
    return plan
  }

  /// One row's cells as `plan` places them (for laying them out while the table is still read;
  /// cells the rows above span over are not known here, and a cell placed otherwise is laid out
  /// again).
  static func plan(_ row: RowNode, of t: TableNode, width available: Twips) -> Plan {
    var plan = frame(t, width: available)
    var occupied: [Int: Set<Int>] = [:]
    plan.tooManyCells = !add(
      row, index: 0, rowCount: 1, edges: columnEdges(t, width: plan.width), separate: !t.props.collapsing, occupied: &occupied, to: &plan)
    return plan
  }

  /// The table's place and width, from its alignment, margins and own width.
  private static func frame(_ t: TableNode, width available: Twips) -> Plan {
    var p = t.props
    // A relative width is a share of the room available, whatever the absolute width says.
    if let percent = p.relativeWidth, p.align != "margins" { p.width = available * percent / 100 }
    switch p.align {
    case "margins": return Plan(x: p.marginLeft, width: available - p.marginLeft - p.marginRight)
    case "center":
      let width = p.width ?? available
      return Plan(x: (available - width) / 2, width: width)
    case "right":
      let width = p.width ?? available
      return Plan(x: available - width - p.marginRight, width: width)
    default: return Plan(x: p.marginLeft, width: p.width ?? (available - p.marginLeft - p.marginRight))
    }
  }

  /// Column edges: relative widths scaled to the table width, as LibreOffice does; else absolute widths.
  private static func columnEdges(_ t: TableNode, width: Twips) -> [Twips] {
    // A table aligned left, centred or right with a width of its own shares that width out as
    // LibreOffice's import does: weights below 23 count as 23, each column but the last takes
    // floor(weight × what is left ÷ the sum of all weights), the last takes the rest.
    if let relative = t.relativeWidths, t.props.width != nil, ["left", "center", "right"].contains(t.props.align), relative.count > 1 {
      let weights = relative.map { max($0, 23) }
      let total = weights.reduce(0, +)
      var left = width
      var edges: [Twips] = [0]
      for w in weights.dropLast() {
        let c = Int((Double(w) * Double(left) / Double(total)).rounded(.down))
        left -= c
        edges.append(edges.last! + c)
      }
      edges.append(width)
      return edges
    }
    var weights = t.relativeWidths ?? t.columnWidths
    if weights.reduce(0, +) == 0 { weights = weights.map { _ in 1 } }
    let total = max(1, weights.reduce(0, +))
    var edges: [Twips] = [0]
    var sum = 0
    for w in weights {
      sum += w
      edges.append(Int((Double(sum) * Double(width) / Double(total)).rounded()))
    }
    return edges
  }

  /// Places a row's cells on the table's grid as LibreOffice's import does: covered cells are
  /// ignored; each cell takes the next column that no cell above spans over, its span cut short at
  /// the last column or at a column taken; cells past the last column are left out (false then).
  /// `occupied`: the columns taken in each row by cells spanning rows from above.
  private static func add(
    _ row: RowNode, index r: Int, rowCount: Int, edges: [Twips], separate: Bool, occupied: inout [Int: Set<Int>], to plan: inout Plan
  ) -> Bool {
    let columns = edges.count - 1
    let taken = occupied.removeValue(forKey: r) ?? []
    var column = 0
    for cell in row.cells where !cell.covered {
      while taken.contains(column) { column += 1 }
      guard column < columns else { return false }
      var end = column + 1
      while end < min(column + max(1, cell.columnSpan), columns), !taken.contains(end) { end += 1 }
      if cell.rowSpan > 1 {
        for below in (r + 1)..<min(r + cell.rowSpan, rowCount) { occupied[below, default: []].formUnion(column..<end) }
      }
      let cx = edges[column]
      let cw = edges[end] - cx
      // Horizontally, collapsing borders take no room (only the padding insets the content);
      // separated ones do.
      let inset = separate ? cell.borders.leftSpace + cell.borders.rightSpace : cell.borders.padding.left + cell.borders.padding.right
      plan.cells.append((r, cx, cw, cw - inset, cell))
      column = end
    }
    return true
  }

  init(table t: TableNode, width available: Twips, paginator: Paginator, fieldText: (Field) -> String) throws(LayoutError) {
    let plan = Self.plan(t, width: available)
    x = plan.x
    width = plan.width
    // (Cells are laid out before the error, as they would be one by one.)
    let boxes = try paginator.stackCells(plan.cells.map { ($0.cell, $0.contentWidth) }, fieldText: fieldText)
    if plan.tooManyCells {
      paginator.builder.warnings.add("a table row has more cells than the table has columns; the extra cells are left out, as LibreOffice does")
    }
    // Cells per row; a cell spanning rows is measured against the rows it covers.
    var rowCells: [[CellPart]] = Array(repeating: [], count: t.rows.count)
    var spans: [(row: Int, cell: Int, rows: Int)] = []
    for (k, job) in plan.cells.enumerated() {
      if job.cell.rowSpan > 1 { spans.append((job.row, rowCells[job.row].count, job.cell.rowSpan)) }
      rowCells[job.row].append(CellPart(x: job.x, width: job.width, boxes: boxes[k], cell: job.cell))
    }
    let last = t.rows.count - 1
    var measured: [RowPart] = []
    for (index, row) in t.rows.enumerated() {
      let single = rowCells[index].filter { $0.cell.rowSpan <= 1 }
      let above = index > 0 ? rowCells[index - 1].map { $0.cell.borders.bottom?.width ?? 0 }.max() ?? 0 : 0
      // A row of fixed height never splits across pages (LibreOffice moves it whole).
      var part = RowPart.measure(
        single, minHeight: row.minHeight, fixed: row.fixedHeight, keepTogether: row.keepTogether || row.fixedHeight != nil, isLast: index == last,
        separate: !t.props.collapsing, above: above)
      part.cells = rowCells[index]
      if let fixed = row.fixedHeight {
        for c in part.cells.indices where part.cells[c].cell.rowSpan <= 1 {
          let cell = part.cells[c]
          // The print area's bottom: the row's height less the bottom padding, and less the bottom
          // border when borders are separate (collapsing, LibreOffice draws it below).
          let bottom = fixed - cell.cell.borders.padding.bottom - (part.separate ? cell.cell.borders.bottom?.width ?? 0 : 0)
          let top = part.topSpace(cell)
          part.cells[c].boxes = Self.printed(cell.boxes, from: top, above: bottom, cellBottom: fixed)
          if top + part.cells[c].contentHeight > bottom { part.cells[c].clipBottom = bottom }
        }
      }
      measured.append(part)
    }
    // A merged cell taller than its rows makes its last row taller.
    var groupEnd = Array(0..<measured.count)
    for span in spans {
      let endRow = min(span.row + span.rows, measured.count) - 1
      let c = rowCells[span.row][span.cell]
      let probe = RowPart.measure([c], minHeight: 0, fixed: nil, keepTogether: false, isLast: endRow == last, separate: !t.props.collapsing)
      let have = measured[span.row...endRow].reduce(0) { $0 + $1.height }
      if probe.height > have { measured[endRow].height += probe.height - have }
      for r in span.row...endRow { groupEnd[r] = max(groupEnd[r], endRow) }
    }
    // Rows joined by merged cells become one part that pages cannot split.
    var r = 0
    while r < measured.count {
      var end = groupEnd[r]
      var k = r
      while k <= end { end = max(end, groupEnd[k]); k += 1 }
      if end == r {
        var part = measured[r]
        for i in part.cells.indices where part.cells[i].cell.rowSpan > 1 { part.cells[i].frameHeight = part.height }
        rows.append(part)
      } else {
        var cells: [CellPart] = []
        var offset: Twips = 0
        for i in r...end {
          for var c in measured[i].cells {
            c.yOffset = offset
            let spanEnd = min(i + c.cell.rowSpan, end + 1)
            c.frameHeight = measured[i..<spanEnd].reduce(0) { $0 + $1.height }
            cells.append(c)
          }
          offset += measured[i].height
        }
        rows.append(RowPart(cells: cells, height: offset, minHeight: 0, keepTogether: true, isLast: end == last, separate: !t.props.collapsing))
      }
      r = end + 1
    }
  }

  /// Paints a row (or the part of it on this page) with its top-left corner at (x, y).
  func draw(_ row: RowPart, x: Twips, y: Twips, into items: inout [DisplayItem]) {
    var horizontal: [Segment] = []
    var vertical: [Segment] = []
    for c in row.cells {
      let frameTop = y + c.yOffset
      let frameHeight = c.frameHeight ?? row.height
      let top = Double(frameTop)
      let bottom = Double(frameTop + frameHeight)
      let left = Double(x + c.x)
      let right = left + Double(c.width)
      if let bg = c.cell.background {
        items.append(.rect(x: left, y: top, width: Double(c.width), height: Double(frameHeight), color: bg))
      }
      let b = c.cell.borders
      var contentTop = frameTop + row.topSpace(c)
      let free = frameHeight - row.topSpace(c) - row.bottomSpace(c) - c.contentHeight
      if c.cell.verticalAlign == "middle" { contentTop += max(0, free) / 2 } else if c.cell.verticalAlign == "bottom" { contentTop += max(0, free) }
      let contentLeft = Double(x + c.x + (row.separate ? b.leftSpace : b.padding.left))
      if let clip = c.clipBottom { items.append(.clip(x: left, y: top, width: right - left, height: Double(clip))) }
      let first = items.count
      for box in c.boxes {
        items.append(box.drawn, movedBy: contentLeft, Double(contentTop))
        contentTop += box.height
      }
      Self.keepInside(&items[first...], bottom: bottom - 1)
      if c.clipBottom != nil { items.append(.endClip) }
      // Borders sit on the cell's edges, so that neighbours' borders coincide (collapsing model).
      if let t = b.top { Segment(x1: left, y1: top, x2: right, y2: top, line: t, outside: -1).add(to: &horizontal) }
      if let bt = b.bottom { Segment(x1: left, y1: bottom, x2: right, y2: bottom, line: bt, outside: 1).add(to: &horizontal) }
      if let l = b.left { Segment(x1: left, y1: top, x2: left, y2: bottom, line: l, outside: -1).add(to: &vertical) }
      if let r = b.right { Segment(x1: right, y1: top, x2: right, y2: bottom, line: r, outside: 1).add(to: &vertical) }
    }
    // After the whole row's backgrounds, as LibreOffice paints them: a neighbour's background no
    // longer hides half of a shared border, which can then be drawn once, and a row's top and
    // bottom edges as one line each where the cells' borders continue one another.
    for segment in horizontal + vertical {
      items += segment.line.items(x1: segment.x1, y1: segment.y1, x2: segment.x2, y2: segment.y2, outside: segment.outside)
    }
  }

  /// Lines that follow the text flow (a mark before each) moved up to end at the cell's bottom
  /// when they would pass it.
  static func keepInside(_ items: inout ArraySlice<DisplayItem>, bottom: Double) {
    var k = items.startIndex
    while k < items.endIndex - 1 {
      defer { k += 1 }
      guard case .mark(PlaceMark.followsTextFlow, _, _, _, _) = items[k],
        case .line(let x1, let y1, let x2, let y2, let w, let c) = items[k + 1], max(y1, y2) > bottom
      else { continue }
      let up = max(y1, y2) - bottom
      items[k + 1] = .line(x1: x1, y1: y1 - up, x2: x2, y2: y2 - up, width: w, color: c)
    }
  }

  private struct Segment {
    var x1, y1, x2, y2: Double
    var line: BorderLine
    /// The side away from the cell it was drawn for (a double border's outer line goes there).
    var outside: Double

    /// Added to a row's segments: dropped if drawn already, or joined to the one it continues.
    func add(to segments: inout [Segment]) {
      for k in segments.indices.reversed() where segments[k].line == line {
        let s = segments[k]
        if s.x1 == x1 && s.y1 == y1 && s.x2 == x2 && s.y2 == y2 { return }
        if y1 == y2 && s.y1 == s.y2 && s.y2 == y1 && s.x2 == x1 {
          segments[k].x2 = x2
          return
        }
      }
      segments.append(self)
    }
  }
}
