import BaocaoXML
import Foundation

/// Date and time fields that are not fixed: LibreOffice shows the date and time of loading the
/// document, formatted by the field's data style (number:date-style, number:time-style) in its
/// language. Vietnamese and English as measured in LibreOffice; other languages' names of months
/// and weekdays, order and short date from ICU (CLDR).
struct DateFields {
  /// The document's language, from the default paragraph style; LibreOffice's own default otherwise.
  var language = "en"
  var country = "US"
  var now = Date()

  private static let calendar: Calendar = {
    var c = Calendar(identifier: .gregorian)
    c.timeZone = TimeZone.current
    return c
  }()

  /// The text of a `text:date` or `text:time` field (or another date field showing `date`, a time
  /// when `time`).
  func text(of field: XMLElement, style: XMLElement?, date shown: Date? = nil, time: Bool? = nil) throws(LayoutError) -> String {
    var date = shown ?? now
    if let adjust = field["text:date-adjust"] ?? field["text:time-adjust"] {
      date = date.addingTimeInterval(try Self.seconds(in: adjust))
    }
    let parts = Self.calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
    let lang = style?["number:language"] ?? language
    let ctry = style?["number:country"] ?? (style?["number:language"] == nil ? country : "")
    // A format "from the language" (number:format-source) is the language's own short format; for a
    // style holding a time, LibreOffice's own time format, which is not known here.
    if let style, style["number:format-source"] == "language",
      style.elements.contains(where: { ["number:hours", "number:minutes", "number:seconds", "number:am-pm"].contains($0.name) })
    {
      throw .unsupported("times in the language's own format (number:format-source) in date fields")
    }
    guard let style, style["number:format-source"] != "language" else {
      // No format: the language's short date (or time).
      return time ?? (field.name == "text:time")
        ? Self.two(parts.hour!) + ":" + Self.two(parts.minute!) + ":" + Self.two(parts.second!)
        : try Self.shortDate(parts, language: lang, country: ctry)
    }
    var pieces = style.elements.map { $0.name == "number:text" ? Piece.literal($0.textContent) : .part($0) }
    if style["number:automatic-order"] == "true" {
      pieces = try Self.reordered(Array(style.elements), language: lang, country: ctry)
    }
    var out = ""
    for piece in pieces {
      guard case .part(let e) = piece else {
        if case .literal(let s) = piece { out += s }
        continue
      }
      let long = e["number:style"] == "long"
      switch e.name {
      case "number:day": out += long ? Self.two(parts.day!) : String(parts.day!)
      case "number:month":
        if e["number:textual"] == "true" {
          out += try Self.monthName(parts.month!, long: long, language: lang)
        } else {
          out += long ? Self.two(parts.month!) : String(parts.month!)
        }
      case "number:year": out += long ? String(parts.year!) : Self.two(parts.year! % 100)
      case "number:day-of-week": out += try Self.weekdayName(parts.weekday!, long: long, language: lang)
      case "number:hours": out += long ? Self.two(parts.hour!) : String(parts.hour!)
      case "number:minutes": out += long ? Self.two(parts.minute!) : String(parts.minute!)
      case "number:seconds" where e["number:decimal-places"].map({ $0 == "0" }) ?? true:
        out += long ? Self.two(parts.second!) : String(parts.second!)
      default:
        throw .unsupported("the date or time format element <\(e.name)> in a date field")
      }
    }
    return out
  }

  private enum Piece {
    case literal(String)
    case part(XMLElement)
  }

  private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

  /// A date as meta.xml writes it (2019-07-23T10:20:30, a fraction or zone ignored), in local time
  /// as LibreOffice reads it; nil when it is not one.
  static func metaDate(_ text: String) -> Date? {
    let digits = text.split(whereSeparator: { !$0.isNumber }).prefix(6).compactMap { Int($0) }
    guard digits.count >= 3, (1...9999).contains(digits[0]), (1...12).contains(digits[1]), (1...31).contains(digits[2]) else { return nil }
    var c = DateComponents(year: digits[0], month: digits[1], day: digits[2])
    if digits.count >= 6, digits[3] < 24, digits[4] < 60, digits[5] < 62 { (c.hour, c.minute, c.second) = (digits[3], digits[4], digits[5]) }
    return calendar.date(from: c)
  }

  /// "P3D", "-P1D", "PT2H30M": days, hours, minutes, seconds.
  private static func seconds(in duration: String) throws(LayoutError) -> TimeInterval {
    var s = Substring(duration)
    let sign: Double = s.hasPrefix("-") ? -1 : 1
    if s.hasPrefix("-") { s = s.dropFirst() }
    guard s.hasPrefix("P") else { throw .unsupported("the date adjustment '\(duration)'") }
    s = s.dropFirst()
    var total = 0.0
    var number = ""
    var inTime = false
    for c in s {
      switch c {
      case "T": inTime = true
      case "0"..."9", ".": number.append(c)
      case "D" where !inTime, "H" where inTime, "M" where inTime, "S" where inTime:
        guard let v = Double(number) else { throw .unsupported("the date adjustment '\(duration)'") }
        total += v * (c == "D" ? 86400 : c == "H" ? 3600 : c == "M" ? 60 : 1)
        number = ""
      default: throw .unsupported("the date adjustment '\(duration)'")
      }
    }
    return sign * total
  }

  /// The locale's order of day, month and year, with its separators (automatic-order), as
  /// LibreOffice rewrites such formats, from ICU's locale data (CLDR): vi-VN and en-GB day first
  /// with "/", en-US month first, de-DE "dd.MM.yyyy"...
  private static func reordered(_ elements: [XMLElement], language: String, country: String) throws(LayoutError) -> [Piece] {
    let locale = Locale(identifier: country.isEmpty ? language : language + "_" + country)
    guard !language.isEmpty, let pattern = DateFormatter.dateFormat(fromTemplate: "ddMMyyyy", options: 0, locale: locale) else {
      throw .unsupported("date fields in the locale's order for '\(language)-\(country)'")
    }
    let names: [Character: String] = ["d": "number:day", "M": "number:month", "y": "number:year"]
    let parts = elements.filter { $0.name != "number:text" }
    guard parts.allSatisfy({ names.values.contains($0.name) && $0["number:textual"] != "true" }) else {
      throw .unsupported("date fields in the locale's order with names or times in them")
    }
    // The pattern as fields and the literal text between them; quotes are ICU's escapes.
    var items: [(field: String?, literal: String)] = []
    var quoted = false
    for ch in pattern {
      if ch == "'" { quoted.toggle(); continue }
      if !quoted, let name = names[ch] {
        if items.last?.field != name { items.append((name, "")) }
      } else if let last = items.last, last.field == nil {
        items[items.count - 1].literal.append(ch)
      } else {
        items.append((nil, String(ch)))
      }
    }
    // The document's fields in that order; a literal stays between two of them, or after the last.
    var out: [Piece] = []
    var pendingLiteral = ""
    for item in items {
      if let name = item.field {
        guard let e = parts.first(where: { $0.name == name }) else { pendingLiteral = ""; continue }
        if !out.isEmpty && !pendingLiteral.isEmpty { out.append(.literal(pendingLiteral)) }
        out.append(.part(e))
        pendingLiteral = ""
      } else {
        pendingLiteral += item.literal
      }
    }
    if !out.isEmpty && !pendingLiteral.isEmpty { out.append(.literal(pendingLiteral)) }
    return out
  }

  private static func shortDate(_ p: DateComponents, language: String, country: String) throws(LayoutError) -> String {
    let (d, m, y) = (two(p.day!), two(p.month!), two(p.year! % 100))
    switch (language, country) {
    case ("vi", _), ("en", "GB"): return "\(d)/\(m)/\(y)"
    case ("en", "US"), ("en", ""): return "\(p.month!)/\(p.day!)/\(y)"  // 12/4/26, as LibreOffice shows it
    default:
      // The locale's short date from ICU (CLDR), with a two-digit year as in LibreOffice's own
      // short dates ("dd.MM.yy" in German).
      let f = formatter(language, country)
      f.dateStyle = .short
      f.timeStyle = .none
      var pattern = f.dateFormat ?? ""
      guard !pattern.isEmpty, let date = Calendar(identifier: .gregorian).date(from: p) else {
        throw .unsupported("date fields without a format in '\(language)-\(country)'")
      }
      if !pattern.contains("yy") { pattern = pattern.replacingOccurrences(of: "y", with: "yy") }
      pattern = pattern.replacingOccurrences(of: "yyyy", with: "yy")
      f.dateFormat = pattern
      return f.string(from: date)
    }
  }

  /// A formatter for the language's (and country's) ICU locale, in UTC (components are formatted as
  /// they are).
  private static func formatter(_ language: String, _ country: String) -> DateFormatter {
    let f = DateFormatter()
    f.locale = Locale(identifier: country.isEmpty ? language : language + "_" + country)
    f.timeZone = TimeZone(identifier: "UTC")
    f.calendar = Calendar(identifier: .gregorian)
    return f
  }

  private static func monthName(_ m: Int, long: Bool, language: String) throws(LayoutError) -> String {
    switch language {
    case "vi": return "Tháng \(m)"
    case "en":
      let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
      return long ? names[m - 1] : String(names[m - 1].prefix(3))
    default:
      // Other languages' names from ICU (CLDR), as they stand in a date.
      let f = formatter(language, "")
      let names = long ? f.monthSymbols : f.shortMonthSymbols
      guard names.count >= m, !language.isEmpty else { throw .unsupported("month names in '\(language)' in date fields") }
      return names[m - 1]
    }
  }

  private static func weekdayName(_ w: Int, long: Bool, language: String) throws(LayoutError) -> String {
    switch language {
    case "vi": return ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"][w - 1]
    case "en":
      let names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
      return long ? names[w - 1] : String(names[w - 1].prefix(3))
    default:
      let f = formatter(language, "")
      let names = long ? f.weekdaySymbols : f.shortWeekdaySymbols
      guard names.count >= w, !language.isEmpty else { throw .unsupported("weekday names in '\(language)' in date fields") }
      return names[w - 1]
    }
  }
}
