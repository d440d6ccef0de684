/// A horizontal slice of a block that pagination cannot cut: one line of a paragraph (with the
/// paragraph's space, borders and padding attached to its first and last lines). Items are in the
/// box's own coordinates: x from the left of the column the block sits in, y from the box's top.
struct LineBox {
  var height: Twips
  var items: [DisplayItem]
  /// How far the box may hang past the bottom of the body: the proportional line spacing below a
  /// line's text (LibreOffice lets it overflow the page).
  var slack: Twips = 0
  /// Footnotes cited in the box: they go to the bottom of the page the box lands on.
  var notes: [[Block]] = []
}

/// A paragraph cut into line boxes, plus what pagination needs to know about it.
struct ParagraphBoxes {
  var boxes: [LineBox]
  var spaceAfter: Twips
  var props: ParagraphProps
  /// The space above, already included in boxes[0] (dropped when the paragraph starts a page without it).
  var spaceBefore: Twips
  /// The borders continue into the next paragraph's (no bottom border here).
  var joinedBelow = false
}

extension [DisplayItem] {
  /// Appends `items` moved by (dx, dy), without an intermediate array.
  mutating func append(_ items: [DisplayItem], movedBy dx: Double, _ dy: Double) {
    for item in items { append(item.offset(dx: dx, dy: dy)) }
  }
}

extension DisplayItem {
  func offset(dx: Double, dy: Double) -> DisplayItem {
    switch self {
    case .glyphs(var run):
      run.x += dx
      run.y += dy
      return .glyphs(run)
    case .line(let x1, let y1, let x2, let y2, let w, let c):
      return .line(x1: x1 + dx, y1: y1 + dy, x2: x2 + dx, y2: y2 + dy, width: w, color: c)
    case .rect(let x, let y, let w, let h, let c):
      return .rect(x: x + dx, y: y + dy, width: w, height: h, color: c)
    case .image(let data, let x, let y, let w, let h):
      return .image(data, x: x + dx, y: y + dy, width: w, height: h)
    case .mark(let name, let x, let y, let w, let h):
      return .mark(name, x: x + dx, y: y + dy, width: w, height: h)
    }
  }
}

extension ParagraphLayout {
  /// Lays out a paragraph `width` twips wide into line boxes; `spaceBefore` is the space above it
  /// (the previous block's space below plus its own space above, as AddParaTableSpacing sums them).
  /// `joinedAbove` and `joinedBelow`: the borders continue from the paragraph before or into the one
  /// after (one box), so that side has no border line or padding and the side borders run through.
  /// `lines`: the paragraph's lines at this width when they were made already.
  func boxes(
    _ p: ParagraphNode, width: Twips, spaceBefore: Twips, joinedAbove: Bool = false, joinedBelow: Bool = false,
    lines made: [LaidLine]? = nil, fieldText: (Field) -> String
  ) throws(LayoutError) -> ParagraphBoxes {
    let lines: [LaidLine]
    if let made { lines = made } else { lines = try layout(p, width: width, fieldText: fieldText) }
    let props = p.props
    let b = props.borders
    let left = Double(props.marginLeft)
    let right = Double(width - props.marginRight)
    let contentLeft = left + Double(b.leftSpace)
    var boxes: [LineBox] = []
    var spaceBefore = spaceBefore
    // Pictures anchored to the paragraph: those without wrap at its top with the text below them;
    // those the text runs through take no room and are painted with the first line.
    var floating: (behind: [DisplayItem], front: [DisplayItem]) = ([], [])
    if !p.frames.isEmpty {
      var items: [DisplayItem] = []
      var bottom: Twips = 0
      for f in p.frames {
        let areaLeft = props.marginLeft
        let areaWidth = width - props.marginLeft - props.marginRight
        let x: Twips = switch f.horizontal {
        case "center": areaLeft + (areaWidth - f.width) / 2
        case "right": areaLeft + areaWidth - f.width - f.margins.right
        case "from-left": areaLeft + f.x
        default: areaLeft + f.margins.left
        }
        var drawn: [DisplayItem] = []
        var height = f.height
        let y = spaceBefore + f.y + f.margins.top
        if let l = f.line {
          // A line shape: placed from the paragraph's frame (its own space above included, the
          // space below the paragraph before not), from the column's left edge, as LibreOffice does.
          let top = max(0, spaceBefore - props.marginTop) + f.y
          drawn = [.line(x1: Double(f.x + l.x1), y1: Double(top + l.y1), x2: Double(f.x + l.x2), y2: Double(top + l.y2), width: l.width, color: l.color)]
        } else if let box = f.textBox {
          guard let drawTextBox else { throw .unsupported("text frames in headers, footers or notes") }
          let frame = try drawTextBox(box, fieldText)
          height = frame.height
          drawn.append(frame.items, movedBy: Double(x), Double(y))
        } else {
          drawn = [.image(f.image, x: Double(x), y: Double(y), width: Double(f.width), height: Double(f.height))]
        }
        if f.runThrough {
          if f.inBackground { floating.behind += drawn } else { floating.front += drawn }
        } else {
          items += drawn
          bottom = max(bottom, y + height + f.margins.bottom)
        }
      }
      if !items.isEmpty {
        boxes.append(LineBox(height: bottom, items: floating.behind + items + floating.front))
        floating = ([], [])
        spaceBefore = 0
      }
    }
    for (i, line) in lines.enumerated() {
      var items: [DisplayItem] = []
      var top: Twips = 0
      if i == 0 {
        top += spaceBefore
        if !joinedAbove {
          if let t = b.top {
            let y = Double(top) + Double(t.width) / 2
            items.append(.line(x1: left, y1: y, x2: right, y2: y, width: Double(t.width), color: t.color))
          }
          top += b.topSpace
        }
      }
      let baseline = Double(top + line.ascent)
      if i == 0 {
        // A marked place: the space above the first line (or the whole line, in an empty paragraph).
        let height = p.inlines.isEmpty || top == 0 ? top + line.height : top
        for name in p.marks { items.append(.mark(name, x: left, y: 0, width: right - left, height: Double(height))) }
      }
      for object in line.objects {
        let x = contentLeft + object.x, y = baseline - Double(object.height)
        switch object.object {
        case .picture(let image): items.append(.image(image, x: x, y: y, width: Double(object.width), height: Double(object.height)))
        case .drawing(let drawn): items.append(drawn, movedBy: x, y)
        }
      }
      for piece in line.pieces where !piece.unpainted {
        if let h = piece.highlight {
          let top = baseline - Double(piece.rise + piece.ascent)
          items.append(.rect(x: contentLeft + piece.x, y: top, width: piece.width, height: Double(piece.ascent + piece.descent), color: h))
        }
        items.append(.glyphs(GlyphRun(
          font: piece.font, size: piece.size, color: piece.color, x: contentLeft + piece.x, y: baseline - Double(piece.rise),
          glyphs: piece.glyphs, source: piece.source)))
        for (on, double, dy) in [
          (piece.underline, piece.doubleUnderline, Double(piece.size) / 8), (piece.strike, piece.doubleStrike, -Double(piece.size) / 4),
        ] where on {
          let thickness = Double(piece.size) / 20
          // A double line: two thinner lines a thickness apart either side of the single one's place.
          let lines = double ? [(dy - thickness * 0.6, thickness * 0.6), (dy + thickness * 0.6, thickness * 0.6)] : [(dy, thickness)]
          for (y, width) in lines {
            items.append(.line(x1: contentLeft + piece.x, y1: baseline + y, x2: contentLeft + piece.x + piece.width, y2: baseline + y, width: width, color: piece.color))
          }
        }
      }
      if line.pieces.contains(where: \.changed) {
        // A change bar, drawn in the page's margin once the page is known.
        items.append(.mark(PlaceMark.changeBar, x: 0, y: Double(top), width: 0, height: Double(line.height)))
      }
      var height = top + line.height
      if i == lines.count - 1 && !joinedBelow {
        if let bt = b.bottom {
          let y = Double(height + b.padding.bottom) + Double(bt.width) / 2
          items.append(.line(x1: left, y1: y, x2: right, y2: y, width: Double(bt.width), color: bt.color))
        }
        height += b.bottomSpace
      }
      // A joined box runs through the space between the paragraphs.
      let boxTop = Double(i == 0 && !joinedAbove ? spaceBefore : 0)
      if let l = b.left {
        let x = left + Double(l.width) / 2
        items.append(.line(x1: x, y1: boxTop, x2: x, y2: Double(height), width: Double(l.width), color: l.color))
      }
      if let r = b.right {
        let x = right - Double(r.width) / 2
        items.append(.line(x1: x, y1: boxTop, x2: x, y2: Double(height), width: Double(r.width), color: r.color))
      }
      if let bg = props.background {
        items.insert(.rect(x: left, y: boxTop, width: right - left, height: Double(height) - boxTop, color: bg), at: 0)
      }
      if i == 0 && !(floating.behind.isEmpty && floating.front.isEmpty) {
        items = floating.behind + items + floating.front
      }
      boxes.append(LineBox(height: height, items: items, slack: line.extraBelow, notes: line.notes))
    }
    return ParagraphBoxes(boxes: boxes, spaceAfter: props.marginBottom, props: props, spaceBefore: spaceBefore, joinedBelow: joinedBelow)
  }
}
