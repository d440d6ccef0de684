/// Number and currency conventions per language, as Carbone's locales define them.
struct NumberLocale {
  var group: String
  var decimal: String
  var currency: String

  static func forLang(_ lang: String) -> NumberLocale {
    let l = lang.lowercased()
    switch l {
    case "en-gb": return NumberLocale(group: ",", decimal: ".", currency: "GBP")
    case "fr-ch", "de-ch": return NumberLocale(group: "'", decimal: ".", currency: "CHF")
    default: break
    }
    let base = l.split(separator: "-").first.map(String.init) ?? l
    switch base {
    case "vi": return NumberLocale(group: ".", decimal: ",", currency: "VND")
    case "fr": return NumberLocale(group: " ", decimal: ",", currency: "EUR")
    case "de", "es", "it", "nl", "pt": return NumberLocale(group: ".", decimal: ",", currency: "EUR")
    default: return NumberLocale(group: ",", decimal: ".", currency: "USD")
    }
  }
}

struct CurrencyInfo {
  var symbol: String
  var precision: Int
  var major: String
  var majorPlural: String

  static func forCode(_ code: String) -> CurrencyInfo {
    switch code.uppercased() {
    case "EUR": return CurrencyInfo(symbol: "€", precision: 2, major: "euro", majorPlural: "euros")
    case "USD": return CurrencyInfo(symbol: "$", precision: 2, major: "dollar", majorPlural: "dollars")
    case "GBP": return CurrencyInfo(symbol: "£", precision: 2, major: "pound", majorPlural: "pounds")
    case "VND": return CurrencyInfo(symbol: "₫", precision: 0, major: "đồng", majorPlural: "đồng")
    case "BTC": return CurrencyInfo(symbol: "₿", precision: 8, major: "bitcoin", majorPlural: "bitcoins")
    case "JPY": return CurrencyInfo(symbol: "¥", precision: 0, major: "yen", majorPlural: "yens")
    case "CHF": return CurrencyInfo(symbol: "CHF", precision: 2, major: "franc", majorPlural: "francs")
    default: return CurrencyInfo(symbol: code, precision: 2, major: code, majorPlural: code)
    }
  }
}
