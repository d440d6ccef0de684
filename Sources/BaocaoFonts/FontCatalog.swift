import Foundation

/// LibreOffice's own replacements (officecfg's VCL.xcu), asked before fontconfig: families it
/// draws with a font of its own rather than with what fontconfig would give.
enum LibreOfficeReplacements {
  static let table: [String: String] = ["starsymbol": "opensymbol", "star symbol": "opensymbol"]
}

/// The fonts the native renderer may use: the user's folders first, then the fonts shipped with baocao.
/// Fonts are opened lazily, once, and shared by all workers.
public final class FontCatalog: @unchecked Sendable {
  /// Families LibreOffice replaces with metric-compatible ones when the original is not installed.
  /// Families fontconfig replaces with a metric-compatible font (the aliases its packages install,
  /// 30-metric-aliases.conf): the same widths, so lines break as with the original. The shipped
  /// Liberation fonts answer for them without asking fontconfig.
  public static let substitutes: [String: String] = [
    "times new roman": "liberation serif", "times": "liberation serif", "tinos": "liberation serif",
    "thorndale": "liberation serif", "thorndale amt": "liberation serif",
    "arial": "liberation sans", "helvetica": "liberation sans", "arimo": "liberation sans",
    "albany": "liberation sans", "albany amt": "liberation sans",
    "courier new": "liberation mono", "courier": "liberation mono", "cousine": "liberation mono",
    "cumberland": "liberation mono", "cumberland amt": "liberation mono",
  ]
  /// Metric twins that are not shipped: found through fontconfig when their packages are installed.
  static let installedTwins: [String: String] = ["calibri": "carlito", "cambria": "caladea"]

  /// True when `used` has the widths of `requested` (see `substitutes`).
  public static func isMetricTwin(_ requested: String, of used: String) -> Bool {
    let r = requested.lowercased(), u = used.lowercased()
    return substitutes[r] == u || installedTwins[r] == u || LibreOfficeReplacements.table[r] == u
  }

  struct Entry {
    var path: String
    var family: String
    var bold: Bool
    var italic: Bool
    /// Opened on demand from a file fontconfig named (not found scanning the folders).
    var onDemand = false
  }

  public let directories: [String]
  private var entries: [Entry] = []
  private var opened: [String: Font] = [:]
  private let lock = NSLock()

  /// Whether fontconfig is asked for fonts the folders lack (off: only the folders' fonts, for tests).
  let usesSystemFonts: Bool

  /// `userDirectories` come before the shipped fonts, and both before the installed fonts.
  public init(userDirectories: [String] = [], systemFonts: Bool = true) {
    usesSystemFonts = systemFonts
    directories = userDirectories + FontCatalog.shippedDirectories()
    for dir in directories { scan(dir) }
  }

  /// Where baocao's own fonts are: $BAOCAO_FONTS, `share/baocao/fonts` beside an installed binary, or
  /// the `fonts/` folder of the source tree the binary was built in.
  public static func shippedDirectories() -> [String] {
    var dirs: [String] = []
    if let env = ProcessInfo.processInfo.environment["BAOCAO_FONTS"], !env.isEmpty { dirs.append(env) }
    let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    dirs.append(dir.appendingPathComponent("../share/baocao/fonts").standardized.path)
    for _ in 0..<5 {
      dirs.append(dir.appendingPathComponent("fonts").path)
      dir = dir.deletingLastPathComponent()
    }
    // The source tree, for tests and tools run from it.
    var src = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { src = src.deletingLastPathComponent() }
    dirs.append(src.appendingPathComponent("fonts").path)
    var seen = Set<String>()
    return dirs.filter { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("LiberationSerif-Regular.ttf")) && seen.insert($0).inserted }
      .prefix(1).map { $0 }
  }

  private func scan(_ dir: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
    for name in names.sorted() {
      let ext = (name as NSString).pathExtension.lowercased()
      guard ext == "ttf" || ext == "otf" else { continue }
      let path = (dir as NSString).appendingPathComponent(name)
      guard let font = Font(path: path) else { continue }
      entries.append(Entry(path: path, family: font.family.lowercased(), bold: font.bold, italic: font.italic))
      opened[path] = font
    }
  }

  /// The font for a family and style: from the user's folders or the shipped fonts (the family, or
  /// its metric twin), else the installed font fontconfig gives, as LibreOffice does on Linux; nil
  /// when there is none. A missing bold or italic face falls back to the family's closest face.
  /// `monospace`: the document declares the family fixed-pitch; LibreOffice then asks fontconfig
  /// for a monospaced font of that name, which keeps the strong metric aliases (Courier New →
  /// Liberation Mono, Times New Roman → Liberation Serif) and gives DejaVu Sans Mono for the rest
  /// (Courier, Cumberland, Lucida Sans Typewriter...).
  public func font(family: String, bold: Bool, italic: Bool, monospace: Bool = false) -> Font? {
    let wanted = LibreOfficeReplacements.table[family.lowercased()] ?? family.lowercased()
    lock.lock()
    defer { lock.unlock() }
    if face(of: wanted, bold: bold, italic: italic) == nil, monospace, usesSystemFonts {
      if let f = systemFont(family: wanted, bold: bold, italic: italic, monospace: true) { return f }
    }
    for name in [wanted, FontCatalog.substitutes[wanted]].compactMap({ $0 }) {
      if let f = face(of: name, bold: bold, italic: italic) { return f }
    }
    return systemFont(family: wanted, bold: bold, italic: italic)
  }

  /// The family of the installed font fontconfig offers for a character that `family` lacks (as
  /// LibreOffice's glyph fallback finds one); nil when none has it.
  public func fallbackFamily(for scalar: UInt32, near family: String, bold: Bool, italic: Bool) -> String? {
    guard usesSystemFonts else { return nil }
    let key = FallbackKey(scalar: scalar, family: family.lowercased(), bold: bold, italic: italic)
    lock.lock()
    if let known = fallbacks[key] {
      lock.unlock()
      return known
    }
    lock.unlock()
    let match = SystemFonts.match(family: family, bold: bold, italic: italic, covering: scalar)
    lock.lock()
    defer { lock.unlock() }
    let found = match.flatMap { openFile($0.path) }.flatMap { $0.covers(scalar) ? $0.family : nil }
    fallbacks[key] = found
    return found
  }

  private struct FallbackKey: Hashable {
    var scalar: UInt32
    var family: String
    var bold: Bool
    var italic: Bool
  }
  /// fontconfig's fallbacks asked for so far (nil: none has the character).
  private var fallbacks: [FallbackKey: String?] = [:]

  /// The TrueType font in a file fontconfig gave, opened once and added to the catalog; nil for a
  /// font with other outlines (the PDF embeds TrueType outlines, FontFile2). Called with the lock held.
  private func openFile(_ path: String) -> Font? {
    if let f = opened[path] { return f.isTrueType ? f : nil }
    guard let f = Font(path: path), f.isTrueType else { return nil }
    opened[path] = f
    entries.append(Entry(path: path, family: f.family.lowercased(), bold: f.bold, italic: f.italic, onDemand: true))
    return f
  }

  /// The best face of a family in the catalog. Faces opened on demand count only in their own style:
  /// which of them were opened depends on the order fonts were asked for (both cores ask), so a
  /// closest face is chosen among the folders' fonts alone, or left to fontconfig. Called with the
  /// lock held.
  private func face(of family: String, bold: Bool, italic: Bool) -> Font? {
    var faces = entries.filter { $0.family == family }
    if let exact = faces.first(where: { $0.bold == bold && $0.italic == italic }) { return opened[exact.path] }
    faces.removeAll(where: \.onDemand)
    guard !faces.isEmpty else { return nil }
    let best = faces.first { $0.bold == bold && $0.italic == italic }
      ?? faces.first { $0.bold == bold } ?? faces.first { !$0.bold && !$0.italic } ?? faces[0]
    return opened[best.path]
  }

  private struct StyleKey: Hashable {
    var family: String
    var bold: Bool
    var italic: Bool
    var monospace: Bool
  }
  /// fontconfig's answers, nil where it has none that can be embedded.
  private var systemFonts: [StyleKey: Font?] = [:]

  /// The installed font fontconfig gives for a family. The family it names is taken from the
  /// catalog when the catalog has it (the shipped Liberation fonts are those LibreOffice gets too).
  /// Called with the lock held.
  private func systemFont(family: String, bold: Bool, italic: Bool, monospace: Bool = false) -> Font? {
    guard usesSystemFonts else { return nil }
    let key = StyleKey(family: family.lowercased(), bold: bold, italic: italic, monospace: monospace)
    if let known = systemFonts[key] { return known }
    var found: Font? = nil
    if let match = SystemFonts.match(family: family, bold: bold, italic: italic, monospace: monospace) {
      // The catalog's own face of that family when it has this very style (the shipped Liberation
      // fonts); else the file fontconfig gives (not another style of the family opened before).
      let family = match.family.lowercased()
      if let e = entries.first(where: { $0.family == family && $0.bold == bold && $0.italic == italic }), let f = opened[e.path] {
        found = f
      } else if let f = openFile(match.path) {
        found = f
      }
    }
    systemFonts[key] = found
    return found
  }

  public var families: [String] {
    lock.lock()
    defer { lock.unlock() }
    return Array(Set(entries.map(\.family))).sorted()
  }

  /// Word shapers lent to one document at a time and given back after it: a shaper keeps the words it
  /// has shaped for the documents after (a batch's reports share most of their words), as
  /// LibreOffice keeps shaped text across documents in one process.
  private var idleShapers: [WordShaper] = []

  public func borrowShaper() -> WordShaper {
    lock.lock()
    defer { lock.unlock() }
    return idleShapers.popLast() ?? WordShaper()
  }

  public func giveBack(_ shaper: WordShaper) {
    shaper.limitMemory()
    lock.lock()
    defer { lock.unlock() }
    idleShapers.append(shaper)
  }

  /// Drops every remembered word (for measuring a first document).
  public func forgetShapedWords() {
    lock.lock()
    defer { lock.unlock() }
    idleShapers.removeAll()
  }
}
