import BaocaoLimits
import BaocaoPictures
import BaocaoXML
import Foundation

/// The parts of an OpenDocument text that layout reads.
public struct DocumentParts: Sendable {
  public var content: [UInt8]
  public var styles: [UInt8]?
  public var meta: [UInt8]?
  public var settings: [UInt8]?
  /// Package entries pictures come from (Pictures/…), by name.
  public var files: [String: [UInt8]]
  /// Where the document was read from, for file-name fields (LibreOffice prints the name of the file
  /// it converts, not the one stored in the field); nil keeps the stored text.
  public var path: String?

  public init(
    content: [UInt8], styles: [UInt8]?, meta: [UInt8]?, settings: [UInt8]?, files: [String: [UInt8]] = [:], path: String? = nil
  ) {
    self.content = content
    self.styles = styles
    self.meta = meta
    self.settings = settings
    self.files = files
    self.path = path
  }
}

/// Document information for the PDF's Info dictionary.
public struct DocumentInfo: Sendable, Equatable {
  public var title: String?
  public var subject: String?
  public var author: String?
  public var keywords: String?
  /// meta:creation-date and dc:date, as written (ISO 8601).
  public var created: String?
  public var modified: String?
  public var language: String?
  /// The document's custom properties (File ▸ Properties ▸ Custom Properties), in order.
  public var properties: [Property] = []

  public struct Property: Sendable, Equatable {
    public var name: String
    public var value: String
  }
}

/// Turns the XML parts into blocks with resolved formatting.
final class DocumentBuilder {
  let content: StyleSheet
  let masterSheet: StyleSheet
  /// Caches by sheet (content or master pages) and style name.
  struct StyleKey: Hashable {
    var sheet: ObjectIdentifier
    var name: String
  }
  private var paragraphCache: [StyleKey: (ParagraphProps, TextProps)] = [:]

  /// A file-name field as LibreOffice fills it from the converted file's path (text:display: full,
  /// path, name or name-and-extension).
  static func fileNameField(_ path: String, display: String?) -> String {
    let url = URL(fileURLWithPath: path)
    switch display ?? "full" {
    case "path": return url.deletingLastPathComponent().path
    case "name": return url.deletingPathExtension().lastPathComponent
    case "name-and-extension": return url.lastPathComponent
    default: return url.path
    }
  }

  init(parts: DocumentParts) throws(LayoutError) {
    // content.xml's body, the larger part of the work, is parsed on the other core meanwhile; its
    // head (font faces, automatic styles) here, after styles.xml.
    let content = parts.content
    let split = XMLTree.bodySplit(content)
    let parsingBody = Concurrently { [content] in
      Result { () throws(XMLTreeError) in
        if let split { try XMLTree.parse(content, split.body, closingOpenElements: false) } else { try XMLTree.parse(content) }
      }
    }
    let base = StyleSheet()
    var stylesRoot: XMLElement?
    if let styles = parts.styles {
      do { stylesRoot = try XMLTree.parse(styles) } catch { throw .badDocument("styles.xml: \(error)") }
      base.addFontFaces(stylesRoot?.first("office:font-face-decls"))
      base.add(stylesRoot?.first("office:styles"), automatic: false, unlinked: stylesRoot?.first("office:master-styles") == nil)
      // Page layouts live among styles.xml's automatic styles; master pages in its master styles.
      for e in stylesRoot?.first("office:automatic-styles")?.all("style:page-layout") ?? [] {
        if let n = e["style:name"] { base.pageLayouts[n] = e }
      }
      base.add(stylesRoot?.first("office:master-styles"), automatic: false)
    }
    // The head's styles are read while the other core may still be parsing the body.
    var head: XMLElement
    var body: XMLElement?
    var bodyApart = false
    do throws(XMLTreeError) {
      if let split {
        head = try XMLTree.parse(content, split.head, closingOpenElements: true)
        bodyApart = true
      } else {
        head = try parsingBody.value.get()
        body = head.first("office:body")
      }
    } catch {
      // Cut in two, the part may fail where the whole would not (a cut inside a comment): the
      // whole part has the last word.
      head = try Self.whole(content)
      body = head.first("office:body")
    }
    base.addFontFaces(head.first("office:font-face-decls"))
    // What the default styles do not say: LibreOffice's own defaults for a package (tabs every 2 cm,
    // no pair kerning, separated table borders), its default template's for a flat document
    // (1.25 cm, kerning, collapsing borders), as measured.
    let flat = head.name == "office:document"
    defaultTabDistance = flat ? 709 : 1134
    defaultKerning = flat
    defaultCollapsing = flat
    self.masterSheet = base.withAutomatic(stylesRoot?.first("office:automatic-styles"))
    self.content = base.withAutomatic(head.first("office:automatic-styles"))
    if bodyApart {
      // An error in the body is told as the whole part places it.
      do { body = try parsingBody.value.get() } catch { body = try Self.whole(content).first("office:body") }
    }
    self.contentBody = body
    referenceTargets = Self.referenceTargets(in: body)
    self.files = parts.files
    self.documentPath = parts.path
    compatibility = parts.settings.map(CompatibilitySettings.init) ?? CompatibilitySettings()
    self.documentInfo = Self.info(parts.meta)
    createdDate = documentInfo.created.flatMap(DateFields.metaDate)
    modifiedDate = documentInfo.modified.flatMap(DateFields.metaDate)
    if let meta = parts.meta {
      let head = meta.prefix(65536)
      func has(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        return head.count >= needle.count
          && (0...(head.count - needle.count)).contains { k in head[k] == needle[0] && head[k..<(k + needle.count)].elementsEqual(needle) }
      }
      writtenByOpenOffice2 = has("OpenOffice.org_project/680")
      writtenByMSO = has("<meta:generator>MicrosoftOffice")
    }
  }

  /// content.xml parsed whole, or its error.
  private static func whole(_ content: [UInt8]) throws(LayoutError) -> XMLElement {
    do { return try XMLTree.parse(content) } catch { throw .badDocument("content.xml: \(error)") }
  }

  let files: [String: [UInt8]]
  let documentPath: String?
  /// settings.xml's switches that change the layout.
  let compatibility: CompatibilitySettings
  /// meta.xml's information; its dates, which creation and modification date fields show.
  let documentInfo: DocumentInfo
  private let createdDate: Date?
  private let modifiedDate: Date?
  private var images: [String: ImageData] = [:]
  private(set) var defaultTabDistance: Twips = 1134
  private(set) var defaultKerning = false
  private(set) var defaultCollapsing = false
  /// The document was written by OpenOffice.org 2 (meta:generator …680…), whose lists LibreOffice
  /// reads by their style.
  private(set) var writtenByOpenOffice2 = false
  private(set) var writtenByMSO = false

  let contentBody: XMLElement?

  /// The names references may point to: bookmarks, reference marks and numbered sequences (read
  /// with the body, before its paragraphs are built on either core).
  let referenceTargets: Set<String>

  static func referenceTargets(in body: XMLElement?) -> Set<String> {
    var names = Set<String>()
    func scan(_ e: XMLElement) {
      switch e.name {
      case "text:bookmark", "text:bookmark-start", "text:reference-mark", "text:reference-mark-start":
        if let n = e["text:name"] { names.insert(n) }
      case "text:sequence":
        if let n = e["text:ref-name"] { names.insert(n) }
      default: break
      }
      for c in e.elements { scan(c) }
    }
    if let body { scan(body) }
    return names
  }

  func bodyBlocks() throws(LayoutError) -> [Block] {
    guard let body = contentBody else { throw .badDocument("content.xml has no office:body") }
    guard let text = body.first("office:text") else {
      throw .unsupported("this kind of document (only text documents, .odt, can be converted to PDF natively)")
    }
    if content.numbersLines { throw .unsupported("line numbering") }
    findDefaultedLevels(text, style: nil, setDefaults: false, level: 0)
    if let changes = text.first("text:tracked-changes") { readTrackedChanges(changes) }
    var out = try blocks(in: text, sheet: content, body: true)
    // Endnotes follow the body from a new page, in the endnote page style (LibreOffice's "Endnote"
    // unless the notes configuration names another; an undefined one is the default page).
    if let first = endnotes.first {
      let named = content.endnoteConfiguration?["text:master-page-name"] ?? "Endnote"
      let master = masterSheet.masterPages[named] != nil ? named : (masterSheet.masterPages["Standard"] != nil ? "Standard" : PageStyle.defaultName)
      switch first {
      case .paragraph(let p): p.masterPage = master
      case .table(let t): t.masterPage = master
      }
      out += endnotes
    }
    return out
  }

  /// Told of each row of a body table (not one in a cell) as soon as it is read, with the master page
  /// the body starts with: work on the pages can begin while the rest of the body is read.
  var bodyRowRead: ((_ row: RowNode, _ table: TableNode, _ firstMasterPage: String?) -> Void)?
  /// Told, in the same way, of each body paragraph once it is complete.
  var bodyParagraphRead: ((_ paragraph: ParagraphNode, _ firstMasterPage: String?) -> Void)?

  private func tellBodyParagraphs(_ blocks: some Collection<Block>, in out: [Block]) {
    guard let tell = bodyParagraphRead else { return }
    noteBodyBlock(out.first)
    for case .paragraph(let p) in blocks { tell(p, firstBodyMaster ?? p.masterPage) }
  }
  /// The master page of the body's first block, once that block is read.
  private var firstBodyMaster: String??

  private func noteBodyBlock(_ block: Block?) {
    guard firstBodyMaster == nil, let block else { return }
    firstBodyMaster = switch block {
    case .paragraph(let p): p.masterPage
    case .table(let t): t.masterPage
    }
  }

  /// The date and time that fields which are not fixed show: now, in the document's language.
  var now = Date()
  /// What the layout tells the user without refusing the document (a missing picture...).
  let warnings = LayoutWarnings()
  private func dates(_ sheet: StyleSheet) -> DateFields {
    var d = DateFields(now: now)
    if let t = sheet.defaults["paragraph"]?.properties["style:text-properties"], let language = t["fo:language"] {
      d.language = language
      d.country = t["fo:country"] ?? ""
    }
    return d
  }

  // MARK: - Blocks

  /// A section is laid out as the blocks it holds: what its style adds to them is refused by name.
  private func checkSection(_ e: XMLElement, sheet: StyleSheet) throws(LayoutError) {
    if e["text:display"] == "condition" { throw .unsupported("sections shown on a condition") }
    guard let name = e["text:style-name"], let style = sheet.style(family: "section", name: name),
      let props = style.element.first("style:section-properties")
    else { return }
    if let count = props.first("style:columns")?["fo:column-count"], (Int(count) ?? 1) > 1 {
      throw .unsupported("sections with several text columns")
    }
    for side in ["fo:margin-left", "fo:margin-right"] where (Units.twips(props[side]) ?? 0) != 0 {
      throw .unsupported("indented sections (\(side))")
    }
    if let color = props["fo:background-color"], color != "transparent" {
      throw .unsupported("section backgrounds")
    }
  }

  /// `body`: the container is the document body (or a section in it).
  func blocks(in container: XMLElement, sheet: StyleSheet, body: Bool = false) throws(LayoutError) -> [Block] {
    var out: [Block] = []
    for e in container.elements {
      defer { if body { noteBodyBlock(out.first) } }
      switch e.name {
      case "text:p":
        out.append(.paragraph(try paragraph(e, sheet: sheet)))
        if body { tellBodyParagraphs(out.suffix(1), in: out) }
      case "text:h":
        let p = try paragraph(e, sheet: sheet)
        try applyOutline(to: p, heading: e, sheet: sheet)
        out.append(.paragraph(p))
        if body { tellBodyParagraphs(out.suffix(1), in: out) }
      case "table:table":
        out.append(.table(try table(e, sheet: sheet, inBody: body)))
      case "text:section":
        if e["text:display"] == "none" { continue }  // a hidden section
        try checkSection(e, sheet: sheet)
        out += try blocks(in: e, sheet: sheet, body: body)
      case "text:list":
        let items = try list(e, sheet: sheet, level: 1, inheritedStyle: nil)
        out += items
        if body { tellBodyParagraphs(items, in: out) }
      case "text:sequence-decls", "text:variable-decls", "text:user-field-decls", "office:forms", "text:tracked-changes",
        "text:soft-page-break", "office:scripts", "text:bookmark", "text:bookmark-start", "text:bookmark-end",
        "text:alphabetical-index-auto-mark-file", "text:dde-connection-decls", "table:named-expressions":
        continue
      case "text:table-of-content", "text:illustration-index", "text:table-index", "text:object-index",
        "text:user-index", "text:alphabetical-index", "text:bibliography":
        // LibreOffice prints the index as the document stores it (it does not regenerate it on
        // converting): its body is a section of ordinary paragraphs, the title one more section.
        try checkSection(e, sheet: sheet)
        if let indexBody = e.first("text:index-body") { out += try blocks(in: indexBody, sheet: sheet, body: body) }
      case "text:index-title":
        try checkSection(e, sheet: sheet)
        out += try blocks(in: e, sheet: sheet, body: body)
      case "draw:frame", "draw:a", "draw:custom-shape", "draw:rect", "draw:line", "draw:g":
        throw .unsupported("drawings and frames anchored to the page (\(e.name))")
      default:
        // A foreign element's paragraphs are shown; an unknown text: element is left out (measured).
        if !Self.showsTextOfUnknown(e.name) { throw .unsupported("the element <\(e.name)> in the document body") }
        if e.name.hasPrefix("text:") || e.name.hasPrefix("loext:") {
          warnings.add("the element <\(e.name)> is left out, as in LibreOffice")
          continue
        }
        out += try blocks(in: e, sheet: sheet, body: body)
      }
    }
    return out
  }

  /// A paragraph style's properties over its parents' and the default style's. Each style is
  /// resolved once, on top of its parent's resolved properties (automatic styles share a few parents).
  func paragraphStyle(_ name: String?, sheet: StyleSheet) throws(LayoutError) -> (ParagraphProps, TextProps) {
    // A paragraph without a style, or naming one the document lacks, is in LibreOffice's Default
    // Paragraph Style, "Standard" (measured).
    let name = name.flatMap { sheet.style(family: "paragraph", name: $0) != nil ? $0 : nil } ?? Self.standard(in: sheet)
    let resolved = try paragraphStyle(name, sheet: sheet, visiting: [])
    return (resolved.props, resolved.text)
  }

  static func standard(in sheet: StyleSheet) -> String? {
    sheet.style(family: "paragraph", name: "Standard") != nil ? "Standard" : nil
  }

  /// `cut`: a parent chain that came back on itself was cut on the way; the result then depends on
  /// where the walk began and is not kept.
  private func paragraphStyle(_ name: String?, sheet: StyleSheet, visiting: Set<String>) throws(LayoutError)
    -> (props: ParagraphProps, text: TextProps, cut: Bool)
  {
    let key = StyleKey(sheet: ObjectIdentifier(sheet), name: name ?? "")
    if let cached = paragraphCache[key] { return (cached.0, cached.1, false) }
    var props = ParagraphProps()
    props.tabDistance = defaultTabDistance
    props.tabsRelativeToIndent = compatibility.tabsRelativeToIndent
    props.justifiesManualBreaks = compatibility.justifiesManualBreaks
    props.addsSpacing = compatibility.addsParagraphSpacing
    var text = TextProps()
    text.kerning = defaultKerning
    var cut = false
    if let name, let style = sheet.style(family: "paragraph", name: name) {
      // An automatic style without a parent adds to Standard; a named one, to the defaults (measured).
      if style.parent == nil, style.automatic, let standard = Self.standard(in: sheet), standard != name {
        (props, text, cut) = try paragraphStyle(standard, sheet: sheet, visiting: visiting.union([name]))
      } else if let parent = style.parent, !visiting.contains(parent), parent != name {
        (props, text, cut) = try paragraphStyle(parent, sheet: sheet, visiting: visiting.union([name]))
      } else {
        // No parent (or a parent chain that comes back here, cut where it does): the default style.
        cut = style.parent != nil
        if let d = sheet.defaults["paragraph"] { try apply(d, to: &props, &text, sheet: sheet) }
      }
      try apply(style, to: &props, &text, sheet: sheet)
    } else if let d = sheet.defaults["paragraph"] {
      try apply(d, to: &props, &text, sheet: sheet)
    }
    if !cut { paragraphCache[key] = (props, text) }
    return (props, text, cut)
  }

  private func apply(_ style: StyleSheet.Style, to props: inout ParagraphProps, _ text: inout TextProps, sheet: StyleSheet) throws(LayoutError) {
    if let drop = style.element.first("style:paragraph-properties")?.first("style:drop-cap"), (Int(drop["style:lines"] ?? "1") ?? 1) > 1 {
      throw .unsupported("drop capitals")
    }
    if style.setsIndents { (props.marginLeft, props.marginRight, props.textIndent) = (0, 0, 0) }
    if let p = style.properties["style:paragraph-properties"] { try props.apply(p) }
    if let t = style.properties["style:text-properties"] { try text.apply(t, fonts: sheet.fontFamilies) }
    if let stops = style.element.first("style:paragraph-properties")?.first("style:tab-stops") {
      props.tabStops = stops.all("style:tab-stop").compactMap { s in
        guard let pos = Units.twips(s["style:position"]) else { return nil }
        let kind: TabStop.Kind = switch s["style:type"] ?? "left" {
        case "center": .center
        case "right": .right
        case "char": .char
        default: .left
        }
        let leader = s["style:leader-text"].flatMap { $0 == " " ? nil : $0 }
          ?? ((s["style:leader-style"] ?? "none") == "none" ? nil : ".")
        return TabStop(position: pos, kind: kind, leader: leader, decimal: s["style:char"]?.unicodeScalars.first?.value)
      }
    }
  }

  /// The paragraph style behind a paragraph's automatic style.
  private func commonStyleName(_ name: String?, sheet: StyleSheet) -> String? {
    guard let name else { return nil }
    guard let auto = sheet.automatic[StyleSheet.Key(family: "paragraph", name: name)] else { return name }
    return auto.parent
  }

  /// What a paragraph takes from its style name, looked up once per name.
  private struct ParagraphLook {
    var props: ParagraphProps
    var base: TextProps
    var masterPage: String?
    var commonStyle: String?
  }
  private var paragraphLooks: [StyleKey: ParagraphLook] = [:]

  func paragraph(_ e: XMLElement, sheet: StyleSheet) throws(LayoutError) -> ParagraphNode {
    let name = e["text:style-name"]
    let key = StyleKey(sheet: ObjectIdentifier(sheet), name: name ?? "")
    var look: ParagraphLook
    if let cached = paragraphLooks[key] {
      look = cached
    } else {
      let (props, base) = try paragraphStyle(name, sheet: sheet)
      look = ParagraphLook(props: props, base: base, commonStyle: commonStyleName(name, sheet: sheet))
      if let name { look.masterPage = sheet.style(family: "paragraph", name: name)?.masterPageName }
      paragraphLooks[key] = look
    }
    let node = ParagraphNode(props: look.props, base: look.base)
    node.masterPage = look.masterPage
    node.styleName = look.commonStyle
    if let shown = cellValueText.removeValue(forKey: e.identity) {
      node.inlines = [.text(shown, look.base)]
      return node
    }
    var state = InlineState()
    try inlines(e, props: look.base, sheet: sheet, into: node, state: &state)
    return node
  }

  /// An empty paragraph in a paragraph style (the default one when it is nil or not defined), where
  /// LibreOffice puts one the document does not write.
  func emptyParagraph(style: String?, sheet: StyleSheet) throws(LayoutError) -> ParagraphNode {
    let (props, base) = try paragraphStyle(style.flatMap { sheet.style(family: "paragraph", name: $0) != nil ? $0 : nil }, sheet: sheet)
    return ParagraphNode(props: props, base: base)
  }

  /// Paragraphs whose text a value cell replaces (see `row`).
  private var cellValueText: [XMLElement.Identity: String] = [:]

  /// A cell with a number and a number format shows the number in that format, not the text stored
  /// with it, when it holds a single paragraph (LibreOffice formats the value on loading).
  private func formattedValue(of c: XMLElement, sheet: StyleSheet) -> (paragraph: XMLElement, text: String)? {
    guard let type = c["office:value-type"], type == "float" || type == "percentage", let value = c["office:value"].flatMap(Double.init),
      value.isFinite, abs(value) < 1e15,
      let cellStyle = c["table:style-name"], let dataName = sheet.style(family: "table-cell", name: cellStyle)?.element["style:data-style-name"],
      let format = sheet.dataStyles[dataName], format.name == "number:number-style" || format.name == "number:percentage-style"
    else { return nil }
    var paragraphs: [XMLElement] = []
    func collect(_ e: XMLElement) {
      for child in e.elements {
        if child.name == "text:p" || child.name == "text:h" { paragraphs.append(child) } else if child.name.hasPrefix("text:list") { collect(child) }
      }
    }
    collect(c)
    // (An empty paragraph stays empty.)
    guard paragraphs.count == 1, !paragraphs[0].textContent.isEmpty, let number = format.first("number:number") else { return nil }
    let decimals = min(15, Int(number["number:decimal-places"] ?? "") ?? 0)
    let minimumDigits = min(15, Int(number["number:min-integer-digits"] ?? "") ?? 1)
    let percent = format.name == "number:percentage-style"
    let shownValue = percent ? value * 100 : value
    // Halves round away from zero, as LibreOffice rounds (0.125 → 0.13), with a nudge for values
    // like 1.005 that binary floating point stores a hair below their half.
    let scale = pow(10, Double(decimals))
    let scaled = abs(shownValue) * scale
    let rounded = (scaled * (1 + 1e-13)).rounded(.toNearestOrAwayFromZero) / scale
    var body = String(format: "%.\(decimals)f", rounded)
    var parts = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    while parts[0].count < minimumDigits { parts[0] = "0" + parts[0] }
    if parts[0].count > minimumDigits, minimumDigits == 0, parts[0] == "0" { parts[0] = "" }
    // Separators of the format's language; without one, LibreOffice's own locale (en-US here).
    let comma = ["de", "fr", "vi", "es", "it", "pt", "ru", "nl", "pl", "id"].contains(format["number:language"] ?? "en")
    if number["number:grouping"] == "true" {
      var grouped = ""
      for (k, ch) in parts[0].reversed().enumerated() {
        if k > 0 && k % 3 == 0 { grouped = (comma ? "." : ",") + grouped }
        grouped = String(ch) + grouped
      }
      parts[0] = grouped
    }
    body = parts.joined(separator: comma ? "," : ".")
    var text = ""
    for e in format.elements {
      switch e.name {
      case "number:number": text += (shownValue < 0 && body.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) ? "-" : "") + body
      case "number:text": text += e.textContent
      default: return nil  // scientific, fractions...: the stored text
      }
    }
    return (paragraphs[0], text)
  }

  /// True when the text has no tab, newline or double space (ODF white space it would collapse).
  static func isCollapsed(_ t: String) -> Bool {
    func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
      var previousSpace = false
      for b in bytes {
        if b == 0x09 || b == 0x0A || b == 0x0D { return false }
        if b == 0x20 {
          if previousSpace { return false }
          previousSpace = true
        } else {
          previousSpace = false
        }
      }
      return true
    }
    // Native strings hand over their bytes at once; a byte-by-byte String walk costs several times more.
    if let answer = t.utf8.withContiguousStorageIfAvailable(check) { return answer }
    var copy = t
    copy.makeContiguousUTF8()
    return copy.utf8.withContiguousStorageIfAvailable(check) ?? true
  }

  struct InlineState {
    var lastWasSpace = true
    /// Inside a hyperlink: its character style's layers (see linkLayers).
    var link: [[String: String]]? = nil
    /// What LibreOffice's text portions would tell apart here: the spans, links and fields around
    /// (ParagraphNode.portionKeys).
    var portion: [String] = []
    var portions = 0
  }

  /// Enters a span, link or field that LibreOffice keeps as an attribute of its own (nil: one it
  /// does not); returns what to restore on leaving.
  func enterPortion(_ key: String?, node: ParagraphNode, state: inout InlineState) -> [String] {
    let outer = state.portion
    if let key { state.portion.append(key) }
    node.portionKeys[node.inlines.count] = state.portion.joined(separator: "\u{1}")
    return outer
  }

  func leavePortion(_ outer: [String], node: ParagraphNode, state: inout InlineState) {
    state.portion = outer
    node.portionKeys[node.inlines.count] = outer.joined(separator: "\u{1}")
  }

  /// What tells a span's attribute apart, as LibreOffice loads an .odt: a named style by its name,
  /// an automatic one by its properties (documents may repeat them under several names), leaving
  /// out the revision ids LibreOffice stores (they never split text). Nil for a span that sets nothing.
  func portionKey(of name: String?, sheet: StyleSheet) -> String? {
    guard let name, let style = sheet.style(family: "text", name: name) else { return nil }
    guard style.automatic else { return "style:" + name }
    let props = (style.properties["style:text-properties"] ?? [:]).filter { !$0.key.hasPrefix("officeooo:") }
    if props.isEmpty && style.parent == nil { return nil }
    return (style.parent ?? "") + props.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
  }

  /// LibreOffice's own "Internet Link" character style, for documents that do not define it.
  static let builtInLinkStyle = ["fo:color": "#000080", "style:text-underline-style": "solid"]

  /// The character style a hyperlink's text gets: its own text:style-name, else the document's
  /// "Internet link" style, else LibreOffice's built-in one (navy, underlined).
  func linkLayers(_ link: XMLElement, sheet: StyleSheet) -> [[String: String]] {
    for name in [link["text:style-name"], "Internet_20_link"] {
      if let name, sheet.style(family: "text", name: name) != nil {
        return sheet.chain(family: "text", name: name).compactMap { $0.properties["style:text-properties"] }
      }
    }
    return [Self.builtInLinkStyle]
  }

  /// The properties of text in a span of style `name`. Inside a hyperlink, as LibreOffice shows
  /// it, the link's style wins over the span's named styles, and the span's automatic (hard)
  /// formatting wins over the link's.
  func spanProps(_ name: String?, over base: TextProps, sheet: StyleSheet, link: [[String: String]]? = nil) throws(LayoutError) -> TextProps {
    guard let name else { return base }
    var p = base
    func apply(_ style: StyleSheet.Style) throws(LayoutError) {
      guard var layer = style.properties["style:text-properties"], !layer.isEmpty else { return }
      // LibreOffice ignores a relative size in an automatic (hard) character style; a named style's applies.
      if style.automatic, let v = layer["fo:font-size"], v.hasSuffix("%") { layer["fo:font-size"] = nil }
      try p.apply(layer, fonts: sheet.fontFamilies)
    }
    let chain = sheet.chain(family: "text", name: name)
    for style in chain where link == nil || !style.automatic { try apply(style) }
    guard let link else { return p }
    for layer in link { try p.apply(layer, fonts: sheet.fontFamilies) }
    for style in chain where style.automatic { try apply(style) }
    return p
  }

  func inlines(_ e: XMLElement, props: TextProps, sheet: StyleSheet, into node: ParagraphNode, state: inout InlineState) throws(LayoutError) {
    for child in e.children {
      let props = openChanges.isEmpty ? props : marked(props, by: openChanges)
      switch child {
      case .text(let t):
        // Most text needs no collapsing: no white space but single spaces between words.
        if Self.isCollapsed(t), !(state.lastWasSpace && t.utf8.first == 0x20) {
          if !t.isEmpty {
            node.inlines.append(.text(t, props))
            state.lastWasSpace = t.utf8.last == 0x20
          }
          continue
        }
        var s = ""
        s.reserveCapacity(t.utf8.count)
        for ch in t.unicodeScalars {
          if ch == " " || ch == "\n" || ch == "\t" || ch == "\r" {
            if !state.lastWasSpace { s.unicodeScalars.append(" ") }
            state.lastWasSpace = true
          } else {
            s.unicodeScalars.append(ch)
            state.lastWasSpace = false
          }
        }
        if !s.isEmpty { node.inlines.append(.text(s, props)) }
      case .element(let c):
        switch c.name {
        case "text:span":
          let outer = enterPortion(portionKey(of: c["text:style-name"], sheet: sheet), node: node, state: &state)
          defer { leavePortion(outer, node: node, state: &state) }
          try inlines(c, props: try spanProps(c["text:style-name"], over: props, sheet: sheet, link: state.link), sheet: sheet, into: node, state: &state)
        case "text:time" where c["style:data-style-name"].flatMap({ sheet.dataStyles[$0] })?.name == "number:date-style":
          // LibreOffice shows such a field its own way (today's date, even when fixed; measured).
          throw .unsupported("time fields formatted as dates")
        case "text:date" where c["text:fixed"] != "true", "text:time" where c["text:fixed"] != "true":
          let style = c["style:data-style-name"].flatMap { sheet.dataStyles[$0] }
          node.inlines.append(.text(try dates(sheet).text(of: c, style: style), props))
          state.lastWasSpace = false
        case "text:placeholder":
          // Laid out, never printed (LibreOffice's PDF leaves placeholders out).
          var unpainted = props
          unpainted.unpainted = true
          try inlines(c, props: unpainted, sheet: sheet, into: node, state: &state)
        case "text:modification-date" where c["text:fixed"] != "true" && modifiedDate != nil,
          "text:modification-time" where c["text:fixed"] != "true" && modifiedDate != nil,
          "text:creation-date" where c["text:fixed"] != "true" && createdDate != nil,
          "text:creation-time" where c["text:fixed"] != "true" && createdDate != nil:
          // LibreOffice shows the document's own dates (meta.xml) in the field's format.
          let date = c.name.hasPrefix("text:creation") ? createdDate : modifiedDate
          let style = c["style:data-style-name"].flatMap { sheet.dataStyles[$0] }
          node.inlines.append(.text(try dates(sheet).text(of: c, style: style, date: date, time: c.name.hasSuffix("-time")), props))
          state.lastWasSpace = false
        case "text:reference-ref" where !referenceTargets.contains(c["text:ref-name"] ?? ""),
          "text:bookmark-ref" where !referenceTargets.contains(c["text:ref-name"] ?? ""),
          "text:sequence-ref" where !referenceTargets.contains(c["text:ref-name"] ?? ""):
          // LibreOffice recomputes a reference on loading: one to a target the document lacks
          // prints its error, whatever text was stored (measured, English user interface).
          node.inlines.append(.text("Error: Reference source not found", props))
          state.lastWasSpace = false
        case "text:file-name" where documentPath != nil:
          node.inlines.append(.text(Self.fileNameField(documentPath ?? "", display: c["text:display"]), props))
          state.lastWasSpace = false
        case "text:a", "text:meta", "text:ruby-base", "text:date", "text:time", "text:title", "text:subject",
          "text:author-name", "text:author-initials", "text:creator", "text:creation-date", "text:file-name",
          "text:sequence", "text:chapter", "text:variable-get", "text:variable-set", "text:user-defined",
          "text:user-field-get", "text:description", "text:keywords", "text:initial-creator", "text:sender-firstname",
          "text:sender-lastname", "text:sender-company", "text:expression", "text:text-input",
          "text:modification-date", "text:print-date", "text:reference-ref", "text:bookmark-ref", "text:sequence-ref",
          "text:word-count", "text:character-count", "text:paragraph-count",
          // Fields whose stored text is what LibreOffice prints (it does not recompute them on export).
          "text:variable-input", "text:user-field-input", "text:drop-down", "text:table-formula", "text:database-display",
          "text:template-name", "text:conditional-text", "text:sender-title", "text:sender-position", "text:sender-email",
          "text:sender-phone-private", "text:sender-phone-work", "text:sender-fax", "text:sender-street", "text:sender-city",
          "text:sender-postal-code", "text:sender-country", "text:sender-state-or-province", "text:sender-initials",
          "text:editing-cycles", "text:editing-duration", "text:table-count", "text:image-count", "text:object-count",
          "text:page-count-range":
          // Other fields keep their last displayed value in the document, and LibreOffice prints that too.
          // A hyperlink or a field is a portion of its own.
          state.portions += 1
          let outer = enterPortion("\(c.name)\(state.portions)", node: node, state: &state)
          defer { leavePortion(outer, node: node, state: &state) }
          if c.name == "text:a" && state.link == nil {
            // Its style wins over the styles of the text around it.
            let link = linkLayers(c, sheet: sheet)
            var inside = props
            for layer in link { try inside.apply(layer, fonts: sheet.fontFamilies) }
            state.link = link
            defer { state.link = nil }
            try inlines(c, props: inside, sheet: sheet, into: node, state: &state)
          } else {
            try inlines(c, props: props, sheet: sheet, into: node, state: &state)
          }
        case "field:fieldmark-start" where c["field:type"] == "vnd.oasis.opendocument.field.FORMTEXT", "field:fieldmark-end":
          // A text form field (Word's): LibreOffice prints the text between its marks as it is.
          continue
        case "text:s":
          let n = Int(c["text:c"] ?? "1") ?? 1
          node.inlines.append(.text(String(repeating: " ", count: max(1, n)), props))
          state.lastWasSpace = false
        case "text:tab":
          node.inlines.append(.tab(props))
          state.lastWasSpace = false
        case "text:line-break":
          node.inlines.append(.lineBreak(props))
          state.lastWasSpace = true
        case "text:page-number":
          let adjust = Int(c["text:page-adjust"] ?? "0") ?? 0
          let select = c["text:select-page"] ?? "current"
          let offset = adjust + (select == "previous" ? -1 : select == "next" ? 1 : 0)
          node.inlines.append(.field(.pageNumber(offset: offset), props))
          state.lastWasSpace = false
        case "text:page-count":
          node.inlines.append(.field(.pageCount, props))
          state.lastWasSpace = false
        case "text:bookmark" where c["text:name"].map(PlaceMark.isKnown) == true,
          "text:bookmark-start" where c["text:name"].map(PlaceMark.isKnown) == true:
          node.marks.append(c["text:name"] ?? "")
        case "text:bookmark", "text:bookmark-start", "text:bookmark-end", "text:reference-mark", "text:reference-mark-start",
          "text:reference-mark-end", "text:soft-page-break", "office:annotation", "office:annotation-end",
          "text:alphabetical-index-mark", "text:alphabetical-index-mark-start", "text:alphabetical-index-mark-end",
          "text:toc-mark", "text:toc-mark-start", "text:toc-mark-end", "text:change-start", "text:change-end", "text:change",
          "text:label":
          if let id = c["text:change-id"], trackedChanges[id] != nil {
            try trackedChange(c.name, id: id, props: props, sheet: sheet, into: node, state: &state)
          }  // a drop-down field's choices: only its current text is printed
          continue
        case "text:note":
          // Footnotes go to the bottom of the page their citation is on; endnotes are gathered and
          // printed after the body, from a new page (bodyBlocks).
          let isEndnote = c["text:note-class"] == "endnote"
          let config = isEndnote ? sheet.endnoteConfiguration : sheet.footnoteConfiguration
          let citation = try noteLabel(c, config: config, endnote: isEndnote)
          var body: [Block] = []
          if let b = c.first("text:note-body") { body = try blocks(in: b, sheet: sheet) }
          // A note always holds a paragraph (LibreOffice prints an empty note's number alone), in
          // the notes' paragraph style.
          if body.isEmpty {
            body = [.paragraph(try emptyParagraph(style: config?["text:default-style-name"] ?? (isEndnote ? "Endnote" : "Footnote"), sheet: sheet))]
          }
          // LibreOffice writes the style of the number in the note area as text:citation-style-name
          // ("Footnote Symbol") and that of the anchor in the text as text:citation-body-style-name
          // ("Footnote anchor").
          // The note's own number leads its first paragraph, with the text at the paragraph's indent.
          if case .paragraph(let first)? = body.first {
            // In a list, the number takes the place of the list's label (LibreOffice shows the
            // note's number portion instead of the numbering one, measured).
            first.dropLabel()
            var label = first.base
            if let name = config?["text:citation-style-name"], sheet.style(family: "text", name: name) != nil {
              label = try spanProps(name, over: label, sheet: sheet)
            }
            first.props.tabStops.insert(TabStop(position: first.props.tabPosition(fromIndent: 0), kind: .left, leader: nil), at: 0)
            first.prepend([.text(citation, label), .tab(first.base)])
          }
          // The citation takes the document's anchor style, or LibreOffice's default one.
          var mark = props
          if let name = config?["text:citation-body-style-name"], sheet.style(family: "text", name: name) != nil {
            mark = try spanProps(name, over: props, sheet: sheet)
          } else {
            mark.escapement = TextProps.autoSuper
            mark.escapementSize = 58
          }
          state.lastWasSpace = false
          if isEndnote {
            node.inlines.append(.text(citation, mark))
            endnotes += body
            continue
          }
          node.inlines.append(.note(citation, body, mark))
          state.lastWasSpace = false
        case "draw:frame":
          try frame(c, sheet: sheet, props: props, into: node)
          state.lastWasSpace = false
        case "draw:a":
          for f in c.all("draw:frame") { try frame(f, sheet: sheet, props: props, into: node) }
        case "draw:line":
          try lineShape(c, sheet: sheet, into: node)
          state.lastWasSpace = false
        case "draw:custom-shape", "draw:rect", "draw:g", "draw:ellipse", "draw:polygon", "draw:polyline", "draw:path":
          throw .unsupported("drawing shapes in a paragraph (\(c.name))")
        case "text:p", "text:h":
          // A paragraph inside a paragraph: LibreOffice leaves it out, text and all (measured).
          warnings.add("the paragraph nested inside another paragraph is left out, as in LibreOffice")
        default:
          // Elements of other vocabularies (and text: elements LibreOffice does not know) show their
          // text, as in LibreOffice; those of ODF's drawing, form and field vocabularies are refused.
          guard Self.showsTextOfUnknown(c.name) else { throw .unsupported("the element <\(c.name)> inside a paragraph") }
          try inlines(c, props: props, sheet: sheet, into: node, state: &state)
        }
      }
    }
  }

  /// An element LibreOffice does not know, whose text it shows: not of ODF's drawing, form, field,
  /// table, office or presentation vocabularies.
  static func showsTextOfUnknown(_ name: String) -> Bool {
    // ODF text elements LibreOffice draws in its own way (ruby above its base, hidden text by a
    // condition, page variables, cached list numbers it recomputes): refused by name.
    if ["text:ruby", "text:ruby-text", "text:hidden-text", "text:hidden-paragraph", "text:script", "text:number",
      "text:page-variable-set", "text:page-variable-get", "text:page-continuation", "text:measure", "text:execute-macro",
      "text:dde-connection", "text:sheet-name"].contains(name)
    {
      return false
    }
    guard let colon = name.firstIndex(of: ":") else { return true }
    return !["draw", "field", "form", "office", "table", "presentation", "dr3d", "chart", "math", "svg", "style"]
      .contains(String(name[..<colon]))
  }

  // MARK: - Tracked changes

  /// A change recorded in the document, shown as LibreOffice prints it while changes are shown
  /// (settings.xml's ShowRedlineChanges, on unless it says false): insertions underlined, deletions
  /// struck through, attribute changes bold, each in its author's colour.
  private struct TrackedChange {
    enum Kind { case insertion, deletion(XMLElement), attributes }
    var kind: Kind
    var color: RGB
  }
  private var trackedChanges: [String: TrackedChange] = [:]
  var showsTrackedChanges: Bool { !trackedChanges.isEmpty }
  /// The insertions and attribute changes the text being read lies in.
  private var openChanges: [String] = []

  /// LibreOffice's author colours, given to authors in the order their first change is listed.
  private static let authorColors: [(Double, Double, Double)] = [
    (198, 146, 0), (6, 70, 162), (87, 157, 28), (105, 43, 157), (197, 0, 11), (0, 128, 128), (140, 132, 0),
    (53, 85, 107), (209, 118, 0),
  ]

  private func readTrackedChanges(_ list: XMLElement) {
    guard compatibility.showsChanges else { return }
    var authors: [String: Int] = [:]
    for region in list.all("text:changed-region") {
      guard let id = region["text:id"] ?? region["xml:id"], let change = region.elements.first else { continue }
      let author = change.first("office:change-info")?.first("dc:creator")?.textContent ?? ""
      let index = authors[author] ?? authors.count
      authors[author] = index
      let (r, g, b) = Self.authorColors[index % Self.authorColors.count]
      let color = RGB(r: r / 255, g: g / 255, b: b / 255)
      switch change.name {
      case "text:insertion": trackedChanges[id] = TrackedChange(kind: .insertion, color: color)
      case "text:deletion": trackedChanges[id] = TrackedChange(kind: .deletion(change), color: color)
      case "text:format-change": trackedChanges[id] = TrackedChange(kind: .attributes, color: color)
      default: continue
      }
    }
  }

  private func marked(_ props: TextProps, by ids: [String]) -> TextProps {
    var p = props
    for id in ids {
      guard let change = trackedChanges[id] else { continue }
      switch change.kind {
      case .insertion: p.underline = TextLine(pattern: .solid)
      case .attributes: p.bold = true
      case .deletion: p.strike = TextLine(pattern: .solid)
      }
      p.color = change.color
      p.changed = true
    }
    return p
  }

  /// A change mark in a paragraph: an insertion or attribute change opens or closes; a deletion
  /// shows its text where it was.
  private func trackedChange(
    _ mark: String, id: String, props: TextProps, sheet: StyleSheet, into node: ParagraphNode, state: inout InlineState
  ) throws(LayoutError) {
    guard let change = trackedChanges[id] else { return }
    switch (mark, change.kind) {
    case ("text:change-start", .insertion), ("text:change-start", .attributes): openChanges.append(id)
    case ("text:change-end", _): openChanges.removeAll { $0 == id }
    case ("text:change", .deletion(let deletion)):
      let removed = deletion.elements.filter { $0.name != "office:change-info" }
      guard !removed.isEmpty else { return }
      // Text deleted inside a paragraph is kept as one paragraph; more (a paragraph end, a table)
      // would split the paragraph it is shown in.
      guard removed.count == 1, removed[0].name == "text:p" || removed[0].name == "text:h" else {
        throw .unsupported("tracked deletions of whole paragraphs or tables")
      }
      try inlines(removed[0], props: marked(props, by: [id]), sheet: sheet, into: node, state: &state)
    default: return
    }
  }

  // MARK: - Images

  /// How many text frames the text being read is in.
  private var textBoxDepth = 0

  /// A line shape anchored to the paragraph or a character (the rule Word draws under an agency's
  /// name): drawn over the text, which runs through it, from the column's left edge and the top of
  /// the paragraph's frame. Other anchors, dashes and wrapping are refused by name.
  func lineShape(_ e: XMLElement, sheet: StyleSheet, into node: ParagraphNode) throws(LayoutError) {
    let anchor = e["text:anchor-type"] ?? "paragraph"
    guard anchor == "paragraph" || anchor == "char" else { throw .unsupported("line shapes anchored to the \(anchor)") }
    let g = sheet.merged("style:graphic-properties", family: "graphic", name: e["draw:style-name"])
    // Drawing shapes let the text run through them unless their style says otherwise.
    let wrap = g["style:wrap"] ?? "run-through"
    guard wrap == "run-through" else { throw .unsupported("text wrapping around a line shape (style:wrap '\(wrap)')") }
    let stroke = g["draw:stroke"] ?? "solid"
    guard stroke == "solid" || stroke == "none" else { throw .unsupported("\(stroke) line shapes") }
    guard let x1 = Units.twips(e["svg:x1"]), let y1 = Units.twips(e["svg:y1"]), let x2 = Units.twips(e["svg:x2"]), let y2 = Units.twips(e["svg:y2"]) else {
      throw .badDocument("a line shape has no ends (svg:x1, svg:y1, svg:x2, svg:y2)")
    }
    guard stroke == "solid" else { return }
    // A line of width 0 is a hairline: LibreOffice draws it one device pixel wide.
    let width = max(Double(Units.twips(g["svg:stroke-width"]) ?? 0), 1)
    let color = g["svg:stroke-color"].flatMap(Units.color) ?? RGB(r: 0x34 / 255.0, g: 0x65 / 255.0, b: 0xA4 / 255.0)
    // Left, centred or right in the paragraph's area (Word's rule centred under an excerpt),
    // else where svg:x1 and svg:x2 say.
    let horizontal = g["style:horizontal-pos"] ?? "from-left"
    guard ["from-left", "left", "center", "right"].contains(horizontal) else {
      throw .unsupported("line shapes positioned '\(horizontal)' across their paragraph")
    }
    var f = FrameNode(
      image: ImageData(name: "line", bytes: []), width: abs(x2 - x1), height: 0, horizontal: horizontal, x: 0, y: 0,
      margins: Box(top: 0, bottom: 0, left: 0, right: 0), runThrough: true, inBackground: g["style:run-through"] == "background")
    f.line = (x1, y1, x2, y2, width, color)
    f.followsTextFlow = g["style:flow-with-text"] == "true"
    node.frames.append(f)
  }

  /// The picture an xlink:href names in the package, read once. One missing from the package or
  /// linked from outside it is empty (LibreOffice prints the rest of the document), with a warning.
  func picture(_ href: String) throws(LayoutError) -> ImageData {
    let name = href.hasPrefix("./") ? String(href.dropFirst(2)) : href
    if let known = images[name] { return known }
    let data: ImageData
    if let bytes = files[name] {
      let lower = name.lowercased()
      guard lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") || lower.hasSuffix(".gif") else {
        throw .unsupported("pictures other than PNG, JPEG and GIF ('\(name)'; LibreOffice draws SVG)")
      }
      data = ImageData(name: name, bytes: bytes)
    } else {
      warnings.add(href.contains("://") || !href.hasPrefix("Pictures/")
        ? "the picture '\(href)' is linked from outside the document; its place is left empty (embed the picture in the .odt)"
        : "the picture '\(href)' is missing from the package; its place is left empty, as in LibreOffice")
      data = ImageData(name: name, bytes: [])
    }
    images[name] = data
    return data
  }

  /// A picture's fo:clip, "rect(top, right, bottom, left)" in lengths of the picture's original
  /// size (PictureInfo's, as LibreOffice takes it), as fractions of that size.
  func crop(_ g: [String: String], _ image: ImageData) -> Crop? {
    guard let clip = g["fo:clip"], clip.hasPrefix("rect("), clip.hasSuffix(")"), let info = PictureInfo.read(image.bytes) else { return nil }
    let values = clip.dropFirst(5).dropLast().split(whereSeparator: { $0 == "," || $0 == " " }).map { v -> Double in
      v == "auto" ? 0 : Double(Units.twips(String(v)) ?? 0) / 20
    }
    guard values.count == 4 else { return nil }
    let crop = Crop(top: values[0] / info.height, right: values[1] / info.width, bottom: values[2] / info.height, left: values[3] / info.width)
    return crop == Crop() ? nil : crop
  }

  /// The chart an embedded object holds, from its own content in the package; nil when the object
  /// is no chart or its content is not there.
  func chart(_ object: XMLElement) throws(LayoutError) -> ChartModel? {
    guard object.name == "draw:object", var href = object["xlink:href"] else { return nil }
    if href.hasPrefix("./") { href.removeFirst(2) }
    // Only a chart is read (a formula's MathML, say, stays refused by name).
    guard let bytes = files[href + "/content.xml"], EmbeddedObject.isChart(bytes) else { return nil }
    if let problem = XMLSafety.check(bytes) { throw .badDocument("the chart '\(href)': line \(problem.line): \(problem.message)") }
    guard let root = try? XMLTree.parse(bytes), root.descendant("office:chart") != nil else { return nil }
    return try ChartModel.read(root)
  }

  /// A chart frame: in the line when anchored as a character, else at its paragraph's top, as a picture is.
  func chartFrame(_ f: XMLElement, _ chart: ChartModel, sheet: StyleSheet, props: TextProps, into node: ParagraphNode) throws(LayoutError) {
    guard let width = Units.twips(f["svg:width"]), let height = Units.twips(f["svg:height"]) else {
      throw .badDocument("the chart '\(f["draw:name"] ?? "")' has no size (svg:width, svg:height)")
    }
    let g = sheet.merged("style:graphic-properties", family: "graphic", name: f["draw:style-name"])
    switch f["text:anchor-type"] ?? "paragraph" {
    case "as-char":
      let vertical = g["style:vertical-pos"]
      let fromTop = vertical == "from-top" && ["line", "baseline"].contains(g["style:vertical-rel"] ?? "")
      let drop = vertical == nil ? height : fromTop ? height + (Units.twips(f["svg:y"] ?? g["svg:y"]) ?? 0) : 0
      node.inlines.append(.chart(chart, width: width, height: height, drop: drop, props))
    case "paragraph", "char":
      var frame = try anchoredFrame(f, g, image: ImageData(name: "chart", bytes: []), width: width, height: height)
      frame.chart = chart
      node.frames.append(frame)
    case let anchor:
      throw .unsupported("charts anchored to the \(anchor) (anchor them to the paragraph or as a character)")
    }
  }

  /// An image frame: inline when anchored as a character; at the paragraph's top when anchored to the
  /// paragraph or a character without text wrapping around it. Anything else is refused by name.
  func frame(_ f: XMLElement, sheet: StyleSheet, props: TextProps, into node: ParagraphNode) throws(LayoutError) {
    // LibreOffice draws a chart, formula or embedded document from its own content (text included),
    // not from the picture stored beside it.
    if let object = f.first("draw:object") ?? f.first("draw:object-ole") {
      guard let chart = try chart(object) else {
        throw .unsupported("embedded objects other than charts (formulas, documents: <\(object.name)>)")
      }
      try chartFrame(f, chart, sheet: sheet, props: props, into: node)
      return
    }
    // The frame shows its first content element (a picture may come with an empty text box).
    if let box = f.first("draw:text-box"), f.elements.first(where: { $0.name == "draw:image" || $0.name == "draw:text-box" })?.name == "draw:text-box" {
      try textFrame(f, box: box, sheet: sheet, props: props, into: node)
      return
    }
    guard let image = f.first("draw:image") else {
      let inner = f.elements.first?.name ?? "nothing"
      throw .unsupported("frames holding \(inner) (only pictures and text boxes are supported)")
    }
    let data = try picture(image["xlink:href"] ?? "")
    let name = data.name
    guard let width = Units.twips(f["svg:width"]), let height = Units.twips(f["svg:height"]) else {
      throw .badDocument("the picture '\(name)' has no size (svg:width, svg:height)")
    }
    let anchor = f["text:anchor-type"] ?? "paragraph"
    let g = sheet.merged("style:graphic-properties", family: "graphic", name: f["draw:style-name"])
    switch anchor {
    case "as-char":
      // Without a vertical position (Word's converters write none), LibreOffice hangs the picture
      // from the baseline (its top there, as measured); "from-top" of the line or baseline puts its
      // top svg:y below the baseline; else its bottom sits on the baseline.
      let vertical = g["style:vertical-pos"]
      let fromTop = vertical == "from-top" && ["line", "baseline"].contains(g["style:vertical-rel"] ?? "")
      let drop = vertical == nil ? height : fromTop ? height + (Units.twips(f["svg:y"] ?? g["svg:y"]) ?? 0) : 0
      // Its side margins take room in the line too (measured: a formula's 2 mm each side).
      let left = max(0, Units.twips(g["fo:margin-left"]) ?? 0), right = max(0, Units.twips(g["fo:margin-right"]) ?? 0)
      node.inlines.append(.image(data, width: width, height: height, drop: drop, props, left: left, right: right, crop: crop(g, data)))
    case "paragraph", "char":
      var frame = try anchoredFrame(f, g, image: data, width: width, height: height)
      frame.crop = crop(g, data)
      node.frames.append(frame)
    // Anchored to a frame it is not in, LibreOffice draws it at its character, over the text,
    // taking no room (measured); a missing one then shows nothing, and nothing moves.
    case "frame" where textBoxDepth == 0 && data.bytes.isEmpty:
      return
    default:
      throw .unsupported("pictures anchored to the \(anchor) (anchor them to the paragraph or as a character)")
    }
  }

  /// A picture or text frame anchored to its paragraph or a character: at the paragraph's top, with
  /// the text below it or running through it. Other wraps and positions are refused by name.
  private func anchoredFrame(_ f: XMLElement, _ g: [String: String], image: ImageData, width: Twips, height: Twips) throws(LayoutError) -> FrameNode {
    // A frame whose styles say nothing gets LibreOffice's default, optimal wrap (measured).
    let wrap = g["style:wrap"] ?? "dynamic"
    let side: WrapSide?
    switch wrap {
    case "none", "run-through": side = nil
    case "left": side = .left
    case "right": side = .right
    // LibreOffice does not know "biggest" and keeps its frames' default, parallel (measured).
    case "parallel", "biggest": side = .parallel
    case "dynamic": side = .dynamic
    default:
      throw .unsupported("text wrapping around a picture or frame (style:wrap '\(wrap)'); anchor it as a character or set wrap to none")
    }
    if side != nil, let contour = g["style:wrap-contour"], contour == "true" {
      throw .unsupported("text wrapping along a picture's contour (style:wrap-contour)")
    }
    // Where the styles say nothing, LibreOffice places the frame by svg:x and svg:y (measured).
    let vertical = g["style:vertical-pos"] ?? "from-top"
    guard vertical == "top" || vertical == "from-top" else {
      throw .unsupported("pictures and frames positioned '\(vertical)' in their paragraph")
    }
    let margins = Box(
      top: Units.twips(g["fo:margin-top"]) ?? 0, bottom: Units.twips(g["fo:margin-bottom"]) ?? 0,
      left: Units.twips(g["fo:margin-left"]) ?? 0, right: Units.twips(g["fo:margin-right"]) ?? 0)
    return FrameNode(
      image: image, width: width, height: height, horizontal: g["style:horizontal-pos"] ?? "from-left",
      x: Units.twips(f["svg:x"]) ?? 0, y: vertical == "from-top" ? Units.twips(f["svg:y"]) ?? 0 : 0, fromTop: vertical == "from-top",
      margins: margins,
      runThrough: wrap == "run-through", wrap: side, wrapsAnchorOnly: g["style:number-wrapped-paragraphs"] == "1",
      inBackground: g["style:run-through"] == "background")
  }

  /// A text frame: in the line like a picture when anchored as a character; at its paragraph's top
  /// when anchored to the paragraph or a character. Other anchors are refused by name.
  func textFrame(_ f: XMLElement, box: XMLElement, sheet: StyleSheet, props: TextProps, into node: ParagraphNode) throws(LayoutError) {
    let anchor = f["text:anchor-type"] ?? "paragraph"
    guard ["as-char", "paragraph", "char"].contains(anchor) else {
      throw .unsupported("text frames anchored to the \(anchor) (draw:text-box; anchor them to the paragraph or as a character)")
    }
    let g = try textFrameProperties(f, sheet: sheet)
    guard let width = Units.twips(f["svg:width"]) ?? Units.twips(box["fo:min-width"]) else {
      throw .unsupported("text frames whose width follows their content (draw:text-box without svg:width)")
    }
    if let shadow = g["style:shadow"], shadow != "none" { throw .unsupported("shadows behind text frames") }
    if let mode = g["style:writing-mode"], !["lr-tb", "page", "lr"].contains(mode) {
      throw .unsupported("the writing mode '\(mode)' in a text frame")
    }
    let t = TextBoxNode()
    t.width = width
    t.minHeight = Units.twips(box["fo:min-height"]) ?? 0
    if box["fo:min-height"] == nil { t.fixedHeight = Units.twips(f["svg:height"]) }
    t.borders = try Borders.read(g)
    // The background, from the frame's style and its parents (not the default graphic style, whose
    // fill is for drawing shapes): the most specific setting wins, fo:background-color or draw:fill.
    var fillColor: String?
    for style in sheet.chain(family: "graphic", name: f["draw:style-name"]) where style.element.name != "style:default-style" {
      guard let p = style.properties["style:graphic-properties"] else { continue }
      if let c = p["draw:fill-color"] { fillColor = c }
      if let c = p["fo:background-color"] { t.background = c == "transparent" ? nil : Units.color(c) }
      switch p["draw:fill"] {
      case "solid": t.background = (p["draw:fill-color"] ?? fillColor).flatMap(Units.color)
      case "none": t.background = nil
      case let other?: throw .unsupported("text frames filled with a \(other)")
      case nil: break
      }
    }
    t.verticalAlign = g["draw:textarea-vertical-align"] ?? "top"
    textBoxDepth += 1
    defer { textBoxDepth -= 1 }
    t.blocks = try blocks(in: box, sheet: sheet)
    if anchor == "as-char" {
      // Placed "from-top" (Word's forms), LibreOffice stands its top svg:y below the baseline,
      // making the line that much taller (measured).
      if g["style:vertical-pos"] == "from-top" { t.belowBaseline = Units.twips(f["svg:y"] ?? g["svg:y"]) ?? 0 }
      node.inlines.append(.textBox(t, props))
    } else {
      var frame = try anchoredFrame(f, g, image: ImageData(name: "text frame", bytes: []), width: width, height: t.fixedHeight ?? t.minHeight)
      frame.textBox = t
      node.frames.append(frame)
    }
  }

  /// LibreOffice's own "Frame" style (as it writes it when saving): what a text frame gets where the
  /// document's styles do not reach a style of their own.
  static let builtInFrameStyle = [
    "fo:margin-left": "0.201cm", "fo:margin-right": "0.201cm", "fo:margin-top": "0.201cm", "fo:margin-bottom": "0.201cm",
    "style:wrap": "parallel", "style:number-wrapped-paragraphs": "no-limit", "style:vertical-pos": "top",
    "style:vertical-rel": "paragraph-content", "style:horizontal-pos": "center", "style:horizontal-rel": "paragraph-content",
    "fo:padding": "0.15cm", "fo:border": "0.06pt solid #000000",
  ]

  /// A text frame's graphic properties. LibreOffice puts its built-in "Frame" style under a frame
  /// with no style, or whose style's parent is missing (measured: border, padding, centred, parallel
  /// wrap); a style without a parent gets the drawing shapes' defaults instead (a filled box), which
  /// is not drawn here.
  func textFrameProperties(_ f: XMLElement, sheet: StyleSheet) throws(LayoutError) -> [String: String] {
    let name = f["draw:style-name"]
    let chain = sheet.chain(family: "graphic", name: name).filter { $0.element.name != "style:default-style" }
    let merged = sheet.merged("style:graphic-properties", family: "graphic", name: name)
    guard let root = chain.first else { return Self.builtInFrameStyle.merging(merged) { _, own in own } }
    if root.parent == nil && root.automatic { throw .unsupported("text frames whose style has no parent style (LibreOffice fills them as drawing shapes)") }
    guard let parent = root.parent, sheet.style(family: "graphic", name: parent) == nil else { return merged }
    return Self.builtInFrameStyle.merging(merged) { _, own in own }
  }

  // MARK: - Lists

  // Lists as LibreOffice's XMLTextListsHelper keeps them: each list processed (by id) with its style
  // and the list it continues; the last list processed; the last and the first list of each style.
  private var processed: [String: (style: String, continues: String)] = [:]
  private var lastProcessed: (id: String, style: String)? = nil
  private var lastIDOfStyle: [String: String] = [:]
  private var firstListOfStyle: [String: String] = [:]
  private var madeUpLists = 0
  /// The numbers of the last labelled paragraph at each level (nil: none yet), per list.
  private var listCounters: [String: [Int?]] = [:]
  /// Per list: the style of its first labelled paragraph, and the number it showed last (at any
  /// level), for consecutive numbering.
  private var listRootStyle: [String: String] = [:]
  private var listLastAny: [String: Int] = [:]
  /// Levels of list styles LibreOffice overwrites with its default bullet (SvxXMLListStyleContext::
  /// SetDefaultStyle): a list nested, at that depth, in a list that has no style (or one that does not
  /// exist). The style is shared, so the change shows wherever it is used at that level.
  private var defaultedLevels: [String: Set<Int>] = [:]
  private static let defaultStyleName = "\u{0}default"

  private func findDefaultedLevels(_ e: XMLElement, style: String?, setDefaults: Bool, level: Int) {
    for c in e.elements {
      if c.name == "text:list" {
        var st = style
        var sd = setDefaults
        if let own = c["text:style-name"], own != style, content.listStyle(own) != nil { st = own }
        if st == nil || content.listStyle(st!) == nil { sd = true; st = nil }
        if sd, let st { defaultedLevels[st, default: []].insert(level + 1) }
        findDefaultedLevels(c, style: st, setDefaults: sd, level: level + 1)
      } else {
        findDefaultedLevels(c, style: style, setDefaults: setDefaults, level: level)
      }
    }
  }

  /// Which list an outermost text:list belongs to, and whether it restarts the numbering, as
  /// LibreOffice decides: the list is its xml:id (OpenOffice.org 2 files without one: one list per
  /// style, restarted unless it continues); text:continue-numbering continues the last list
  /// processed when it has the same style (in Microsoft Office's files, the last list of the style);
  /// text:continue-list joins the list it names, down the chain; the first list of a style is that
  /// style's default list.
  private func listID(_ e: XMLElement, style: String) -> (String, Bool) {
    var id = e["xml:id"] ?? ""
    let cn = e["text:continue-numbering"]
    var restart = cn != nil && cn != "true"
    var cont = e["text:continue-list"] ?? ""
    if id.isEmpty {
      if writtenByOpenOffice2 {
        id = "\u{0}style:" + style
        if cn == nil && processed[id] != nil { restart = true }
      } else {
        madeUpLists += 1
        id = "\u{0}list\(madeUpLists)"
      }
    }
    if cn != nil && !restart && cont.isEmpty, let last = lastProcessed, last.style == style, last.id != id { cont = last.id }
    if cont.isEmpty && cn == "true" && writtenByMSO, let last = lastIDOfStyle[style] { cont = last }
    if !cont.isEmpty {
      if processed[cont] == nil { cont = "" } else {
        var seen: Set<String> = []
        while let next = processed[cont]?.continues, !next.isEmpty, seen.insert(cont).inserted { cont = next }
      }
    }
    if processed[id] == nil {
      processed[id] = (style, cont)
      lastProcessed = (id, style)
      lastIDOfStyle[style] = id
      if firstListOfStyle[style] == nil { firstListOfStyle[style] = id }
    }
    // GetListIdForListBlock: the first list of a style is the style's default list.
    var result = cont.isEmpty ? id : cont
    if let st = processed[result]?.style, firstListOfStyle[st] == result { result = "\u{0}style:" + st }
    return (result, restart)
  }

  /// A list's paragraphs. Only paragraphs are numbered (LibreOffice's list tree): an item holding
  /// nothing but a sublist uses no number, and its sublist goes on under the last item at that
  /// level. The first paragraph of an item is labelled (not one after a sublist in the item);
  /// levels above it that have no item yet take their start value, as LibreOffice's placeholder
  /// nodes do. `restartIn`: the numbering starts again (text:continue-numbering="false", or a second
  /// sublist in one item).
  func list(
    _ e: XMLElement, sheet: StyleSheet, level: Int, inheritedStyle: String?, inList: String? = nil, restartIn: Bool = false
  ) throws(LayoutError) -> [Block] {
    // A style that does not exist keeps the parent's rules; no rules at all: LibreOffice's default
    // bullets (never the paragraph style's list style).
    var styleName = e["text:style-name"] ?? inheritedStyle
    if let own = e["text:style-name"], sheet.listStyle(own) == nil { styleName = inheritedStyle }
    if styleName == nil { styleName = Self.defaultStyleName }
    // Nested lists belong to their outermost list.
    var restart = restartIn
    let key: String
    if let inList {
      key = inList
      if let cn = e["text:continue-numbering"] { restart = cn != "true" }
    } else {
      let (k, r) = listID(e, style: styleName ?? "")
      key = k
      restart = r
    }
    var out: [Block] = []
    for item in e.elements {
      guard item.name == "text:list-item" || item.name == "text:list-header" else {
        if item.name == "text:soft-page-break" { continue }
        throw .unsupported("the element <\(item.name)> in a list")
      }
      var first = true
      var subLists = 0
      for child in item.elements {
        switch child.name {
        case "text:h" where headingLeavesList(child, sheet: sheet):
          let p = try paragraph(child, sheet: sheet)
          try applyOutline(to: p, heading: child, sheet: sheet)
          out.append(.paragraph(p))
          first = false
        case "text:p", "text:h":
          let p = try paragraph(child, sheet: sheet)
          // An item's text:style-override rules its own paragraphs (not its sublists).
          var name = styleName
          if let o = item["text:style-override"], sheet.listStyle(o) != nil { name = o }
          let labelled = first && item.name == "text:list-item"
          var counters: [Int] = []
          if labelled {
            var known = listCounters[key] ?? []
            while known.count < level { known.append(nil) }
            known = Array(known.prefix(level))
            for l in 0..<(level - 1) where known[l] == nil { known[l] = startValue(name, level: l + 1, sheet: sheet) }
            // LibreOffice drops a start value outside 0…32767 (a short).
            if let start = item["text:start-value"].flatMap({ Int($0) }), (0...32767).contains(start) {
              known[level - 1] = start
            } else if restart {
              known[level - 1] = startValue(name, level: level, sheet: sheet)
            } else if let rule = level == 1 ? listRootStyle[key] : name, sheet.listStyle(rule)?["text:consecutive-numbering"] == "true" {
              // Consecutive numbering: one above the list's last number, whatever its level.
              known[level - 1] = listLastAny[key].map { $0 + 1 } ?? startValue(name, level: level, sheet: sheet)
            } else {
              known[level - 1] = known[level - 1].map { $0 + 1 } ?? startValue(name, level: level, sheet: sheet)
            }
            if listRootStyle[key] == nil { listRootStyle[key] = name ?? "" }
            listLastAny[key] = known[level - 1]
            restart = false
            listCounters[key] = known
            counters = known.map { $0 ?? 1 }
          }
          let hard = child["text:style-name"].flatMap { sheet.style(family: "paragraph", name: $0) }?.setsIndents ?? false
          try applyList(to: p, styleName: name, level: level, counters: counters, label: labelled, hardIndents: hard, sheet: sheet)
          out.append(.paragraph(p))
          first = false
        case "text:list":
          subLists += 1
          out += try list(child, sheet: sheet, level: level + 1, inheritedStyle: styleName, inList: key, restartIn: restart || subLists > 1)
          first = false
        case "text:soft-page-break":
          continue
        default:
          throw .unsupported("the element <\(child.name)> in a list item")
        }
      }
    }
    return out
  }

  /// A heading with an outline level whose style (automatic, and the named one behind it, which
  /// must exist) names no list style anywhere in its chain.
  private func headingLeavesList(_ h: XMLElement, sheet: StyleSheet) -> Bool {
    guard h["text:outline-level"] != nil, let name = h["text:style-name"], let style = sheet.style(family: "paragraph", name: name) else {
      return false
    }
    let named = style.automatic ? style.parent : name
    guard let named, sheet.style(family: "paragraph", name: named) != nil else { return false }
    return !sheet.chain(family: "paragraph", name: name).contains { $0.listStyleName != nil }
  }

  /// A level's first number (text:start-value, 1 by default).
  private func startValue(_ styleName: String?, level: Int, sheet: StyleSheet) -> Int {
    guard let style = styleName.flatMap({ sheet.listStyle($0) }) else { return 1 }
    return style.elements.first { Int($0["text:level"] ?? "1") == level }?["text:start-value"].flatMap { Int($0) } ?? 1
  }

  /// Indents a list paragraph as its list level says and puts the label (bullet or number) in front.
  /// `hardIndents`: the paragraph's own style sets its indents, which then win over the level's.
  func applyList(
    to p: ParagraphNode, styleName: String?, level: Int, counters: [Int], label: Bool, hardIndents: Bool = false, sheet: StyleSheet
  ) throws(LayoutError) {
    let own = styleName.flatMap { sheet.listStyle($0) }
    guard let listStyle = own ?? DocumentBuilder.defaultListStyle else { return }
    // A level the style does not define is numbered "1." with LibreOffice's default indents.
    var levelStyle = listStyle.elements.first { Int($0["text:level"] ?? "1") == level } ?? DocumentBuilder.undefinedLevel(level)
    var builtIn = own == nil
    if let styleName, defaultedLevels[styleName]?.contains(level) == true {
      levelStyle = DocumentBuilder.defaultListStyle?.elements.first { Int($0["text:level"] ?? "1") == level }
      builtIn = true
    }
    guard let levelStyle else { return }
    try applyLevel(levelStyle, to: p, counters: counters, label: label, hardIndents: hardIndents, builtInBullet: builtIn, sheet: sheet)
  }

  static func undefinedLevel(_ level: Int) -> XMLElement? {
    let margin = String(format: "%.3f", 0.635 * Double(level + 1))
    return try? XMLTree.parse(Array((
      "<text:list-level-style-number text:level=\"\(level)\" style:num-format=\"1\" style:num-suffix=\".\">"
        + "<style:list-level-properties text:list-level-position-and-space-mode=\"label-alignment\">"
        + "<style:list-level-label-alignment text:label-followed-by=\"listtab\" text:list-tab-stop-position=\"\(margin)cm\" "
        + "fo:text-indent=\"-0.635cm\" fo:margin-left=\"\(margin)cm\"/></style:list-level-properties></text:list-level-style-number>").utf8))
  }

  /// A list without a list style gets LibreOffice's default: its OpenSymbol bullet (U+F095, drawn as
  /// "•" without OpenSymbol), 0.635 cm further in per level.
  static let defaultListStyle: XMLElement? = {
    let bullets = ["\u{F095}"]
    var xml = "<text:list-style>"
    for level in 1...10 {
      let margin = String(format: "%.3f", 0.635 * Double(level + 1))
      xml += "<text:list-level-style-bullet text:level=\"\(level)\" text:bullet-char=\"\(bullets[(level - 1) % bullets.count])\">"
        + "<style:text-properties style:font-name=\"StarBats\"/>"
        + "<style:list-level-properties text:list-level-position-and-space-mode=\"label-alignment\">"
        + "<style:list-level-label-alignment text:label-followed-by=\"listtab\" text:list-tab-stop-position=\"\(margin)cm\" "
        + "fo:text-indent=\"-0.635cm\" fo:margin-left=\"\(margin)cm\"/></style:list-level-properties></text:list-level-style-bullet>"
    }
    return try? XMLTree.parse(Array((xml + "</text:list-style>").utf8))
  }()

  /// Footnotes numbered through the document, as LibreOffice renumbers them on load: a merged
  /// template may repeat a note, so the citations written in the file are not trusted.
  private var footnoteCount = 0

  private var endnoteCount = 0
  /// Endnotes' paragraphs, in the order of their citations.
  private var endnotes: [Block] = []

  /// A note's number: its own label, else the next in the notes configuration's format (footnotes
  /// 1, 2, 3 and endnotes i, ii, iii unless the document says otherwise).
  private func noteLabel(_ note: XMLElement, config: XMLElement?, endnote: Bool) throws(LayoutError) -> String {
    if let label = note.first("text:note-citation")?["text:label"] { return label }
    if !endnote, let restart = config?["text:start-numbering-at"], restart != "document" {
      throw .unsupported("footnote numbers restarting on each \(restart)")
    }
    let count: Int
    if endnote {
      endnoteCount += 1
      count = endnoteCount
    } else {
      footnoteCount += 1
      count = footnoteCount
    }
    let start = Int(config?["text:start-value"] ?? "") ?? 0
    return (config?["style:num-prefix"] ?? "") + ListNumbering.format(start + count, as: config?["style:num-format"] ?? (endnote ? "i" : "1"))
      + (config?["style:num-suffix"] ?? "")
  }

  /// Heading numbers from the outline style (Tools ▸ Heading Numbering in LibreOffice).
  private var outlineCounters: [Int] = []

  func applyOutline(to p: ParagraphNode, heading: XMLElement, sheet: StyleSheet) throws(LayoutError) {
    let styleLevel = heading["text:style-name"].flatMap { sheet.style(family: "paragraph", name: $0)?.element["style:default-outline-level"] }
    guard let level = Int(heading["text:outline-level"] ?? styleLevel ?? ""), level >= 1,
      let outline = sheet.outlineStyle,
      let levelStyle = outline.elements.first(where: { Int($0["text:level"] ?? "") == level })
    else { return }
    // A level above with no heading yet shows its start value (1), as LibreOffice's placeholder does.
    while outlineCounters.count < level - 1 { outlineCounters.append(1) }
    if outlineCounters.count < level { outlineCounters.append(0) }
    outlineCounters = Array(outlineCounters.prefix(level))
    if let start = heading["text:start-value"].flatMap({ Int($0) }) { outlineCounters[level - 1] = start } else { outlineCounters[level - 1] += 1 }
    // An empty format means no number; LibreOffice then leaves the heading's own indents alone.
    guard let format = levelStyle["style:num-format"], !format.isEmpty, heading["text:is-list-header"] != "true" else { return }
    try applyLevel(levelStyle, to: p, counters: outlineCounters, label: true, sheet: sheet)
  }

  /// `builtInBullet`: the level is LibreOffice's own default (a list without a style).
  func applyLevel(
    _ levelStyle: XMLElement, to p: ParagraphNode, counters: [Int], label: Bool, hardIndents: Bool = false, builtInBullet: Bool = false,
    sheet: StyleSheet
  ) throws(LayoutError) {
    let lp = levelStyle.first("style:list-level-properties")
    var followedBy = "listtab"
    var tabStop: Twips? = nil
    if hardIndents {
      // The paragraph's own indents stand; the label's tab goes to the hanging indent, if any,
      // else to the next tab stop.
      followedBy = lp?.first("style:list-level-label-alignment")?["text:label-followed-by"] ?? "listtab"
      if p.props.textIndent < 0 { tabStop = p.props.marginLeft }
    } else if lp?["text:list-level-position-and-space-mode"] == "label-alignment", let la = lp?.first("style:list-level-label-alignment") {
      p.props.marginLeft = Units.twips(la["fo:margin-left"]) ?? 0
      p.props.textIndent = Units.twips(la["fo:text-indent"]) ?? 0
      followedBy = la["text:label-followed-by"] ?? "listtab"
      tabStop = Units.twips(la["text:list-tab-stop-position"])
    } else {
      // The older model: the label sits at space-before in a box min-label-width wide.
      let before = Units.twips(lp?["text:space-before"]) ?? 0
      let width = Units.twips(lp?["text:min-label-width"]) ?? 0
      p.props.marginLeft = before + width
      p.props.textIndent = -width
      tabStop = before + width
    }
    // A paragraph without a label (an item's second paragraph, a list header) starts at the
    // level's indent: LibreOffice gives it no first-line indent.
    guard label else {
      if !hardIndents { p.props.textIndent = 0 }
      return
    }
    // The label: the paragraph's text, then the level's character style, then its own properties.
    var labelProps = p.base
    if let name = levelStyle["text:style-name"], sheet.style(family: "text", name: name) != nil {
      labelProps = try spanProps(name, over: labelProps, sheet: sheet)
    }
    if let tp = levelStyle.first("style:text-properties") {
      var attrs: [String: String] = [:]
      for a in tp.attributes { attrs[a.name] = a.value }
      try labelProps.apply(attrs, fonts: sheet.fontFamilies)
    }
    let text: String
    var drawAs: String? = nil
    var image: (data: ImageData, width: Twips, height: Twips)? = nil
    var splitLabel: [(text: String, props: TextProps)]? = nil
    switch levelStyle.name {
    case "text:list-level-style-bullet":
      var bullet = levelStyle["text:bullet-char"] ?? "•"
      // As LibreOffice draws a bullet its font lacks: a symbol font it knows (Symbol, Wingdings,
      // StarBats...) is drawn from OpenSymbol through that font's conversion table (unotools'
      // fontcvt), the text staying the original character (a StarBats bullet of the document's
      // own list style reads as what it shows, "•"); else the paragraph's font; else the font
      // fontconfig offers for the character; a private-use character no font has is drawn as "•".
      // (Whether a symbol font is installed is asked without counting it as a stand-in: when it is
      // not, OpenSymbol draws, and no other font stands in for it.)
      let symbolFontMissing = SymbolFonts.isKnown(labelProps.fontName)
        && installedFamily(labelProps)?.lowercased() != labelProps.fontName.lowercased()
      if symbolFontMissing || !fontsHave(labelProps, bullet), let u = bullet.unicodeScalars.first, bullet.unicodeScalars.count == 1,
        let mapped = SymbolFonts.openSymbol(for: u.value, in: labelProps.fontName)
      {
        var openSymbol = labelProps
        openSymbol.fontName = "OpenSymbol"
        if fontsHave(openSymbol, mapped) {
          let converts = labelProps.fontName.lowercased() == "starbats" && !builtInBullet
          labelProps = openSymbol
          if converts { bullet = mapped } else { drawAs = mapped }
        }
      }
      if drawAs == nil && !fontsHave(labelProps, bullet) {
        labelProps.fontName = p.base.fontName
        if !fontsHave(labelProps, bullet) {
          let privateUse = bullet.unicodeScalars.allSatisfy { (0xE000...0xF8FF).contains($0.value) }
          if !privateUse, let u = bullet.unicodeScalars.first, let family = fallbackFamily(labelProps, u.value) {
            labelProps.fontName = family
          }
          // A private-use character no font has shows the font's empty box (LibreOffice draws its
          // .notdef glyph, at its width); its own default bullet is drawn as "•".
          if !fontsHave(labelProps, bullet) && (!privateUse || bullet == "\u{F095}") { drawAs = "•" }
        }
      }
      text = bullet
    case "text:list-level-style-number", "text:outline-level-style":
      let format = levelStyle["style:num-format"] ?? "1"
      let shown = max(1, Int(levelStyle["text:display-levels"] ?? "1") ?? 1)
      let numbers = counters.suffix(shown).map { ListNumbering.format($0, as: format) }
      let body = format.isEmpty ? "" : numbers.joined(separator: ".")
      text = (levelStyle["style:num-prefix"] ?? "") + body + (levelStyle["style:num-suffix"] ?? "")
      // A number in a symbol font (a character style made for bullets): its digits and letters
      // come from the paragraph's font, as LibreOffice's glyph fallback gives them; where the font
      // has some of the label's characters (OpenSymbol has digits and punctuation, not letters),
      // those stay in it and the others come from the font fontconfig offers for them.
      if !fontsHave(labelProps, text) {
        var pieces: [(text: String, props: TextProps)] = []
        for u in text.unicodeScalars {
          var props = labelProps
          if !fontsHave(labelProps, String(u)) {
            props.fontName = fallbackFamily(labelProps, u.value) ?? p.base.fontName
            props.standsIn = true
          }
          if let last = pieces.last, last.props == props {
            pieces[pieces.count - 1].text.unicodeScalars.append(u)
          } else {
            pieces.append((String(u), props))
          }
        }
        if pieces.contains(where: { $0.props.fontName == labelProps.fontName }) {
          splitLabel = pieces
        } else {
          labelProps.fontName = p.base.fontName
        }
      }
    case "text:list-level-style-image":
      // A picture as the bullet, at the size the level gives it (LibreOffice's default 0.2 in when
      // it gives none), standing on the baseline like a picture anchored as a character.
      let props = levelStyle.first("style:list-level-properties")
      let side = Units.twips("0.2in") ?? 288
      image = (try picture(levelStyle["xlink:href"] ?? ""), Units.twips(props?["fo:width"]) ?? side, Units.twips(props?["fo:height"]) ?? side)
      text = ""
    default:
      throw .unsupported("the list level <\(levelStyle.name)>")
    }
    var prefix: [Inline]
    if let image {
      prefix = [.image(image.data, width: image.width, height: image.height, drop: 0, labelProps)]
    } else {
      guard !text.isEmpty else { return }
      prefix = splitLabel?.map { .text($0.text, $0.props) } ?? [drawAs.map { .symbol(text, drawnAs: $0, labelProps) } ?? .text(text, labelProps)]
    }
    switch followedBy {
    case "listtab":
      if let stop = tabStop {
        p.props.tabStops.insert(TabStop(position: p.props.tabPosition(fromIndent: stop - p.props.marginLeft), kind: .left, leader: nil), at: 0)
      }
      prefix.append(.tab(p.base, breaks: false))
    case "space": prefix.append(.text(" ", p.base))
    default: break
    }
    p.prepend(prefix)
    p.labelCount = prefix.count
  }

  /// Set by the layout: whether a font for these properties has every character of `text`.
  var fontsHave: (TextProps, String) -> Bool = { _, _ in true }
  /// Set by the layout: the family a font request gets (not counted as a stand-in).
  var installedFamily: (TextProps) -> String? = { $0.fontName }
  /// Set by the layout: the family of the installed font fontconfig offers for a character the
  /// properties' font lacks.
  var fallbackFamily: (TextProps, UInt32) -> String? = { _, _ in nil }

  // MARK: - Tables

  func table(_ e: XMLElement, sheet: StyleSheet, inBody: Bool = false) throws(LayoutError) -> TableNode {
    let node = TableNode()
    node.props.addsSpacing = compatibility.addsParagraphSpacing
    let tableStyle = e["table:style-name"]
    let tp = sheet.merged("style:table-properties", family: "table", name: tableStyle)
    node.props.width = Units.twips(tp["style:width"])
    // LibreOffice keeps the whole percent only (100.5 % is 100 %).
    if let rel = tp["style:rel-width"], rel.hasSuffix("%"), let percent = Double(rel.dropLast()), percent > 0, percent <= 1000 {
      node.props.relativeWidth = Int(percent)
    }
    node.props.align = tp["table:align"] ?? "margins"
    node.props.marginLeft = Units.twips(tp["fo:margin-left"]) ?? 0
    node.props.marginRight = Units.twips(tp["fo:margin-right"]) ?? 0
    node.props.marginTop = Units.twips(tp["fo:margin-top"]) ?? 0
    node.props.marginBottom = Units.twips(tp["fo:margin-bottom"]) ?? 0
    node.props.breakBefore = tp["fo:break-before"] == "page"
    node.props.keepWithNext = tp["fo:keep-with-next"] == "always"
    node.props.mayBreakBetweenRows = tp["style:may-break-between-rows"] != "false"
    node.props.pageNumber = tp["style:page-number"].flatMap { Int($0) }
    node.props.background = tp["fo:background-color"].flatMap(Units.color)
    if let shadow = tp["style:shadow"], shadow != "none" { throw .unsupported("table shadows") }
    if let m = tp["style:writing-mode"], !["lr-tb", "page", "lr"].contains(m) { throw .unsupported("the writing mode '\(m)' in a table") }
    if let tableStyle { node.masterPage = sheet.style(family: "table", name: tableStyle)?.masterPageName }
    // Borders take room (content inset by border and padding, each row holding its bottom border)
    // unless the table's style, or the default table style, says "collapsing" (LibreOffice 7.4).
    node.props.collapsing = tp["table:border-model"].map { $0 == "collapsing" } ?? defaultCollapsing

    var widths: [Twips] = []
    var relative: [Int] = []
    func addColumns(_ container: XMLElement) throws(LayoutError) {
      for c in container.all("table:table-column") {
        let repeatCount = try repeats(c, "table:number-columns-repeated", Limits.repeatedColumns)
        let cp = sheet.merged("style:table-column-properties", family: "table-column", name: c["table:style-name"])
        for _ in 0..<repeatCount {
          widths.append(Units.twips(cp["style:column-width"]) ?? 0)
          relative.append(Int((cp["style:rel-column-width"] ?? "").trimmingCharacters(in: "*")) ?? 0)
        }
      }
    }
    for child in e.elements {
      switch child.name {
      case "table:table-column": continue
      case "table:table-columns", "table:table-header-columns", "table:table-column-group": try addColumns(child)
      default: continue
      }
    }
    try addColumns(e)
    node.columnWidths = widths
    if relative.allSatisfy({ $0 > 0 }) && !relative.isEmpty { node.relativeWidths = relative }

    func addRows(_ container: XMLElement, header: Bool) throws(LayoutError) {
      for r in container.elements {
        switch r.name {
        case "table:table-row":
          // LibreOffice's Writer reads a row once, however many times it says it repeats (tested
          // with 7.4); the count is still bounded like any other.
          _ = try repeats(r, "table:number-rows-repeated", Limits.repeatedRows)
          do {
            node.rows.append(try row(r, sheet: sheet))
            if header { node.headerRowCount += 1 }
            if inBody, let tell = bodyRowRead { tell(node.rows[node.rows.count - 1], node, firstBodyMaster ?? node.masterPage) }
          }
        case "table:table-header-rows": try addRows(r, header: true)
        case "table:table-rows", "table:table-row-group": try addRows(r, header: header)
        case "table:table-column", "table:table-columns", "table:table-header-columns", "table:table-column-group",
          "text:soft-page-break", "office:forms":
          continue
        case "table:table-source", "table:title", "table:desc": continue
        default: throw .unsupported("the element <\(r.name)> in a table")
        }
      }
    }
    try addRows(e, header: false)
    if node.columnWidths.isEmpty { throw .badDocument("a table has no columns") }
    return node
  }

  /// How many times a table row, column or cell repeats: at least once, at most `limit`.
  func repeats(_ e: XMLElement, _ attribute: String, _ limit: Int) throws(LayoutError) -> Int {
    guard let text = e[attribute] else { return 1 }
    let n = Int(text) ?? 1
    guard n <= limit else {
      throw .badDocument("\(attribute)=\"\(text)\" asks for more than \(limit), more than baocao lays out in a text document")
    }
    return max(1, n)
  }

  func row(_ r: XMLElement, sheet: StyleSheet) throws(LayoutError) -> RowNode {
    let node = RowNode()
    let rp = sheet.merged("style:table-row-properties", family: "table-row", name: r["table:style-name"])
    node.minHeight = Units.twips(rp["style:min-row-height"]) ?? 0
    node.fixedHeight = Units.twips(rp["style:row-height"])
    node.keepTogether = rp["fo:keep-together"] == "always"
    // The row's background shows through every cell that has none of its own.
    let rowBackground = rp["fo:background-color"].flatMap { $0 == "transparent" ? nil : Units.color($0) }
    for c in r.elements {
      guard c.name == "table:table-cell" || c.name == "table:covered-table-cell" else {
        if c.name == "text:soft-page-break" { continue }
        throw .unsupported("the element <\(c.name)> in a table row")
      }
      let repeatCount = try repeats(c, "table:number-columns-repeated", Limits.repeatedColumns)
      tableCells += repeatCount
      guard tableCells <= Limits.tableCells else {
        throw .badDocument("the document's tables hold more than \(Limits.tableCells) cells, more than baocao lays out")
      }
      for _ in 0..<repeatCount {
        let cell = CellNode()
        cell.covered = c.name == "table:covered-table-cell"
        cell.columnSpan = Int(c["table:number-columns-spanned"] ?? "1") ?? 1
        cell.rowSpan = Int(c["table:number-rows-spanned"] ?? "1") ?? 1
        let look = try cellLook(c["table:style-name"], sheet: sheet)
        cell.borders = look.borders
        cell.background = look.background ?? rowBackground
        cell.verticalAlign = look.verticalAlign
        if !cell.covered {
          if let value = formattedValue(of: c, sheet: sheet) { cellValueText[value.paragraph.identity] = value.text }
          cell.blocks = try blocks(in: c, sheet: sheet)
          // LibreOffice gives a cell without content one empty paragraph.
          if cell.blocks.isEmpty { cell.blocks = [.paragraph(try emptyParagraph(style: nil, sheet: sheet))] }
        }
        node.cells.append(cell)
      }
    }
    return node
  }

  struct CellLook {
    var borders: Borders
    var background: RGB?
    var verticalAlign: String
  }
  private var cellLooks: [StyleKey: CellLook] = [:]
  /// Table cells made so far, against Limits.tableCells.
  private var tableCells = 0

  func cellLook(_ name: String?, sheet: StyleSheet) throws(LayoutError) -> CellLook {
    let key = StyleKey(sheet: ObjectIdentifier(sheet), name: name ?? "")
    if let look = cellLooks[key] { return look }
    let cp = sheet.merged("style:table-cell-properties", family: "table-cell", name: name)
    if let r = cp["style:rotation-angle"], r != "0", r != "0deg" { throw .unsupported("rotated text in table cells") }
    if cp["style:direction"] == "ttb" { throw .unsupported("stacked text in table cells") }
    if let shadow = cp["style:shadow"], shadow != "none" { throw .unsupported("table cell shadows") }
    if let m = cp["style:writing-mode"], !["lr-tb", "page", "lr"].contains(m) { throw .unsupported("the writing mode '\(m)' in a table cell") }
    let look = CellLook(
      borders: try Borders.read(cp), background: cp["fo:background-color"].flatMap { $0 == "transparent" ? nil : Units.color($0) },
      verticalAlign: cp["style:vertical-align"] ?? "top")
    cellLooks[key] = look
    return look
  }

  // MARK: - Meta

  static func info(_ meta: [UInt8]?) -> DocumentInfo {
    guard let meta, let root = try? XMLTree.parse(meta), let m = root.first("office:meta") else { return DocumentInfo() }
    func text(_ n: String) -> String? {
      let t = m.first(n)?.textContent
      return (t?.isEmpty ?? true) ? nil : t
    }
    var info = DocumentInfo(title: text("dc:title"), subject: text("dc:subject"),
      author: text("dc:creator") ?? text("meta:initial-creator"), keywords: m.all("meta:keyword").map(\.textContent).joined(separator: ", ").nilIfEmpty)
    info.created = text("meta:creation-date")
    info.modified = text("dc:date")
    info.language = text("dc:language")
    for p in m.all("meta:user-defined") {
      guard let name = p["meta:name"], !name.isEmpty, !p.textContent.isEmpty else { continue }
      info.properties.append(.init(name: name, value: p.textContent))
    }
    return info
  }
}

extension String {
  var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// The settings.xml items that change how LibreOffice lays a document out; each keeps LibreOffice's
/// own default where the file does not say (a document with settings always names these).
struct CompatibilitySettings {
  /// The font's line gap is added above each line (Word's documents say false).
  var addExternalLeading = true
  /// Tab stops are measured from the paragraph's indent, not from its frame's left edge.
  var tabsRelativeToIndent = true
  /// Tracked changes are shown (ShowRedlineChanges).
  var showsChanges = true
  /// Justified lines ended by a manual line break are justified (DoNotJustifyLinesWithManualBreak false).
  var justifiesManualBreaks = true
  /// Paragraphs' spaces below and above add up (AddParaTableSpacing); else the larger one counts.
  var addsParagraphSpacing = true

  init() {}

  /// Reads the items from settings.xml (or a flat document, whose settings come first) by their
  /// names, without parsing the whole file.
  init(_ whole: [UInt8]) {
    // A flat document's settings come before its styles and body: its first 2 MB are enough.
    let settings = whole.count > 2_000_000 ? Array(whole.prefix(2_000_000)) : whole
    // LibreOffice knows its settings sets by their qualified names (ooo:configuration-settings):
    // without the ooo prefix bound to OpenOffice.org's namespace, it reads none of them.
    guard Self.find(Array("xmlns:ooo=\"http://openoffice.org/2004/office\"".utf8), in: settings) != nil else { return }
    addExternalLeading = Self.flag("AddExternalLeading", in: settings) ?? true
    tabsRelativeToIndent = Self.flag("TabsRelativeToIndent", in: settings) ?? true
    showsChanges = Self.flag("ShowRedlineChanges", in: settings) ?? true
    justifiesManualBreaks = !(Self.flag("DoNotJustifyLinesWithManualBreak", in: settings) ?? false)
    addsParagraphSpacing = Self.flag("AddParaTableSpacing", in: settings) ?? true
  }

  /// The value of `<config:config-item config:name="NAME" …>true|false<`.
  static func flag(_ name: String, in bytes: [UInt8]) -> Bool? {
    guard let at = find(Array("config:name=\"\(name)\"".utf8), in: bytes) else { return nil }
    var j = at
    while j < bytes.count, bytes[j] != UInt8(ascii: ">") { j += 1 }
    j += 1
    var value: [UInt8] = []
    while j < bytes.count, bytes[j] != UInt8(ascii: "<"), value.count < 8 {
      value.append(bytes[j])
      j += 1
    }
    switch String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces) {
    case "true": return true
    case "false": return false
    default: return nil
    }
  }

  /// The index just past the first occurrence of `needle`.
  static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
    guard let first = needle.first, bytes.count >= needle.count else { return nil }
    var k = 0
    while k <= bytes.count - needle.count {
      if bytes[k] == first, bytes[k..<(k + needle.count)].elementsEqual(needle) { return k + needle.count }
      k += 1
    }
    return nil
  }
}
