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
    return convert(node)
  }

  static func convert(_ node: Node) -> Value {
    switch node {
    case .scalar(let scalar):
      if scalar.style == .plain {
        if let b = Bool.construct(from: scalar) { return .bool(b) }
        if NSNull.construct(from: scalar) != nil { return .null }
        if let i = Int.construct(from: scalar) { return .number(Double(i)) }
        if let d = Double.construct(from: scalar) { return .number(d) }
      }
      return .string(scalar.string)
    case .mapping(let mapping):
      var members = OrderedDictionary<String, Value>()
      for (k, v) in mapping { members[k.string ?? "\(k)"] = convert(v) }
      return .object(members)
    case .sequence(let seq):
      return .array(seq.map(convert))
    }
  }
}
