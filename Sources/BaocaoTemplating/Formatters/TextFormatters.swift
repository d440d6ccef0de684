import BaocaoData
import Foundation

enum TextFormatters {

  static func register(_ t: inout [String: FormatterRegistry.Body]) {
    t["lowerCase"] = { _, v, _ in mapString(v) { $0.lowercased() } }
    t["upperCase"] = { _, v, _ in mapString(v) { $0.uppercased() } }
    t["ucFirst"] = { _, v, _ in mapString(v) { $0.prefix(1).uppercased() + $0.dropFirst() } }
    t["ucWords"] = { _, v, _ in
      mapString(v) { s in
        var out = ""
        var atStart = true
        for ch in s {
          out += atStart ? ch.uppercased() : String(ch)
          atStart = ch == " " || ch == "\n" || ch == "\t"
        }
        return out
      }
    }
    t["unaccent"] = { _, v, _ in
      mapString(v) { s in
        let stripped = s.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
          !(0x0300...0x036F).contains($0.value)
        }
        return String(String.UnicodeScalarView(stripped)).replacingOccurrences(of: "đ", with: "d")
          .replacingOccurrences(of: "Đ", with: "D")
      }
    }
    // A picture's fit (Carbone's imageFit), read and checked where the picture's frame is marked
    // (BaocaoODF's PictureTags); the value passes through.
    t["imageFit"] = { _, value, _ in value }
    t["print"] = { ctx, _, args in
      ctx.stopPropagation = true
      return args[safe: 0] ?? nil
    }
    t["convCRLF"] = { ctx, v, _ in
      guard case .string(let s)? = v else { return v }
      let escaped = XMLText.escape(s, attribute: false)
      let ext = ctx.options.fileExtension ?? (ctx.options.outputMode == .odf ? "odt" : nil)
      switch ext {
      case "odt", "ods", "odp":
        ctx.rawXML = true
        return .string(escaped.replacingOccurrences(of: "\r\n", with: "<text:line-break/>")
          .replacingOccurrences(of: "\n", with: "<text:line-break/>"))
      case "docx":
        ctx.rawXML = true
        return .string(escaped.replacingOccurrences(of: "\r\n", with: "</w:t><w:br/><w:t>")
          .replacingOccurrences(of: "\n", with: "</w:t><w:br/><w:t>"))
      default:
        return v
      }
    }
    t["substr"] = { _, v, args in
      guard let s = v.text else { return v }
      let u = Array(s.utf16)
      let start = clampIndex(Int(args[safe: 0].number.isNaN ? 0 : args[safe: 0].number), u.count)
      let endArg = args[safe: 1]
      let end = endArg == nil ? u.count : clampIndex(Int(endArg.number.isNaN ? 0 : endArg.number), u.count)
      guard start < end else { return .string("") }
      return .string(String(decoding: u[start..<end], as: UTF16.self))
    }
    t["slice"] = t["substr"]
    t["padl"] = { _, v, args in pad(v, args, left: true) }
    t["padr"] = { _, v, args in pad(v, args, left: false) }
    t["convEnum"] = { ctx, v, args in
      guard let v, let name = args[safe: 0].text, let table = ctx.options.enumerations[name] else { return v }
      switch table {
      case .array(let a):
        let i = v.numberValue.map { Int($0) } ?? Int(v.javaScriptString) ?? -1
        return i >= 0 && i < a.count ? a[i] : v
      case .object(let o): return o[v.javaScriptString] ?? v
      default: return v
      }
    }
    t["t"] = { ctx, v, _ in
      guard let s = v.text else { return v }
      return .string(ctx.options.translations[ctx.options.lang]?[s] ?? s)
    }
  }

  static func clampIndex(_ i: Int, _ count: Int) -> Int {
    if i < 0 { return max(0, count + i) }
    return min(i, count)
  }

  static func mapString(_ v: Value?, _ f: (String) -> String) -> Value? {
    guard case .string(let s)? = v else { return v }
    return .string(f(s))
  }

  static func pad(_ v: Value?, _ args: [Value?], left: Bool) -> Value? {
    var s: String
    switch v {
    case .string(let x)?: s = x
    case .number, .bool: s = v!.javaScriptString
    default: return v  // null, missing values, objects and arrays pass through, as in Carbone
    }
    let target = Int(args[safe: 0].number.isNaN ? 0 : args[safe: 0].number)
    var fill = args[safe: 1].text ?? " "
    if fill.isEmpty { fill = " " }
    let current = s.utf16.count
    guard target > current else { return .string(s) }
    var padding = ""
    while padding.utf16.count < target - current { padding += fill }
    padding = String(decoding: Array(padding.utf16).prefix(target - current), as: UTF16.self)
    s = left ? padding + s : s + padding
    return .string(s)
  }
}
