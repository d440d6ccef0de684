/// Numbers of list labels in the formats ODF names (style:num-format).
enum ListNumbering {
  static func format(_ n: Int, as format: String) -> String {
    switch format {
    case "a": return letters(n, base: "a")
    case "A": return letters(n, base: "A")
    case "i": return roman(n).lowercased()
    case "I": return roman(n)
    case "": return ""
    default: return String(n)
    }
  }

  /// a, b, … z, aa, bb, … as LibreOffice counts.
  static func letters(_ n: Int, base: Character) -> String {
    guard n > 0 else { return String(n) }
    let index = (n - 1) % 26
    let repeatCount = (n - 1) / 26 + 1
    let c = Character(Unicode.Scalar(base.unicodeScalars.first!.value + UInt32(index))!)
    return String(repeating: c, count: repeatCount)
  }

  static func roman(_ n: Int) -> String {
    guard n > 0, n < 4000 else { return String(n) }
    let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    var v = n
    var s = ""
    for (value, numeral) in table {
      while v >= value { s += numeral; v -= value }
    }
    return s
  }
}
