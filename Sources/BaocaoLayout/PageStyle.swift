import BaocaoXML

/// A master page with its page layout: size, margins, header and footer.
struct PageStyle {
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
  var footerMarginLeft: Twips = 0
  var footerMarginRight: Twips = 0
  var nextStyle: String?
  var background: RGB?

  var bodyWidth: Twips { width - marginLeft - marginRight }

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
        if let cols = p.first("style:columns"), let n = Int(cols["fo:column-count"] ?? "1"), n > 1 {
          throw .unsupported("pages with several text columns")
        }
        if let mode = p["style:writing-mode"], mode != "lr-tb", mode != "page" {
          throw .unsupported("the writing mode '\(mode)'")
        }
      }
      if let h = layout.first("style:header-style")?.first("style:header-footer-properties") {
        s.headerMinHeight = Units.twips(h["fo:min-height"]) ?? Units.twips(h["svg:height"]) ?? 0
        s.headerSpacing = Units.twips(h["fo:margin-bottom"]) ?? 0
        s.headerMarginLeft = Units.twips(h["fo:margin-left"]) ?? 0
        s.headerMarginRight = Units.twips(h["fo:margin-right"]) ?? 0
      }
      if let f = layout.first("style:footer-style")?.first("style:header-footer-properties") {
        s.footerMinHeight = Units.twips(f["fo:min-height"]) ?? Units.twips(f["svg:height"]) ?? 0
        s.footerSpacing = Units.twips(f["fo:margin-top"]) ?? 0
        s.footerMarginLeft = Units.twips(f["fo:margin-left"]) ?? 0
        s.footerMarginRight = Units.twips(f["fo:margin-right"]) ?? 0
      }
    }
    for part in ["style:header-left", "style:footer-left", "style:header-first", "style:footer-first"] {
      if let e = master.first(part), e["style:display"] != "false" {
        throw .unsupported("different headers or footers on left, right or first pages (\(part) in the master page '\(name)')")
      }
    }
    if let h = master.first("style:header"), h["style:display"] != "false" {
      s.header = try builder.blocks(in: h, sheet: sheet)
    }
    if let f = master.first("style:footer"), f["style:display"] != "false" {
      s.footer = try builder.blocks(in: f, sheet: sheet)
    }
    return s
  }
}
