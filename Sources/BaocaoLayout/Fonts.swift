import Foundation
import BaocaoFonts

/// Line metrics of a font at a size, in twips, by LibreOffice's rule: ascent, descent and line gap are
/// each rounded to whole pixels of its 8640-dpi layout device (6 pixels per twip), then converted.
struct LineMetrics: Equatable {
  var ascent: Twips
  var descent: Twips
  var height: Twips { ascent + descent }

  init(ascent: Twips, descent: Twips) {
    self.ascent = ascent
    self.descent = descent
  }

  /// `externalLeading`: the document adds the font's line gap (settings.xml's AddExternalLeading).
  init(font: Font, size: Twips, externalLeading: Bool = true) {
    let px = Double(size * 6)
    let upem = Double(font.unitsPerEm)
    let asc = (Double(font.ascender) * px / upem).rounded(.toNearestOrAwayFromZero)
    let desc = (Double(font.descender) * px / upem).rounded(.toNearestOrAwayFromZero)
    let gap = externalLeading ? (Double(font.lineGap) * px / upem).rounded(.toNearestOrAwayFromZero) : 0
    let height = Int(((asc + desc) / 6).rounded(.toNearestOrAwayFromZero)) + Int((gap / 6).rounded(.toNearestOrAwayFromZero))
    // The external leading sits above the ascent (AddExternalLeading).
    let ascent = Int((asc / 6).rounded(.toNearestOrAwayFromZero)) + Int((gap / 6).rounded(.toNearestOrAwayFromZero))
    self.ascent = ascent
    self.descent = height - ascent
  }
}

/// A font the document names, and the one that stood in for it.
public struct FontStandIn: Sendable, Equatable, CustomStringConvertible {
  public var requested: String
  public var used: String
  /// The same widths, so lines break as they would with the font the document names.
  public var metricCompatible: Bool

  public var description: String {
    metricCompatible
      ? "the font '\(requested)' is not installed; its metric twin '\(used)' stands in for it, as in LibreOffice"
      : "the font '\(requested)' is not installed; '\(used)' stands in for it, as in LibreOffice, and lines may break differently from a computer that has '\(requested)' (install it, or add it with --fonts DIR)"
  }
}

/// Warnings of one document's layout, each told once, in the order found (from either core).
public final class LayoutWarnings: @unchecked Sendable {
  private let lock = NSLock()
  private var found: [String] = []

  func add(_ warning: String) {
    lock.lock()
    defer { lock.unlock() }
    if !found.contains(warning) { found.append(warning) }
  }

  var list: [String] {
    lock.lock()
    defer { lock.unlock() }
    return found
  }
}

/// The stand-ins one document's layout used, gathered from the resolvers of both cores.
final class FontStandIns: @unchecked Sendable {
  private let lock = NSLock()
  private var found: [String: FontStandIn] = [:]

  func record(requested: String, font: Font) {
    let used = font.family
    guard requested.lowercased() != used.lowercased() else { return }
    lock.lock()
    defer { lock.unlock() }
    if found[requested] == nil {
      found[requested] = FontStandIn(requested: requested, used: used, metricCompatible: FontCatalog.isMetricTwin(requested, of: used))
    }
  }

  var list: [FontStandIn] {
    lock.lock()
    defer { lock.unlock() }
    return found.values.sorted { $0.requested < $1.requested }
  }
}

/// Resolves text properties to fonts from a catalog, caching per family and style.
final class FontResolver {
  let catalog: FontCatalog
  let standIns: FontStandIns
  /// Borrowed from the catalog for this document: it remembers the words shaped before.
  let shaper: WordShaper
  private var cache: [FontKey: Font] = [:]
  private var metricsCache: [MetricsKey: LineMetrics] = [:]
  /// The document adds fonts' line gaps (set before the first line is measured).
  var addExternalLeading = true

  struct MetricsKey: Hashable {
    var font: ObjectIdentifier
    var size: Twips
  }

  init(catalog: FontCatalog, standIns: FontStandIns) {
    self.catalog = catalog
    self.standIns = standIns
    shaper = catalog.borrowShaper()
  }

  deinit { catalog.giveBack(shaper) }

  private struct FontKey: Hashable {
    var name: String
    var bold: Bool
    var italic: Bool
    var fixedPitch: Bool
  }

  /// The last answers, asked again for nearly every run: comparing is cheaper than hashing.
  private var lastFont: (key: FontKey, font: Font)?
  private var lastMetrics: (key: MetricsKey, metrics: LineMetrics)?

  func font(_ p: TextProps) throws(LayoutError) -> Font {
    let key = FontKey(name: p.fontName, bold: p.bold, italic: p.italic, fixedPitch: p.fixedPitch)
    if let last = lastFont, last.key == key { return last.font }
    if let f = cache[key] {
      lastFont = (key, f)
      return f
    }
    guard let f = catalog.font(family: p.fontName, bold: p.bold, italic: p.italic, monospace: p.fixedPitch) else {
      throw .missingFont(p.fontName)
    }
    standIns.record(requested: p.fontName, font: f)
    cache[key] = f
    lastFont = (key, f)
    return f
  }

  /// The family a request would get, without counting it as a stand-in.
  func family(_ p: TextProps) -> String? {
    catalog.font(family: p.fontName, bold: p.bold, italic: p.italic, monospace: p.fixedPitch)?.family
  }

  func metrics(_ font: Font, size: Twips) -> LineMetrics {
    let key = MetricsKey(font: ObjectIdentifier(font), size: size)
    if let last = lastMetrics, last.key == key { return last.metrics }
    if let m = metricsCache[key] {
      lastMetrics = (key, m)
      return m
    }
    let m = LineMetrics(font: font, size: size, externalLeading: addExternalLeading)
    metricsCache[key] = m
    lastMetrics = (key, m)
    return m
  }
}

/// Symbol fonts LibreOffice draws from OpenSymbol when they are not installed (Word's bullet fonts
/// above all), each character through the font's own conversion, as unotools' font conversion does:
/// the text keeps the original character. Only the characters lists use as bullets are here, each
/// checked against the glyphs in LibreOffice 7.4's PDFs; characters below 0x100 stand for 0xF0xx.
enum SymbolFonts {
  private static let toOpenSymbol: [String: [UInt32: UInt32]] = [
    "symbol": [0xF0B7: 0xE12C, 0xF0A7: 0xE11E, 0xF0D8: 0xE147],
    "wingdings": [
      0xF0D8: 0xE49E, 0xF0FC: 0xE4C2, 0xF0A7: 0xE46F, 0xF076: 0xE441, 0xF0A8: 0xE470, 0xF06C: 0xE437, 0xF071: 0xE43C, 0xF06E: 0xE439,
    ],
    // LibreOffice's default bullet (StarBats 0xF095) is OpenSymbol's "•".
    "starbats": [0xF095: 0x2022],
  ]

  static func isKnown(_ family: String) -> Bool { toOpenSymbol[family.lowercased()] != nil }

  /// What OpenSymbol draws for `scalar` of `family`; nil when the family is not one of these or the
  /// character has no known counterpart.
  static func openSymbol(for scalar: UInt32, in family: String) -> String? {
    guard let table = toOpenSymbol[family.lowercased()] else { return nil }
    let key = scalar < 0x100 ? scalar + 0xF000 : scalar
    return table[key].flatMap(Unicode.Scalar.init).map { String(Character($0)) }
  }
}
