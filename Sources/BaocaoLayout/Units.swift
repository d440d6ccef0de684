/// Lengths are integer twips (1/20 pt), the unit LibreOffice Writer lays out in.
public typealias Twips = Int

public enum Units {
  /// Parses an ODF length ("2cm", "0.5pt", "0.0313in", "10mm", "12px", "1pc") into twips, rounding
  /// half away from zero as LibreOffice's import does. Nil for anything else (and for lengths too
  /// large to mean anything on a page).
  /// A length in millimetres (cm, mm, in, pt, pc), not rounded.
  static func millimetres(_ text: String) -> Double? {
    let units: [(String, Double)] = [("cm", 10), ("mm", 1), ("in", 25.4), ("pt", 25.4 / 72), ("pc", 25.4 / 6)]
    for (unit, factor) in units where text.hasSuffix(unit) {
      guard let v = Double(text.dropLast(unit.count)), v.isFinite else { return nil }
      return v * factor
    }
    return nil
  }

  public static func twips(_ text: String?) -> Twips? {
    guard var text else { return nil }
    return text.withUTF8 { twips(bytes: $0) }
  }

  static func twips(bytes b: UnsafeBufferPointer<UInt8>) -> Twips? {
    var start = 0, end = b.count
    while start < end, b[start] == 0x20 { start += 1 }
    while end > start, b[end - 1] == 0x20 { end -= 1 }
    guard end - start >= 2 else { return nil }
    let factor: Double
    switch (b[end - 2], b[end - 1]) {
    case (0x63, 0x6D): factor = 1440 / 2.54  // cm
    case (0x6D, 0x6D): factor = 144 / 2.54  // mm
    case (0x69, 0x6E): factor = 1440  // in
    case (0x70, 0x74): factor = 20  // pt
    case (0x70, 0x63): factor = 240  // pc
    case (0x70, 0x78): factor = 15  // px
    default: return nil
    }
    // Beyond any page (or not a number at all): not a length this layout can use.
    guard let v = number(UnsafeBufferPointer(rebasing: b[start..<(end - 2)])), abs(v * factor) < 1e12 else { return nil }
    return Int((v * factor).rounded(.toNearestOrAwayFromZero))
  }

  private static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

  /// A decimal number as `Double(String)` reads it. Plain decimals of up to 15 digits (all that
  /// lengths are written with) are read here: the quotient of two exact doubles is the correctly
  /// rounded value the standard reader gives; anything else goes to it.
  static func number(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
    var k = 0
    var negative = false
    if k < b.count, b[k] == 0x2D || b[k] == 0x2B {
      negative = b[k] == 0x2D
      k += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var decimals = 0
    var seenPoint = false
    while k < b.count {
      let c = b[k]
      if c >= 0x30 && c <= 0x39 {
        // Past 15 digits the standard reader takes over (and the mantissa could overflow).
        if digits < 15 { mantissa = mantissa * 10 + UInt64(c - 0x30) }
        digits += 1
        if seenPoint { decimals += 1 }
      } else if c == 0x2E && !seenPoint {
        seenPoint = true
      } else {
        break
      }
      k += 1
    }
    guard k == b.count, digits > 0, digits <= 15 else { return Double(String(decoding: b, as: UTF8.self)) }
    let v = Double(mantissa) / powersOfTen[decimals]
    return negative ? -v : v
  }

  /// "120%" → 120.
  public static func percent(_ text: String?) -> Int? {
    guard let text, text.hasSuffix("%"), let v = Double(text.dropLast()), abs(v) < 1e9 else { return nil }
    return Int(v.rounded())
  }

  /// A colour "#rrggbb" as RGB components in 0...1.
  public static func color(_ text: String?) -> RGB? {
    guard var text else { return nil }
    return text.withUTF8 { color(bytes: $0) }
  }

  static func color(bytes b: UnsafeBufferPointer<UInt8>) -> RGB? {
    guard b.count == 7, b[0] == UInt8(ascii: "#") else { return nil }
    var v: UInt32 = 0
    for c in b.dropFirst() {
      let digit: UInt8
      switch c {
      case 0x30...0x39: digit = c - 0x30
      case 0x41...0x46: digit = c - 0x41 + 10
      case 0x61...0x66: digit = c - 0x61 + 10
      default: return nil
      }
      v = v << 4 | UInt32(digit)
    }
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
