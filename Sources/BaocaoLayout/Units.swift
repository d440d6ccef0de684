/// Lengths are integer twips (1/20 pt), the unit LibreOffice Writer lays out in.
public typealias Twips = Int

public enum Units {
  /// Parses an ODF length ("2cm", "0.5pt", "0.0313in", "10mm", "12px", "1pc") into twips, rounding
  /// half away from zero as LibreOffice's import does. Nil for anything else.
  public static func twips(_ text: String?) -> Twips? {
    guard let text else { return nil }
    let t = text.trimmingCharacters(in: " ")
    let units: [(String, Double)] = [("cm", 1440 / 2.54), ("mm", 144 / 2.54), ("in", 1440), ("pt", 20), ("pc", 240), ("px", 15)]
    for (suffix, factor) in units where t.hasSuffix(suffix) {
      guard let v = Double(t.dropLast(suffix.count)) else { return nil }
      return Int((v * factor).rounded(.toNearestOrAwayFromZero))
    }
    return nil
  }

  /// "120%" → 120.
  public static func percent(_ text: String?) -> Int? {
    guard let text, text.hasSuffix("%"), let v = Double(text.dropLast()) else { return nil }
    return Int(v.rounded())
  }

  /// A colour "#rrggbb" as RGB components in 0...1.
  public static func color(_ text: String?) -> RGB? {
    guard let text, text.hasPrefix("#"), text.count == 7, let v = UInt32(text.dropFirst(), radix: 16) else { return nil }
    return RGB(r: Double(v >> 16 & 0xFF) / 255, g: Double(v >> 8 & 0xFF) / 255, b: Double(v & 0xFF) / 255)
  }
}

public struct RGB: Hashable, Sendable {
  public var r: Double
  public var g: Double
  public var b: Double
  public static let black = RGB(r: 0, g: 0, b: 0)
}

extension String {
  func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s.removeFirst() }
    while s.last == set { s.removeLast() }
    return String(s)
  }
}
