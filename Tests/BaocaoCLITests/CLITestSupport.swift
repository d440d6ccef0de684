import Foundation

/// Paths and process helpers for tests that run the `baocao` executable.
enum CLI {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
  /// $BAOCAO_BINARY (the sanitizer runs point it at their own build), else the debug or release build.
  static var binary: String? {
    if let b = ProcessInfo.processInfo.environment["BAOCAO_BINARY"], !b.isEmpty { return b }
    let candidates = [".build/debug/baocao", ".build/release/baocao"].map { packageRoot.appendingPathComponent($0).path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    if let stdin {
      let inPipe = Pipe()
      p.standardInput = inPipe
      try p.run()
      inPipe.fileHandleForWriting.write(stdin)
      try inPipe.fileHandleForWriting.close()
    } else {
      p.standardInput = FileHandle.nullDevice
      try p.run()
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
  }

  static func baocao(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws -> Result {
    guard let b = binary else { throw SkipError("the baocao executable is not built; run 'swift build' first") }
    return try run(b, arguments, stdin: stdin, environment: environment)
  }

  /// Runs LibreOffice with a profile of its own, so that tests running in parallel never share
  /// (and lock) one user installation.
  static func soffice(_ arguments: [String]) throws -> Result? {
    guard let path = which("soffice") else { return nil }
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("baocao-lo-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    return try run(path, ["-env:UserInstallation=\(profile.absoluteString)", "--headless"] + arguments)
  }

  static func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let p = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  static func temporaryDirectory() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("baocao-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
  }
}

struct SkipError: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}
