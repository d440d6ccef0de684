import BaocaoData
import BaocaoTemplating
import Foundation

/// What `baocao check` reports: every tag with its place, and every problem.
public struct CheckReport: Sendable {
  public struct Tag: Sendable {
    public var location: String
    public var text: String
  }
  public var tags: [Tag]
  /// Pictures the data replaces: where, which frame, how it fits, and the tag naming the picture.
  public struct Picture: Sendable {
    public var location: String
    public var frame: String
    public var fit: String
    public var tag: String
  }
  public var pictures: [Picture] = []
  /// Charts whose own table holds tags: the object and the values bindChart binds.
  public struct Chart: Sendable {
    public var location: String
    public var object: String
    public var boundPaths: [String]
  }
  public var charts: [Chart] = []
  public var diagnostics: [Diagnostic]
  let expressions: [(Tag, TagExpression)]

  /// Checks `data` against the paths the tags use: a missing field is a warning (optional fields
  /// are allowed); a value of the wrong kind (a list where the template loops, an object where it
  /// reads a field) is an error.
  public func missingPaths(in data: Value, file: String = "") -> [Diagnostic] {
    var out: [Diagnostic] = []
    var seen = Set<String>()
    for (tag, expr) in expressions where expr.root == .data {
      var v: Value? = data
      var path = "d"
      var problem: (Diagnostic.Severity, String)? = nil
      walk: for step in expr.steps {
        switch step {
        case .key(let k):
          guard let current = v, !current.isNull else { break walk }
          if k == "length", current.arrayValue != nil || current.stringValue != nil { break walk }
          guard case .object(let o) = current else {
            problem = (.error, "'\(path)' is \(current.kindName), but the template reads '\(path).\(k)' from it")
            break walk
          }
          path += "." + k
          v = o[k]
          if v == nil { problem = (.warning, "the data has no '\(path)'"); break walk }
        case .bracket(let b):
          guard let current = v, !current.isNull else { break walk }
          if b.isIterating, case .object = current { break walk }  // loops over an object's properties
          guard case .array(let a) = current else {
            problem = (.error, "'\(path)' is \(current.kindName), but the template needs a list there")
            break walk
          }
          path += "[]"
          guard let first = a.first else { break walk }
          v = first
        case .up:
          break walk
        }
      }
      if let (severity, message) = problem, seen.insert(message).inserted {
        out.append(Diagnostic(severity, file: file, message: message, tag: tag.text, hint: "used at \(tag.location)"))
      }
    }
    return out
  }
}

extension TemplateDocument {
  /// Compiles a template and reports all its tags and problems without merging anything.
  public static func check(path: String) throws -> CheckReport {
    let (document, diagnostics) = try load(path: path)
    var tags: [CheckReport.Tag] = []
    var expressions: [(CheckReport.Tag, TagExpression)] = []
    for (part, program) in document.programs.sorted(by: { $0.key < $1.key }) {
      for (info, slot) in zip(program.tags, program.slots) {
        var loc = path
        if !part.isEmpty { loc += ":" + part }
        loc += ":\(info.line):\(info.column)"
        let tag = CheckReport.Tag(location: loc, text: info.text)
        tags.append(tag)
        switch slot.kind {
        case .value(let e), .conditionBegin(let e, _): expressions.append((tag, e))
        default: break
        }
      }
    }
    var report = CheckReport(tags: tags, diagnostics: diagnostics, expressions: expressions)
    for (part, bindings) in document.pictures.sorted(by: { $0.key < $1.key }) {
      for b in bindings {
        let location = [path, part].filter { !$0.isEmpty }.joined(separator: ":") + ":\(b.line):\(b.column)"
        report.pictures.append(.init(location: location, frame: b.frame, fit: b.fit.rawValue, tag: b.tag))
      }
    }
    for name in document.charts.sorted() {
      report.charts.append(.init(location: path + ":" + name, object: String(name.dropLast("/content.xml".count)), boundPaths: document.chartPaths[name] ?? []))
    }
    return report
  }
}

extension Value {
  /// "a number", "a text", … for messages.
  var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a true/false value"
    case .number: return "a number"
    case .string: return "a text"
    case .array: return "a list"
    case .object: return "an object"
    }
  }
}
