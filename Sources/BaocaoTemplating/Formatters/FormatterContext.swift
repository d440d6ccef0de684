import BaocaoData

/// The state a chain of formatters shares while one tag is evaluated (Carbone's `this`).
public struct FormatterContext: Sendable {
  public var options: RenderOptions
  public var isConditionTrue: Bool? = nil
  public var isAndOperator: Bool = false
  public var stopPropagation = false
  /// Set by formatters whose result is markup (e.g. `convCRLF` in a document), not text.
  public var rawXML = false
  var counterStart: Int?
  var counterValue = 0
  var usedCounter = false

  public init(options: RenderOptions, counterStart: Int? = nil) {
    self.options = options
    self.counterStart = counterStart
  }

  mutating func updateCondition(_ result: Bool) {
    if isAndOperator {
      isConditionTrue = (isConditionTrue ?? true) && result
    } else {
      isConditionTrue = (isConditionTrue ?? false) || result
    }
  }
}

public struct FormatterError: Error, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
}
