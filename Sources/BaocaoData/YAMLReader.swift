import BaocaoLimits
import Foundation
import OrderedCollections
import Yams

/// Reads YAML into a `Value`, keeping mapping order.
public enum YAMLReader {
  public static func parse(_ bytes: [UInt8], file: String) throws(DataError) -> Value {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw DataError(file: file, message: "the file is not valid UTF-8 text; save it as UTF-8")
    }
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let e as YamlError {
      throw DataError(file: file, message: "invalid YAML: \(e)")
    } catch {
      throw DataError(file: file, message: "invalid YAML: \(error)")
    }
    guard let node else { return .null }
    return try convert(node, depth: 0, file: file)
  }

  /// Deeper data is refused, not followed down until the stack runs out.
  static let maxDepth = Limits.dataDepth

  static func convert(_ node: Node, depth: Int, file: String) throws(DataError) -> Value {
    guard depth <= maxDepth else {
      throw DataError(file: file, line: node.mark.map { $0.line }, column: node.mark.map { $0.column },
        message: "the YAML nests deeper than \(maxDepth) levels")
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
      for (k, v) in mapping { members[k.string ?? "\(k)"] = try convert(v, depth: depth + 1, file: file) }
      return .object(members)
    case .sequence(let seq):
      var items: [Value] = []
      items.reserveCapacity(seq.count)
      for v in seq { items.append(try convert(v, depth: depth + 1, file: file)) }
      return .array(items)
    }
  }
}
