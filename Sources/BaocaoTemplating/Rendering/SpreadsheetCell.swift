import BaocaoData

/// Rewrites a spreadsheet cell's start tag so that the cell has the type of the value it holds.
enum SpreadsheetCell {
  static let typeAttributes: Set<String> = [
    "office:value-type", "office:value", "office:date-value", "office:time-value", "office:boolean-value",
    "office:string-value", "office:currency", "calcext:value-type",
  ]

  static func startTag(_ tag: [UInt8], typedFor value: Value?) -> [UInt8] {
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
    var kept = removingAttributes(tag)
    let selfClosing = kept.count >= 2 && kept[kept.count - 2] == UInt8(ascii: "/")
    kept.removeLast(selfClosing ? 2 : 1)
    while kept.last == UInt8(ascii: " ") { kept.removeLast() }
    kept += Array(attributes.utf8)
    kept += selfClosing ? [UInt8(ascii: "/"), UInt8(ascii: ">")] : [UInt8(ascii: ">")]
    return kept
  }

  /// `2025-09-24` or `2025-09-24T08:30:00`: the forms ODF's date-value accepts.
  static func isISODate(_ s: String) -> Bool {
    let c = Array(s.utf8)
    guard c.count == 10 || (c.count == 19 && c[10] == UInt8(ascii: "T")) else { return false }
    let digits: [Int] = c.count == 10 ? [0, 1, 2, 3, 5, 6, 8, 9] : [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
    guard digits.allSatisfy({ c[$0] >= 48 && c[$0] <= 57 }) else { return false }
    return c[4] == UInt8(ascii: "-") && c[7] == UInt8(ascii: "-")
  }

  static let typeAttributeBytes: [[UInt8]] = typeAttributes.map { Array($0.utf8) }

  /// Removes the value-type attributes, keeping every other attribute as written.
  static func removingAttributes(_ tag: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(tag.count)
    var i = 0
    let n = tag.count
    while i < n {
      if tag[i] == UInt8(ascii: " ") {
        // An attribute: name="value" or name='value'.
        var j = i + 1
        while j < n, tag[j] == UInt8(ascii: " ") { j += 1 }
        let nameStart = j
        while j < n, tag[j] != UInt8(ascii: "="), tag[j] != UInt8(ascii: " "), tag[j] != UInt8(ascii: ">"), tag[j] != UInt8(ascii: "/") { j += 1 }
        let nameEnd = j
        if j < n, tag[j] == UInt8(ascii: "=") {
          var k = j + 1
          if k < n, tag[k] == UInt8(ascii: "\"") || tag[k] == UInt8(ascii: "'") {
            let q = tag[k]
            k += 1
            while k < n, tag[k] != q { k += 1 }
            if k < n { k += 1 }
          }
          let name = tag[nameStart..<nameEnd]
          if !typeAttributeBytes.contains(where: { $0.elementsEqual(name) }) { out += tag[i..<k] }
          i = k
          continue
        }
      }
      out.append(tag[i])
      i += 1
    }
    return out
  }
}
