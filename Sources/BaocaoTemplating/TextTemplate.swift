import BaocaoData

/// A template held as one text: plain XML, HTML or any UTF-8 text.
public struct TextTemplate: Sendable {
  public let program: TemplateProgram
  public let file: String

  /// Compiles `bytes`; throws every problem found at once.
  public init(bytes: [UInt8], file: String, part: String = "") throws(DiagnosticList) {
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw DiagnosticList([Diagnostic(file: file, message: "the template is not valid UTF-8 text", hint: "save it as UTF-8")])
    }
    var aliases: [String: TemplateCompiler.AliasDefinition] = [:]
    TemplateCompiler.collectAliases(bytes, into: &aliases)
    let compiler = TemplateCompiler(file: file, part: part, aliases: aliases)
    let (program, diagnostics) = compiler.compile(bytes)
    let errors = diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty { throw DiagnosticList(errors) }
    self.program = program
    self.file = file
  }

  public func render(data: Value?, complement: Value?, options: RenderOptions) throws(DiagnosticList) -> [UInt8] {
    try TemplateRenderer(program: program, options: options).render(data: data, complement: complement)
  }
}
