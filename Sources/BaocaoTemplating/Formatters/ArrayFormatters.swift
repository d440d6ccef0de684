import BaocaoData
import Foundation

enum ArrayFormatters {
  static func register(_ t: inout [String: FormatterRegistry.Body]) {
    t["arrayJoin"] = { _, v, args in
      guard case .array(let items)? = v else { return v }
      // A typed "\n" in the template means a newline.
      let sep = (args[safe: 0].text ?? ", ").replacingOccurrences(of: "\\n", with: "\n")
      return .string(items.map { $0.isNull ? "" : $0.javaScriptString }.joined(separator: sep))
    }
    t["arrayMap"] = { _, v, args in
      guard case .array(let items)? = v else { return v }
      let sep = args[safe: 0].text ?? ", "
      let attrSep = args[safe: 1].text ?? ":"
      let attrs = args.dropFirst(2).compactMap { $0.text }
      let parts = items.map { item -> String in
        guard case .object(let o) = item else { return item.isNull ? "" : item.javaScriptString }
        let keys = attrs.isEmpty ? Array(o.keys) : attrs
        return keys.compactMap { k -> String? in
          guard let x = o[k] else { return nil }
          if case .object = x { return nil }
          if case .array = x { return nil }
          return x.javaScriptString
        }.joined(separator: attrSep)
      }
      return .string(parts.joined(separator: sep))
    }
    t["len"] = { _, v, _ in
      switch v {
      case .string(let s)?: return .number(Double(s.utf16.count))
      case .array(let a)?: return .number(Double(a.count))
      default: return .number(0)
      }
    }
    t["count"] = { ctx, _, args in
      let start = args[safe: 0] == nil ? 1 : Int(args[safe: 0].number.isNaN ? 1 : args[safe: 0].number)
      let value = ctx.counterStart.map { $0 + 1 } ?? start
      ctx.counterValue = value
      ctx.usedCounter = true
      return .number(Double(value))
    }
    t["aggSum"] = { _, v, _ in .number(numbers(v).reduce(0, +)) }
    t["aggAvg"] = { _, v, _ in
      let n = numbers(v)
      return n.isEmpty ? .number(0) : .number(n.reduce(0, +) / Double(n.count))
    }
    t["aggMin"] = { _, v, _ in numbers(v).min().map { .number($0) } ?? nil }
    t["aggMax"] = { _, v, _ in numbers(v).max().map { .number($0) } ?? nil }
    t["aggCount"] = { _, v, _ in
      guard case .array(let items)? = v else { return .number(v == nil ? 0 : 1) }
      return .number(Double(items.count))
    }
  }

  static func numbers(_ v: Value?) -> [Double] {
    guard case .array(let items)? = v else {
      let n = v.number
      return n.isNaN ? [] : [n]
    }
    return items.compactMap { item in
      let n = Optional(item).number
      return n.isNaN ? nil : n
    }
  }
}
