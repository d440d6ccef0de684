import Foundation
import OrderedCollections

/// A data value as templates see it: the JSON data model, with object keys kept in file order.
public enum Value: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([Value])
  case object(OrderedDictionary<String, Value>)

  public subscript(key: String) -> Value? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  public var isNull: Bool { if case .null = self { return true } else { return false } }

  public var arrayValue: [Value]? { if case .array(let a) = self { return a } else { return nil } }
  public var objectValue: OrderedDictionary<String, Value>? {
    if case .object(let o) = self { return o } else { return nil }
  }
  public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
  public var numberValue: Double? { if case .number(let n) = self { return n } else { return nil } }
}

extension Value {
  /// The text JavaScript's `String(value)` gives, which is what Carbone prints for a value.
  public var javaScriptString: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return JSNumber.string(n)
    case .string(let s): return s
    case .array(let items):
      return items.map { $0.isNull ? "" : $0.javaScriptString }.joined(separator: ",")
    case .object: return "[object Object]"
    }
  }

  /// JavaScript truthiness.
  public var isTruthy: Bool {
    switch self {
    case .null: return false
    case .bool(let b): return b
    case .number(let n): return n != 0 && !n.isNaN
    case .string(let s): return !s.isEmpty
    case .array, .object: return true
    }
  }
}

/// Number ↔ text the way JavaScript does it, so outputs match Carbone's byte for byte.
public enum JSNumber {
  /// `String(n)` in JavaScript: shortest round-trip digits, exponent form outside [1e-7, 1e21).
  public static func string(_ n: Double) -> String {
    if n.isNaN { return "NaN" }
    if n.isInfinite { return n < 0 ? "-Infinity" : "Infinity" }
    if n == 0 { return "0" }
    if n == n.rounded(), abs(n) < 1e21 {
      // Integral: print without a fraction.
      if abs(n) < 9.007199254740992e15 { return String(Int64(n)) }
    }
    // Swift's description gives the shortest round-trip digits; rewrite its exponent form as JS does.
    let swift = "\(n)"
    let (digits, exponent, negative) = decompose(swift)
    // digits: significant digits without dot; exponent: position of the decimal point (scientific k).
    let k = digits.count
    let e = exponent  // value = 0.d1d2... × 10^e
    var out = negative ? "-" : ""
    if k <= e && e <= 21 {
      out += digits + String(repeating: "0", count: e - k)
    } else if 0 < e && e <= 21 {
      let idx = digits.index(digits.startIndex, offsetBy: e)
      out += digits[..<idx] + "." + digits[idx...]
    } else if -6 < e && e <= 0 {
      out += "0." + String(repeating: "0", count: -e) + digits
    } else {
      let expValue = e - 1
      let sign = expValue < 0 ? "-" : "+"
      if k == 1 {
        out += digits + "e" + sign + String(abs(expValue))
      } else {
        out += String(digits.first!) + "." + digits.dropFirst() + "e" + sign + String(abs(expValue))
      }
    }
    return out
  }

  /// Splits Swift's shortest representation into significant digits and a decimal exponent.
  private static func decompose(_ s: String) -> (String, Int, Bool) {
    var text = Substring(s)
    var negative = false
    if text.hasPrefix("-") { negative = true; text = text.dropFirst() }
    var mantissa = text
    var exp10 = 0
    if let eIdx = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<eIdx]
      exp10 = Int(text[text.index(after: eIdx)...]) ?? 0
    }
    var intPart = mantissa
    var fracPart: Substring = ""
    if let dot = mantissa.firstIndex(of: ".") {
      intPart = mantissa[..<dot]
      fracPart = mantissa[mantissa.index(after: dot)...]
    }
    var digits = String(intPart) + String(fracPart)
    var pointPos = intPart.count + exp10
    // Strip leading zeros (moving the point) and trailing zeros.
    while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); pointPos -= 1 }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    return (digits, pointPos, negative)
  }

  /// JavaScript's `parseFloat`: the longest leading decimal literal, NaN when none.
  public static func parseFloat(_ s: String) -> Double {
    let trimmed = s.drop(while: { $0.isWhitespace })
    var end = trimmed.startIndex
    var seenDigit = false, seenDot = false, seenExp = false
    var i = trimmed.startIndex
    if i < trimmed.endIndex, trimmed[i] == "-" || trimmed[i] == "+" { i = trimmed.index(after: i) }
    if trimmed[i...].hasPrefix("Infinity") {
      return trimmed.hasPrefix("-") ? -.infinity : .infinity
    }
    while i < trimmed.endIndex {
      let c = trimmed[i]
      if c.isASCII && c.isNumber {
        seenDigit = true
        end = trimmed.index(after: i)
      } else if c == "." && !seenDot && !seenExp {
        seenDot = true
      } else if (c == "e" || c == "E") && seenDigit && !seenExp {
        seenExp = true
        let next = trimmed.index(after: i)
        if next < trimmed.endIndex, trimmed[next] == "-" || trimmed[next] == "+" {
          i = next
        }
      } else {
        break
      }
      i = trimmed.index(after: i)
    }
    guard seenDigit else { return .nan }
    return Double(trimmed[..<end]) ?? .nan
  }

  /// JavaScript's `Number(s)` for a string: the whole trimmed text must be a number.
  public static func number(from s: String) -> Double {
    let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
    if t.isEmpty { return 0 }
    if t == "Infinity" || t == "+Infinity" { return .infinity }
    if t == "-Infinity" { return -.infinity }
    if t.hasPrefix("0x") || t.hasPrefix("0X") { return Double(UInt64(t.dropFirst(2), radix: 16) ?? 0) }
    let allowed = Set("0123456789.eE+-")
    guard t.allSatisfy({ allowed.contains($0) }) else { return .nan }
    return Double(t) ?? .nan
  }
}


extension JSNumber {
  /// JavaScript's `parseInt(s, 10)` as a Double, nil for NaN.
  public static func parseInt(_ s: String) -> Double? {
    var t = Substring(s.trimmingCharacters(in: .whitespaces))
    var sign = 1.0
    if t.first == "-" { sign = -1; t = t.dropFirst() } else if t.first == "+" { t = t.dropFirst() }
    let digits = t.prefix(while: { $0.isASCII && $0.isNumber })
    guard let v = Double(digits) else { return nil }
    return sign * v
  }
}
