import Foundation

/// Where LibreOffice would find hyphenation patterns (libhyphen's .dic files, Debian's hyphen-*
/// packages), so that text is hyphenated exactly when LibreOffice would hyphenate it.
enum Hyphenation {
  static let folders = ["/usr/share/hyphen", "/usr/share/hunspell", "/usr/share/myspell/dicts"]

  /// The installed dictionaries' languages, as "en", "en_US"... read once.
  static let installed: Set<String> = {
    var languages = Set<String>()
    for folder in folders {
      for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("hyph_") && name.hasSuffix(".dic") {
        let code = String(name.dropFirst(5).dropLast(4))
        languages.insert(code)
        if let base = code.split(separator: "_").first { languages.insert(String(base)) }
      }
    }
    return languages
  }()

  /// True when a dictionary covers `language` (fo:language, "en"; empty: the document's default,
  /// taken as any installed dictionary's).
  static func hasDictionary(language: String) -> Bool {
    if language.isEmpty || language == "none" { return language.isEmpty && !installed.isEmpty }
    return installed.contains(language) || installed.contains(where: { $0.hasPrefix(language + "_") })
  }
}
