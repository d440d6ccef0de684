/// The element structure of a token list: which tags open, close, and where repeated parts begin and end.
struct TokenStructure {
  let tokens: [Token]

  init(_ tokens: [Token]) { self.tokens = tokens }

  /// +1 for a start tag, -1 for an end tag, 0 otherwise.
  func delta(_ i: Int) -> Int {
    guard case .tag(let kind, _, _) = tokens[i] else { return 0 }
    switch kind {
    case .open: return 1
    case .close: return -1
    default: return 0
    }
  }

  func tagInfo(_ i: Int) -> (Token.TagKind, String)? {
    guard case .tag(let kind, let name, _) = tokens[i], kind != .other else { return nil }
    return (kind, name)
  }

  /// The repeated part of a loop whose `[i]` tag is at `start` and `[i+1]` tag at `end`.
  ///
  /// Between the two tags the markup climbs out of some elements and back in (`</td></tr><tr><td>`).
  /// The repeated part is widened to the outermost element left there: it starts at that element's
  /// start tag before `[i]` and ends where its copy begins; the copy (the `[i+1]` part) is dropped.
  func repetition(start: Int, end: Int) -> (bodyStart: Int, bodyEnd: Int, end: Int) {
    var depth = 0, minDepth = 0
    for i in start..<end {
      depth += delta(i)
      minDepth = min(minDepth, depth)
    }
    if minDepth < 0 {
      // The last start tag that climbs back in from the lowest level begins the copy.
      var d = 0
      var copyStart: Int? = nil
      for i in start..<end {
        if d == minDepth && delta(i) == 1 && copyStart == nil { copyStart = i }
        d += delta(i)
        if d == minDepth { copyStart = nil }
      }
      // The start tag before `[i]` that the lowest level closes.
      var need = -minDepth
      var bodyStart = start
      var i = start - 1
      while i >= 0 {
        let dl = delta(i)
        if dl == -1 { need += 1 }
        if dl == 1 {
          need -= 1
          if need == 0 { bodyStart = i; break }
        }
        i -= 1
      }
      if need != 0 { bodyStart = start }
      guard let copy = copyStart else {
        return (bodyStart, end, end + 1)
      }
      // The copy ends where its first element closes, after the `[i+1]` tag.
      var dd = 0
      var j = copy
      while j < tokens.count {
        dd += delta(j)
        if j >= end && dd <= 0 { return (bodyStart, copy, j + 1) }
        j += 1
      }
      return (bodyStart, copy, tokens.count)
    }
    // No element encloses the repetition (a flat run of text and whole elements): it runs from tag to
    // tag, and the copy ends after the first element or empty tag that follows the `[i+1]` tag.
    var d = 0
    var j = end
    while j < tokens.count {
      let dl = delta(j)
      if dl == -1 && d == 0 { break }
      d += dl
      if d == 0, let info = tagInfo(j), info.0 != .open { return (start, end, j + 1) }
      j += 1
    }
    return (start, end, end + 1)
  }

  /// The span a show/hide block removes. When a delimiter is alone in its element (a paragraph that
  /// holds only `{d.x:showBegin}`), that element goes too, so no empty paragraph is left behind.
  func blockBounds(begin: Int, end: Int) -> (Int, Int) {
    var start = begin
    var stop = end + 1
    // Begin side: nothing between the parent's start tag and the block, and the parent closes inside it.
    while let open = enclosingStart(of: start), open + 1 == start, let close = matchingEnd(of: open), close < end {
      start = open
    }
    // End side: nothing between the block and the parent's end tag, and the parent opens inside it.
    while let close = enclosingEnd(of: stop - 1), close == stop, let open = matchingStart(of: close), open > begin {
      stop = close + 1
    }
    return (start, stop)
  }

  /// Spreadsheet cells (`table:table-cell`) whose content is exactly one template tag, markup aside.
  func singleTagCells(markerSlots: [Int: Int]) -> [Int: (end: Int, slot: Int)] {
    var out: [Int: (end: Int, slot: Int)] = [:]
    for (i, token) in tokens.enumerated() {
      guard case .tag(.open, "table:table-cell", _) = token else { continue }
      var depth = 0
      var slot: Int? = nil
      var ok = true
      var j = i + 1
      while j < tokens.count && j < i + 16 {
        let t = tokens[j]
        if case .tag(.close, "table:table-cell", _) = t, depth == 0 { break }
        switch t {
        case .marker:
          if slot != nil { ok = false }
          slot = markerSlots[j]
        case .text(let b):
          if !b.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) { ok = false }
        case .tag(let kind, let name, let pieces):
          if pieces.count != 1 || name == "table:table-cell" { ok = false }
          if kind == .open { depth += 1 } else if kind == .close { depth -= 1 }
        }
        if !ok { break }
        j += 1
      }
      if ok, let slot, j < tokens.count, depth == 0, case .tag(.close, "table:table-cell", _) = tokens[j] {
        out[i] = (j, slot)
      }
    }
    return out
  }

  /// True when the tag at `index` is the only thing in its element (`<text:p>{…}</text:p>`).
  func isAloneInElement(_ index: Int) -> Bool {
    guard index > 0, index + 1 < tokens.count else { return false }
    return delta(index - 1) == 1 && delta(index + 1) == -1
  }

  func enclosingStart(of index: Int) -> Int? {
    var need = 1
    var i = index - 1
    while i >= 0 {
      let d = delta(i)
      if d == -1 { need += 1 }
      if d == 1 { need -= 1; if need == 0 { return i } }
      i -= 1
    }
    return nil
  }

  func enclosingEnd(of index: Int) -> Int? {
    var need = 1
    var i = index + 1
    while i < tokens.count {
      let d = delta(i)
      if d == 1 { need += 1 }
      if d == -1 { need -= 1; if need == 0 { return i } }
      i += 1
    }
    return nil
  }

  func matchingEnd(of open: Int) -> Int? { enclosingEnd(of: open) }
  func matchingStart(of close: Int) -> Int? { enclosingStart(of: close) }

  /// Tags in `range` whose partner lies outside it: they must stay when the block is removed.
  func unmatchedTags(in range: Range<Int>) -> Set<Int> {
    var stack: [Int] = []
    var kept = Set<Int>()
    for i in range {
      let d = delta(i)
      if d == 1 { stack.append(i) }
      if d == -1 {
        if stack.popLast() == nil { kept.insert(i) }
      }
    }
    kept.formUnion(stack)
    return kept
  }
}
