/// A problem found in a template or while merging it, with the place it points at.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning }

  public var severity: Severity
  /// The template file, when known.
  public var file: String
  /// The part inside a package (`content.xml`, `styles.xml`), empty for plain text templates.
  public var part: String
  /// 1-based line and column of the tag's opening brace.
  public var line: Int
  public var column: Int
  public var message: String
  /// The tag as typed, when the problem is about one tag.
  public var tag: String?
  public var hint: String?

  public init(
    _ severity: Severity = .error, file: String = "", part: String = "", line: Int = 0, column: Int = 0,
    message: String, tag: String? = nil, hint: String? = nil
  ) {
    self.severity = severity
    self.file = file
    self.part = part
    self.line = line
    self.column = column
    self.message = message
    self.tag = tag
    self.hint = hint
  }

  /// `FILE:PART:LINE:COL`, leaving out what is unknown.
  public var location: String {
    var pieces: [String] = []
    if !file.isEmpty { pieces.append(file) }
    if !part.isEmpty { pieces.append(part) }
    if line > 0 { pieces.append("\(line)"); pieces.append("\(column)") }
    return pieces.joined(separator: ":")
  }

  public var description: String {
    var s = "\(severity.rawValue): "
    if !location.isEmpty { s += location + ": " }
    s += message
    if let tag, !message.contains(tag) { s += " in '\(tag)'" }
    if let hint { s += "; \(hint)" }
    return s
  }
}

/// Several diagnostics thrown together, so that a user sees every problem at once.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]
  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
