import BaocaoFuzzing
import Foundation
import Testing

/// Every input saved for a fuzz target (its seeds in Tests/Fuzz/corpus and the inputs that once
/// crashed it in Tests/Fuzz/crashes) goes through the target again: a trap fails the run.
@Suite struct FuzzRegressionTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fuzz")

  static func inputs(_ target: FuzzTarget) -> [URL] {
    ["corpus", "crashes"].flatMap { folder -> [URL] in
      let dir = root.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
      return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { dir.appendingPathComponent($0) }
    }
  }

  @Test(arguments: FuzzTarget.allCases)
  func savedInputsRunCleanly(_ target: FuzzTarget) throws {
    let files = Self.inputs(target)
    #expect(!files.isEmpty, "Tests/Fuzz/corpus/\(target.rawValue) has no seed")
    for file in files {
      target.run(Array(try Data(contentsOf: file)))
    }
  }
}
