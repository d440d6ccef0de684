import BaocaoData
import Foundation

/// Orders values for sorted loops: numbers by value, text in the locale's alphabetical order
/// (Vietnamese: a ă â b c d đ e ê … with tones as a secondary difference), others by code point.
struct Collation {
  let vietnamese: Bool

  init(lang: String) { vietnamese = lang.hasPrefix("vi") }

  func compare(_ a: Value?, _ b: Value?) -> Int {
    switch (a, b) {
    case (nil, nil), (.null?, .null?), (nil, .null?), (.null?, nil): return 0
    case (nil, _), (.null?, _): return -1
    case (_, nil), (_, .null?): return 1
    case (.number(let x)?, .number(let y)?): return x < y ? -1 : (x > y ? 1 : 0)
    default:
      let x = a!.javaScriptString, y = b!.javaScriptString
      if vietnamese { return Collation.vietnameseCompare(x, y) }
      return x.utf16.lexicographicallyPrecedes(y.utf16) ? -1 : (x == y ? 0 : 1)
    }
  }

  static let letters: [Character] = Array("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
  static let letterRank: [Character: Int] = {
    var m: [Character: Int] = [:]
    for (i, c) in letters.enumerated() { m[c] = i + 1 }
    return m
  }()

  /// Keys for Vietnamese order: (primary letters, tones, case).
  static func keys(_ s: String) -> ([Int], [Int], [Int]) {
    var primary: [Int] = [], tones: [Int] = [], cases: [Int] = []
    for ch in s.precomposedStringWithCanonicalMapping {
      let lower = Character(String(ch).lowercased())
      cases.append(ch == lower ? 0 : 1)
      // Strip the tone but keep the letter's own marks (ă â ê ô ơ ư).
      var base = ""
      var tone = 0
      for u in String(lower).decomposedStringWithCanonicalMapping.unicodeScalars {
        switch u.value {
        case 0x0300: tone = 1
        case 0x0309: tone = 2
        case 0x0303: tone = 3
        case 0x0301: tone = 4
        case 0x0323: tone = 5
        default: base.unicodeScalars.append(u)
        }
      }
      let letter = Character(base.precomposedStringWithCanonicalMapping)
      if letter.isWhitespace {
        // Names sort syllable by syllable: "Cà Mau" comes before "Cao Bằng".
        primary.append(0)
      } else if let r = letterRank[letter] {
        primary.append(r)
      } else {
        primary.append(1000 + Int(letter.unicodeScalars.first?.value ?? 0))
      }
      tones.append(tone)
    }
    return (primary, tones, cases)
  }

  static func vietnameseCompare(_ a: String, _ b: String) -> Int {
    let ka = keys(a), kb = keys(b)
    for (x, y) in [(ka.0, kb.0), (ka.1, kb.1), (ka.2, kb.2)] where x != y {
      return x.lexicographicallyPrecedes(y) ? -1 : 1
    }
    return a == b ? 0 : (a < b ? -1 : 1)
  }
}
