import BaocaoXML

/// A master page with its page layout: size, margins, header and footer.
struct PageStyle {
  static let defaultName = "Standard"
  var name: String
  var width: Twips = 11906
  var height: Twips = 16838
  var marginTop: Twips = 1134
  var marginBottom: Twips = 1134
  var marginLeft: Twips = 1134
  var marginRight: Twips = 1134
  var header: [Block]? = nil
  var headerMinHeight: Twips = 0
  var headerSpacing: Twips = 0
  var headerMarginLeft: Twips = 0
  var headerMarginRight: Twips = 0
  var footer: [Block]? = nil
  var footerMinHeight: Twips = 0
  var footerSpacing: Twips = 0
  /// style:dynamic-spacing: the spacing is eaten by content that needs the room, as LibreOffice
  /// does (the frame is then max(min-height, content) tall).
  var headerDynamicSpacing = false
  var footerDynamicSpacing = false
  var footerMarginLeft: Twips = 0
  var footerMarginRight: Twips = 0
  var nextStyle: String?
  var background: RGB?
  /// Other contents for left (even) pages and for the first page of the style, when they differ.
  var headerLeft: [Block]? = nil
  var headerFirst: [Block]? = nil
  var footerLeft: [Block]? = nil
  var footerFirst: [Block]? = nil
  /// Margins swap on left pages (style:page-usage="mirrored").
  var mirrored = false
  /// The line above the footnotes (style:footnote-sep): space before it, its width, space after it,
  /// its length in percent of the body width, its colour.
  var noteSpaceBefore: Twips = 57
  var noteLineWidth: Twips = 10
  var noteSpaceAfter: Twips = 57
  var noteLinePercent = 25
  var noteLineColor = RGB.black

  enum Variant: Hashable { case normal, left, first }

  func header(_ v: Variant) -> [Block]? {
    switch v {
    case .first: return headerFirst ?? header
    case .left: return headerLeft ?? header
    case .normal: return header
    }
  }

  func footer(_ v: Variant) -> [Block]? {
    switch v {
    case .first: return footerFirst ?? footer
    case .left: return footerLeft ?? footer
    case .normal: return footer
    }
  }

  /// The left margin of a page of this style (the right one on mirrored left pages).
  func left(_ isLeftPage: Bool) -> Twips { mirrored && isLeftPage ? marginRight : marginLeft }

  var bodyWidth: Twips { width - marginLeft - marginRight }

  /// Borders and padding that LibreOffice draws around the page, header or footer and insets the
  /// text by: not laid out here, so refused by name rather than silently left out.
  private static func refuseFrame(_ p: XMLElement, _ feature: String) throws(LayoutError) {
    for side in ["", "-top", "-bottom", "-left", "-right"] {
      if try BorderLine.parse(p["fo:border" + side]) != nil { throw .unsupported(feature) }
      if let pad = Units.twips(p["fo:padding" + side]), pad != 0 { throw .unsupported(feature) }
    }
  }

  static func read(name: String, builder: DocumentBuilder) throws(LayoutError) -> PageStyle {
    let sheet = builder.masterSheet
    guard let master = sheet.masterPages[name] else { throw .badDocument("the master page '\(name)' is not defined in styles.xml") }
    var s = PageStyle(name: name)
    s.nextStyle = master["style:next-style-name"]
    if let layoutName = master["style:page-layout-name"], let layout = sheet.pageLayouts[layoutName] {
      if let p = layout.first("style:page-layout-properties") {
        s.width = Units.twips(p["fo:page-width"]) ?? s.width
        s.height = Units.twips(p["fo:page-height"]) ?? s.height
        let m = Units.twips(p["fo:margin"])
        s.marginTop = Units.twips(p["fo:margin-top"]) ?? m ?? s.marginTop
        s.marginBottom = Units.twips(p["fo:margin-bottom"]) ?? m ?? s.marginBottom
        s.marginLeft = Units.twips(p["fo:margin-left"]) ?? m ?? s.marginLeft
        s.marginRight = Units.twips(p["fo:margin-right"]) ?? m ?? s.marginRight
        if let c = p["fo:background-color"], c != "transparent" { s.background = Units.color(c) }
        try refuseFrame(p, "page borders")
        if let grid = p["style:layout-grid-mode"], grid != "none" { throw .unsupported("a text grid on the page") }
        if let cols = p.first("style:columns"), let n = Int(cols["fo:column-count"] ?? "1"), n > 1 {
          throw .unsupported("pages with several text columns")
        }
        if let usage = layout["style:page-usage"] { s.mirrored = usage == "mirrored" }
        if let sep = p.first("style:footnote-sep") {
          s.noteSpaceBefore = Units.twips(sep["style:distance-before-sep"]) ?? s.noteSpaceBefore
          s.noteSpaceAfter = Units.twips(sep["style:distance-after-sep"]) ?? s.noteSpaceAfter
          s.noteLineWidth = sep["style:line-style"] == "none" ? 0 : (Units.twips(sep["style:width"]) ?? s.noteLineWidth)
          s.noteLinePercent = Units.percent(sep["style:rel-width"]) ?? s.noteLinePercent
          s.noteLineColor = Units.color(sep["style:color"]) ?? s.noteLineColor
        }
        if let mode = p["style:writing-mode"], mode != "lr-tb", mode != "page" {
          throw .unsupported("the writing mode '\(mode)'")
        }
      }
      if let h = layout.first("style:header-style")?.first("style:header-footer-properties") {
        try refuseFrame(h, "borders or padding around the header")
        if let c = h["fo:background-color"], c != "transparent" { throw .unsupported("a background behind the header") }
        s.headerMinHeight = Units.twips(h["fo:min-height"]) ?? Units.twips(h["svg:height"]) ?? 0
        s.headerSpacing = Units.twips(h["fo:margin-bottom"]) ?? 0
        s.headerDynamicSpacing = h["style:dynamic-spacing"] == "true"
        s.headerMarginLeft = Units.twips(h["fo:margin-left"]) ?? 0
        s.headerMarginRight = Units.twips(h["fo:margin-right"]) ?? 0
      }
      if let f = layout.first("style:footer-style")?.first("style:header-footer-properties") {
        try refuseFrame(f, "borders or padding around the footer")
        if let c = f["fo:background-color"], c != "transparent" { throw .unsupported("a background behind the footer") }
        s.footerMinHeight = Units.twips(f["fo:min-height"]) ?? Units.twips(f["svg:height"]) ?? 0
        s.footerSpacing = Units.twips(f["fo:margin-top"]) ?? 0
        s.footerDynamicSpacing = f["style:dynamic-spacing"] == "true"
        s.footerMarginLeft = Units.twips(f["fo:margin-left"]) ?? 0
        s.footerMarginRight = Units.twips(f["fo:margin-right"]) ?? 0
      }
    }
    func blocks(_ part: String, displayed: Bool = true) throws(LayoutError) -> [Block]? {
      guard let e = master.first(part), !displayed || e["style:display"] != "false" else { return nil }
      return try builder.blocks(in: e, sheet: sheet)
    }
    s.header = try blocks("style:header")
    s.footer = try blocks("style:footer")
    // Left and first-page variants exist only where the main header or footer does. LibreOffice
    // reads their content even when style:display says false (measured: a footer-first hidden so
    // leaves the first page without the footer's page number).
    if s.header != nil {
      s.headerLeft = try blocks("style:header-left", displayed: false)
      s.headerFirst = try blocks("style:header-first", displayed: false)
    }
    if s.footer != nil {
      s.footerLeft = try blocks("style:footer-left", displayed: false)
      s.footerFirst = try blocks("style:footer-first", displayed: false)
    }
    return s
  }
}
