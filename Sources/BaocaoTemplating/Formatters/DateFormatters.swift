import BaocaoData
import Foundation

/// Dates as Carbone (dayjs) reads and writes them, in the render's time zone.
enum DateFormatters {
  static func register(_ t: inout [String: FormatterRegistry.Body]) {
    t["formatD"] = { ctx, v, args in
      guard let date = parse(v, pattern: args[safe: 1].text, ctx: ctx) else { return v }
      return .string(format(date, pattern: args[safe: 0].text ?? "L", ctx: ctx))
    }
    t["convDate"] = { ctx, v, args in
      guard let date = parse(v, pattern: args[safe: 0].text, ctx: ctx) else { return v }
      return .string(format(date, pattern: args[safe: 1].text ?? "L", ctx: ctx))
    }
    t["addD"] = { ctx, v, args in shift(v, args, sign: 1, ctx: ctx) }
    t["subD"] = { ctx, v, args in shift(v, args, sign: -1, ctx: ctx) }
    t["startOfD"] = { ctx, v, args in boundary(v, args, end: false, ctx: ctx) }
    t["endOfD"] = { ctx, v, args in boundary(v, args, end: true, ctx: ctx) }
    t["officialDate"] = { ctx, v, _ in
      guard let date = parse(v, pattern: nil, ctx: ctx) else { return v }
      let c = calendar(ctx).dateComponents([.year, .month, .day], from: date)
      let day = pad2(c.day!)
      let month = c.month! <= 2 ? pad2(c.month!) : String(c.month!)
      return .string("ngày \(day) tháng \(month) năm \(c.year!)")
    }
  }

  /// A calendar per time zone, made once: making one (and looking its zone up) costs more than
  /// the rest of formatting a date.
  static func calendar(_ ctx: FormatterContext) -> Calendar {
    calendars.get(ctx.options.timezone) { zone in
      var cal = Calendar(identifier: .gregorian)
      cal.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
      cal.firstWeekday = 2
      cal.minimumDaysInFirstWeek = 4
      return cal
    }
  }

  private static let calendars = SharedCache<String, Calendar>()

  // MARK: Parsing

  static func parse(_ v: Value?, pattern: String?, ctx: FormatterContext) -> Date? {
    guard let v else { return nil }
    switch v {
    case .null: return nil
    case .number(let n):
      if pattern == "X" { return Date(timeIntervalSince1970: n) }
      return Date(timeIntervalSince1970: n / 1000)
    case .string(let s):
      if pattern == "X", let n = Double(s) { return Date(timeIntervalSince1970: n) }
      if pattern == "x", let n = Double(s) { return Date(timeIntervalSince1970: n / 1000) }
      if let pattern, !pattern.isEmpty, let d = parse(s, with: pattern, ctx: ctx) { return d }
      return parseISO(s, ctx: ctx)
    default: return nil
    }
  }

  /// Parses with a pattern made of YYYY, MM, DD, HH, mm, ss and literal separators.
  static func parse(_ s: String, with pattern: String, ctx: FormatterContext) -> Date? {
    let tokens = ["YYYY", "MM", "DD", "HH", "mm", "ss", "M", "D", "H", "m", "s"]
    var c = DateComponents()
    c.year = 1970; c.month = 1; c.day = 1; c.hour = 0; c.minute = 0; c.second = 0
    var si = s.startIndex
    var pi = pattern.startIndex
    while pi < pattern.endIndex {
      guard let tok = tokens.first(where: { pattern[pi...].hasPrefix($0) }) else {
        if si < s.endIndex { si = s.index(after: si) }
        pi = pattern.index(after: pi)
        continue
      }
      let maxLen = tok == "YYYY" ? 4 : 2
      var digits = ""
      while si < s.endIndex, s[si].isNumber, digits.count < maxLen { digits.append(s[si]); si = s.index(after: si) }
      guard let n = Int(digits) else { return nil }
      switch tok.first! {
      case "Y": c.year = n
      case "M": c.month = n
      case "D": c.day = n
      case "H": c.hour = n
      case "m": c.minute = n
      default: c.second = n
      }
      pi = pattern.index(pi, offsetBy: tok.count)
    }
    return calendar(ctx).date(from: c)
  }

  static func parseISO(_ s: String, ctx: FormatterContext) -> Date? {
    let chars = Array(s.trimmingCharacters(in: .whitespaces))
    var i = 0
    func num(_ len: Int) -> Int? {
      guard i + len <= chars.count else { return nil }
      let str = String(chars[i..<i + len])
      guard str.allSatisfy(\.isNumber), let n = Int(str) else { return nil }
      i += len
      return n
    }
    var c = DateComponents()
    guard let y = num(4) else { return nil }
    c.year = y
    if i < chars.count, chars[i] == "-" { i += 1 }
    c.month = num(2) ?? 1
    if i < chars.count, chars[i] == "-" { i += 1 }
    c.day = num(2) ?? 1
    c.hour = 0; c.minute = 0; c.second = 0
    var nanos = 0
    var offset: Int? = nil
    if i < chars.count, chars[i] == "T" || chars[i] == " " {
      i += 1
      c.hour = num(2) ?? 0
      if i < chars.count, chars[i] == ":" { i += 1 }
      c.minute = num(2) ?? 0
      if i < chars.count, chars[i] == ":" { i += 1; c.second = num(2) ?? 0 }
      if i < chars.count, chars[i] == "." {
        i += 1
        var frac = ""
        while i < chars.count, chars[i].isNumber { frac.append(chars[i]); i += 1 }
        nanos = Int((Double("0." + frac) ?? 0) * 1e9)
      }
    }
    if i < chars.count {
      if chars[i] == "Z" { offset = 0; i += 1 }
      else if chars[i] == "+" || chars[i] == "-" {
        let sign = chars[i] == "-" ? -1 : 1
        i += 1
        let h = num(2) ?? 0
        if i < chars.count, chars[i] == ":" { i += 1 }
        let m = num(2) ?? 0
        offset = sign * (h * 3600 + m * 60)
      }
    }
    guard i == chars.count else { return nil }
    c.nanosecond = nanos
    var cal = calendar(ctx)
    if let offset { cal.timeZone = TimeZone(secondsFromGMT: offset)! }
    return cal.date(from: c)
  }

  // MARK: Arithmetic

  static func unit(_ s: String?) -> Calendar.Component? {
    switch (s ?? "").lowercased() {
    case "day", "days", "d": return .day
    case "week", "weeks", "w": return .weekOfYear
    case "month", "months", "m": return .month
    case "year", "years", "y": return .year
    case "hour", "hours", "h": return .hour
    case "minute", "minutes": return .minute
    case "second", "seconds", "s": return .second
    case "quarter", "quarters", "q": return .quarter
    default: return nil
    }
  }

  static func iso(_ d: Date) -> Value {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return .string(f.string(from: d))
  }

  static func shift(_ v: Value?, _ args: [Value?], sign: Int, ctx: FormatterContext) -> Value? {
    guard let date = parse(v, pattern: args[safe: 2].text, ctx: ctx) else { return v }
    let amount = args[safe: 0].number
    guard !amount.isNaN, let u = unit(args[safe: 1].text) else { return v }
    let cal = calendar(ctx)
    var value = Int(amount) * sign
    var component = u
    if u == .quarter { component = .month; value *= 3 }
    return cal.date(byAdding: component, value: value, to: date).map(iso) ?? v
  }

  static func boundary(_ v: Value?, _ args: [Value?], end: Bool, ctx: FormatterContext) -> Value? {
    guard let date = parse(v, pattern: args[safe: 1].text, ctx: ctx), let u = unit(args[safe: 0].text) else { return v }
    let cal = calendar(ctx)
    guard let interval = cal.dateInterval(of: u == .weekOfYear ? .weekOfYear : u, for: date) else { return v }
    return iso(end ? interval.end.addingTimeInterval(-0.001) : interval.start)
  }

  // MARK: Formatting

  struct Names {
    var months: [String]
    var monthsShort: [String]
    var weekdays: [String]
    var weekdaysShort: [String]
    var formats: [String: String]
    var meridiem: (String, String) = ("AM", "PM")
  }

  private static let namesCache = SharedCache<String, Names>()

  /// Month and weekday names per locale, built once per locale.
  static func names(_ lang: String) -> Names { namesCache.get(lang, make: buildNames) }

  static func buildNames(_ lang: String) -> Names {
    let l = lang.lowercased()
    let base = l.split(separator: "-").first.map(String.init) ?? l
    switch base {
    case "fr":
      var n = Names(
        months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
        monthsShort: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
        weekdays: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        weekdaysShort: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        formats: ["LT": "HH:mm", "LTS": "HH:mm:ss", "L": "DD/MM/YYYY", "LL": "D MMMM YYYY", "LLL": "D MMMM YYYY HH:mm", "LLLL": "dddd D MMMM YYYY HH:mm"])
      if l == "fr-ca" { n.formats["L"] = "YYYY-MM-DD" }
      if l == "fr-ch" { n.formats["L"] = "DD.MM.YYYY" }
      return n
    case "de":
      return Names(
        months: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
        monthsShort: ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
        weekdays: ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        weekdaysShort: ["So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."],
        formats: ["LT": "HH:mm", "LTS": "HH:mm:ss", "L": "DD.MM.YYYY", "LL": "D. MMMM YYYY", "LLL": "D. MMMM YYYY HH:mm", "LLLL": "dddd, D. MMMM YYYY HH:mm"])
    case "es":
      return Names(
        months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
        monthsShort: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
        weekdays: ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
        weekdaysShort: ["dom.", "lun.", "mar.", "mié.", "jue.", "vie.", "sáb."],
        formats: ["LT": "H:mm", "LTS": "H:mm:ss", "L": "DD/MM/YYYY", "LL": "D [de] MMMM [de] YYYY", "LLL": "D [de] MMMM [de] YYYY H:mm", "LLLL": "dddd, D [de] MMMM [de] YYYY H:mm"])
    case "vi":
      return Names(
        months: (1...12).map { "tháng \($0)" },
        monthsShort: (1...12).map { "Th\(pad2($0))" },
        weekdays: ["Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"],
        weekdaysShort: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
        formats: ["LT": "HH:mm", "LTS": "HH:mm:ss", "L": "DD/MM/YYYY", "LL": "D MMMM [năm] YYYY", "LLL": "D MMMM [năm] YYYY HH:mm", "LLLL": "dddd, D MMMM [năm] YYYY HH:mm"],
        meridiem: ("SA", "CH"))
    default:
      var n = Names(
        months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        monthsShort: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        weekdays: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        weekdaysShort: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        formats: ["LT": "h:mm A", "LTS": "h:mm:ss A", "L": "MM/DD/YYYY", "LL": "MMMM D, YYYY", "LLL": "MMMM D, YYYY h:mm A", "LLLL": "dddd, MMMM D, YYYY h:mm A"])
      if l == "en-gb" {
        n.formats = ["LT": "HH:mm", "LTS": "HH:mm:ss", "L": "DD/MM/YYYY", "LL": "D MMMM YYYY", "LLL": "D MMMM YYYY HH:mm", "LLLL": "dddd, D MMMM YYYY HH:mm"]
      }
      return n
    }
  }

  /// A pattern read once into literal text and tokens, with the locale's long formats expanded.
  enum PatternPiece: Sendable {
    case literal(String)
    case token(String)
  }

  /// Patterns made from data could be many: the cache is kept small.
  private static let patterns = SharedCache<String, [PatternPiece]>(limit: 1000)

  static func compile(_ pattern: String, names n: Names) -> [PatternPiece] {
    // Expand the locale's long formats first.
    var p = ""
    var k = pattern.startIndex
    while k < pattern.endIndex {
      if let key = ["LLLL", "LLL", "LTS", "LL", "LT", "L"].first(where: { pattern[k...].hasPrefix($0) }) {
        p += n.formats[key] ?? key
        k = pattern.index(k, offsetBy: key.count)
      } else {
        p.append(pattern[k])
        k = pattern.index(after: k)
      }
    }
    let tokens = ["YYYY", "MMMM", "dddd", "SSS", "MMM", "ddd", "YY", "MM", "DD", "Do", "HH", "hh", "mm", "ss", "dd", "ZZ", "M", "D", "H", "h", "m", "s", "A", "a", "d", "Q", "W", "X", "x", "Z"]
    var pieces: [PatternPiece] = []
    var literal = ""
    var i = p.startIndex
    while i < p.endIndex {
      if p[i] == "[" {
        if let close = p[i...].firstIndex(of: "]") {
          literal += p[p.index(after: i)..<close]
          i = p.index(after: close)
          continue
        }
      }
      guard let tok = tokens.first(where: { p[i...].hasPrefix($0) }) else {
        literal.append(p[i])
        i = p.index(after: i)
        continue
      }
      if !literal.isEmpty { pieces.append(.literal(literal)) }
      literal = ""
      pieces.append(.token(tok))
      i = p.index(i, offsetBy: tok.count)
    }
    if !literal.isEmpty { pieces.append(.literal(literal)) }
    return pieces
  }

  static func format(_ date: Date, pattern: String, ctx: FormatterContext) -> String {
    let cal = calendar(ctx)
    let n = names(ctx.options.lang)
    let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond, .weekday, .weekOfYear, .quarter], from: date)
    var out = ""
    let hour = c.hour!
    let h12 = hour % 12 == 0 ? 12 : hour % 12
    let offset = cal.timeZone.secondsFromGMT(for: date)
    func zone(_ colon: Bool) -> String {
      let sign = offset < 0 ? "-" : "+"
      let a = abs(offset)
      return sign + pad2(a / 3600) + (colon ? ":" : "") + pad2((a % 3600) / 60)
    }
    for piece in patterns.get(ctx.options.lang + "\u{0}" + pattern, make: { _ in compile(pattern, names: n) }) {
      guard case .token(let tok) = piece else {
        if case .literal(let text) = piece { out += text }
        continue
      }
      switch tok {
      case "YYYY": out += String(c.year!)
      case "YY": out += pad2(c.year! % 100)
      case "MMMM": out += n.months[c.month! - 1]
      case "MMM": out += n.monthsShort[c.month! - 1]
      case "MM": out += pad2(c.month!)
      case "M": out += String(c.month!)
      case "DD": out += pad2(c.day!)
      case "D": out += String(c.day!)
      case "Do": out += ordinal(c.day!, lang: ctx.options.lang)
      case "dddd": out += n.weekdays[c.weekday! - 1]
      case "ddd": out += n.weekdaysShort[c.weekday! - 1]
      case "dd": out += String(n.weekdaysShort[c.weekday! - 1].prefix(2))
      case "d": out += String(c.weekday! - 1)
      case "HH": out += pad2(hour)
      case "H": out += String(hour)
      case "hh": out += pad2(h12)
      case "h": out += String(h12)
      case "mm": out += pad2(c.minute!)
      case "m": out += String(c.minute!)
      case "ss": out += pad2(c.second!)
      case "s": out += String(c.second!)
      case "SSS": out += pad(c.nanosecond! / 1_000_000, 3)
      case "A": out += hour < 12 ? n.meridiem.0 : n.meridiem.1
      case "a": out += (hour < 12 ? n.meridiem.0 : n.meridiem.1).lowercased()
      case "Q": out += String((c.month! - 1) / 3 + 1)
      case "W": out += String(c.weekOfYear!)
      case "X": out += String(Int(date.timeIntervalSince1970))
      case "x": out += String(Int(date.timeIntervalSince1970 * 1000))
      case "Z": out += zone(true)
      case "ZZ": out += zone(false)
      default: out += tok
      }
    }
    return out
  }

  static func ordinal(_ n: Int, lang: String) -> String {
    if lang.hasPrefix("fr") { return n == 1 ? "1er" : String(n) }
    if !lang.hasPrefix("en") { return String(n) + "." }
    let suffixes = ["th", "st", "nd", "rd"]
    let v = n % 100
    let s = (v - 20) % 10 >= 1 && (v - 20) % 10 <= 3 && v > 20 ? suffixes[(v - 20) % 10] : (v >= 1 && v <= 3 ? suffixes[v] : "th")
    return String(n) + s
  }
}

/// Zero-padded decimals without the cost of String(format:).
func pad2(_ n: Int) -> String { pad(n, 2) }

func pad(_ n: Int, _ width: Int) -> String {
  let s = String(abs(n))
  let padded = s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  return n < 0 ? "-" + padded : padded
}

/// Values made once per key and shared by every thread; with a `limit`, forgotten all at once when
/// it is passed.
final class SharedCache<Key: Hashable, Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Key: Value] = [:]
  private let limit: Int

  init(limit: Int = .max) { self.limit = limit }

  func get(_ key: Key, make: (Key) -> Value) -> Value {
    lock.lock()
    defer { lock.unlock() }
    if let v = values[key] { return v }
    let v = make(key)
    if values.count >= limit { values.removeAll() }
    values[key] = v
    return v
  }
}
