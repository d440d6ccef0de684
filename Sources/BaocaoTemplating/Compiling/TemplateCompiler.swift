import BaocaoData
#if canImport(Glibc)
import Glibc
#endif

/// Compiles template text (an XML part or a plain text file) into a `TemplateProgram`.
///
/// Loops are found by pairing each `[i]` tag with its `[i+1]` tag and widening the text between them
/// to whole elements (a paragraph, a row, a list item); show/hide blocks are paired last-in, first-out.
public struct TemplateCompiler {
  public var file: String
  public var part: String
  /// Alias declarations (`{#name = path}`) shared by all parts of one document.
  public var aliases: [String: AliasDefinition]
  /// In documents, a paragraph that holds nothing but a block's `showBegin` or `showEnd` tag is
  /// dropped even when the block is shown, so no empty paragraph is left behind (Carbone keeps it).
  public var dropDelimiterParagraphs: Bool
  /// In spreadsheets, a cell whose whole content is one tag takes the type of the value.
  public var typedCells: Bool = false
  /// Byte ranges the caller inserted into the template before compiling it (markers of its own):
  /// columns in diagnostics skip them, so they name the places the user typed.
  public var inserted: [Range<Int>] = []

  public init(
    file: String = "", part: String = "", aliases: [String: AliasDefinition] = [:], dropDelimiterParagraphs: Bool = false
  ) {
    self.file = file
    self.part = part
    self.aliases = aliases
    self.dropDelimiterParagraphs = dropDelimiterParagraphs
  }

  public struct AliasDefinition: Sendable {
    public var parameters: [String]
    public var body: String
  }

  struct MarkerRef {
    var anchor: Int  // token index
    var slot: Int
  }

  struct LoopInstance {
    var key: String
    var depth: Int
    var plan: LoopPlan
    var startAnchor: Int
    var endAnchor: Int?
    var startSlot: Int
    // Filled by region finding.
    var bodyStart = 0, bodyEnd = 0, end = 0
  }

  struct Region {
    enum Kind { case loop(LoopPlan), block(BlockPlan, kept: Set<Int>) }
    var kind: Kind
    var start: Int
    var bodyEnd: Int
    var end: Int
    var depth: Int
    /// The part of a block rendered when it is shown (all of it unless delimiter paragraphs are dropped).
    var shown: Range<Int>? = nil
  }

  /// Collects the alias declarations of a text, so that every part can use them.
  public static func collectAliases(_ bytes: [UInt8], into aliases: inout [String: AliasDefinition]) {
    guard mayDeclareAliases(bytes) else { return }
    var scanner = MarkerScanner(bytes)
    for token in scanner.tokens() {
      guard case .marker(let m) = token, m.text.trimmingWhitespace().hasPrefix("#") else { continue }
      if let (name, def) = parseAlias(m.text) { aliases[name] = def }
    }
  }

  /// False when no brace is followed by `#` (after white space) or by markup that could hide one:
  /// then the text declares no alias, and is not scanned a second time for them (a large
  /// spreadsheet spent a sixth of its merge here).
  static func mayDeclareAliases(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { b in
      var i = 0
      while i < b.count {
        guard let p = memchr(b.baseAddress! + i, Int32(UInt8(ascii: "{")), b.count - i) else { return false }
        var j = b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1
        while j < b.count, b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D { j += 1 }
        if j < b.count, b[j] == UInt8(ascii: "#") || b[j] == UInt8(ascii: "<") { return true }
        i = j
      }
      return false
    }
  }

  static func parseAlias(_ text: String) -> (String, AliasDefinition)? {
    var t = Substring(text.trimmingWhitespace())
    guard t.first == "#", let eq = t.firstIndex(of: "=") else { return nil }
    t = t.dropFirst()
    var head = t[..<eq].trimmingWhitespace()
    let body = t[t.index(after: eq)...].trimmingWhitespace()
    var params: [String] = []
    if let open = head.firstIndex(of: "("), let close = head.lastIndex(of: ")") {
      params = head[head.index(after: open)..<close].split(separator: ",").map { $0.trimmingWhitespace() }
      head = String(head[..<open]).trimmingWhitespace()
    }
    return (head, AliasDefinition(parameters: params, body: body))
  }

  /// Replaces `$name` and `$name(args)` with the alias body.
  func expandAliases(_ text: String) -> String {
    guard text.contains("$"), !aliases.isEmpty else { return text }
    var out = ""
    var i = text.startIndex
    while i < text.endIndex {
      if text[i] == "$" {
        var j = text.index(after: i)
        while j < text.endIndex, text[j].isLetter || text[j].isNumber || text[j] == "_" { j = text.index(after: j) }
        let name = String(text[text.index(after: i)..<j])
        if let def = aliases[name] {
          var body = def.body
          if !def.parameters.isEmpty, j < text.endIndex, text[j] == "(", let close = text[j...].firstIndex(of: ")") {
            let args = text[text.index(after: j)..<close].split(separator: ",").map { $0.trimmingWhitespace() }
            // Longest names first, so that `$id` does not eat the start of `$idEnd`.
            for (p, a) in zip(def.parameters, args).sorted(by: { $0.0.count > $1.0.count }) {
              body = body.replacingAll(p, with: a)
            }
            j = text.index(after: close)
          }
          out += body
          i = j
          continue
        }
      }
      out.append(text[i])
      i = text.index(after: i)
    }
    return out
  }

  public func compile(_ bytes: [UInt8]) -> (TemplateProgram, [Diagnostic]) {
    var scanner = MarkerScanner(bytes)
    let tokens = scanner.tokens()
    let lines = LineIndex(bytes, skipping: inserted)
    var diagnostics = scanner.diagnostics.map { d -> Diagnostic in
      var d = d
      d.file = file
      d.part = part
      return d
    }
    var slots: [Slot] = []
    var refs: [MarkerRef] = []
    var tags: [TagInfo] = []
    var tagSlots: [Int: [Int]] = [:]  // token index → slots of tags inside it
    var markerSlots: [Int: Int] = [:]  // token index → slot of a tag standing in text

    func diag(_ slot: Slot, _ message: String, hint: String? = nil) -> Diagnostic {
      Diagnostic(file: file, part: part, line: slot.line, column: slot.column, message: message, tag: slot.tag, hint: hint)
    }

    func makeSlot(_ m: RawMarker) -> Slot {
      let (line, col) = lines.lineColumn(of: m.offset)
      let tagText = "{" + m.text + "}"
      tags.append(TagInfo(text: tagText, line: line, column: col))
      var slot = Slot(kind: .silent, inAttribute: m.inAttribute, tag: tagText, line: line, column: col)
      let text = m.text.trimmingWhitespace()
      if text.hasPrefix("#") { return slot }
      if text.hasPrefix("t(") {
        var inner = text.dropFirst(2)
        if inner.hasSuffix(")") { inner = inner.dropLast() }
        slot.kind = .translation(String(inner))
        return slot
      }
      var expanded = expandAliases(text)
      if text.hasPrefix("$") {
        if expanded == text {
          diagnostics.append(diag(slot, "unknown alias '\(text.dropFirst().prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))'", hint: "declare it with {#name = d.path}"))
          return slot
        }
        expanded = expanded.trimmingWhitespace()
        if !(expanded.hasPrefix("d") || expanded.hasPrefix("c")) { return slot }
      }
      do {
        let expr = try TagParser.parse(expanded)
        for f in expr.formatters where !FormatterRegistry.isKnown(f.name) {
          diagnostics.append(
            diag(slot, "unknown formatter '\(f.name)' in '\(slot.tag)'", hint: FormatterRegistry.suggestion(for: f.name)))
        }
        if let last = expr.formatters.last?.name {
          switch last {
          case "showBegin", "hideBegin": slot.kind = .conditionBegin(expr, hide: last == "hideBegin")
          case "showEnd", "hideEnd": slot.kind = .blockEnd(hide: last == "hideEnd")
          default: slot.kind = .value(expr)
          }
        } else {
          slot.kind = .value(expr)
        }
      } catch {
        diagnostics.append(diag(slot, "\(error.message) in '\(slot.tag)'", hint: error.hint))
      }
      return slot
    }

    for (index, token) in tokens.enumerated() {
      switch token {
      case .marker(let m):
        refs.append(MarkerRef(anchor: index, slot: slots.count))
        markerSlots[index] = slots.count
        slots.append(makeSlot(m))
      case .tag(_, _, let pieces):
        for piece in pieces {
          if case .marker(let m) = piece {
            refs.append(MarkerRef(anchor: index, slot: slots.count))
            tagSlots[index, default: []].append(slots.count)
            slots.append(makeSlot(m))
          }
        }
      case .text: break
      }
    }

    // 1. Pair loop starts and ends.
    var instances: [LoopInstance] = []
    var open: [String: Int] = [:]  // key → instance index
    for ref in refs {
      guard let expr = expression(of: slots[ref.slot]) else { continue }
      let iterating = expr.iteratingBrackets
      if iterating.isEmpty { continue }
      var anyOdd = false
      for (depth, stepIndex) in iterating.enumerated() {
        guard case .bracket(let b) = expr.steps[stepIndex] else { continue }
        let key = canonicalKey(root: expr.root, steps: expr.steps[...stepIndex])
        if b.isOdd {
          anyOdd = true
          if let idx = open[key] {
            instances[idx].endAnchor = ref.anchor
            open[key] = nil
          } else if !instances.contains(where: { $0.key == key }) {
            diagnostics.append(
              diag(slots[ref.slot], "'\(slots[ref.slot].tag)' ends a loop that never started",
                hint: "add a tag with '[i]' before it, in the first repeated element"))
          }
        } else if !anyOdd, open[key] == nil {
          let plan = LoopPlan(key: key, root: expr.root, arraySteps: Array(expr.steps[..<stepIndex]), bracket: b)
          open[key] = instances.count
          instances.append(
            LoopInstance(key: key, depth: depth, plan: plan, startAnchor: ref.anchor, startSlot: ref.slot))
        }
      }
    }
    for idx in open.values.sorted() {
      let s = slots[instances[idx].startSlot]
      diagnostics.append(
        diag(s, "the loop started by '\(s.tag)' has no '[i+1]' tag",
          hint: "repeat the element once more with '\(instances[idx].key.loopHint)' in it to mark what repeats"))
    }
    instances = instances.filter { $0.endAnchor != nil }

    // 2. Widen each loop to whole elements.
    let structure = TokenStructure(tokens)
    var regions: [Region] = []
    for i in instances.indices {
      guard let end = instances[i].endAnchor, end > instances[i].startAnchor else {
        let s = slots[instances[i].startSlot]
        diagnostics.append(diag(s, "the '[i+1]' tag of the loop started by '\(s.tag)' must come after it"))
        continue
      }
      let r = structure.repetition(start: instances[i].startAnchor, end: end)
      instances[i].bodyStart = r.bodyStart
      instances[i].bodyEnd = r.bodyEnd
      instances[i].end = r.end
    }
    // A loop that starts in the [i+1] part of another is a copy of one already found: drop it.
    let deadZones = instances.map { ($0.bodyEnd, $0.end) }
    func isDead(_ anchor: Int) -> Bool { deadZones.contains { anchor >= $0.0 && anchor < $0.1 } }
    for inst in instances where !isDead(inst.startAnchor) && inst.bodyEnd > inst.bodyStart {
      regions.append(
        Region(kind: .loop(inst.plan), start: inst.bodyStart, bodyEnd: inst.bodyEnd, end: inst.end, depth: inst.depth))
    }

    // 3. Pair show/hide blocks among the tags that survive.
    var stack: [MarkerRef] = []
    for ref in refs where !isDead(ref.anchor) {
      let tag = slots[ref.slot]
      guard let last = lastFormatterName(tag) else { continue }
      if last == "showBegin" || last == "hideBegin" {
        stack.append(ref)
      } else if last == "showEnd" || last == "hideEnd" {
        guard let begin = stack.popLast() else {
          diagnostics.append(diag(tag, "'\(tag.tag)' has no matching showBegin or hideBegin before it"))
          continue
        }
        let (start, end) = structure.blockBounds(begin: begin.anchor, end: ref.anchor)
        let kept = structure.unmatchedTags(in: start..<end)
        var region = Region(
          kind: .block(BlockPlan(conditionSlot: begin.slot), kept: kept), start: start, bodyEnd: end, end: end, depth: 0)
        if dropDelimiterParagraphs {
          let lower = structure.isAloneInElement(begin.anchor) ? begin.anchor + 2 : start
          let upper = structure.isAloneInElement(ref.anchor) ? ref.anchor - 1 : end
          if lower <= upper { region.shown = lower..<upper }
        }
        regions.append(region)
      }
    }
    for ref in stack {
      let tag = slots[ref.slot]
      diagnostics.append(diag(tag, "'\(tag.tag)' has no matching showEnd or hideEnd after it"))
    }

    // 4. Build the tree.
    regions.sort {
      if $0.start != $1.start { return $0.start < $1.start }
      if $0.bodyEnd != $1.bodyEnd { return $0.bodyEnd > $1.bodyEnd }
      return $0.depth < $1.depth
    }
    var builder = TreeBuilder(tokens: tokens, tagSlots: tagSlots, markerSlots: markerSlots)
    if typedCells { builder.typedCells = structure.singleTagCells(markerSlots: markerSlots) }
    let nodes = builder.build(0..<tokens.count, regions[...])
    for (start, _) in builder.crossings {
      diagnostics.append(
        Diagnostic(file: file, part: part, line: 0, column: 0,
          message: "a loop and a show/hide block overlap near token \(start); each must lie wholly inside the other"))
    }
    return (TemplateProgram(nodes: nodes, slots: slots, tags: tags), diagnostics)
  }

  /// The data path of a value tag or of a block's `showBegin`/`hideBegin` tag.
  func expression(of slot: Slot) -> TagExpression? {
    switch slot.kind {
    case .value(let e), .conditionBegin(let e, _): return e
    default: return nil
    }
  }

  func lastFormatterName(_ slot: Slot) -> String? {
    switch slot.kind {
    case .conditionBegin(_, let hide): return hide ? "hideBegin" : "showBegin"
    case .blockEnd(let hide): return hide ? "hideEnd" : "showEnd"
    default: return nil
    }
  }
}

/// Builds the node tree from tokens and (sorted, nested) regions.
struct TreeBuilder {
  let tokens: [Token]
  let tagSlots: [Int: [Int]]
  let markerSlots: [Int: Int]
  var crossings: [(Int, Int)] = []
  /// Cell start token → (cell end token, slot of its only tag).
  var typedCells: [Int: (end: Int, slot: Int)] = [:]

  mutating func build(_ range: Range<Int>, _ regions: ArraySlice<TemplateCompiler.Region>) -> [ProgramNode] {
    var nodes: [ProgramNode] = []
    var pos = range.lowerBound
    var idx = regions.startIndex
    while pos < range.upperBound {
      while idx < regions.endIndex && regions[idx].start < pos { idx += 1 }
      if idx < regions.endIndex && regions[idx].start == pos {
        let r = regions[idx]
        var j = idx + 1
        while j < regions.endIndex && regions[j].start < r.bodyEnd {
          if regions[j].bodyEnd > r.bodyEnd { crossings.append((regions[j].start, r.bodyEnd)) }
          j += 1
        }
        let children = regions[(idx + 1)..<j].filter { $0.bodyEnd <= r.bodyEnd }
        let shown = r.shown ?? (r.start..<r.bodyEnd)
        let body = build(shown, children.filter { $0.start >= shown.lowerBound && $0.bodyEnd <= shown.upperBound }[...])
        switch r.kind {
        case .loop(let plan):
          nodes.append(.loop(plan, body: body))
        case .block(let plan, let kept):
          let keptNodes = kept.sorted().flatMap { tokenNodes($0) }
          nodes.append(.block(plan, body: body, keptWhenHidden: keptNodes))
        }
        pos = min(r.end, range.upperBound)
        idx = j
        continue
      }
      if let cell = typedCells[pos], cell.end < range.upperBound,
        idx >= regions.endIndex || regions[idx].start > cell.end,
        case .tag(_, _, let pieces) = tokens[pos], case .literal(let startTag)? = pieces.first, pieces.count == 1
      {
        let content = (pos + 1...cell.end).flatMap { tokenNodes($0) }
        nodes.append(.typedCell(startTag: startTag, slot: cell.slot, content: merged(content)))
        pos = cell.end + 1
        continue
      }
      nodes.append(contentsOf: tokenNodes(pos))
      pos += 1
    }
    return merged(nodes)
  }

  func tokenNodes(_ index: Int) -> [ProgramNode] {
    switch tokens[index] {
    case .text(let b): return [.literal(b)]
    case .marker: return markerSlots[index].map { [.slot($0)] } ?? []
    case .tag(_, _, let pieces):
      var out: [ProgramNode] = []
      var k = 0
      let inner = tagSlots[index] ?? []
      for p in pieces {
        switch p {
        case .literal(let b): out.append(.literal(b))
        case .marker:
          out.append(.slot(inner[k]))
          k += 1
        }
      }
      return out
    }
  }

  /// Joins neighbouring literals. Each run is gathered in one growing buffer: joining pairs
  /// (`a + b` per piece) copied the run again for every piece, quadratic on large templates.
  func merged(_ nodes: [ProgramNode]) -> [ProgramNode] {
    var out: [ProgramNode] = []
    out.reserveCapacity(nodes.count)
    var run: [UInt8] = []
    var inRun = false
    for n in nodes {
      if case .literal(let b) = n {
        if inRun { run.append(contentsOf: b) } else { run = b; inRun = true }
        continue
      }
      if inRun { out.append(.literal(run)); run = []; inRun = false }
      out.append(n)
    }
    if inRun { out.append(.literal(run)) }
    return out
  }

}

extension String {
  func replacingAll(_ target: String, with replacement: String) -> String {
    guard !target.isEmpty else { return self }
    var out = ""
    var rest = Substring(self)
    while let r = rest.range(of: target) {
      out += rest[..<r.lowerBound]
      out += replacement
      rest = rest[r.upperBound...]
    }
    return out + rest
  }

  /// `d.cars[]` → `d.cars[i+1]`, for hints.
  var loopHint: String {
    guard hasSuffix("[]") else { return self }
    return String(dropLast(2)) + "[i+1]"
  }
}

extension Substring {
  func range(of target: String) -> Range<Substring.Index>? {
    guard let first = target.first else { return nil }
    var i = startIndex
    while i < endIndex {
      if self[i] == first, self[i...].hasPrefix(target) {
        return i..<index(i, offsetBy: target.count)
      }
      i = index(after: i)
    }
    return nil
  }
}
