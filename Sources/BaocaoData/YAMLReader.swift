import BaocaoLimits
import Foundation
import OrderedCollections
import Yams

/// Reads YAML into a `Value`, keeping mapping order.
public enum YAMLReader {
  /// `maxValues`: how many values the file may stand for once aliases are expanded.
  public static func parse(_ bytes: [UInt8], file: String, maxValues: Int = Limits.dataValues) throws(DataError) -> Value {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw DataError(file: file, message: "the file is not valid UTF-8 text; save it as UTF-8")
    }
    if let line = tooDeep(bytes) {
      throw DataError(file: file, line: line, message: "the YAML nests deeper than \(maxDepth) levels")
    }
    // Yams builds its nodes recursively: on a thread with a stack of its own, sized for the
    // nesting allowed above whatever the caller's stack is.
    nonisolated(unsafe) var outcome: Result<Node?, Error> = .success(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      outcome = Result { try Yams.compose(yaml: text) }
      done.signal()
    }
    thread.stackSize = 64 << 20
    thread.start()
    done.wait()
    let node: Node?
    switch outcome {
    case .success(let n): node = n
    case .failure(let e as YamlError): throw DataError(file: file, message: "invalid YAML: \(e)")
    case .failure(let e): throw DataError(file: file, message: "invalid YAML: \(e)")
    }
    guard let node else { return .null }
    var budget = maxValues
    return try convert(node, depth: 0, file: file, budget: &budget)
  }

  /// The line where flow collections (`[`, `{`) or block indentation pass `maxDepth` levels, if any.
  /// Quoted text and comments do not count; an overestimate only refuses absurd files.
  static func tooDeep(_ bytes: [UInt8]) -> Int? {
    var depth = 0, line = 1, indent = 0, atLineStart = true
    var quote: UInt8 = 0
    var comment = false
    var previous: UInt8 = 0x0A
    for b in bytes {
      if b == 0x0A {
        line += 1
        indent = 0
        atLineStart = true
        comment = false
        if quote == UInt8(ascii: "'") { quote = 0 }
        previous = b
        continue
      }
      if comment { continue }
      if atLineStart {
        if b == 0x20 || b == UInt8(ascii: "-") {
          indent += 1
          if indent > 4 * maxDepth { return line }
          previous = b
          continue
        }
        atLineStart = false
      }
      if quote != 0 {
        if b == quote { quote = 0 }
      } else {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = b
        case UInt8(ascii: "#") where previous == 0x20 || previous == 0x09: comment = true
        case UInt8(ascii: "["), UInt8(ascii: "{"):
          depth += 1
          if depth > maxDepth { return line }
        case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
        default: break
        }
      }
      previous = b
    }
    return nil
  }

  /// Deeper data is refused, not followed down until the stack runs out.
  static let maxDepth = Limits.dataDepth

  /// `budget`: values left to make. Aliases (`*name`) repeat what their anchor holds, so a small
  /// file can stand for billions of values ("billion laughs"); past the budget it is refused.
  static func convert(_ node: Node, depth: Int, file: String, budget: inout Int) throws(DataError) -> Value {
    guard depth <= maxDepth else {
      throw DataError(file: file, line: node.mark.map { $0.line }, column: node.mark.map { $0.column },
        message: "the YAML nests deeper than \(maxDepth) levels")
    }
    budget -= 1
    guard budget >= 0 else {
      throw DataError(file: file, message: "the YAML stands for too many values once its aliases are expanded (anchors repeated by aliases inside aliases?)")
    }
    switch node {
    case .scalar(let scalar):
      if scalar.style == .plain {
        if let b = Bool.construct(from: scalar) { return .bool(b) }
        if NSNull.construct(from: scalar) != nil { return .null }
        // Yams reads YAML 1.1's base-60 integers (`1:20:30`) with arithmetic that traps on
        // overflow: such a value is read as a float (no trap) or kept as text.
        if !scalar.string.contains(":"), let i = Int.construct(from: scalar) { return .number(Double(i)) }
        if let d = Double.construct(from: scalar), d.isFinite || !scalar.string.contains(":") { return .number(d) }
      }
      return .string(scalar.string)
    case .mapping(let mapping):
      var members = OrderedDictionary<String, Value>()
      for (k, v) in mapping { members[k.string ?? "\(k)"] = try convert(v, depth: depth + 1, file: file, budget: &budget) }
      return .object(members)
    case .sequence(let seq):
      var items: [Value] = []
      items.reserveCapacity(seq.count)
      for v in seq { items.append(try convert(v, depth: depth + 1, file: file, budget: &budget)) }
      return .array(items)
    }
  }
}
