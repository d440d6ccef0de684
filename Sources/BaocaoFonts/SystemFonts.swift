import CFontconfig
import Foundation

/// The fonts installed on the machine, found as LibreOffice finds them on Linux: through fontconfig,
/// which applies the aliases the font packages install (Liberation for Times New Roman, Arial,
/// Courier New, Thorndale, Albany, Cumberland; Carlito for Calibri; Caladea for Cambria...) and
/// falls back to its default family (DejaVu Sans here) for a family it does not know.
enum SystemFonts {
  struct Match: Hashable {
    var path: String
    var family: String
  }

  private static let lock = NSLock()
  // Used under `lock` only.
  nonisolated(unsafe) private static let config: OpaquePointer? = FcInitLoadConfigAndFonts()

  /// The file fontconfig gives for a family and style; nil without fontconfig's configuration, or
  /// for a font in a collection (.ttc) past its first face.
  /// `covering`: a character the font must have (LibreOffice's glyph fallback asks fontconfig the
  /// same way for a character its font lacks).
  static func match(family: String, bold: Bool, italic: Bool, monospace: Bool = false, covering scalar: UInt32? = nil) -> Match? {
    lock.lock()
    defer { lock.unlock() }
    guard let config, let pattern = FcPatternCreate() else { return nil }
    defer { FcPatternDestroy(pattern) }
    _ = family.withCString { FcPatternAddString(pattern, "family", UnsafeRawPointer($0).assumingMemoryBound(to: FcChar8.self)) }
    _ = FcPatternAddInteger(pattern, "weight", bold ? 200 : 80)  // FC_WEIGHT_BOLD, FC_WEIGHT_REGULAR
    _ = FcPatternAddInteger(pattern, "slant", italic ? 100 : 0)  // FC_SLANT_ITALIC, FC_SLANT_ROMAN
    if monospace { _ = FcPatternAddInteger(pattern, "spacing", 100) }  // FC_MONO
    if let scalar, let set = FcCharSetCreate() {
      defer { FcCharSetDestroy(set) }
      _ = FcCharSetAddChar(set, scalar)
      _ = FcPatternAddCharSet(pattern, "charset", set)
    }
    guard FcConfigSubstitute(config, pattern, FcMatchPattern) != 0 else { return nil }
    FcDefaultSubstitute(pattern)
    var result = FcResultNoMatch
    guard let font = FcFontMatch(config, pattern, &result), result == FcResultMatch else { return nil }
    defer { FcPatternDestroy(font) }
    var file: UnsafeMutablePointer<FcChar8>? = nil
    var name: UnsafeMutablePointer<FcChar8>? = nil
    var index: Int32 = 0
    guard FcPatternGetString(font, "file", 0, &file) == FcResultMatch, let file,
      FcPatternGetString(font, "family", 0, &name) == FcResultMatch, let name
    else { return nil }
    if FcPatternGetInteger(font, "index", 0, &index) == FcResultMatch, index != 0 { return nil }
    return Match(path: String(cString: file), family: String(cString: name))
  }
}
