import BaocaoLimits
import BaocaoFonts
import Foundation

/// Lays out an OpenDocument text into pages.
public enum DocumentLayout {
  /// `now` is the date and time that date and time fields which are not fixed show.
  public static func layout(_ parts: DocumentParts, fonts: FontCatalog, now: Date = Date()) throws(LayoutError) -> LaidOutDocument {
    let builder = try DocumentBuilder(parts: parts)
    builder.now = now
    let resolver = FontResolver(catalog: fonts, standIns: FontStandIns())
    resolver.addExternalLeading = builder.compatibility.addExternalLeading
    builder.fontsHave = { props, text in
      guard let font = try? resolver.font(props) else { return false }
      return text.unicodeScalars.allSatisfy { font.covers($0.value) }
    }
    builder.installedFamily = { props in resolver.family(props) }
    builder.fallbackFamily = { props, scalar in
      fonts.fallbackFamily(for: scalar, near: props.fontName, bold: props.bold, italic: props.italic)
    }
    let paginator = Paginator(builder: builder, fonts: resolver)
    // Body paragraphs and body tables' cells are laid out on the other core as they are read.
    builder.bodyRowRead = { [unowned paginator] row, table, master in paginator.rowRead(row, in: table, firstMasterPage: master) }
    builder.bodyParagraphRead = { [unowned paginator] p, master in paginator.paragraphRead(p, firstMasterPage: master) }
    defer { paginator.abandonStream() }
    let blocks = try builder.bodyBlocks()
    builder.bodyRowRead = nil
    builder.bodyParagraphRead = nil
    let pages = try paginator.run(blocks)
    return LaidOutDocument(
      pages: pages, info: builder.documentInfo, fontStandIns: resolver.standIns.list, warnings: builder.warnings.list,
      model: .init((builder, paginator, blocks)))
  }
}

final class Paginator {
  struct PageState {
    var style: PageStyle
    var variant: PageStyle.Variant
    /// An even page number: a left page.
    var isLeft: Bool
    /// The number page-number fields show (a paragraph or table may restart the numbering).
    var number: Int
    var items: [DisplayItem] = []
    /// Frames painted over the body's text (LibreOffice paints them after the page's text).
    var front: [DisplayItem] = []
    var bodyTop: Twips
    var bodyBottom: Twips
    /// Footnote paragraphs at the bottom of the page, and the room they take with their separator.
    var notes: [LineBox] = []
    var notesHeight: Twips = 0
    /// Frames in the body the text flows beside (or goes below), in page coordinates.
    var obstacles: [Obstacle] = []
  }

  let builder: DocumentBuilder
  private(set) var paragraphs: ParagraphLayout
  private var styles: [String: PageStyle] = [:]
  private struct FrameKey: Hashable {
    var style: String
    var variant: PageStyle.Variant
  }
  private var headerHeights: [FrameKey: (Twips, Twips)] = [:]
  private var pages: [PageState] = []
  private var y: Twips = 0
  /// Nothing placed yet in the current page's body.
  private var atTop = true
  /// The space below the previous block, added to the next block's space above.
  private var pendingSpace: Twips = 0
  /// The current page began at a soft break and nothing is on it yet.
  private var softTop = false

  init(builder: DocumentBuilder, fonts: FontResolver) {
    self.builder = builder
    self.paragraphs = ParagraphLayout(fonts: fonts)
    paragraphs.drawTextBox = { [unowned self] (box: TextBoxNode, fieldText: (Field) -> String) throws(LayoutError) in
      try self.drawTextBox(box, fieldText: fieldText)
    }
  }

  /// A text frame's background, content and borders, from its top-left corner; its height grows
  /// with its content unless fixed.
  func drawTextBox(_ box: TextBoxNode, fieldText: (Field) -> String) throws(LayoutError) -> (items: [DisplayItem], height: Twips) {
    let b = box.borders
    var content = try stack(box.blocks, width: max(0, box.width - b.leftSpace - b.rightSpace), fieldText: fieldText)
    // The last paragraph's space below does not count in a frame (measured: a frame as tall as its
    // text ends at the last line).
    if content.last?.isSpaceBelow == true { content.removeLast() }
    let contentHeight = content.reduce(0) { $0 + $1.height }
    let height = box.fixedHeight ?? max(box.minHeight, contentHeight + b.topSpace + b.bottomSpace)
    var items: [DisplayItem] = []
    let w = Double(box.width), h = Double(height)
    if let bg = box.background {
      items.append(.rect(x: 0, y: 0, width: w, height: h, color: bg))
    } else {
      items.append(.mark(PlaceMark.pageFill, x: 0, y: 0, width: w, height: h))
    }
    let free = height - b.topSpace - b.bottomSpace - contentHeight
    var y = b.topSpace + (box.verticalAlign == "middle" ? max(0, free) / 2 : box.verticalAlign == "bottom" ? max(0, free) : 0)
    for line in content {
      items.append(line.drawn, movedBy: Double(b.leftSpace), Double(y))
      y += line.height
    }
    // Borders inside the frame's edges.
    if let t = b.top { items += t.items(x1: 0, y1: Double(t.width) / 2, x2: w, y2: Double(t.width) / 2, outside: -1) }
    if let bt = b.bottom {
      items += bt.items(x1: 0, y1: h - Double(bt.width) / 2, x2: w, y2: h - Double(bt.width) / 2, outside: 1)
    }
    if let l = b.left { items += l.items(x1: Double(l.width) / 2, y1: 0, x2: Double(l.width) / 2, y2: h, outside: -1) }
    if let r = b.right {
      items += r.items(x1: w - Double(r.width) / 2, y1: 0, x2: w - Double(r.width) / 2, y2: h, outside: 1)
    }
    return (items, height)
  }

  private var page: PageState {
    get { pages[pages.count - 1] }
    // In place: a get-and-set would copy the page's display list on every append.
    _modify { yield &pages[pages.count - 1] }
  }
  private var bodyLeft: Twips { page.style.left(page.isLeft) }
  /// Where body text must end on the current page: above its footnotes.
  private var bottom: Twips { page.bodyBottom - page.notesHeight }
  private var bodyWidth: Twips { page.style.bodyWidth }

  /// The master page of a document whose first block names none: LibreOffice's own default page
  /// style, "Standard" (A4 with 2 cm margins when the document does not define it), whatever other
  /// master pages the document defines; they apply only where a paragraph names them.
  private let defaultMasterName = PageStyle.defaultName

  func run(_ blocks: [Block]) throws(LayoutError) -> [Page] {
    let first: String? = switch blocks.first {
    case .paragraph(let p): p.masterPage
    case .table(let t): t.masterPage
    case nil: nil
    }
    let startName = first ?? defaultMasterName
    try startPage(startName)
    prepareOnTwoCores(blocks, width: bodyWidth)
    for (index, block) in blocks.enumerated() {
      switch block {
      case .paragraph(let p):
        if index > 0, let m = p.masterPage { try startPage(m, number: p.props.pageNumber) } else if p.props.breakBefore && !(atTop && index == 0) {
          try startPage(nil, number: p.props.pageNumber)
        } else if index == 0, let n = p.props.pageNumber {
          page.number = n
        }
        try place(p, following: blocks[(index + 1)...])
        if p.props.breakAfter { try startPage(nil) }
      case .table(let t):
        if index > 0, let m = t.masterPage { try startPage(m, number: t.props.pageNumber) } else if t.props.breakBefore && !(atTop && index == 0) {
          try startPage(nil, number: t.props.pageNumber)
        } else if index == 0, let n = t.props.pageNumber {
          page.number = n
        }
        try place(t, following: blocks[(index + 1)...])
      }
    }
    return try finish()
  }

  // MARK: - Pages

  private func style(_ name: String) throws(LayoutError) -> PageStyle {
    if let s = styles[name] { return s }
    let sheet = builder.masterSheet
    if !sheet.masterPages.isEmpty, sheet.masterPages[name] == nil, name != defaultMasterName {
      // A master page named but not defined: LibreOffice keeps to its default page.
      builder.warnings.add("the master page '\(name)' is not defined; the default page style is used, as in LibreOffice")
      let s = try style(defaultMasterName)
      styles[name] = s
      return s
    }
    let s = sheet.masterPages.isEmpty || sheet.masterPages[name] == nil ? PageStyle(name: name) : try PageStyle.read(name: name, builder: builder)
    styles[name] = s
    return s
  }

  /// Heights of the header and footer frames (content or minimum height, plus spacing to the body).
  private func frameHeights(_ s: PageStyle, _ variant: PageStyle.Variant) throws(LayoutError) -> (Twips, Twips) {
    let key = FrameKey(style: s.name, variant: variant)
    if let h = headerHeights[key] { return h }
    func height(_ blocks: [Block]?, minHeight: Twips, spacing: Twips, dynamic: Bool, width: Twips) throws(LayoutError) -> Twips {
      guard let blocks else { return 0 }
      let content = try stack(blocks, width: width, fieldText: { _ in "9" }).reduce(0) { $0 + $1.height }
      // LibreOffice's frame: at least fo:min-height, spacing to the body included, or eaten by the
      // content with dynamic spacing (measured).
      return dynamic ? max(minHeight, content) : max(minHeight, content + spacing)
    }
    let footer = try height(
      s.footer(variant), minHeight: s.footerMinHeight, spacing: s.footerSpacing, dynamic: s.footerDynamicSpacing,
      width: s.bodyWidth - s.footerMarginLeft - s.footerMarginRight)
    let header = try height(
      s.header(variant), minHeight: s.headerMinHeight, spacing: s.headerSpacing, dynamic: s.headerDynamicSpacing,
      width: s.bodyWidth - s.headerMarginLeft - s.headerMarginRight)
    // LibreOffice keeps a fifth of the page's printable height for the body: a taller header (its
    // spacing included) is cut there, the footer keeping its own height (measured on Letter and A4
    // pages, several margins, spacings and footers).
    let printable = s.height - s.marginTop - s.marginBottom
    let h = (min(header, max(0, printable * 4 / 5 - footer)), footer)
    headerHeights[key] = h
    return h
  }

  /// Starts a new page with the named master page, or the current one's follower. A soft break (text
  /// flowing over) drops the space above the first block of the new page; a hard break keeps it.
  private func startPage(_ name: String?, soft: Bool = false, number: Int? = nil) throws(LayoutError) {
    let s: PageStyle
    if let name { s = try style(name) } else if let current = pages.last?.style { s = try style(current.nextStyle ?? current.name) } else {
      throw .badDocument("no master page")
    }
    // Left pages are the even ones; the first page of a run of this style may have its own header.
    guard pages.count < Limits.pages else {
      throw .badDocument("the document runs past \(Limits.pages) pages, more than baocao lays out")
    }
    let isLeft = (pages.count + 1) % 2 == 0
    let startsStyle = pages.last?.style.name != s.name
    let variant: PageStyle.Variant =
      startsStyle && (s.headerFirst != nil || s.footerFirst != nil) ? .first
      : isLeft && (s.headerLeft != nil || s.footerLeft != nil) ? .left : .normal
    let (header, footer) = try frameHeights(s, variant)
    pages.append(PageState(
      style: s, variant: variant, isLeft: isLeft, number: number ?? ((pages.last?.number ?? 0) + 1),
      bodyTop: s.marginTop + header, bodyBottom: s.height - s.marginBottom - footer))
    y = page.bodyTop
    atTop = true
    softTop = soft
    pendingSpace = 0
  }

  private func finish() throws(LayoutError) -> [Page] {
    let count = pages.count
    var out: [Page] = []
    for state in pages {
      var p = Page(width: state.style.width, height: state.style.height)
      if let bg = state.style.background {
        p.items.append(.rect(x: 0, y: 0, width: Double(p.width), height: Double(p.height), color: bg))
      }
      let number = state.number
      let fieldText: (Field) -> String = { f in
        switch f {
        case .pageNumber(let offset): return String(number + offset)
        case .pageCount: return String(count)
        }
      }
      let s = state.style
      let left = s.left(state.isLeft)
      // A first page of its own (a header-first or footer-first) has its own header and footer: the
      // one the document does not give stays empty there, its room kept (measured).
      let ownFirst = state.variant == .first
      if let header = s.header(state.variant), !(ownFirst && s.headerFirst == nil) {
        let width = s.bodyWidth - s.headerMarginLeft - s.headerMarginRight
        var top = s.marginTop
        for box in try stack(header, width: width, fieldText: fieldText) {
          p.items.append(box.drawn, movedBy: Double(left + s.headerMarginLeft), Double(top))
          top += box.height
        }
      }
      if let footer = s.footer(state.variant), !(ownFirst && s.footerFirst == nil) {
        let width = s.bodyWidth - s.footerMarginLeft - s.footerMarginRight
        let boxes = try stack(footer, width: width, fieldText: fieldText)
        // The last line's proportional spacing may hang below the footer (measured).
        let content = boxes.reduce(0) { $0 + $1.height } - (boxes.last?.slack ?? 0)
        // The spacing above the text: all of it, or with dynamic spacing what the content leaves of
        // the minimum height.
        let gap = s.footerDynamicSpacing ? min(s.footerSpacing, max(0, s.footerMinHeight - content)) : s.footerSpacing
        let frame = s.footerDynamicSpacing ? max(s.footerMinHeight, content) : max(s.footerMinHeight, content + s.footerSpacing)
        var top = s.height - s.marginBottom - frame + gap
        for box in boxes {
          p.items.append(box.drawn, movedBy: Double(left + s.footerMarginLeft), Double(top))
          top += box.height
        }
      }
      if !state.notes.isEmpty {
        // The separator, then the footnotes, ending at the bottom of the body area.
        let top = state.bodyBottom - state.notesHeight + s.noteSpaceBefore
        if s.noteLineWidth > 0 {
          let y = Double(top) + Double(s.noteLineWidth) / 2
          let length = Double(s.bodyWidth * s.noteLinePercent / 100)
          p.items.append(.line(x1: Double(left), y1: y, x2: Double(left) + length, y2: y, width: Double(s.noteLineWidth), color: s.noteLineColor))
        }
        var y = top + s.noteLineWidth + s.noteSpaceAfter
        for box in state.notes {
          p.items.append(box.drawn, movedBy: Double(left), Double(y))
          y += box.height
        }
      }
      p.items += state.items
      p.items += state.front
      // Change bars (only where the document shows tracked changes), and the fill of text frames.
      let showsChanges = builder.showsTrackedChanges
      for k in p.items.indices {
        guard case .mark(let name, let x, let y, let width, let height) = p.items[k] else { continue }
        if name == PlaceMark.pageFill {
          p.items[k] = .rect(x: x, y: y, width: width, height: height, color: state.style.background ?? RGB(r: 1, g: 1, b: 1))
        } else if showsChanges && name == PlaceMark.changeBar {
          let x = Double(left - PlaceMark.changeBarDistance)
          p.items[k] = .line(x1: x, y1: y, x2: x, y2: y + height, width: 2, color: .black)
        }
      }
      out.append(p)
    }
    return out
  }

  private func bodyFieldText(_ f: Field) -> String {
    switch f {
    case .pageNumber(let offset): return String((pages.last?.number ?? 1) + offset)
    // The count is not known while the body is laid out; body page counts are rare (headers and
    // footers, laid out at the end, get the real count).
    case .pageCount: return String(max(pages.count, 1))
    }
  }

  /// A paginator for the other core, with its own fonts and shaper (only the main one has it), and
  /// whether it is at work.
  private lazy var helper: Paginator? = isHelper || !Paginator.usesTwoCores ? nil : Paginator(helperFor: self)
  /// Off only in tests, which compare one core with two.
  nonisolated(unsafe) static var usesTwoCores = true
  private var helperBusy = false
  private var isHelper = false

  private convenience init(helperFor main: Paginator) {
    self.init(builder: main.builder, fonts: FontResolver(catalog: main.paragraphs.fonts.catalog, standIns: main.paragraphs.fonts.standIns))
    paragraphs.fonts.addExternalLeading = main.paragraphs.fonts.addExternalLeading
    isHelper = true
  }

  /// Body paragraphs' lines and body tables' cells laid out before pages are filled, at the first
  /// page's body width, shared between the cores (a body table's cells from the moment its row is
  /// read): where a paragraph or a cell falls on the pages changes nothing in it. What is not made
  /// here (page fields, failures, another width) is made as pages are filled.
  private var preparedLines: [ObjectIdentifier: (width: Twips, lines: [LaidLine])] = [:]
  private var preparedCells: [ObjectIdentifier: (width: Twips, boxes: [LineBox])] = [:]

  fileprivate enum Job {
    case paragraph(ParagraphNode, width: Twips)
    case cell(CellNode, width: Twips)
  }

  fileprivate enum Made {
    case lines(ParagraphNode, [LaidLine])
    case cell(CellNode, width: Twips, [LineBox])
  }

  /// Jobs handed to the other core while the body is read, and the tables whose cells are among them.
  private var stream: PreLayoutStream?
  private var streamTried = false
  private var streamedTables: Set<ObjectIdentifier> = []
  private var streamedParagraphs: Set<ObjectIdentifier> = []

  /// A body table's row has been read: its cells go to the other core at once, at the width of the
  /// first page's body (where the table will be placed is not known yet, nor needed).
  func rowRead(_ row: RowNode, in table: TableNode, firstMasterPage: String?) {
    guard let stream = openStream(firstMasterPage) else { return }
    streamedTables.insert(ObjectIdentifier(table))
    stream.add(TableLayout.plan(row, of: table, width: stream.width).cells.map { .cell($0.cell, width: $0.contentWidth) })
  }

  /// A body paragraph has been read: its lines go to the other core likewise.
  func paragraphRead(_ p: ParagraphNode, firstMasterPage: String?) {
    guard let stream = openStream(firstMasterPage) else { return }
    streamedParagraphs.insert(ObjectIdentifier(p))
    stream.add(CollectionOfOne(.paragraph(p, width: stream.width)))
  }

  private func openStream(_ firstMasterPage: String?) -> PreLayoutStream? {
    if let stream { return stream }
    guard !streamTried, !isHelper, Paginator.usesTwoCores else { return nil }
    streamTried = true
    // A page style that cannot be read fails later, where the pages are made.
    guard let style = try? style(firstMasterPage ?? defaultMasterName), let helper else { return nil }
    let opened = PreLayoutStream(width: style.bodyWidth)
    let shared = UncheckedBox((helper, opened))
    opened.helping = Concurrently { () -> UncheckedBox<[Made]> in
      let (helper, stream) = shared.value
      var made: [Made] = []
      while let job = stream.next() { if let m = helper.make(job) { made.append(m) } }
      return UncheckedBox(made)
    }
    stream = opened
    helperBusy = true
    return opened
  }

  /// Stops the other core's work on a document that failed before its pages were made.
  func abandonStream() {
    stream?.abandon()
    stream = nil
    helperBusy = false
  }

  private func prepareOnTwoCores(_ blocks: [Block], width: Twips) {
    var jobs: [Job] = []
    var total = 0
    for block in blocks {
      switch block {
      case .paragraph(let p):
        guard !streamedParagraphs.contains(ObjectIdentifier(p)) else { continue }
        jobs.append(.paragraph(p, width: width))
        total += Self.cost(.paragraph(p))
      case .table(let t):
        guard !streamedTables.contains(ObjectIdentifier(t)) else { continue }
        for c in TableLayout.plan(t, width: width).cells {
          jobs.append(.cell(c.cell, width: c.contentWidth))
          total += c.cell.blocks.reduce(20) { $0 + Self.cost($1) }
        }
      }
    }
    var made: [Made] = []
    if let stream {
      // The rest joins what the other core has been given; this core takes jobs from the back
      // until they meet.
      stream.add(jobs)
      stream.close()
      while let job = stream.takeLast() { if let m = make(job) { made.append(m) } }
      made += stream.helping.value.value
      self.stream = nil
      helperBusy = false
    } else {
      guard jobs.count >= 16, total >= 4000, !helperBusy, let helper else { return }
      let theirs = UncheckedBox((helper, jobs))
      helperBusy = true  // tables in cells here are not shared meanwhile
      made = shareJobs(count: jobs.count, here: { make(jobs[$0]) }, there: { k in theirs.value.0.make(theirs.value.1[k]) }).compactMap { $0 }
      helperBusy = false
    }
    for m in made {
      switch m {
      case .lines(let p, let lines): preparedLines[ObjectIdentifier(p)] = (width, lines)
      case .cell(let c, let w, let boxes): preparedCells[ObjectIdentifier(c)] = (w, boxes)
      }
    }
  }

  /// The lines or boxes of one job; nil when they show a page field (or fail).
  fileprivate func make(_ job: Job) -> Made? {
    switch job {
    case .paragraph(let p, let width):
      Self.withoutPageFields({ f throws(LayoutError) in try paragraphs.layout(p, width: width, fieldText: f) }).map { .lines(p, $0) }
    case .cell(let c, let width):
      Self.withoutPageFields({ f throws(LayoutError) in try stack(c.blocks, width: width, fieldText: f) }).map { .cell(c, width: width, $0) }
    }
  }

  /// What `make` gives before the page is known; nil when it shows a page field (or fails): such
  /// work waits for its page.
  private static func withoutPageFields<T>(_ make: ((Field) -> String) throws(LayoutError) -> T) -> T? {
    var usesFields = false
    let result = try? make { _ in
      usesFields = true
      return "0"
    }
    return usesFields ? nil : result
  }

  /// Roughly how much laying a block out costs: its text, and something per paragraph and cell.
  private static func cost(_ block: Block) -> Int {
    switch block {
    case .paragraph(let p):
      var n = 20
      for case .text(let s, _) in p.inlines { n += s.utf8.count }
      return n
    case .table(let t):
      var n = 0
      for row in t.rows { for cell in row.cells { n += cell.blocks.reduce(20) { $0 + cost($1) } } }
      return n
    }
  }

  /// Table cells' blocks stacked at their widths, in order. A large table's cells are shared with
  /// the other core: a cell's layout depends only on its content and width, so either core gives
  /// the same boxes. Cells showing page fields are laid out here, where the page is known.
  func stackCells(_ cellsAndWidths: [(cell: CellNode, width: Twips)], fieldText: (Field) -> String) throws(LayoutError) -> [[LineBox]] {
    // Cells made before the pages were filled are taken as they are.
    if !preparedCells.isEmpty, cellsAndWidths.allSatisfy({ preparedCells[ObjectIdentifier($0.cell)]?.width == $0.width }) {
      return cellsAndWidths.map { preparedCells[ObjectIdentifier($0.cell)]!.boxes }
    }
    let cells = cellsAndWidths.map { (blocks: $0.cell.blocks, width: $0.width) }
    guard cells.count >= 8, !helperBusy, let helper else {
      var out: [[LineBox]] = []
      out.reserveCapacity(cells.count)
      for c in cells { out.append(try stack(c.blocks, width: c.width, fieldText: fieldText)) }
      return out
    }
    let theirs = UncheckedBox((helper, cells))
    helperBusy = true
    let made = shareJobs(
      count: cells.count,
      here: { k -> Result<[LineBox], LayoutError>? in
        Result { () throws(LayoutError) in try stack(cells[k].blocks, width: cells[k].width, fieldText: fieldText) }
      },
      there: { k in
        let (helper, cells) = theirs.value
        return Paginator.withoutPageFields({ f throws(LayoutError) in try helper.stack(cells[k].blocks, width: cells[k].width, fieldText: f) })
          .map { .success($0) }
      })
    helperBusy = false
    // What the other core could not make (a failure, page fields) is made here; failures are
    // reported in the cells' order, as on one core.
    var out: [[LineBox]] = []
    out.reserveCapacity(cells.count)
    for k in cells.indices {
      if let result = made[k] { out.append(try result.get()) } else { out.append(try stack(cells[k].blocks, width: cells[k].width, fieldText: fieldText)) }
    }
    return out
  }

  /// Blocks stacked in one column of unlimited height (headers, footers, table cells).
  func stack(_ blocks: [Block], width: Twips, fieldText: (Field) -> String) throws(LayoutError) -> [LineBox] {
    var out: [LineBox] = []
    var pending: Twips = 0
    var previous: ParagraphNode?
    // Frames the text flows beside, from the stack's top.
    var obstacles: [Obstacle] = []
    var top: Twips = 0
    for (index, block) in blocks.enumerated() {
      switch block {
      case .paragraph(let p):
        let beside = obstacles.filter { $0.bottom > Double(top) }.map { $0.moved(by: 0, -Double(top)) }
        let pb = try paragraphs.boxes(
          p, width: width, spaceBefore: p.spaceAbove(after: previous, below: pending),
          joinedAbove: previous.map { $0.joinsBorders(with: p) } ?? false, joinedBelow: Self.joinsNext(p, blocks[(index + 1)...]),
          beside: beside, fieldText: fieldText)
        obstacles += pb.obstacles.map { $0.moved(by: 0, Double(top)) }
        top += pb.boxes.reduce(0) { $0 + $1.height }
        if !pb.boxes.isEmpty { out.append(pb.boxes[0]); out[out.count - 1].spaceAbove = pb.spaceBefore }
        out += pb.boxes.dropFirst()
        pending = pb.spaceAfter
        previous = p
      case .table(let t):
        // A table inside a header, footer or cell: each row is one box (rows do not split there).
        if obstacles.contains(where: { $0.bottom > Double(top + pending) }) {
          throw .unsupported("tables beside a picture or frame the text flows around")
        }
        let layout = try TableLayout(table: t, width: width, paginator: self, fieldText: fieldText)
        let spaceBefore = t.props.spaceAbove(below: pending)
        if spaceBefore > 0 { out.append(LineBox(height: spaceBefore, items: [], spaceAbove: spaceBefore)) }
        top += spaceBefore
        for (r, row) in layout.rows.enumerated() {
          var items: [DisplayItem] = []
          layout.draw(row, x: layout.x, y: 0, into: &items)
          out.append(LineBox(height: row.height, items: items, spaceAbove: r == 0 && spaceBefore == 0 ? 0 : nil))
          top += row.height
        }
        pending = t.props.marginBottom
        previous = nil
      }
    }
    if pending > 0 { out.append(LineBox(height: pending, items: [], isSpaceBelow: true)) }
    if out.contains(where: { !$0.notes.isEmpty }) { throw .unsupported("footnotes in tables, headers or footers") }
    return out
  }

  /// The room footnotes take below the text: their paragraphs, and the separator above the first.
  private func notesHeight(_ notes: [[Block]], alreadyOnPage: Bool) throws(LayoutError) -> Twips {
    guard !notes.isEmpty else { return 0 }
    let s = page.style
    var h = alreadyOnPage ? 0 : s.noteSpaceBefore + s.noteLineWidth + s.noteSpaceAfter
    for body in notes { h += try stack(body, width: bodyWidth, fieldText: bodyFieldText).reduce(0) { $0 + $1.height } }
    return h
  }

  private func emit(_ box: LineBox, x: Twips) throws(LayoutError) {
    page.items.append(box.items, movedBy: Double(x), Double(y))
    if !box.front.isEmpty { page.front.append(box.front, movedBy: Double(x), Double(y)) }
    y += box.height
    atTop = false
    softTop = false
    guard !box.notes.isEmpty else { return }
    page.notesHeight += try notesHeight(box.notes, alreadyOnPage: !page.notes.isEmpty)
    for body in box.notes { page.notes += try stack(body, width: bodyWidth, fieldText: bodyFieldText) }
    // LibreOffice continues a long footnote on the next page; we do not.
    if y - box.slack > bottom { throw .unsupported("footnotes too long to fit on the page with the line that cites them") }
  }

  // MARK: - Paragraphs

  private func boxes(_ p: ParagraphNode, following: ArraySlice<Block>) throws(LayoutError) -> ParagraphBoxes {
    if lastJoinedBelow && (softTop || atTop) {
      // LibreOffice closes a joined box at the page break, with room for its bottom border; we do not.
      throw .unsupported("paragraphs with joined borders across a page break")
    }
    // At the top of a page the space above stays after a hard break (AddParaTableSpacingAtStart) and
    // goes after a soft one, as LibreOffice does.
    let spaceBefore = softTop ? 0 : p.spaceAbove(after: lastParagraph, below: pendingSpace)
    let pb = try bodyBoxes(p, spaceBefore: spaceBefore, joinedAbove: lastJoinedBelow, joinedBelow: Self.joinsNext(p, following))
    guard Self.joinsNext(p, following), case .paragraph(let next)? = following.first else { return pb }
    // The box stays open for the next paragraph only if that one starts on this page; otherwise this
    // paragraph is the last of the box here and carries its bottom border (LibreOffice's layout
    // settles on that).
    let total = pb.boxes.reduce(0) { $0 + $1.height }
    guard y + total <= bottom else { return pb }
    let nb = try bodyBoxes(
      next, spaceBefore: next.spaceAbove(after: p, below: pb.spaceAfter), joinedAbove: true,
      joinedBelow: Self.joinsNext(next, following.dropFirst()))
    let lines = next.props.keepTogether ? nb.boxes.count : min(nb.boxes.count, max(1, next.props.orphans))
    let need = nb.boxes.prefix(lines).reduce(0) { $0 + $1.height } - (nb.boxes.prefix(lines).last?.slack ?? 0)
    if y + total + need <= bottom { return pb }
    return try bodyBoxes(p, spaceBefore: spaceBefore, joinedAbove: lastJoinedBelow, joinedBelow: false)
  }

  /// The paragraph placed just before, for contextual spacing (nil after a table), and whether its
  /// borders continue into the next paragraph's.
  private var lastParagraph: ParagraphNode?
  private var lastJoinedBelow = false

  /// The previous paragraph's box was left open for the next one, which now starts on a new page:
  /// LibreOffice closes it at the bottom of this page, with its padding and bottom border.
  private func closeJoinedBox() throws(LayoutError) {
    guard lastJoinedBelow, let prev = lastParagraph else { return }
    lastJoinedBelow = false
    let b = prev.props.borders
    guard y + b.bottomSpace <= bottom else { throw .unsupported("paragraphs with joined borders across a page break") }
    let left = Double(bodyLeft + prev.props.marginLeft)
    let right = Double(bodyLeft + bodyWidth - prev.props.marginRight)
    let top = Double(y)
    let end = Double(y + b.bottomSpace)
    if let bg = prev.props.background { page.items.append(.rect(x: left, y: top, width: right - left, height: end - top, color: bg)) }
    if let l = b.left { page.items += l.items(x1: left + Double(l.width) / 2, y1: top, x2: left + Double(l.width) / 2, y2: end, outside: -1) }
    if let r = b.right { page.items += r.items(x1: right - Double(r.width) / 2, y1: top, x2: right - Double(r.width) / 2, y2: end, outside: 1) }
    if let bt = b.bottom {
      let ly = top + Double(b.padding.bottom) + Double(bt.width) / 2
      page.items += bt.items(x1: left, y1: ly, x2: right, y2: ly, outside: 1)
    }
    y += b.bottomSpace
  }

  /// True when `p`'s borders join those of the paragraph after it.
  static func joinsNext(_ p: ParagraphNode, _ following: ArraySlice<Block>) -> Bool {
    guard case .paragraph(let next)? = following.first, next.masterPage == nil, !next.props.breakBefore, !p.props.breakAfter
    else { return false }
    return p.joinsBorders(with: next)
  }

  private struct BoxesKey: Hashable {
    var node: ObjectIdentifier
    var width: Twips
    var spaceBefore: Twips
    var joinedAbove: Bool
    var joinedBelow: Bool
  }
  private var boxesCache: [BoxesKey: ParagraphBoxes] = [:]

  /// A body paragraph's boxes; cached, since keep-with-next looks at the next paragraph before it is placed.
  private func bodyBoxes(_ p: ParagraphNode, spaceBefore: Twips, joinedAbove: Bool, joinedBelow: Bool) throws(LayoutError) -> ParagraphBoxes {
    // Beside a frame above, the lines depend on where the paragraph stands: laid out there, not kept.
    let beside = page.obstacles.filter { $0.bottom > Double(y) }.map { $0.moved(by: -Double(bodyLeft), -Double(y)) }
    if !beside.isEmpty {
      return try paragraphs.boxes(
        p, width: bodyWidth, spaceBefore: spaceBefore, joinedAbove: joinedAbove, joinedBelow: joinedBelow, beside: beside,
        fieldText: bodyFieldText)
    }
    let key = BoxesKey(node: ObjectIdentifier(p), width: bodyWidth, spaceBefore: spaceBefore, joinedAbove: joinedAbove, joinedBelow: joinedBelow)
    if let cached = boxesCache[key] { return cached }
    let made = preparedLines[ObjectIdentifier(p)].flatMap { $0.width == bodyWidth ? $0.lines : nil }
    let pb = try paragraphs.boxes(
      p, width: bodyWidth, spaceBefore: spaceBefore, joinedAbove: joinedAbove, joinedBelow: joinedBelow, lines: made,
      fieldText: bodyFieldText)
    // Page-number fields depend on the page: never reuse those.
    if !p.inlines.contains(where: { if case .field = $0 { true } else { false } }) { boxesCache[key] = pb }
    return pb
  }

  private struct TableKey: Hashable {
    var node: ObjectIdentifier
    var width: Twips
  }
  private var tableCache: [TableKey: TableLayout] = [:]

  /// A body table laid out at the body width; cached like paragraphs, unless a cell shows a page field.
  private func bodyTable(_ t: TableNode) throws(LayoutError) -> TableLayout {
    let key = TableKey(node: ObjectIdentifier(t), width: bodyWidth)
    if let cached = tableCache[key] { return cached }
    var usesFields = false
    let layout = try TableLayout(table: t, width: bodyWidth, paginator: self) { field in
      usesFields = true
      return self.bodyFieldText(field)
    }
    if !usesFields { tableCache[key] = layout }
    return layout
  }

  /// The height that must fit below a keep-with-next block: the next block's first lines (as many as
  /// its orphans setting asks), or all of it and its own follower when it keeps with next too.
  private func keepHeight(_ following: ArraySlice<Block>, pending: Twips, after previous: ParagraphNode?) throws(LayoutError) -> Twips {
    guard let next = following.first else { return 0 }
    switch next {
    case .paragraph(let p):
      if p.masterPage != nil || p.props.breakBefore { return 0 }
      let pb = try bodyBoxes(
        p, spaceBefore: p.spaceAbove(after: previous, below: pending), joinedAbove: previous.map { $0.joinsBorders(with: p) } ?? false,
        joinedBelow: Self.joinsNext(p, following.dropFirst()))
      if p.props.keepWithNext {
        return pb.boxes.reduce(0) { $0 + $1.height } + (try keepHeight(following.dropFirst(), pending: pb.spaceAfter, after: p))
      }
      let n = min(pb.boxes.count, max(1, p.props.orphans))
      // The last of those lines may hang its proportional spacing past the bottom.
      return pb.boxes.prefix(n).reduce(0) { $0 + $1.height } - pb.boxes[n - 1].slack
    case .table(let t):
      if t.masterPage != nil || t.props.breakBefore { return 0 }
      // What the table itself needs to start on the page: its header rows and the first line of its
      // first body row (rows split across pages).
      let layout = try bodyTable(t)
      let headerCount = min(t.headerRowCount, layout.rows.count)
      let headers = layout.rows.prefix(headerCount).reduce(0) { $0 + $1.height }
      let first = layout.rows.count > headerCount ? layout.rows[headerCount].firstLineHeight : 0
      return t.props.spaceAbove(below: pending) + headers + first
    }
  }

  private func place(_ p: ParagraphNode, following: ArraySlice<Block>) throws(LayoutError) {
    var pb = try boxes(p, following: following)
    if p.props.keepWithNext && !atTop {
      let total = pb.boxes.reduce(0) { $0 + $1.height }
      let need = total + (try keepHeight(following, pending: pb.spaceAfter, after: p))
      if y + need > bottom && need <= page.bodyBottom - page.bodyTop {
        try closeJoinedBox()
        try startPage(nil, soft: true)
        pb = try boxes(p, following: following)
      }
    }
    var n = pb.boxes.count
    var start = 0
    while start < n {
      let avail = bottom - y
      var k = 0
      var h: Twips = 0
      var notes: Twips = 0
      while start + k < n {
        let box = pb.boxes[start + k]
        let more = try notesHeight(box.notes, alreadyOnPage: !page.notes.isEmpty || notes > 0)
        guard h + box.height - box.slack + notes + more <= avail else { break }
        h += box.height
        notes += more
        k += 1
      }
      if start + k == n {
        registerObstacles(pb, start: start)
        for box in pb.boxes[start...] { try emit(box, x: bodyLeft) }
        break
      }
      var take = k
      if p.props.keepTogether && start == 0 {
        take = 0
      } else {
        if start == 0 && take < min(p.props.orphans, n) { take = 0 }
        if take > 0 && n - start - take < p.props.widows {
          take = n - start - p.props.widows
          if take <= 0 || (start == 0 && take < p.props.orphans) { take = 0 }
        }
      }
      if take == 0 && atTop { take = max(1, k) }
      if take == 0 {
        if start == 0 { try closeJoinedBox() }
        try startPage(nil, soft: true)
        if start == 0 {
          // Laid out again for the new page, whose width may give it another number of lines.
          pb = try boxes(p, following: following)
          n = pb.boxes.count
        }
        continue
      }
      registerObstacles(pb, start: start)
      for box in pb.boxes[start..<(start + take)] { try emit(box, x: bodyLeft) }
      start += take
      try startPage(nil, soft: true)
    }
    pendingSpace = pb.spaceAfter
    lastParagraph = p
    lastJoinedBelow = pb.joinedBelow
  }

  /// A paragraph's frames stand on the page its first line goes to, where the text after flows
  /// beside them.
  private func registerObstacles(_ pb: ParagraphBoxes, start: Int) {
    guard start == 0, !pb.obstacles.isEmpty else { return }
    page.obstacles += pb.obstacles.map { $0.moved(by: Double(bodyLeft), Double(y)) }
  }

  // MARK: - Tables

  private func place(_ t: TableNode, following: ArraySlice<Block>) throws(LayoutError) {
    if page.obstacles.contains(where: { $0.bottom > Double(y) }) {
      throw .unsupported("tables beside a picture or frame the text flows around")
    }
    var layout = try bodyTable(t)
    let headerCount = min(t.headerRowCount, layout.rows.count)
    let headers = Array(layout.rows.prefix(headerCount))
    let headerHeight = headers.reduce(0) { $0 + $1.height }
    var spaceBefore = softTop ? 0 : t.props.spaceAbove(below: pendingSpace)
    // The header rows and the first body row go together.
    let firstNeed = spaceBefore + headerHeight + (layout.rows.count > headerCount ? layout.rows[headerCount].firstLineHeight : 0)
    // Measured in LibreOffice: when the repeated header rows would still fit at the bottom of the page
    // but the first body row would not, the table moves to the next page with only its first body
    // row there, and the following rows start on the page after (under the repeated header).
    var breakAfterFirstRow = false
    if !atTop && y + firstNeed > bottom && headerCount > 0 && layout.rows.count > headerCount + 1
      && y + spaceBefore + headerHeight <= bottom {
      breakAfterFirstRow = true
    }
    // A table that may not break between rows moves whole to the next page when it fits there.
    let total = spaceBefore + layout.rows.reduce(0) { $0 + $1.height }
    let keepWhole = !t.props.mayBreakBetweenRows && !atTop && y + total > bottom
      && total - spaceBefore <= page.bodyBottom - page.bodyTop
    if keepWhole { breakAfterFirstRow = false }
    if !atTop && (y + firstNeed > bottom || keepWhole) {
      let width = bodyWidth
      try startPage(nil, soft: true)
      spaceBefore = 0
      if bodyWidth != width { layout = try bodyTable(t) }
    }
    let tableStartsPage = atTop
    y += spaceBefore
    atTop = false
    softTop = false
    var x = bodyLeft + layout.x
    // Whether the current page holds nothing but this table's rows (and its repeated headers).
    var tableOnlyPage = tableStartsPage
    var bodyRowsOnPage = 0
    func continueOnNewPage() throws(LayoutError) {
      try startPage(nil, soft: true)
      x = bodyLeft + layout.x  // mirrored margins move the table on left pages
      atTop = false
      softTop = false
      tableOnlyPage = true
      bodyRowsOnPage = 0
      for h in headers {
        layout.draw(h, x: x, y: y, into: &page.items)
        y += h.height
      }
    }
    for r in layout.rows.indices {
      var row = layout.rows[r]
      let isHeader = r < headerCount
      if breakAfterFirstRow && r == headerCount + 1 { try continueOnNewPage() }
      while true {
        let avail = bottom - y
        // A row that ends the page closes the table there: its bottom border must fit too.
        let closing = row.isLast ? 0 : (row.cells.compactMap { $0.cell.borders.bottom?.width }.max() ?? 0)
        if row.height + closing <= avail || isHeader || (tableOnlyPage && bodyRowsOnPage == 0 && row.keepTogether) {
          layout.draw(row, x: x, y: y, into: &page.items)
          y += row.height
          if !isHeader { bodyRowsOnPage += 1 }
          break
        }
        // Rows split across pages unless they must keep together.
        if !row.keepTogether, let (part, rest) = row.split(at: avail) {
          layout.draw(part, x: x, y: y, into: &page.items)
          try continueOnNewPage()
          row = rest
          continue
        }
        if tableOnlyPage && bodyRowsOnPage == 0 {
          // Not even one line fits on a page of its own: let it overflow rather than loop.
          layout.draw(row, x: x, y: y, into: &page.items)
          y += row.height
          bodyRowsOnPage += 1
          break
        }
        try continueOnNewPage()
      }
    }
    pendingSpace = t.props.marginBottom
    lastParagraph = nil
    lastJoinedBelow = false
  }
}

/// Pre-layout jobs given to the other core while the body is still being read: it takes them from
/// the front as they come; once the body is read this core takes the rest from the back.
private final class PreLayoutStream: @unchecked Sendable {
  let width: Twips
  var helping: Concurrently<UncheckedBox<[Paginator.Made]>>!
  private let condition = NSCondition()
  private var jobs: [Paginator.Job] = []
  /// The other core's next job, and the end of those not taken from the back.
  private var front = 0
  private var end = 0
  private var closed = false

  init(width: Twips) { self.width = width }

  func add(_ new: some Collection<Paginator.Job>) {
    guard !new.isEmpty else { return }
    condition.lock()
    jobs += new
    end = jobs.count
    condition.signal()
    condition.unlock()
  }

  /// No more jobs will come.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  /// No more jobs will come, and those not begun are dropped.
  func abandon() {
    condition.lock()
    closed = true
    end = front
    condition.broadcast()
    condition.unlock()
  }

  /// The other core's next job, waiting for one while jobs may still come; nil when there are none.
  func next() -> Paginator.Job? {
    condition.lock()
    defer { condition.unlock() }
    while front == end && !closed { condition.wait() }
    guard front < end else { return nil }
    front += 1
    return jobs[front - 1]
  }

  /// This core's next job, from the back, once closed.
  func takeLast() -> Paginator.Job? {
    condition.lock()
    defer { condition.unlock() }
    guard end > front else { return nil }
    end -= 1
    return jobs[end]
  }
}
