import Foundation

/// Escaping and unescaping of XML text, and the characters XML 1.0 cannot hold.
public enum XMLText {
  public static func decodeEntities(_ s: String) -> String {
    guard s.contains("&") else { return s }
    var out = ""
    var i = s.startIndex
    while i < s.endIndex {
      if s[i] == "&", let semi = s[i...].firstIndex(of: ";"), s.distance(from: i, to: semi) <= 10 {
        let name = s[s.index(after: i)..<semi]
        var replacement: String?
        switch name {
        case "lt": replacement = "<"
        case "gt": replacement = ">"
        case "amp": replacement = "&"
        case "quot": replacement = "\""
        case "apos": replacement = "'"
        default:
          if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16),
            let u = UnicodeScalar(v)
          {
            replacement = String(Character(u))
          } else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let u = UnicodeScalar(v) {
            replacement = String(Character(u))
          }
        }
        if let replacement {
          out += replacement
          i = s.index(after: semi)
          continue
        }
      }
      out.append(s[i])
      i = s.index(after: i)
    }
    return out
  }

  /// True for characters XML 1.0 forbids (they make LibreOffice refuse a file).
  @inline(__always)
  static func isForbidden(_ u: UnicodeScalar) -> Bool {
    let v = u.value
    if v < 0x20 { return v != 0x09 && v != 0x0A && v != 0x0D }
    return v == 0xFFFE || v == 0xFFFF
  }

  /// Escapes text for an XML text node (`& < >`) or, with `attribute`, an attribute value (quotes too).
  public static func escape(_ s: String, attribute: Bool) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where attribute: out += "&quot;"
      case "'" where attribute: out += "&apos;"
      default:
        if isForbidden(u) { continue }
        out.unicodeScalars.append(u)
      }
    }
    return out
  }

  /// The text in Unicode NFC. Most text is already: every scalar below U+0300 (ASCII, Latin-1 and the
  /// Latin Extended letters, with no combining mark), a precomposed Vietnamese letter (U+1E00–U+1EFF),
  /// punctuation (U+2010–U+206F) or a currency sign (U+20A0–U+20CF), none of which NFC changes or
  /// composes; that is checked first, since Foundation's normalization costs far more.
  public static func nfc(_ s: String) -> String {
    for u in s.unicodeScalars {
      let v = u.value
      guard v < 0x300 || (0x1E00..<0x1F00).contains(v) || (0x2010..<0x2070).contains(v) || (0x20A0..<0x20D0).contains(v) else {
        return s.precomposedStringWithCanonicalMapping
      }
    }
    return s
  }

  /// `escapeODF(s)`, written as UTF-8 straight onto `out`.
  public static func appendODF(_ s: String, to out: inout [UInt8]) {
    // U+FFFE and U+FFFF (forbidden) start with 0xEF in UTF-8: such text takes the scalar path.
    if s.utf8.contains(0xEF) {
      out.append(contentsOf: escapeODF(s).utf8)
      return
    }
    var spaces = 0
    func flushSpaces(_ out: inout [UInt8]) {
      if spaces == 0 { return }
      out.append(0x20)
      if spaces > 1 { out.append(contentsOf: (spaces == 2 ? "<text:s/>" : "<text:s text:c=\"\(spaces - 1)\"/>").utf8) }
      spaces = 0
    }
    for b in s.utf8 {
      if b == 0x20 {
        spaces += 1
        continue
      }
      flushSpaces(&out)
      switch b {
      case 0x0D: break
      case 0x0A: out.append(contentsOf: "<text:line-break/>".utf8)
      case 0x09: out.append(contentsOf: "<text:tab/>".utf8)
      case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
      case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
      case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
      default:
        if b < 0x20 { continue }  // forbidden control characters
        out.append(b)
      }
    }
    flushSpaces(&out)
  }

  /// Text for an OpenDocument paragraph: escaped, with newlines, tabs and space runs as ODF elements.
  public static func escapeODF(_ s: String) -> String {
    var out = ""
    var spaces = 0
    func flushSpaces() {
      if spaces == 0 { return }
      // The first space stays literal; the rest become <text:s/>, which ODF requires for runs.
      out += " "
      if spaces > 1 { out += spaces == 2 ? "<text:s/>" : "<text:s text:c=\"\(spaces - 1)\"/>" }
      spaces = 0
    }
    for u in s.unicodeScalars {
      if u == " " { spaces += 1; continue }
      flushSpaces()
      switch u {
      case "\r": break
      case "\n": out += "<text:line-break/>"
      case "\t": out += "<text:tab/>"
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default:
        if isForbidden(u) { continue }
        out.unicodeScalars.append(u)
      }
    }
    flushSpaces()
    return out
  }
}
