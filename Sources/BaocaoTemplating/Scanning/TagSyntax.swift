/// The parsed form of one template tag such as `{d.items[i, status='done'].name:upperCase}`.
public struct TagExpression: Sendable {
  public enum Root: Sendable, Equatable { case data, complement }
  public var root: Root
  public var steps: [PathStep]
  public var formatters: [FormatterCall]

  /// True when any bracket iterates (`[i]`, `[sort]`).
  public var iteratingBrackets: [Int] {
    steps.indices.filter { if case .bracket(let b) = steps[$0], b.isIterating { return true } else { return false } }
  }
}

public enum PathStep: Sendable {
  case key(String)
  /// `..` goes up one object, `...` two.
  case up(Int)
  case bracket(Bracket)
}

public struct Bracket: Sendable {
  public enum Iterator: Sendable, Equatable {
    case index
    case attribute([String])
  }
  public var iterators: [Iterator] = []
  /// True for the `[i+1]` side of a loop.
  public var isOdd = false
  public var filters: [Filter] = []
  public var isIterating: Bool { !iterators.isEmpty }
}

public struct Filter: Sendable {
  public enum Operator: String, Sendable { case eq = "=", ne = "!=", gt = ">", lt = "<", ge = ">=", le = "<=" }
  public enum Operand: Sendable {
    case index
    case attribute([String])
  }
  public var left: Operand
  public var op: Operator
  /// The right-hand side as written; quoted text keeps `quoted` so it compares as text only.
  public var right: String
  public var quoted: Bool
}

public struct FormatterCall: Sendable {
  public var name: String
  public var arguments: [FormatterArgument]
}

public enum FormatterArgument: Sendable {
  case literal(String)
  /// `.x` is an attribute of the tag's object, `..x` of its parent.
  case relative(up: Int, path: [String])
  /// `d.x` or `c.x` inside an argument.
  case absolute(TagExpression.Root, [String])
}

public struct TagSyntaxError: Error, Sendable {
  public var message: String
  public var hint: String?
}

/// Parses the text of a tag (its braces and markup already removed).
public enum TagParser {
  /// Splits `path:formatter(args):formatter` at colons outside brackets, parentheses and quotes.
  static func splitFormatters(_ text: String) -> (String, [String]) {
    var parts: [String] = []
    var current = ""
    var brackets = 0, parens = 0
    var quote: Character? = nil
    for ch in text {
      if let q = quote {
        current.append(ch)
        if ch == q && parens > 0 { quote = nil }
        continue
      }
      switch ch {
      case "'" where parens > 0, "\"" where parens > 0: quote = ch
      case "[": brackets += 1
      case "]": brackets -= 1
      case "(": parens += 1
      case ")": parens -= 1
      case ":" where brackets == 0 && parens == 0:
        parts.append(current)
        current = ""
        continue
      default: break
      }
      current.append(ch)
    }
    parts.append(current)
    return (parts[0], Array(parts.dropFirst()))
  }

  public static func parse(_ text: String) throws(TagSyntaxError) -> TagExpression {
    let (pathText, formatterTexts) = splitFormatters(text)
    let path = removeWhitespace(pathText)
    guard let first = path.first else { throw TagSyntaxError(message: "empty tag") }
    let root: TagExpression.Root
    switch first {
    case "d": root = .data
    case "c": root = .complement
    default: throw TagSyntaxError(message: "a tag must start with 'd' (data) or 'c' (complement)")
    }
    let steps = try parsePath(path.dropFirst())
    var formatters: [FormatterCall] = []
    for f in formatterTexts {
      let trimmed = f.trimmingWhitespace()
      if trimmed.isEmpty { continue }
      formatters.append(try parseFormatter(trimmed))
    }
    return TagExpression(root: root, steps: steps, formatters: formatters)
  }

  /// Removes whitespace outside quotes: Carbone ignores spaces in paths (`{ d.cars[ i ].brand }`).
  static func removeWhitespace(_ s: String) -> String {
    var out = ""
    var quote: Character? = nil
    for ch in s {
      if let q = quote {
        if ch == q { quote = nil }
        out.append(ch)
        continue
      }
      if ch == "'" || ch == "\"" {
        // Only a quote that closes later in the same bracket starts a string; keys may hold an apostrophe.
        quote = ch
        out.append(ch)
        continue
      }
      if ch.isWhitespace { continue }
      out.append(ch)
    }
    return out
  }

  static func parsePath(_ s: Substring) throws(TagSyntaxError) -> [PathStep] {
    var steps: [PathStep] = []
    var i = s.startIndex
    while i < s.endIndex {
      let ch = s[i]
      if ch == "." {
        var dots = 0
        while i < s.endIndex && s[i] == "." { dots += 1; i = s.index(after: i) }
        if dots > 1 { steps.append(.up(dots - 1)) }
        continue
      }
      if ch == "[" {
        // Find the matching bracket, skipping quoted text.
        var j = s.index(after: i)
        var quote: Character? = nil
        var depth = 1
        while j < s.endIndex {
          let c = s[j]
          if let q = quote {
            if c == "\\" { j = s.index(after: j); if j < s.endIndex { j = s.index(after: j) }; continue }
            if c == q { quote = nil }
          } else if c == "'" || c == "\"" {
            if s[s.index(after: j)...].contains(c) { quote = c }
          } else if c == "[" {
            depth += 1
          } else if c == "]" {
            depth -= 1
            if depth == 0 { break }
          }
          j = s.index(after: j)
        }
        guard j < s.endIndex else {
          throw TagSyntaxError(message: "the '[' is never closed", hint: "add the closing ']'")
        }
        steps.append(.bracket(try parseBracket(s[s.index(after: i)..<j])))
        i = s.index(after: j)
        continue
      }
      // A key runs to the next dot or bracket.
      var j = i
      while j < s.endIndex && s[j] != "." && s[j] != "[" { j = s.index(after: j) }
      steps.append(.key(String(s[i..<j])))
      i = j
    }
    return steps
  }

  static func splitTopLevel(_ s: Substring, separator: Character) -> [Substring] {
    var parts: [Substring] = []
    var start = s.startIndex
    var quote: Character? = nil
    var i = s.startIndex
    while i < s.endIndex {
      let c = s[i]
      if let q = quote {
        if c == "\\" { i = s.index(after: i); if i < s.endIndex { i = s.index(after: i) }; continue }
        if c == q { quote = nil }
      } else if c == "'" || c == "\"" {
        if s[s.index(after: i)...].contains(c) { quote = c }
      } else if c == separator {
        parts.append(s[start..<i])
        start = s.index(after: i)
      }
      i = s.index(after: i)
    }
    parts.append(s[start..<s.endIndex])
    return parts
  }

  static func parseBracket(_ content: Substring) throws(TagSyntaxError) -> Bracket {
    var bracket = Bracket()
    for rawPart in splitTopLevel(content, separator: ",") {
      let part = rawPart
      if part.isEmpty { continue }
      if part == "i" { bracket.iterators.append(.index); continue }
      if part == "i+1" { bracket.iterators.append(.index); bracket.isOdd = true; continue }
      if let (left, op, right) = splitCondition(part) {
        let operand: Filter.Operand = left == "i" ? .index : .attribute(left.split(separator: ".").map(String.init))
        var value = String(right)
        var quoted = false
        if value.count >= 2, let f = value.first, f == "'" || f == "\"", value.last == f {
          value = String(value.dropFirst().dropLast())
          value = value.replacingBackslashEscapes()
          quoted = true
        }
        bracket.filters.append(Filter(left: operand, op: op, right: value, quoted: quoted))
        continue
      }
      if let n = Int(part) {
        bracket.filters.append(Filter(left: .index, op: .eq, right: String(n), quoted: false))
        continue
      }
      var name = part
      if name.hasSuffix("++") {
        name = name.dropLast(2)
        bracket.isOdd = true
      } else if name.hasSuffix("+1") {
        name = name.dropLast(2)
        bracket.isOdd = true
      }
      if name.isEmpty { throw TagSyntaxError(message: "empty iterator in '[\(content)]'") }
      bracket.iterators.append(.attribute(name.split(separator: ".").map(String.init)))
    }
    return bracket
  }

  /// `speed>100` → ("speed", .gt, "100"); quoted right-hand sides may hold operators.
  static func splitCondition(_ s: Substring) -> (Substring, Filter.Operator, Substring)? {
    var i = s.startIndex
    var quote: Character? = nil
    while i < s.endIndex {
      let c = s[i]
      if let q = quote {
        if c == q { quote = nil }
      } else if c == "'" || c == "\"" {
        if s[s.index(after: i)...].contains(c) { quote = c }
      } else if c == "=" || c == "!" || c == ">" || c == "<" {
        let next = s.index(after: i)
        var op: Filter.Operator
        var rightStart = next
        switch c {
        case "=": op = .eq
        case "!":
          guard next < s.endIndex, s[next] == "=" else { i = next; continue }
          op = .ne
          rightStart = s.index(after: next)
        case ">": op = .gt
        default: op = .lt
        }
        if (c == ">" || c == "<"), next < s.endIndex, s[next] == "=" {
          op = c == ">" ? .ge : .le
          rightStart = s.index(after: next)
        }
        let left = s[s.startIndex..<i]
        if left.isEmpty { return nil }
        return (left, op, s[rightStart...])
      }
      i = s.index(after: i)
    }
    return nil
  }

  static func parseFormatter(_ text: String) throws(TagSyntaxError) -> FormatterCall {
    guard let open = text.firstIndex(of: "(") else {
      return FormatterCall(name: text.filter { !$0.isWhitespace }, arguments: [])
    }
    let name = text[..<open].filter { !$0.isWhitespace }
    guard let close = text.lastIndex(of: ")"), close > open else {
      throw TagSyntaxError(message: "the '(' after '\(name)' is never closed", hint: "add the closing ')'")
    }
    let inner = text[text.index(after: open)..<close]
    var arguments: [FormatterArgument] = []
    if !inner.trimmingWhitespace().isEmpty {
      for raw in splitArguments(inner) { arguments.append(parseArgument(raw)) }
    }
    return FormatterCall(name: name, arguments: arguments)
  }

  /// Splits arguments on commas outside single quotes, as Carbone does.
  static func splitArguments(_ s: Substring) -> [String] {
    var parts: [String] = []
    var current = ""
    var inQuote = false
    for c in s {
      if c == "'" { inQuote.toggle() }
      if c == "," && !inQuote {
        parts.append(current)
        current = ""
        continue
      }
      current.append(c)
    }
    parts.append(current)
    return parts
  }

  static func parseArgument(_ raw: String) -> FormatterArgument {
    var a = Substring(raw)
    while a.first == " " { a = a.dropFirst() }
    while a.last == " " { a = a.dropLast() }
    if a.first == "'" {
      a = a.dropFirst()
      if a.last == "'" { a = a.dropLast() }
      return .literal(String(a))
    }
    if a.hasPrefix(".") {
      var dots = 0
      while a.first == "." { dots += 1; a = a.dropFirst() }
      return .relative(up: dots - 1, path: a.split(separator: ".").map(String.init))
    }
    if a.hasPrefix("d.") { return .absolute(.data, a.dropFirst(2).split(separator: ".").map(String.init)) }
    if a.hasPrefix("c.") { return .absolute(.complement, a.dropFirst(2).split(separator: ".").map(String.init)) }
    return .literal(String(a))
  }
}

extension StringProtocol {
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s = s.dropFirst() }
    while let l = s.last, l.isWhitespace { s = s.dropLast() }
    return String(s)
  }

  func replacingBackslashEscapes() -> String {
    var out = ""
    var escaped = false
    for c in self {
      if escaped { out.append(c); escaped = false; continue }
      if c == "\\" { escaped = true; continue }
      out.append(c)
    }
    if escaped { out.append("\\") }
    return out
  }
}
