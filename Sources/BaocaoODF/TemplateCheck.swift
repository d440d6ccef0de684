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
  public var diagnostics: [Diagnostic]
  let expressions: [(Tag, TagExpression)]

  /// Paths the tags use that `data` does not have (warnings: a missing optional field is allowed).
  public func missingPaths(in data: Value) -> [Diagnostic] {
    var out: [Diagnostic] = []
    var seen = Set<String>()
    for (tag, expr) in expressions where expr.root == .data {
      var v: Value? = data
      var path = "d"
      var missing = false
      for step in expr.steps {
        switch step {
        case .key(let k):
          path += "." + k
          guard case .object(let o)? = v else { missing = true; break }
          v = o[k]
          if v == nil { missing = true }
        case .bracket:
          path += "[]"
          guard case .array(let a)? = v else { missing = true; break }
          guard let first = a.first else { v = nil; break }
          v = first
        case .up:
          v = nil
        }
        if missing || v == nil { break }
      }
      if missing, seen.insert(path).inserted {
        out.append(Diagnostic(.warning, message: "the data has no '\(path)'", tag: tag.text, hint: "used at \(tag.location)"))
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
    return CheckReport(tags: tags, diagnostics: diagnostics, expressions: expressions)
  }
}
