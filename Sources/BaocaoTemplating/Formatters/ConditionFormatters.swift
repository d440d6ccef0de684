import BaocaoData

enum ConditionFormatters {
  static func continueFlag(_ v: Value?) -> Bool {
    guard let v else { return false }
    if case .bool(true) = v { return true }
    return v.javaScriptString == "true"
  }

  static func register(_ t: inout [String: FormatterRegistry.Body]) {
    t["ifEmpty"] = { ctx, v, args in
      if v.isEmptyValue {
        if !continueFlag(args[safe: 1]) { ctx.stopPropagation = true }
        return args[safe: 0] ?? nil
      }
      return v
    }
    t["ifEqual"] = { ctx, v, args in
      if v.jsConcat == args[safe: 0].jsConcat {
        if !continueFlag(args[safe: 2]) { ctx.stopPropagation = true }
        return args[safe: 1] ?? nil
      }
      return v
    }
    t["ifContain"] = { ctx, v, args in
      if contains(v, args[safe: 0]) {
        if !continueFlag(args[safe: 2]) { ctx.stopPropagation = true }
        return args[safe: 1] ?? nil
      }
      return v
    }
    t["and"] = { ctx, v, args in
      ctx.isAndOperator = true
      return args.isEmpty ? v : args[0]
    }
    t["or"] = { ctx, v, args in
      ctx.isAndOperator = false
      return args.isEmpty ? v : args[0]
    }
    t["ifEM"] = { ctx, v, _ in ctx.updateCondition(v.isEmptyValue); return v }
    t["ifNEM"] = { ctx, v, _ in ctx.updateCondition(!v.isEmptyValue); return v }
    t["ifEQ"] = { ctx, v, args in ctx.updateCondition(v.jsConcat == args[safe: 0].jsConcat); return v }
    t["ifNE"] = { ctx, v, args in ctx.updateCondition(v.jsConcat != args[safe: 0].jsConcat); return v }
    t["ifGT"] = { ctx, v, args in ctx.updateCondition(numeric(v, args, >)); return v }
    t["ifGTE"] = { ctx, v, args in ctx.updateCondition(numeric(v, args, >=)); return v }
    t["ifLT"] = { ctx, v, args in ctx.updateCondition(numeric(v, args, <)); return v }
    t["ifLTE"] = { ctx, v, args in ctx.updateCondition(numeric(v, args, <=)); return v }
    t["ifIN"] = { ctx, v, args in
      let arg = args[safe: 0]
      ctx.updateCondition(arg?.isTruthy == true && contains(v, arg))
      return v
    }
    t["ifNIN"] = { ctx, v, args in
      let arg = args[safe: 0]
      ctx.updateCondition(arg?.isTruthy == true && isSearchable(v) && !contains(v, arg))
      return v
    }
    t["show"] = { ctx, v, args in
      if ctx.isConditionTrue == true || (ctx.isConditionTrue == nil && v?.isTruthy == true) {
        ctx.stopPropagation = true
        return args[safe: 0] ?? nil
      }
      return v
    }
    t["elseShow"] = { ctx, v, args in
      if ctx.isConditionTrue == false || (ctx.isConditionTrue == nil && v?.isTruthy != true) {
        ctx.stopPropagation = true
        return args[safe: 0] ?? nil
      }
      return v
    }
    for name in ["showBegin", "showEnd", "hideBegin", "hideEnd"] {
      t[name] = { _, _, _ in nil }
    }
  }

  static func numeric(_ v: Value?, _ args: [Value?], _ op: (Double, Double) -> Bool) -> Bool {
    let a = v.number, b = args[safe: 0].number
    return !a.isNaN && !b.isNaN && op(a, b)
  }

  static func isSearchable(_ v: Value?) -> Bool {
    switch v {
    case .string?, .array?: return true
    default: return false
    }
  }

  /// JavaScript's `indexOf` on a string (substring) or an array (strict equality, by text here).
  static func contains(_ v: Value?, _ needle: Value?) -> Bool {
    switch v {
    case .string(let s)?:
      let n = needle.jsConcat
      return n.isEmpty || s.contains(n)
    case .array(let items)?:
      guard let needle else { return false }
      return items.contains { item in
        if case .number(let x) = item, let y = needle.numberValue ?? Double(needle.javaScriptString) { return x == y }
        return item.javaScriptString == needle.javaScriptString && item.stringValue != nil
      }
    default: return false
    }
  }
}
