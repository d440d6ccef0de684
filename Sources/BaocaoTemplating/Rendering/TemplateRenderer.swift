import BaocaoLimits
import BaocaoData
import Foundation

/// Merges data into a compiled template.
public struct TemplateRenderer {
  public let program: TemplateProgram
  public let options: RenderOptions

  public init(program: TemplateProgram, options: RenderOptions) {
    self.program = program
    self.options = options
  }

  /// Renders the program with `data` as `d` and `complement` as `c`.
  /// - Throws: `DiagnosticList` when `strict` finds missing paths or a formatter fails.
  public func render(data: Value?, complement: Value?) throws(DiagnosticList) -> [UInt8] {
    var state = RenderState(renderer: self, data: data, complement: complement)
    var out: [UInt8] = []
    out.reserveCapacity(4096)
    state.emit(program.nodes, into: &out)
    if !state.problems.isEmpty { throw DiagnosticList(state.problems) }
    return out
  }
}

struct Scope {
  var key: String
  var item: Value?
}

struct RenderState {
  let renderer: TemplateRenderer
  let data: Value?
  let complement: Value?
  var scopes: [Scope] = []
  var counters: [Int: Int] = [:]
  var problems: [Diagnostic] = []
  /// A typed cell evaluates its tag once, before writing the cell's start tag.
  var precomputed: [Int: SlotResult] = [:]
  /// Set when the output passed Limits.mergedPartBytes: nothing more is written.
  var stopped = false

  init(renderer: TemplateRenderer, data: Value?, complement: Value?) {
    self.renderer = renderer
    self.data = data
    self.complement = complement
  }

  var options: RenderOptions { renderer.options }

  mutating func emit(_ nodes: [ProgramNode], into out: inout [UInt8]) {
    for node in nodes {
      if stopped { return }
      switch node {
      case .literal(let b): out.append(contentsOf: b)
      case .slot(let i): write(slot: i, into: &out)
      case .loop(let plan, let body):
        for item in items(of: plan) {
          // Loops over huge arrays, or loops inside loops, could otherwise fill the memory.
          if out.count > Limits.mergedPartBytes {
            stopped = true
            problems.append(Diagnostic(
              message: "the merged document passes \(Limits.mergedPartBytes >> 30) GiB, more than baocao writes",
              hint: "check the loops: an array with millions of items, or loops inside loops over large arrays"))
            return
          }
          scopes.append(Scope(key: plan.key, item: item))
          emit(body, into: &out)
          scopes.removeLast()
        }
      case .block(let plan, let body, let kept):
        if blockIsShown(plan) { emit(body, into: &out) } else { emit(kept, into: &out) }
      case .typedCell(let startTag, let slot, let content):
        let result = slotValue(slot)
        precomputed[slot] = result
        out.append(contentsOf: SpreadsheetCell.startTag(startTag, typedFor: result.isMarkup ? nil : result.value))
        emit(content, into: &out)
        precomputed[slot] = nil
      }
    }
  }

  // MARK: - Tags

  struct SlotResult {
    var value: Value?
    /// True when a formatter produced markup (convCRLF in a document), written without escaping.
    var isMarkup = false
  }

  /// Evaluates a value tag once.
  mutating func slotValue(_ index: Int) -> SlotResult {
    let slot = renderer.program.slots[index]
    guard case .value(let expr) = slot.kind else { return SlotResult(value: nil) }
    var ctx = FormatterContext(options: options, counterStart: counters[index])
    let result = evaluate(expr, slot: slot, context: &ctx)
    if ctx.usedCounter { counters[index] = ctx.counterValue }
    return SlotResult(value: result, isMarkup: ctx.rawXML)
  }

  mutating func write(slot index: Int, into out: inout [UInt8]) {
    let slot = renderer.program.slots[index]
    let text: String
    switch slot.kind {
    case .silent, .conditionBegin, .blockEnd: return
    case .translation(let key):
      text = options.translations[options.lang]?[key] ?? key
    case .value:
      let result = precomputed[index] ?? slotValue(index)
      text = display(result.value)
      if result.isMarkup {
        out.append(contentsOf: Array(text.utf8))
        return
      }
    }
    let normalized = XMLText.nfc(text)
    if options.outputMode == .odf && !slot.inAttribute {
      XMLText.appendODF(normalized, to: &out)
      return
    }
    let escaped: String
    switch options.outputMode {
    case .text: escaped = normalized.filter { !$0.unicodeScalars.contains(where: XMLText.isForbidden) }
    case .xml: escaped = XMLText.escape(normalized, attribute: slot.inAttribute)
    case .odf: escaped = XMLText.escape(normalized, attribute: true)  // text nodes were written above
    }
    out.append(contentsOf: Array(escaped.utf8))
  }

  func display(_ v: Value?) -> String {
    guard let v else { return "" }
    switch v {
    case .null, .object: return ""
    default: return v.javaScriptString
    }
  }

  mutating func evaluate(_ expr: TagExpression, slot: Slot, context ctx: inout FormatterContext) -> Value? {
    let (value, parents) = resolve(root: expr.root, steps: expr.steps[...])
    if value == nil && options.strict && !expr.formatters.contains(where: { $0.name.hasPrefix("if") }) {
      problems.append(
        Diagnostic(line: slot.line, column: slot.column, message: "the data has no value for '\(slot.tag)'",
          hint: "add the field to the data, or drop --strict"))
    }
    var current = value
    for call in expr.formatters {
      if ctx.stopPropagation { break }
      let args = call.arguments.map { argument(for: $0, parents: parents) }
      do {
        current = try FormatterRegistry.apply(call.name, value: current, arguments: args, context: &ctx)
      } catch {
        problems.append(
          Diagnostic(line: slot.line, column: slot.column, message: "\(error.message) in '\(slot.tag)'"))
        return nil
      }
    }
    return current
  }

  func argument(for arg: FormatterArgument, parents: [Value?]) -> Value? {
    switch arg {
    case .literal(let s): return .string(s)
    case .relative(let up, let path):
      let i = parents.count - 1 - up
      guard i >= 0 else { return nil }
      return walk(parents[i], path)
    case .absolute(let root, let path):
      return walk(root == .data ? data : complement, path)
    }
  }

  func walk(_ start: Value?, _ path: [String]) -> Value? {
    var v = start
    for k in path {
      v = member(v, k)
    }
    return v
  }

  func member(_ v: Value?, _ key: String) -> Value? {
    guard let v else { return nil }
    switch v {
    case .object(let o): return o[key]
    case .array(let a): return key == "length" ? .number(Double(a.count)) : nil
    case .string(let s): return key == "length" ? .number(Double(s.utf16.count)) : nil
    default: return nil
    }
  }

  /// Follows a path; returns the value and the objects passed on the way (for `.x` arguments).
  func resolve(root: TagExpression.Root, steps: ArraySlice<PathStep>) -> (Value?, [Value?]) {
    var chain: [Value?] = [root == .data ? data : complement]
    var keyLength = steps.startIndex
    for index in steps.indices {
      let step = steps[index]
      keyLength = index + 1
      switch step {
      case .key(let k):
        chain.append(member(chain.last!, k))
      case .up(let n):
        for _ in 0..<n where chain.count > 1 { chain.removeLast() }
      case .bracket(let b):
        let container = chain.removeLast()
        if b.isIterating {
          let key = canonicalKey(root: root, steps: steps[steps.startIndex..<keyLength])
          if let scope = scopes.last(where: { $0.key == key }) {
            chain.append(scope.item)
          } else {
            chain.append(nil)
          }
        } else if b.filters.isEmpty {
          // `[]`: every element; the rest of the path is taken in each (for aggregates).
          guard case .array(let items)? = container else { return (nil, chain) }
          let rest = steps[(index + 1)...]
          let mapped = items.map { resolveFrom($0, steps: rest) ?? .null }
          return (.array(mapped), chain)
        } else {
          chain.append(lookup(container, b))
        }
      }
    }
    let value = chain.removeLast()
    return (value, chain)
  }

  func resolveFrom(_ start: Value, steps: ArraySlice<PathStep>) -> Value? {
    var v: Value? = start
    for step in steps {
      switch step {
      case .key(let k): v = member(v, k)
      case .bracket(let b): v = lookup(v, b)
      case .up: return nil
      }
    }
    return v
  }

  /// The first element matching a bracket's filters (`[i=0]`, `[id=2]`, `[2]`).
  func lookup(_ container: Value?, _ b: Bracket) -> Value? {
    guard case .array(let items)? = container else { return nil }
    for (i, item) in items.enumerated() where matches(item, index: i, count: items.count, filters: b.filters) {
      return item
    }
    return nil
  }

  func matches(_ item: Value, index: Int, count: Int, filters: [Filter]) -> Bool {
    for f in filters {
      switch f.left {
      case .index:
        let target = JSNumber.parseInt(f.right)
        guard let t = target else { return false }
        let actual = Double(index)
        let want = (f.op == .eq && t < 0) ? Double(count) + t : t
        if !compare(actual, f.op, want) { return false }
      case .attribute(let path):
        let v = walk(item, path)
        if !FilterComparison.matches(v, f) { return false }
      }
    }
    return true
  }

  func compare(_ a: Double, _ op: Filter.Operator, _ b: Double) -> Bool {
    switch op {
    case .eq: return a == b
    case .ne: return a != b
    case .gt: return a > b
    case .lt: return a < b
    case .ge: return a >= b
    case .le: return a <= b
    }
  }

  /// The items a loop visits: filtered, then sorted by its iterators.
  func items(of plan: LoopPlan) -> [Value] {
    let (container, _) = resolve(root: plan.root, steps: plan.arraySteps[...])
    let all: [Value]
    switch container {
    case .array(let a)?: all = a
    case .object(let o)?:
      // Looping over an object visits its properties as {att, val}, as in Carbone.
      all = o.map { .object(["att": .string($0.key), "val": $0.value]) }
    default: return []
    }
    var picked: [(Int, Value)] = []
    for (i, item) in all.enumerated() where matches(item, index: i, count: all.count, filters: plan.bracket.filters) {
      picked.append((i, item))
    }
    let attributeIterators = plan.bracket.iterators.compactMap { it -> [String]? in
      if case .attribute(let p) = it { return p } else { return nil }
    }
    if attributeIterators.isEmpty { return picked.map(\.1) }
    let usesIndex = plan.bracket.iterators.contains(.index)
    let collator = Collation(lang: options.lang)
    let keyed = picked.map { pair in (pair.0, pair.1, attributeIterators.map { walk(pair.1, $0) }) }
    let sorted = keyed.sorted { a, b in
      for (x, y) in zip(a.2, b.2) {
        let c = collator.compare(x, y)
        if c != 0 { return c < 0 }
      }
      return a.0 < b.0
    }
    if usesIndex { return sorted.map(\.1) }
    // Without `i`, items sharing the same sort key collapse into one, as in Carbone.
    var out: [Value] = []
    var previous: [Value?]? = nil
    for entry in sorted {
      if let p = previous, zip(p, entry.2).allSatisfy({ collator.compare($0, $1) == 0 }) { continue }
      out.append(entry.1)
      previous = entry.2
    }
    return out
  }

  mutating func blockIsShown(_ plan: BlockPlan) -> Bool {
    let slot = renderer.program.slots[plan.conditionSlot]
    guard case .conditionBegin(let expr, let hide) = slot.kind else { return true }
    var ctx = FormatterContext(options: options, counterStart: nil)
    var e = expr
    e.formatters.removeLast()
    let value = evaluate(e, slot: slot, context: &ctx)
    let condition: Bool
    if let c = ctx.isConditionTrue { condition = c } else { condition = value?.isTruthy ?? false }
    return hide ? !condition : condition
  }
}

enum FilterComparison {
  static func matches(_ v: Value?, _ f: Filter) -> Bool {
    if f.quoted {
      let s = v?.stringValue
      switch f.op {
      case .eq: return s == f.right
      case .ne: return s != f.right
      default: break
      }
    }
    let text = v.map { $0.javaScriptString } ?? "undefined"
    switch f.op {
    case .eq: return text == f.right
    case .ne: return text != f.right
    default:
      let a = v.map { JSNumber.parseFloat($0.javaScriptString) } ?? .nan
      let b = JSNumber.parseFloat(f.right)
      if a.isNaN || b.isNaN {
        switch f.op {
        case .gt: return text > f.right
        case .lt: return text < f.right
        case .ge: return text >= f.right
        case .le: return text <= f.right
        default: return false
        }
      }
      switch f.op {
      case .gt: return a > b
      case .lt: return a < b
      case .ge: return a >= b
      case .le: return a <= b
      default: return false
      }
    }
  }
}
