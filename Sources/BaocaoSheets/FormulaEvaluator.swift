import Foundation

/// A cell's value as a formula sees it.
package enum CellValue: Equatable {
  case empty
  case number(Double)
  case string(String)
  case bool(Bool)
  case error(String)

  var number: Double? {
    switch self {
    case .number(let n): return n
    case .bool(let b): return b ? 1 : 0
    case .empty: return 0
    default: return nil
    }
  }
}

/// Evaluates the common spreadsheet functions so that a file is right without recalculation:
/// arithmetic, comparison, `&`, percent, SUM, AVERAGE, COUNT, COUNTA, MIN, MAX, ROUND, ROUNDUP,
/// ROUNDDOWN, INT, ABS, IF, AND, OR, NOT, IFERROR, references within and across sheets.
/// Anything else throws `Unsupported`, and the caller leaves the cell for the spreadsheet to compute.
package struct FormulaEvaluator {
  package struct Unsupported: Error { var what: String }

  /// Reads a cell (sheet, 0-based column, 1-based row), evaluating it if it holds a formula.
  let cell: (String, Int, Int) throws -> CellValue
  /// The used rows and columns of a sheet, to bound whole-row and whole-column ranges.
  let extent: (String) -> (rows: Int, columns: Int)
  let sheetExists: (String) -> Bool
  let sheet: String

  private var tokens: [FormulaToken] = []
  private var i = 0

  package init(
    sheet: String, cell: @escaping (String, Int, Int) throws -> CellValue, extent: @escaping (String) -> (rows: Int, columns: Int),
    sheetExists: @escaping (String) -> Bool = { _ in true }
  ) {
    self.sheet = sheet
    self.cell = cell
    self.extent = extent
    self.sheetExists = sheetExists
  }

  /// A value or a list of values (a range).
  enum Operand {
    case value(CellValue)
    case range([CellValue])

    var scalar: CellValue {
      switch self {
      case .value(let v): return v
      case .range(let r): return r.count == 1 ? r[0] : .error("#VALUE!")
      }
    }
  }

  package mutating func evaluate(_ formula: String) throws -> CellValue {
    var body = formula
    for prefix in ["of:", "oooc:", "msoxl:"] where body.hasPrefix(prefix) { body.removeFirst(prefix.count) }
    guard body.hasPrefix("=") else { throw Unsupported(what: "a formula without '='") }
    body.removeFirst()
    tokens = FormulaTokenizer.tokens(body).filter { if case .space = $0 { return false } else { return true } }
    i = 0
    let v = try comparison().scalar
    guard i == tokens.count else { throw Unsupported(what: "the formula '\(formula)'") }
    return v
  }

  private func peekOp() -> String? {
    guard i < tokens.count, case .op(let o) = tokens[i] else { return nil }
    return o
  }

  private mutating func expect(_ op: String) throws {
    guard peekOp() == op else { throw Unsupported(what: "'\(op)' expected") }
    i += 1
  }

  private mutating func comparison() throws -> Operand {
    var left = try concat()
    while let op = peekOp(), ["=", "<>", "<", ">", "<=", ">="].contains(op) {
      i += 1
      let right = try concat()
      left = .value(compare(left.scalar, right.scalar, op))
    }
    return left
  }

  private func compare(_ a: CellValue, _ b: CellValue, _ op: String) -> CellValue {
    if case .error = a { return a }
    if case .error = b { return b }
    let order: Int
    switch (a, b) {
    case (.string(let x), .string(let y)):
      let l = x.lowercased(), r = y.lowercased()
      order = l == r ? 0 : (l < r ? -1 : 1)
    case (.string, _): order = 1  // text sorts after numbers
    case (_, .string): order = -1
    default:
      let x = a.number ?? 0, y = b.number ?? 0
      order = x == y ? 0 : (x < y ? -1 : 1)
    }
    switch op {
    case "=": return .bool(order == 0)
    case "<>": return .bool(order != 0)
    case "<": return .bool(order < 0)
    case ">": return .bool(order > 0)
    case "<=": return .bool(order <= 0)
    default: return .bool(order >= 0)
    }
  }

  private mutating func concat() throws -> Operand {
    var left = try additive()
    while peekOp() == "&" {
      i += 1
      let right = try additive()
      left = .value(.string(text(left.scalar) + text(right.scalar)))
    }
    return left
  }

  private func text(_ v: CellValue) -> String {
    switch v {
    case .empty: return ""
    case .number(let n): return FormulaEvaluator.general(n)
    case .string(let s): return s
    case .bool(let b): return b ? "TRUE" : "FALSE"
    case .error(let e): return e
    }
  }

  static func general(_ n: Double) -> String {
    if n == n.rounded() && abs(n) < 1e15 { return String(Int64(n)) }
    var s = String(format: "%.10g", n)
    if s.contains("e") { return s }
    while s.contains(".") && s.hasSuffix("0") { s.removeLast() }
    return s
  }

  private mutating func additive() throws -> Operand {
    var left = try term()
    while let op = peekOp(), op == "+" || op == "-" {
      i += 1
      let right = try term()
      left = .value(try arithmetic(left.scalar, right.scalar) { op == "+" ? $0 + $1 : $0 - $1 })
    }
    return left
  }

  private mutating func term() throws -> Operand {
    var left = try power()
    while let op = peekOp(), op == "*" || op == "/" {
      i += 1
      let right = try power()
      if op == "/", right.scalar.number == 0 { left = .value(.error("#DIV/0!")); continue }
      left = .value(try arithmetic(left.scalar, right.scalar) { op == "*" ? $0 * $1 : $0 / $1 })
    }
    return left
  }

  private mutating func power() throws -> Operand {
    var left = try unary()
    while peekOp() == "^" {
      i += 1
      let right = try unary()
      left = .value(try arithmetic(left.scalar, right.scalar) { Foundation.pow($0, $1) })
    }
    return left
  }

  private func arithmetic(_ a: CellValue, _ b: CellValue, _ f: (Double, Double) -> Double) throws -> CellValue {
    if case .error = a { return a }
    if case .error = b { return b }
    guard let x = number(a), let y = number(b) else { return .error("#VALUE!") }
    let r = f(x, y)
    return r.isFinite ? .number(r) : .error("#NUM!")
  }

  /// A number from a value; text that reads as a number counts (as LibreOffice's default does).
  private func number(_ v: CellValue) -> Double? {
    if case .string(let s) = v { return s.isEmpty ? 0 : Double(s) }
    return v.number
  }

  private mutating func unary() throws -> Operand {
    if let op = peekOp(), op == "-" || op == "+" {
      i += 1
      let v = try unary().scalar
      return .value(op == "-" ? try arithmetic(.number(0), v, -) : v)
    }
    var v = try primary()
    while peekOp() == "%" {
      i += 1
      v = .value(try arithmetic(v.scalar, .number(100), /))
    }
    return v
  }

  private mutating func primary() throws -> Operand {
    guard i < tokens.count else { throw Unsupported(what: "an incomplete formula") }
    let t = tokens[i]
    i += 1
    switch t {
    case .number(let n, _): return .value(.number(n))
    case .string(let s): return .value(.string(s))
    case .reference(let r): return try resolve(r)
    case .op("("):
      let v = try comparison()
      try expect(")")
      return v
    case .name(let n):
      let name = n.uppercased()
      if peekOp() == "(" {
        i += 1
        var args: [Operand] = []
        if peekOp() != ")" {
          args.append(try comparison())
          while peekOp() == ";" || peekOp() == "," {
            i += 1
            args.append(try comparison())
          }
        }
        try expect(")")
        return .value(try call(name, args))
      }
      if name == "TRUE" { return .value(.bool(true)) }
      if name == "FALSE" { return .value(.bool(false)) }
      throw Unsupported(what: "the name '\(n)'")
    default:
      throw Unsupported(what: "'\(FormulaTokenizer.text([t]))'")
    }
  }

  private func resolve(_ r: Reference) throws -> Operand {
    let s = r.start.sheet ?? sheet
    guard sheetExists(s) else { throw Unsupported(what: "the sheet '\(s)'") }
    guard let end = r.end else {
      guard let c = r.start.column, let row = r.start.row else { throw Unsupported(what: "a whole row or column as a value") }
      return .value(try cell(s, c, row))
    }
    if let e = end.sheet, e != s { throw Unsupported(what: "a range across sheets") }
    // Cells past the sheet's last row and column are empty: a range over a whole column (or up to
    // row 1048576) reads only the part that holds cells.
    let (rows, columns) = extent(s)
    let c1 = r.start.column ?? 0, c2 = end.column ?? max(0, columns - 1)
    let r1 = r.start.row ?? 1, r2 = end.row ?? max(1, rows)
    let rowSpan = min(r1, r2)...max(min(r1, r2), min(max(r1, r2), rows))
    let columnSpan = min(c1, c2)...max(min(c1, c2), min(max(c1, c2), columns - 1))
    guard rowSpan.count.multipliedReportingOverflow(by: columnSpan.count).partialValue <= 4_000_000 else {
      throw Unsupported(what: "a range of more than 4 million cells")
    }
    var values: [CellValue] = []
    for row in rowSpan {
      for c in columnSpan { values.append(try cell(s, c, row)) }
    }
    return .range(values)
  }

  private func flatten(_ args: [Operand]) -> [CellValue] {
    args.flatMap { a -> [CellValue] in
      switch a {
      case .value(let v): return [v]
      case .range(let r): return r
      }
    }
  }

  /// Numbers among the arguments: numbers in ranges count, text and empty cells in ranges do not.
  private func numbers(_ args: [Operand]) -> ([Double], CellValue?) {
    var out: [Double] = []
    for a in args {
      switch a {
      case .value(let v):
        if case .error = v { return ([], v) }
        if let n = number(v) { out.append(n) } else { return ([], .error("#VALUE!")) }
      case .range(let r):
        for v in r {
          if case .error = v { return ([], v) }
          if case .number(let n) = v { out.append(n) }
        }
      }
    }
    return (out, nil)
  }

  private func call(_ name: String, _ args: [Operand]) throws -> CellValue {
    switch name {
    case "SUM", "AVERAGE", "MIN", "MAX", "COUNT":
      let (ns, error) = numbers(args)
      if let error, name != "COUNT" { return error }
      switch name {
      case "SUM": return .number(ns.reduce(0, +))
      case "AVERAGE": return ns.isEmpty ? .error("#DIV/0!") : .number(ns.reduce(0, +) / Double(ns.count))
      case "MIN": return .number(ns.min() ?? 0)
      case "MAX": return .number(ns.max() ?? 0)
      default: return .number(Double(ns.count))
      }
    case "COUNTA":
      return .number(Double(flatten(args).filter { $0 != .empty }.count))
    case "ROUND", "ROUNDUP", "ROUNDDOWN":
      guard args.count >= 1 else { throw Unsupported(what: name + " without arguments") }
      guard let x = number(args[0].scalar) else { return .error("#VALUE!") }
      let digits = args.count > 1 ? Int(number(args[1].scalar) ?? 0) : 0
      let f = Foundation.pow(10, Double(digits))
      let scaled = x * f
      let rule: FloatingPointRoundingRule = name == "ROUND" ? .toNearestOrAwayFromZero : (name == "ROUNDUP" ? .awayFromZero : .towardZero)
      // Guard against binary noise (2.675 * 100 = 267.49999…) as spreadsheets do.
      let cleaned = (scaled * 1e9).rounded() / 1e9
      return .number(cleaned.rounded(rule) / f)
    case "INT":
      guard let x = args.first.flatMap({ number($0.scalar) }) else { return .error("#VALUE!") }
      return .number(x.rounded(.down))
    case "ABS":
      guard let x = args.first.flatMap({ number($0.scalar) }) else { return .error("#VALUE!") }
      return .number(abs(x))
    case "IF":
      guard !args.isEmpty else { throw Unsupported(what: "IF without arguments") }
      let c = args[0].scalar
      if case .error = c { return c }
      let truth: Bool
      switch c {
      case .string(let s): guard let n = Double(s) else { return .error("#VALUE!") }; truth = n != 0
      default: truth = (c.number ?? 0) != 0
      }
      if truth { return args.count > 1 ? args[1].scalar : .bool(true) }
      return args.count > 2 ? args[2].scalar : .bool(false)
    case "AND", "OR":
      let vs = flatten(args).filter { $0 != .empty }
      if let e = vs.first(where: { if case .error = $0 { true } else { false } }) { return e }
      let bools = vs.compactMap { $0.number }.map { $0 != 0 }
      return .bool(name == "AND" ? bools.allSatisfy { $0 } : bools.contains(true))
    case "NOT":
      guard let x = args.first.flatMap({ number($0.scalar) }) else { return .error("#VALUE!") }
      return .bool(x == 0)
    case "IFERROR":
      guard args.count == 2 else { throw Unsupported(what: "IFERROR with \(args.count) arguments") }
      if case .error = args[0].scalar { return args[1].scalar }
      return args[0].scalar
    default:
      throw Unsupported(what: "the function \(name)")
    }
  }
}
