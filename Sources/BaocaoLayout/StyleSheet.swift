import BaocaoXML

/// The styles of a document as written (attribute maps per properties element), resolved through
/// default styles and parent chains. Automatic styles of a part shadow the common styles, so the
/// content and the master pages each get their own sheet.
final class StyleSheet {
  struct Style {
    var name: String
    var family: String
    var parent: String?
    var masterPageName: String?
    var listStyleName: String?
    /// properties element name ("style:text-properties") → its attributes
    var properties: [String: [String: String]]
    var element: XMLElement
    /// An automatic style (its properties are the paragraph's own, "hard" ones in LibreOffice).
    var automatic = false

    /// The paragraph's own indents: an automatic style that sets any of margin-left, margin-right
    /// and text-indent sets all three (LibreOffice's one LR-space item; the missing ones are 0).
    var setsIndents: Bool {
      guard automatic, let p = properties["style:paragraph-properties"] else { return false }
      return p["fo:margin-left"] != nil || p["fo:margin-right"] != nil || p["fo:text-indent"] != nil || p["fo:margin"] != nil
    }
  }

  /// Styles by family and name (a struct key: concatenating the two cost a string per lookup).
  struct Key: Hashable {
    var family: String
    var name: String
  }
  private(set) var common: [Key: Style] = [:]
  private(set) var automatic: [Key: Style] = [:]
  private(set) var defaults: [String: Style] = [:]
  private(set) var listStyles: [String: XMLElement] = [:]
  private(set) var outlineStyle: XMLElement?
  /// Line numbers in the margin (Tools ▸ Line Numbering), which LibreOffice prints.
  private(set) var numbersLines = false
  /// Date and time formats (number:date-style, number:time-style) by name.
  private(set) var dataStyles: [String: XMLElement] = [:]
  /// How footnotes are numbered (text:notes-configuration with note-class footnote).
  private(set) var footnoteConfiguration: XMLElement?
  /// How endnotes are numbered and which page style they start (note-class endnote).
  private(set) var endnoteConfiguration: XMLElement?
  /// A declared font (style:font-face): the family LibreOffice asks for (the first name of
  /// svg:font-family's list: the others are never tried) and whether it is declared fixed-pitch
  /// (LibreOffice then asks fontconfig for a monospaced font).
  struct FontFace: Equatable {
    var family: String
    var fixedPitch = false
  }
  var fontFamilies: [String: FontFace] = [:]
  var pageLayouts: [String: XMLElement] = [:]
  var masterPages: [String: XMLElement] = [:]

  init() {}

  /// A sheet sharing `base`'s common styles, with `automaticStyles` as its own automatic styles.
  func withAutomatic(_ automaticStyles: XMLElement?) -> StyleSheet {
    let s = StyleSheet()
    s.common = common
    s.defaults = defaults
    s.listStyles = listStyles
    s.outlineStyle = outlineStyle
    s.footnoteConfiguration = footnoteConfiguration
    s.endnoteConfiguration = endnoteConfiguration
    s.dataStyles = dataStyles
    s.numbersLines = numbersLines
    s.fontFamilies = fontFamilies
    s.pageLayouts = pageLayouts
    s.masterPages = masterPages
    if let automaticStyles { s.add(automaticStyles, automatic: true) }
    return s
  }

  func addFontFaces(_ decls: XMLElement?) {
    guard let decls else { return }
    for face in decls.all("style:font-face") {
      guard let name = face["style:name"] else { continue }
      let family = Self.firstFamily(face["svg:font-family"] ?? name)
      fontFamilies[name] = FontFace(family: family, fixedPitch: face["style:font-pitch"] == "fixed")
    }
  }

  /// The first family of a CSS-like list ("'Univers LT Std 55', Cambria" → Univers LT Std 55).
  static func firstFamily(_ list: String) -> String {
    var name = ""
    var quote: Character? = nil
    for c in list {
      if let q = quote {
        if c == q { quote = nil } else { name.append(c) }
      } else if c == "'" || c == "\"" {
        quote = c
      } else if c == "," {
        break
      } else {
        name.append(c)
      }
    }
    let trimmed = String(name.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    return trimmed.isEmpty ? list : trimmed
  }

  /// `unlinked`: the named styles keep none of their parents' properties. LibreOffice links a named
  /// style to its parent only when it reads the master styles, so a styles part without
  /// office:master-styles leaves each on the default style alone (measured).
  func add(_ container: XMLElement?, automatic isAutomatic: Bool, unlinked: Bool = false) {
    guard let container else { return }
    for e in container.elements {
      switch e.name {
      case "style:style":
        guard let name = e["style:name"], let family = e["style:family"] else { continue }
        var s = Self.style(e, name: name, family: family)
        s.automatic = isAutomatic
        if unlinked && !isAutomatic { s.parent = nil }
        if isAutomatic { automatic[Key(family: family, name: name)] = s } else { common[Key(family: family, name: name)] = s }
      case "style:default-style":
        guard let family = e["style:family"] else { continue }
        defaults[family] = Self.style(e, name: "", family: family)
      case "text:list-style":
        if let name = e["style:name"] { listStyles[name] = e }
      case "text:outline-style":
        outlineStyle = e
      case "text:linenumbering-configuration":
        numbersLines = e["text:number-lines"] == "true"
      case "number:date-style", "number:time-style", "number:number-style", "number:percentage-style":
        if let name = e["style:name"] { dataStyles[name] = e }
      case "text:notes-configuration":
        if (e["text:note-class"] ?? "footnote") == "footnote" { footnoteConfiguration = e } else if e["text:note-class"] == "endnote" { endnoteConfiguration = e }
      case "style:page-layout":
        if let name = e["style:name"] { pageLayouts[name] = e }
      case "style:master-page":
        if let name = e["style:name"] { masterPages[name] = e }
      default:
        continue
      }
    }
  }

  static func style(_ e: XMLElement, name: String, family: String) -> Style {
    var props: [String: [String: String]] = [:]
    for child in e.elements where child.name.hasSuffix("-properties") {
      let attributes = child.attributes
      var attrs: [String: String] = [:]
      attrs.reserveCapacity(attributes.count)
      for a in attributes { attrs[a.name] = a.value }
      props[child.name] = attrs
    }
    return Style(
      name: name, family: family, parent: e["style:parent-style-name"], masterPageName: e["style:master-page-name"],
      listStyleName: e["style:list-style-name"], properties: props, element: e)
  }

  func listStyle(_ name: String) -> XMLElement? { listStyles[name] }

  func style(family: String, name: String) -> Style? {
    let key = Key(family: family, name: name)
    return automatic[key] ?? common[key]
  }

  /// The chain from the family's default style down to the named style (most general first).
  func chain(family: String, name: String?) -> [Style] {
    var out: [Style] = []
    var seen = Set<String>()
    var current = name
    while let n = current, seen.insert(n).inserted, let s = style(family: family, name: n) {
      out.append(s)
      current = s.parent
    }
    if let d = defaults[family] { out.append(d) }
    return out.reversed()
  }

  /// The attribute maps of one properties element along the chain, most general first.
  func layers(_ properties: String, family: String, name: String?) -> [[String: String]] {
    chain(family: family, name: name).compactMap { $0.properties[properties] }
  }

  private struct MergedKey: Hashable {
    var properties: String
    var family: String
    var name: String?
  }
  private var mergedCache: [MergedKey: [String: String]] = [:]

  /// The merged attributes of one properties element (cached: table cells ask for the same few styles).
  func merged(_ properties: String, family: String, name: String?) -> [String: String] {
    let key = MergedKey(properties: properties, family: family, name: name)
    if let cached = mergedCache[key] { return cached }
    var out: [String: String] = [:]
    for layer in layers(properties, family: family, name: name) { out.merge(layer) { _, new in new } }
    mergedCache[key] = out
    return out
  }
}
