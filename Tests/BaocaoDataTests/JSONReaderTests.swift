import BaocaoData
import Testing

@Suite struct JSONReaderTests {
  @Test func keepsKeyOrderAndTypes() throws {
    let v = try JSONReader.parse(Array(#"{"b": 1, "a": [true, null, "x"], "c": 1.5}"#.utf8), file: "t.json")
    #expect(v.objectValue?.keys.elementsEqual(["b", "a", "c"]) == true)
    #expect(v["a"] == .array([.bool(true), .null, .string("x")]))
    #expect(v["c"] == .number(1.5))
  }

  @Test(arguments: [
    (#"{"a": 1"#, "1:1", "never closed"),
    ("{\"a\": \"x\n\"}", "1:9", "control character"),
    (#"{"a": 01}"#, "1:7", "leading zeros"),
    ("", "1:1", "empty"),
  ])
  func reportsPlace(text: String, place: String, words: String) {
    do {
      _ = try JSONReader.parse(Array(text.utf8), file: "r.json")
      Issue.record("expected an error")
    } catch {
      #expect(error.description.hasPrefix("r.json:\(place):"), "\(error.description)")
      #expect(error.description.contains(words), "\(error.description)")
    }
  }

  @Test func rejectsInvalidUTF8() {
    do {
      _ = try JSONReader.parse([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], file: "b.json")
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("not valid UTF-8"))
      #expect(error.line == 1 && error.column == 7)
    }
  }

  @Test func javaScriptNumberText() {
    #expect(JSNumber.string(5) == "5")
    #expect(JSNumber.string(1000.123) == "1000.123")
    #expect(JSNumber.string(0.1 + 0.2) == "0.30000000000000004")
    #expect(JSNumber.string(1e21) == "1e+21")
    #expect(JSNumber.string(1e-7) == "1e-7")
    #expect(JSNumber.string(-0.000001) == "-0.000001")
  }
}

@Suite struct CSVReaderTests {
  @Test func typesColumnsAndKeepsCodes() throws {
    let csv = "code,name,tasks\n01,Hà Nội,12\n12,\"Lai Châu, tỉnh\",7.5\n"
    let v = try CSVReader.parse(Array(csv.utf8), file: "p.csv")
    #expect(v.arrayValue?.count == 2)
    #expect(v.arrayValue?[0]["code"] == .string("01"))
    #expect(v.arrayValue?[1]["name"] == .string("Lai Châu, tỉnh"))
    #expect(v.arrayValue?[1]["tasks"] == .number(7.5))
  }

  @Test func unclosedQuoteNamesTheLine() {
    do {
      _ = try CSVReader.parse(Array("a,b\n1,\"x\n".utf8), file: "q.csv")
      Issue.record("expected an error")
    } catch {
      #expect(error.description.hasPrefix("q.csv:2"))
    }
  }
}

@Suite struct YAMLLimitTests {
  @Test func hugeBase60NumbersAndDeepNestingAreErrorsOrTextNotCrashes() throws {
    // YAML 1.1 reads 1:20 as base 60; Yams' integer arithmetic for it traps on overflow.
    let v = try YAMLReader.parse(Array("a: 66666666666666666666:6666666666666:66\nb: 1:20\n".utf8), file: "x.yaml")
    guard case .object(let o) = v else { Issue.record("not an object"); return }
    #expect(o["b"] == .number(80))
    #expect(o["a"] != nil)
    let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
    #expect(throws: DataError.self) { try YAMLReader.parse(Array(deep.utf8), file: "x.yaml") }
    // Unclosed and far deeper (found by the fuzzer: Yams' parser ran out of stack).
    #expect(throws: DataError.self) { try YAMLReader.parse(Array(String(repeating: "{", count: 100_000).utf8), file: "x.yaml") }
    // Aliases that repeat anchors: a few lines standing for 10^9 values.
    var laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for k in 1...8 { laughs += "l\(k): &l\(k) [" + Array(repeating: k == 1 ? "*a" : "*l\(k - 1)", count: 10).joined(separator: ", ") + "]\n" }
    #expect(throws: DataError.self) { try YAMLReader.parse(Array(laughs.utf8), file: "x.yaml", maxValues: 100_000) }
    // Ordinary nesting still reads.
    let ok = try YAMLReader.parse(Array("a:\n  b:\n    - [1, {c: 2}]\n".utf8), file: "x.yaml")
    #expect(ok != .null)
  }
}
