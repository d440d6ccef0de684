import Foundation

/// The fonts the native renderer may use: the user's folders first, then the fonts shipped with baocao.
/// Fonts are opened lazily, once, and shared by all workers.
public final class FontCatalog: @unchecked Sendable {
  /// Families LibreOffice replaces with metric-compatible ones when the original is not installed.
  public static let substitutes: [String: String] = [
    "times new roman": "liberation serif", "times": "liberation serif", "tinos": "liberation serif",
    "arial": "liberation sans", "helvetica": "liberation sans", "arimo": "liberation sans",
  ]

  struct Entry {
    var path: String
    var family: String
    var bold: Bool
    var italic: Bool
  }

  public let directories: [String]
  private var entries: [Entry] = []
  private var opened: [String: Font] = [:]
  private let lock = NSLock()

  /// `userDirectories` come before the shipped fonts.
  public init(userDirectories: [String] = []) {
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

  /// The font for a family and style, or nil when neither it nor its substitute is available.
  /// A missing bold or italic face falls back to the family's closest face, as LibreOffice does.
  public func font(family: String, bold: Bool, italic: Bool) -> Font? {
    let wanted = family.lowercased()
    for name in [wanted, FontCatalog.substitutes[wanted]].compactMap({ $0 }) {
      let faces = entries.filter { $0.family == name }
      guard !faces.isEmpty else { continue }
      let best = faces.first { $0.bold == bold && $0.italic == italic }
        ?? faces.first { $0.bold == bold } ?? faces.first { !$0.bold && !$0.italic } ?? faces[0]
      lock.lock()
      defer { lock.unlock() }
      return opened[best.path]
    }
    return nil
  }

  public var families: [String] { Array(Set(entries.map(\.family))).sorted() }

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
