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
  /// Frames over the text: in the body, painted after the page's text; elsewhere after the box's.
  var front: [DisplayItem] = []
  var drawn: [DisplayItem] { front.isEmpty ? items : items + front }
  /// In a stack (a cell, a header): the box starts a paragraph or a table, and holds this space
  /// above it; nil for the lines after its first.
  var spaceAbove: Twips? = nil
  /// In a stack: the space below its last paragraph or table, on its own.
  var isSpaceBelow = false
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
  /// Its frames the text after it flows beside (or goes below), in its boxes' coordinates.
  var obstacles: [Obstacle] = []
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
    case .dashedLine(let x1, let y1, let x2, let y2, let w, let c, let dash):
      return .dashedLine(x1: x1 + dx, y1: y1 + dy, x2: x2 + dx, y2: y2 + dy, width: w, color: c, dash: dash)
    case .wave(let x1, let y, let x2, let w, let c, let step, let amplitude):
      return .wave(x1: x1 + dx, y: y + dy, x2: x2 + dx, width: w, color: c, step: step, amplitude: amplitude)
    case .rect(let x, let y, let w, let h, let c):
      return .rect(x: x + dx, y: y + dy, width: w, height: h, color: c)
    case .image(let data, let x, let y, let w, let h):
      return .image(data, x: x + dx, y: y + dy, width: w, height: h)
    case .mark(let name, let x, let y, let w, let h):
      return .mark(name, x: x + dx, y: y + dy, width: w, height: h)
    case .clip(let x, let y, let w, let h):
      return .clip(x: x + dx, y: y + dy, width: w, height: h)
    case .path(let p):
      return .path(p.moved(by: dx, dy))
    case .endClip:
      return .endClip
    }
  }
}

extension ParagraphLayout {
  /// Lays out a paragraph `width` twips wide into line boxes; `spaceBefore` is the space above it
  /// (the previous block's space below plus its own space above, as AddParaTableSpacing sums them).
  /// `joinedAbove` and `joinedBelow`: the borders continue from the paragraph before or into the one
  /// after (one box), so that side has no border line or padding and the side borders run through.
  /// `lines`: the paragraph's lines at this width when they were made already.
  /// `beside`: frames of paragraphs above that this one's text flows beside, in its boxes'
  /// coordinates (x from the column's left edge, y from the top of its first box).
  func boxes(
    _ p: ParagraphNode, width: Twips, spaceBefore: Twips, joinedAbove: Bool = false, joinedBelow: Bool = false,
    lines made: [LaidLine]? = nil, beside: [Obstacle] = [], fieldText: (Field) -> String
  ) throws(LayoutError) -> ParagraphBoxes {
    let props = p.props
    let b = props.borders
    let left = Double(props.marginLeft)
    let right = Double(width - props.marginRight)
    let contentLeft = left + Double(b.leftSpace)
    let own = try wrappingObstacles(p, width: width, spaceBefore: spaceBefore, fieldText: fieldText)
    let lines: [LaidLine]
    if let made, beside.isEmpty, own.isEmpty {
      lines = made
    } else {
      let firstLineTop = Double(spaceBefore + (joinedAbove ? 0 : b.topSpace))
      let above = beside.map { var o = $0; o.fromAbove = true; return o }
      let inText = (above + own).map { $0.moved(by: -contentLeft, -firstLineTop) }
      lines = try layout(p, width: width, beside: inText, spaceAbove: Double(spaceBefore), fieldText: fieldText)
    }
    var boxes: [LineBox] = []
    var spaceBefore = spaceBefore
    // Pictures anchored to the paragraph: those without wrap at its top with the text below them;
    // those the text runs through take no room and are painted with the first line.
    var floating: (behind: [DisplayItem], front: [DisplayItem]) = ([], [])
    if !p.frames.isEmpty {
      var items: [DisplayItem] = []
      var bottom: Twips = 0
      for f in p.frames {
        let x = Self.frameX(f, props: props, width: width)
        var drawn: [DisplayItem] = []
        var height = f.height
        // A frame placed by svg:y stands there, its margin aside (measured); one at the top keeps it.
        let y = Self.takesTextAround(f) ? Self.frameY(f, props: props, spaceBefore: spaceBefore) : spaceBefore + f.y + (f.fromTop ? 0 : f.margins.top)
        if let l = f.line {
          // A line shape: placed from the paragraph's frame (its own space above included, the
          // space below the paragraph before not), from the column's left edge, as LibreOffice does.
          // Aligned left, centred or right, it stands in the column as a whole (measured: a rule
          // centred under Word's excerpt is centred between the page's margins).
          let top = max(0, spaceBefore - props.marginTop) + f.y
          let left = min(l.x1, l.x2)
          let dx: Twips = switch f.horizontal {
          case "center": (width - f.width) / 2 - left
          case "right": width - f.width - left
          case "left": -left
          default: f.x
          }
          drawn = [.line(x1: Double(dx + l.x1), y1: Double(top + l.y1), x2: Double(dx + l.x2), y2: Double(top + l.y2), width: l.width, color: l.color)]
          if f.followsTextFlow { drawn.insert(.mark(PlaceMark.followsTextFlow, x: 0, y: 0, width: 0, height: 0), at: 0) }
        } else if let box = f.textBox {
          guard let drawTextBox else { throw .unsupported("text frames in headers, footers or notes") }
          let frame = try drawTextBox(box, fieldText)
          height = frame.height
          drawn.append(frame.items, movedBy: Double(x), Double(y))
        } else if let chart = f.chart {
          drawn.append(try ChartLayout(fonts: fonts).items(chart, width: Double(f.width), height: Double(f.height)), movedBy: Double(x), Double(y))
        } else {
          drawn = (f.crop ?? Crop()).items(f.image, x: Double(x), y: Double(y), width: Double(f.width), height: Double(f.height))
        }
        if f.runThrough || Self.takesTextAround(f) {
          if f.inBackground && f.runThrough { floating.behind += drawn } else { floating.front += drawn }
        } else {
          items += drawn
          bottom = max(bottom, y + height + f.margins.bottom)
        }
      }
      if !items.isEmpty {
        boxes.append(LineBox(height: bottom, items: floating.behind + items, front: floating.front))
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
            items += t.items(x1: left, y1: y, x2: right, y2: y, outside: -1)
          }
          top += b.topSpace
        }
      }
      top += line.gapAbove
      let baseline = Double(top + line.ascent)
      if i == 0 {
        // A marked place: the space above the first line (or the whole line, in an empty paragraph).
        let height = p.inlines.isEmpty || top == 0 ? top + line.height : top
        for name in p.marks { items.append(.mark(name, x: left, y: 0, width: right - left, height: Double(height))) }
      }
      for object in line.objects {
        let x = contentLeft + object.x, y = baseline - Double(object.height - object.drop)
        switch object.object {
        case .picture(let image): items.append(.image(image, x: x, y: y, width: Double(object.width), height: Double(object.height)))
        case .drawing(let drawn): items.append(drawn, movedBy: x, y)
        }
      }
      for index in ParagraphLayout.paintOrder(line.pieces) where !line.pieces[index].unpainted {
        let piece = line.pieces[index]
        if let h = piece.highlight {
          let top = baseline - Double(piece.rise + piece.ascent)
          items.append(.rect(x: contentLeft + piece.x, y: top, width: piece.width, height: Double(piece.ascent + piece.descent), color: h))
        }
        var run = GlyphRun(
          font: piece.font, size: piece.size, color: piece.color, x: contentLeft + piece.x, y: baseline - Double(piece.rise),
          glyphs: piece.glyphs, source: piece.source)
        run.endsWord = piece.endsWord
        items.append(.glyphs(run))
        let x1 = contentLeft + piece.x, x2 = contentLeft + piece.x + piece.width
        let size = Double(piece.size)
        items += piece.underline.items(x1: x1, x2: x2, baseline: baseline, offset: size / 8, size: size, color: piece.color)
        items += piece.strike.items(x1: x1, x2: x2, baseline: baseline, offset: -size / 4, size: size, color: piece.color)
      }
      if line.pieces.contains(where: \.changed) {
        // A change bar, drawn in the page's margin once the page is known.
        items.append(.mark(PlaceMark.changeBar, x: 0, y: Double(top), width: 0, height: Double(line.height)))
      }
      var height = top + line.height
      if i == lines.count - 1 && !joinedBelow {
        if let bt = b.bottom {
          let y = Double(height + b.padding.bottom) + Double(bt.width) / 2
          items += bt.items(x1: left, y1: y, x2: right, y2: y, outside: 1)
        }
        height += b.bottomSpace
      }
      // A joined box runs through the space between the paragraphs.
      let boxTop = Double(i == 0 && !joinedAbove ? spaceBefore : 0)
      if let l = b.left {
        let x = left + Double(l.width) / 2
        items += l.items(x1: x, y1: boxTop, x2: x, y2: Double(height), outside: -1)
      }
      if let r = b.right {
        let x = right - Double(r.width) / 2
        items += r.items(x1: x, y1: boxTop, x2: x, y2: Double(height), outside: 1)
      }
      if let bg = props.background {
        items.insert(.rect(x: left, y: boxTop, width: right - left, height: Double(height) - boxTop, color: bg), at: 0)
      }
      var front: [DisplayItem] = []
      if i == 0 && !(floating.behind.isEmpty && floating.front.isEmpty) {
        items = floating.behind + items
        front = floating.front
      }
      boxes.append(LineBox(height: height, items: items, slack: line.extraBelow, notes: line.notes, front: front))
    }
    // The paragraphs after flow beside its frames too, unless only the anchor paragraph may.
    let after = zip(own, p.frames.filter(Self.takesTextAround)).map { o, f in
      f.wrapsAnchorOnly ? Obstacle(left: o.left, right: o.right, top: o.top, bottom: o.bottom, side: .neither) : o
    }
    return ParagraphBoxes(
      boxes: boxes, spaceAfter: props.marginBottom, props: props, spaceBefore: spaceBefore, joinedBelow: joinedBelow, obstacles: after)
  }

  /// The frame stands among the paragraph's lines: text flows beside it, or (no wrap, placed below
  /// the paragraph's top) the lines it meets move below it while those above stay.
  static func takesTextAround(_ f: FrameNode) -> Bool {
    !f.runThrough && (f.wrap != nil || (f.y > 0 && f.line == nil))
  }

  /// Where a frame text flows around stands, from the top of the paragraph's first box: from the
  /// paragraph's frame, whose top takes in its own space above (not the space below the paragraph
  /// before), by svg:y, or aligned there with its spacing.
  static func frameY(_ f: FrameNode, props: ParagraphProps, spaceBefore: Twips) -> Twips {
    max(0, spaceBefore - props.marginTop) + (f.fromTop ? f.y : f.margins.top)
  }

  /// Where a frame anchored to the paragraph stands, from the column's left edge.
  static func frameX(_ f: FrameNode, props: ParagraphProps, width: Twips) -> Twips {
    let areaLeft = props.marginLeft
    let areaWidth = width - props.marginLeft - props.marginRight
    return switch f.horizontal {
    case "center": areaLeft + (areaWidth - f.width) / 2
    case "right": areaLeft + areaWidth - f.width - f.margins.right
    case "from-left": areaLeft + f.x
    default: areaLeft + f.margins.left
    }
  }

  /// The paragraph's frames its text flows beside, with their spacing, in its boxes' coordinates,
  /// on the side LibreOffice gives the text (SwTextFly::GetSurroundForTextWrap).
  func wrappingObstacles(
    _ p: ParagraphNode, width: Twips, spaceBefore: Twips, fieldText: (Field) -> String
  ) throws(LayoutError) -> [Obstacle] {
    var out: [Obstacle] = []
    for f in p.frames where Self.takesTextAround(f) {
      if f.line != nil { throw .unsupported("text wrapping around a line") }
      // A text frame is as tall as its content unless its height is fixed.
      var height = f.height
      if let box = f.textBox {
        guard let drawTextBox else { throw .unsupported("text frames in headers, footers or notes") }
        height = try drawTextBox(box, fieldText).height
      }
      let x = Double(Self.frameX(f, props: p.props, width: width))
      let y = Double(Self.frameY(f, props: p.props, spaceBefore: spaceBefore))
      var o = Obstacle(
        left: x - Double(f.margins.left), right: x + Double(f.width + f.margins.right),
        top: y - Double(f.margins.top), bottom: y + Double(height + f.margins.bottom), side: .neither)
      let areaLeft = Double(p.props.marginLeft), areaRight = Double(width - p.props.marginRight)
      var leftRoom = o.left - areaLeft, rightRoom = areaRight - o.right
      func parallel() -> Obstacle.Side {
        if leftRoom <= 0 { return .right }
        if rightRoom <= 0 { return .left }
        return .both
      }
      switch f.wrap {
      case nil: o.side = .neither
      case .left: o.side = .left
      case .right: o.side = .right
      case .parallel: o.side = parallel()
      case .dynamic:
        // Optimal: only sides with 2 cm of room; a frame over 1.5 cm wide keeps text on one side.
        if o.right < areaLeft || o.left > areaRight {
          o.side = parallel()
        } else {
          if o.right - o.left > 850 { if leftRoom < rightRoom { leftRoom = 0 } else { rightRoom = 0 } }
          if leftRoom < 1134 { leftRoom = 0 }
          if rightRoom < 1134 { rightRoom = 0 }
          o.side = leftRoom > 0 ? (rightRoom > 0 ? parallel() : .left) : (rightRoom > 0 ? .right : .neither)
        }
      }
      out.append(o)
    }
    return out
  }
}
