import BaocaoData
import BaocaoTemplating
import Foundation
import Testing

/// Carbone's formatter vectors (formatters.jsonl), calling the formatters directly.
@Suite struct CarboneFormatterTests {
  static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/carbone-compat/formatters.jsonl")
  /// The count reached so far; fewer is a regression.
  static let floor = 1349

  /// Decodes the vectors' tagged values: `{"$type":"undefined"}` is a missing value.
  static func value(_ v: Value?) -> Value? {
    guard let v else { return nil }
    switch v {
    case .object(let o):
      if let t = o["$type"]?.stringValue {
        switch t {
        case "undefined", "hole": return nil
        case "NaN": return .number(.nan)
        case "Infinity": return .number(.infinity)
        case "Date": return o["iso"]
        default: return nil
        }
      }
      return .object(o.compactMapValues { value($0) })
    case .array(let a): return .array(a.map { value($0) ?? .null })
    default: return v
    }
  }

  static func context(_ this: Value?) -> FormatterContext {
    var options = RenderOptions()
    options.lang = "en"
    options.timezone = "Europe/Paris"
    var ctx = FormatterContext(options: options)
    guard case .object(let o)? = this else { return ctx }
    if let l = o["lang"]?.stringValue { ctx.options.lang = l.lowercased() }
    if let tz = o["timezone"]?.stringValue { ctx.options.timezone = tz }
    if case .object(let c)? = o["currency"] {
      ctx.options.currencySource = c["source"]?.stringValue
      ctx.options.currencyTarget = c["target"]?.stringValue
      if case .object(let r)? = c["rates"] {
        ctx.options.currencyRates = [:]
        for (k, v) in r { if let n = v.numberValue { ctx.options.currencyRates[k] = n } }
      }
    }
    if case .object(let e)? = o["enum"] { for (k, v) in e { ctx.options.enumerations[k] = v } }
    if let x = o["extension"]?.stringValue { ctx.options.fileExtension = x }
    apply(o.map { (key: $0.key, value: $0.value) }, to: &ctx)
    return ctx
  }

  static func apply(_ o: OrderedDictionaryLike, to ctx: inout FormatterContext) {
    for (k, v) in o {
      switch k {
      case "stopPropagation": ctx.stopPropagation = v == .bool(true)
      case "isConditionTrue": ctx.isConditionTrue = v.isNull ? nil : (v == .bool(true))
      case "isAndOperator": ctx.isAndOperator = v == .bool(true)
      default: break
      }
    }
  }

  static func same(_ a: Value?, _ b: Value?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (.number(let x)?, .number(let y)?): return x == y || (x.isNaN && y.isNaN)
    default: return a == b
    }
  }

  @Test func formatterVectors() throws {
    guard let text = try? String(contentsOf: Self.vectors, encoding: .utf8) else {
      print("skipped: \(Self.vectors.path) is absent")
      return
    }
    var passed = 0, total = 0
    var failures: [String] = []
    for line in text.split(separator: "\n") {
      let v = try JSONReader.parse(Array(line.utf8), file: "formatters.jsonl")
      let calls: [(Value, Value?)]
      var ctx = Self.context(Self.value(v["this"]))
      if v["kind"]?.stringValue == "sequence" {
        calls = (v["calls"]?.arrayValue ?? []).map { ($0, v["this"]) }
      } else {
        calls = [(v, nil)]
      }
      for (call, _) in calls {
        guard let name = call["formatter"]?.stringValue else { continue }
        if case .object(let set)? = call["set"] { Self.apply(set.map { (key: $0.key, value: $0.value) }, to: &ctx) }
        if case .array(let unset)? = call["unset"] {
          for k in unset { if k.stringValue == "isConditionTrue" { ctx.isConditionTrue = nil } }
        }
        let rawArgs = call["args"]?.arrayValue ?? []
        var args: [Value?] = []
        for a in rawArgs {
          if case .object(let o) = a, case .object(let inner)? = o["$call"] {
            var sub = Self.context(Self.value(inner["this"]))
            let innerArgs = (inner["args"]?.arrayValue ?? []).map { Self.value($0) }
            args.append(try? FormatterRegistry.apply(inner["formatter"]?.stringValue ?? "", value: innerArgs.first ?? nil,
              arguments: Array(innerArgs.dropFirst()), context: &sub))
          } else {
            args.append(Self.value(a))
          }
        }
        let hasExpected = call.objectValue?.keys.contains("expected") == true
        let hasContext = call["expectedContext"] != nil
        guard hasExpected || hasContext else {
          _ = try? FormatterRegistry.apply(name, value: args.first ?? nil, arguments: Array(args.dropFirst()), context: &ctx)
          continue
        }
        total += 1
        let result = try? FormatterRegistry.apply(name, value: args.first ?? nil, arguments: Array(args.dropFirst()), context: &ctx)
        var ok = !hasExpected || Self.same(result ?? nil, Self.value(call["expected"]))
        if case .object(let ec)? = call["expectedContext"] {
          for (k, want) in ec {
            switch k {
            case "stopPropagation": ok = ok && ctx.stopPropagation == (want == .bool(true))
            case "isConditionTrue": ok = ok && (want.isNull ? ctx.isConditionTrue == nil : ctx.isConditionTrue == (want == .bool(true)))
            case "isAndOperator": ok = ok && ctx.isAndOperator == (want == .bool(true))
            default: break
            }
          }
        }
        if ok { passed += 1 } else if failures.count < 400 {
          failures.append("\(v["id"]?.stringValue ?? "?") \(name)\(rawArgs.map { $0.javaScriptString }) → \(String(describing: result ?? nil)), expected \(String(describing: call["expected"]))")
        }
      }
    }
    print("carbone formatters: \(passed) passed, \(total - passed) failed")
    let report = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("carbone-formatter-failures.txt")
    try failures.joined(separator: "\n").appending("\n").write(to: report, atomically: true, encoding: .utf8)
    #expect(passed >= Self.floor)
  }
}

typealias OrderedDictionaryLike = [(key: String, value: Value)]
