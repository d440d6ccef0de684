import BaocaoData

/// A template compiled once and merged many times.
public struct TemplateProgram: Sendable {
  public var nodes: [ProgramNode]
  public var slots: [Slot]
  /// Every tag found, with its location, for `baocao check`.
  public var tags: [TagInfo]
}

public struct TagInfo: Sendable {
  public var text: String
  public var line: Int
  public var column: Int
}

public indirect enum ProgramNode: Sendable {
  case literal([UInt8])
  case slot(Int)
  case loop(LoopPlan, body: [ProgramNode])
  /// A show/hide block; when it is hidden only `keptWhenHidden` is written: the markup whose partner
  /// lies outside the block, so the document stays well-formed.
  case block(BlockPlan, body: [ProgramNode], keptWhenHidden: [ProgramNode])
  /// A spreadsheet cell whose whole content is one tag: the cell takes the value's type
  /// (`float`, `boolean`, `date`, else `string`); `startTag` is rewritten accordingly.
  case typedCell(startTag: [UInt8], slot: Int, content: [ProgramNode])
}

public struct LoopPlan: Sendable {
  /// Canonical name of the loop's array level, e.g. `d.cars[]`; tags inside find their item by it.
  public var key: String
  public var root: TagExpression.Root
  /// The path to the array, up to the loop's bracket.
  public var arraySteps: [PathStep]
  public var bracket: Bracket
}

public struct BlockPlan: Sendable {
  /// The slot of the `showBegin`/`hideBegin` tag, evaluated to decide.
  public var conditionSlot: Int
}

/// What a tag does when merged.
public struct Slot: Sendable {
  public enum Kind: Sendable {
    case value(TagExpression)
    case translation(String)
    /// Alias declarations and block delimiters write nothing themselves.
    case silent
    case conditionBegin(TagExpression, hide: Bool)
    case blockEnd(hide: Bool)
  }
  public var kind: Kind
  public var inAttribute: Bool
  public var tag: String
  public var line: Int
  public var column: Int
}

/// The canonical name of a path prefix: keys joined by dots, brackets as `[]`.
func canonicalKey(root: TagExpression.Root, steps: ArraySlice<PathStep>) -> String {
  var key = root == .data ? "d" : "c"
  for step in steps {
    switch step {
    case .key(let k): key += "." + k
    case .up(let n): key += "^\(n)"
    case .bracket: key += "[]"
    }
  }
  return key
}
