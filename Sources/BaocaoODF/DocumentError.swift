/// A problem with a template or output file as a whole (not one tag).
public struct DocumentError: Error, Sendable, CustomStringConvertible {
  public var file: String
  public var part: String?
  public var message: String
  public var hint: String?

  public init(file: String, part: String? = nil, message: String, hint: String? = nil) {
    self.file = file
    self.part = part
    self.message = message
    self.hint = hint
  }

  public var description: String {
    var s = file
    if let part { s += ":" + part }
    s += ": " + message
    if let hint { s += "; " + hint }
    return s
  }
}
