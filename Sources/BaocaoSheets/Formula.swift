/// OpenFormula as ODF spreadsheets store it (`of:=SUM([.C2:.C35])`): tokens, references, and the
/// rewriting a spreadsheet program does to references when rows are inserted.

package struct CellAddress: Equatable {
  var sheet: String?
  var sheetAbsolute = false
  /// Written in quotes in the formula: kept so, so that an unchanged reference gives back its text.
  var sheetQuoted = false
  var column: Int?  // 0-based; nil for a whole-row reference
  var columnAbsolute = false
  var row: Int?  // 1-based; nil for a whole-column reference
  var rowAbsolute = false

  var text: String {
    var s = ""
    if let sheet {
      if sheetAbsolute { s += "$" }
      s += sheetQuoted || !CellAddress.isPlainSheetName(sheet) ? "'" + sheet.replacingAll("'", "''") + "'" : sheet
    }
    s += "."
    if let column { s += (columnAbsolute ? "$" : "") + CellAddress.columnName(column) }
    if let row { s += (rowAbsolute ? "$" : "") + String(row) }
    return s
  }

  /// OpenFormula's unquoted sheet name: none of `] . # $ '` or a space.
  static func isPlainSheetName(_ s: String) -> Bool {
    !s.isEmpty && !s.contains { "]. #$'".contains($0) }
  }

  static func columnName(_ c: Int) -> String {
    var n = c + 1
    var s = ""
    while n > 0 {
      let r = (n - 1) % 26
      s = String(Character(Unicode.Scalar(UInt8(65 + r)))) + s
      n = (n - 1) / 26
    }
    return s
  }
}

package struct Reference: Equatable {
  var start: CellAddress
  var end: CellAddress?

  var text: String { "[" + start.text + (end.map { ":" + $0.text } ?? "") + "]" }

  /// Parses the inside of `[...]`.
  static func parse(_ inner: String) -> Reference? {
    var parts: [String] = []
    var current = ""
    var quoted = false
    for ch in inner {
      if ch == "'" { quoted.toggle() }
      if ch == ":" && !quoted {
        parts.append(current)
        current = ""
      } else {
        current.append(ch)
      }
    }
    parts.append(current)
    guard parts.count <= 2, let start = address(parts[0]) else { return nil }
    if parts.count == 2 {
      guard let end = address(parts[1]) else { return nil }
      return Reference(start: start, end: end)
    }
    return Reference(start: start, end: nil)
  }

  static func address(_ s: String) -> CellAddress? {
    var a = CellAddress()
    var chars = Array(s)
    // The sheet: everything before the last '.' outside quotes.
    var dot: Int? = nil
    var quoted = false
    for (i, c) in chars.enumerated() {
      if c == "'" { quoted.toggle() }
      if c == "." && !quoted { dot = i }
    }
    guard let d = dot else { return nil }
    var sheet = String(chars[0..<d])
    if !sheet.isEmpty {
      if sheet.hasPrefix("$") { a.sheetAbsolute = true; sheet.removeFirst() }
      if sheet.hasPrefix("'") && sheet.hasSuffix("'") && sheet.count >= 2 {
        sheet = String(sheet.dropFirst().dropLast()).replacingAll("''", "'")
        a.sheetQuoted = true
      } else if !CellAddress.isPlainSheetName(sheet) {
        return nil
      }
      a.sheet = sheet
    }
    chars = Array(chars[(d + 1)...])
    var i = 0
    if i < chars.count, chars[i] == "$", i + 1 < chars.count, chars[i + 1].isLetter { a.columnAbsolute = true; i += 1 }
    var letters = ""
    while i < chars.count, chars[i].isASCII, chars[i].isLetter { letters.append(chars[i]); i += 1 }
    // Spreadsheets have at most 16,384 columns (XFD): three letters.
    guard letters.count <= 3 else { return nil }
    if !letters.isEmpty {
      var n = 0
      for c in letters.uppercased().unicodeScalars { n = n * 26 + Int(c.value) - 64 }
      a.column = n - 1
    }
    if i < chars.count, chars[i] == "$" { a.rowAbsolute = true; i += 1 }
    var digits = ""
    while i < chars.count, chars[i].isNumber { digits.append(chars[i]); i += 1 }
    if !digits.isEmpty {
      // LibreOffice's sheets end at row 16,777,216 (2^24).
      guard digits.count <= 8, let row = Int(digits), row <= 1 << 24 else { return nil }
      a.row = row
    }
    guard i == chars.count, a.column != nil || a.row != nil else { return nil }
    return a
  }
}

package enum FormulaToken: Equatable {
  case number(Double, String)
  case string(String)
  case reference(Reference)
  case name(String)
  case op(String)
  case space(String)
  case unknown(String)
}

package enum FormulaTokenizer {
  /// Splits a formula (without its `of:=` prefix) into tokens; their texts joined give it back.
  package static func tokens(_ f: String) -> [FormulaToken] {
    let c = Array(f)
    var out: [FormulaToken] = []
    var i = 0
    while i < c.count {
      let ch = c[i]
      if ch == " " || ch == "\n" || ch == "\t" {
        var s = ""
        while i < c.count, c[i] == " " || c[i] == "\n" || c[i] == "\t" { s.append(c[i]); i += 1 }
        out.append(.space(s))
      } else if ch == "\"" {
        var s = ""
        let start = i
        i += 1
        var closed = false
        while i < c.count {
          if c[i] == "\"" {
            if i + 1 < c.count, c[i + 1] == "\"" { s.append("\""); i += 2; continue }
            closed = true
            break
          }
          s.append(c[i])
          i += 1
        }
        i += 1
        // An unclosed string is kept as written (its text must come back unchanged).
        out.append(closed ? .string(s) : .unknown(String(c[start...])))
      } else if ch == "[" {
        var s = ""
        i += 1
        var quoted = false
        while i < c.count, quoted || c[i] != "]" {
          if c[i] == "'" { quoted.toggle() }
          s.append(c[i])
          i += 1
        }
        let closed = i < c.count
        i += 1
        // A reference is rewritten only when it reads back as written (`[.a01]` would come back as
        // `[.A1]`); anything else is kept as it is.
        if closed, let r = Reference.parse(s), r.text == "[" + s + "]" {
          out.append(.reference(r))
        } else {
          out.append(.unknown("[" + s + (closed ? "]" : "")))
        }
      } else if ch.isNumber || (ch == "." && i + 1 < c.count && c[i + 1].isNumber) {
        var s = ""
        while i < c.count, c[i].isNumber || c[i] == "." { s.append(c[i]); i += 1 }
        if i < c.count, c[i] == "E" || c[i] == "e" {
          var e = String(c[i])
          var j = i + 1
          if j < c.count, c[j] == "+" || c[j] == "-" { e.append(c[j]); j += 1 }
          if j < c.count, c[j].isNumber {
            while j < c.count, c[j].isNumber { e.append(c[j]); j += 1 }
            s += e
            i = j
          }
        }
        out.append(Double(s).map { .number($0, s) } ?? .unknown(s))
      } else if ch.isLetter || ch == "_" {
        var s = ""
        while i < c.count, c[i].isLetter || c[i].isNumber || c[i] == "_" || c[i] == "." { s.append(c[i]); i += 1 }
        out.append(.name(s))
      } else {
        let two = i + 1 < c.count ? String([ch, c[i + 1]]) : ""
        if ["<>", "<=", ">="].contains(two) {
          out.append(.op(two))
          i += 2
        } else {
          out.append(.op(String(ch)))
          i += 1
        }
      }
    }
    return out
  }

  package static func text(_ tokens: [FormulaToken]) -> String {
    tokens.map { t -> String in
      switch t {
      case .number(_, let s): return s
      case .string(let s): return "\"" + s.replacingAll("\"", "\"\"") + "\""
      case .reference(let r): return r.text
      case .name(let s), .op(let s), .space(let s), .unknown(let s): return s
      }
    }.joined()
  }
}
