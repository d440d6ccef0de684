import BaocaoData
import Foundation

enum NumberFormatters {
  static func register(_ t: inout [String: FormatterRegistry.Body]) {
    t["formatN"] = { ctx, v, args in
      guard let v, !v.isNull else { return v }
      let n = Optional(v).number
      if n.isNaN { return v }
      let precision = args[safe: 0] == nil ? 3 : Int(args[safe: 0].number.isNaN ? 3 : args[safe: 0].number)
      return .string(format(n, precision: precision, locale: NumberLocale.forLang(ctx.options.lang)))
    }
    t["round"] = { _, v, args in
      let n = v.number
      if n.isNaN { return v }
      let p = args[safe: 0] == nil ? 0 : Int(args[safe: 0].number)
      return .number(round(n, p))
    }
    t["toFixed"] = { _, v, args in
      let n = v.number
      if n.isNaN { return v }
      let p = Int(args[safe: 0].number.isNaN ? 0 : args[safe: 0].number)
      return .string(fixed(round(n, p), p))
    }
    t["int"] = { _, v, _ in
      let n = v.number
      return n.isNaN ? v : .number(n < 0 ? (n).rounded(.up) : (n).rounded(.down))
    }
    t["add"] = { _, v, args in .number(v.number + args[safe: 0].number) }
    t["sub"] = { _, v, args in .number(v.number - args[safe: 0].number) }
    t["mul"] = { _, v, args in .number(v.number * args[safe: 0].number) }
    t["div"] = { _, v, args in .number(v.number / args[safe: 0].number) }
    t["convCurr"] = { ctx, v, args in
      guard v != nil else { return .number(0) }
      if case .null? = v { return .number(0) }
      let (source, target) = currencies(ctx, target: args[safe: 0].text, source: args[safe: 1].text)
      return .number(convert(v.number, from: source, to: target, rates: ctx.options.currencyRates))
    }
    t["formatC"] = { ctx, v, args in
      guard let v, !v.isNull else { return v }
      let (source, target) = currencies(ctx, target: args[safe: 1].text, source: nil)
      let amount = convert(Optional(v).number, from: source, to: target, rates: ctx.options.currencyRates)
      let info = CurrencyInfo.forCode(target)
      let locale = NumberLocale.forLang(ctx.options.lang)
      let mode = args[safe: 0].text ?? ""
      var precision = info.precision
      if let p = Int(mode) { precision = p }
      let name = amount == 1 ? info.major : info.majorPlural
      let number = format(amount, precision: precision, locale: locale)
      switch mode {
      case "M": return .string(name)
      case "LL": return .string(number + " " + name)
      default: return .string(withSymbol(number, info.symbol, lang: ctx.options.lang))
      }
    }
    t["percent"] = { ctx, v, args in
      guard let v, !v.isNull else { return v }
      let n = Optional(v).number
      if n.isNaN { return v }
      let p = args[safe: 0] == nil ? 2 : Int(args[safe: 0].number)
      return .string(format(n * 100, precision: p, locale: NumberLocale.forLang(ctx.options.lang)) + "%")
    }
  }

  static func currencies(_ ctx: FormatterContext, target: String?, source: String?) -> (String, String) {
    let localeCurrency = NumberLocale.forLang(ctx.options.lang).currency
    let s = source ?? ctx.options.currencySource ?? localeCurrency
    let t = target ?? ctx.options.currencyTarget ?? localeCurrency
    return (s, t)
  }

  static func convert(_ n: Double, from source: String, to target: String, rates: [String: Double]) -> Double {
    guard source != target, let rs = rates[source], let rt = rates[target], rs != 0 else { return n }
    // Rounded to 12 significant decimals so that 10.1 × 1.14 prints 11.514, as Carbone shows it.
    let r = n / rs * rt
    return (r * 1e10).rounded() / 1e10
  }

  /// JavaScript's `Number(Math.round(n + 'e' + p) + 'e-' + p)`: rounds half up on the decimal text.
  static func round(_ n: Double, _ p: Int) -> Double {
    guard let shifted = Double(JSNumber.string(n) + "e\(p)") else { return n }
    let r = (shifted + 0.5).rounded(.down)
    return Double(JSNumber.string(r) + "e\(-p)") ?? n
  }

  static func fixed(_ n: Double, _ p: Int) -> String {
    String(format: "%.\(max(0, p))f", n)
  }

  /// Formats with the locale's separators and exactly `precision` decimals.
  static func format(_ n: Double, precision: Int, locale: NumberLocale, trim: Bool = false) -> String {
    let rounded = round(n, precision)
    var text = fixed(abs(rounded), precision)
    if trim && text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let intPart = Array(parts[0])
    var grouped = ""
    for (i, c) in intPart.enumerated() {
      if i > 0 && (intPart.count - i) % 3 == 0 { grouped += locale.group }
      grouped.append(c)
    }
    var out = (rounded < 0 ? "-" : "") + grouped
    if parts.count > 1 { out += locale.decimal + parts[1] }
    return out
  }

  static func withSymbol(_ number: String, _ symbol: String, lang: String) -> String {
    let base = lang.lowercased().split(separator: "-").first.map(String.init) ?? lang
    if base == "en" {
      if number.hasPrefix("-") { return "-" + symbol + number.dropFirst() }
      return symbol + number
    }
    return number + " " + symbol
  }
}
