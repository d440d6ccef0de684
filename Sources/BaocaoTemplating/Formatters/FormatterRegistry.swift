import BaocaoData
import Foundation

/// The formatters a tag can call, by name.
public enum FormatterRegistry {
  typealias Body = @Sendable (inout FormatterContext, Value?, [Value?]) throws(FormatterError) -> Value?

  static let table: [String: Body] = {
    var t: [String: Body] = [:]
    TextFormatters.register(&t)
    NumberFormatters.register(&t)
    ConditionFormatters.register(&t)
    DateFormatters.register(&t)
    ArrayFormatters.register(&t)
    return t
  }()

  public static func isKnown(_ name: String) -> Bool { table[name] != nil }

  public static var names: [String] { table.keys.sorted() }

  /// The closest known name, for "did you mean" hints.
  public static func suggestion(for name: String) -> String? {
    let lower = name.lowercased()
    let best = names.min { distance($0.lowercased(), lower) < distance($1.lowercased(), lower) }
    guard let best, distance(best.lowercased(), lower) <= 3 else {
      return "see the formatters listed in the README"
    }
    return "did you mean '\(best)'?"
  }

  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    for i in 1...a.count {
      var cur = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      prev = cur
    }
    return prev[b.count]
  }

  public static func apply(
    _ name: String, value: Value?, arguments: [Value?], context: inout FormatterContext
  ) throws(FormatterError) -> Value? {
    guard let body = table[name] else { throw FormatterError("unknown formatter '\(name)'") }
    return try body(&context, value, arguments)
  }
}

/// Argument helpers shared by formatters.
extension Optional where Wrapped == Value {
  var text: String? {
    guard let v = self else { return nil }
    if case .null = v { return nil }
    return v.javaScriptString
  }
  /// `value + ''` in JavaScript.
  var jsConcat: String {
    guard let v = self else { return "undefined" }
    return v.javaScriptString
  }
  var number: Double {
    guard let v = self else { return .nan }
    switch v {
    case .number(let n): return n
    case .string(let s): return JSNumber.parseFloat(s)
    case .bool(let b): return b ? 1 : 0
    case .null: return .nan
    default: return .nan
    }
  }
  var isEmptyValue: Bool {
    guard let v = self else { return true }
    switch v {
    case .null: return true
    case .string(let s): return s.isEmpty
    case .array(let a): return a.isEmpty
    case .object(let o): return o.isEmpty
    case .number(let n): return n.isNaN
    case .bool: return false
    }
  }
}

extension Array where Element == Value? {
  subscript(safe i: Int) -> Value? { i < count ? self[i] : nil }
}
