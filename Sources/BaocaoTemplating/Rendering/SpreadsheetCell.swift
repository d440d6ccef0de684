import BaocaoData

/// Rewrites a spreadsheet cell's start tag so that the cell has the type of the value it holds.
enum SpreadsheetCell {
  static let typeAttributes: Set<String> = [
    "office:value-type", "office:value", "office:date-value", "office:time-value", "office:boolean-value",
    "office:string-value", "office:currency", "calcext:value-type",
  ]

  static func startTag(_ tag: [UInt8], typedFor value: Value?) -> [UInt8] {
    let text = String(decoding: tag, as: UTF8.self)
    var attributes = ""
    switch value {
    case .number(let n)? where n.isFinite:
      attributes = " office:value-type=\"float\" office:value=\"\(JSNumber.string(n))\""
    case .bool(let b)?:
      attributes = " office:value-type=\"boolean\" office:boolean-value=\"\(b)\""
    case .string(let s)? where isISODate(s):
      attributes = " office:value-type=\"date\" office:date-value=\"\(s)\""
    default:
      attributes = " office:value-type=\"string\""
    }
    var kept = removingAttributes(text)
    let selfClosing = kept.hasSuffix("/>")
    kept.removeLast(selfClosing ? 2 : 1)
    while kept.last == " " { kept.removeLast() }
    return Array((kept + attributes + (selfClosing ? "/>" : ">")).utf8)
  }

  /// `2025-09-24` or `2025-09-24T08:30:00`: the forms ODF's date-value accepts.
  static func isISODate(_ s: String) -> Bool {
    let c = Array(s.utf8)
    guard c.count == 10 || (c.count == 19 && c[10] == UInt8(ascii: "T")) else { return false }
    let digits: [Int] = c.count == 10 ? [0, 1, 2, 3, 5, 6, 8, 9] : [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
    guard digits.allSatisfy({ c[$0] >= 48 && c[$0] <= 57 }) else { return false }
    return c[4] == UInt8(ascii: "-") && c[7] == UInt8(ascii: "-")
  }

  /// Removes the value-type attributes, keeping every other attribute as written.
  static func removingAttributes(_ tag: String) -> String {
    var out = ""
    var i = tag.startIndex
    while i < tag.endIndex {
      if tag[i] == " " {
        // An attribute: name="value" or name='value'.
        var j = tag.index(after: i)
        while j < tag.endIndex, tag[j] == " " { j = tag.index(after: j) }
        let nameStart = j
        while j < tag.endIndex, tag[j] != "=", tag[j] != " ", tag[j] != ">", tag[j] != "/" { j = tag.index(after: j) }
        let name = String(tag[nameStart..<j])
        if j < tag.endIndex, tag[j] == "=" {
          var k = tag.index(after: j)
          if k < tag.endIndex, tag[k] == "\"" || tag[k] == "'" {
            let q = tag[k]
            k = tag.index(after: k)
            while k < tag.endIndex, tag[k] != q { k = tag.index(after: k) }
            if k < tag.endIndex { k = tag.index(after: k) }
          }
          if !typeAttributes.contains(name) { out += tag[i..<k] }
          i = k
          continue
        }
      }
      out.append(tag[i])
      i = tag.index(after: i)
    }
    return out
  }
}
