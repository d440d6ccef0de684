import Foundation
import BaocaoData
import BaocaoTemplating
import Testing

func render(_ template: String, _ json: String, lang: String = "vi", mode: RenderOptions.OutputMode = .xml) throws -> String {
  let t = try TextTemplate(bytes: Array(template.utf8), file: "t.xml")
  var o = RenderOptions()
  o.lang = lang
  o.outputMode = mode
  let data = try JSONReader.parse(Array(json.utf8), file: "d.json")
  return String(decoding: try t.render(data: data, complement: nil, options: o), as: UTF8.self)
}

@Suite struct TemplateTests {
  @Test func healsSplitTags() throws {
    let out = try render(#"<p>{d.prov<span s="1">ince</span>.name}</p>"#, #"{"province":{"name":"Lai Châu"}}"#)
    #expect(out == #"<p>Lai Châu<span s="1"></span></p>"#)
  }

  /// Inserted text is NFC (decomposed Vietnamese is composed, U+2000 becomes U+2002, already composed
  /// text passes untouched) and escaped for ODF byte by byte exactly as scalar by scalar.
  @Test func insertedTextIsNFCAndEscapedForODF() throws {
    let samples = [
      "Lai Châu – “Chuyển đổi số” 100% ₫", "Tie\u{302}\u{301}n  ba   dấu\ttab\ndòng\r\n", "a & b < c > d", "\u{2000}\u{212B}",
      "ctrl\u{1}x\u{FFFE}y", "", "   ", "Ω \u{1EA0}\u{300}",
    ]
    for s in samples {
      let nfc = XMLText.nfc(s)
      #expect(nfc == s.precomposedStringWithCanonicalMapping && nfc.unicodeScalars.elementsEqual(s.precomposedStringWithCanonicalMapping.unicodeScalars))
      var bytes: [UInt8] = []
      XMLText.appendODF(nfc, to: &bytes)
      #expect(bytes == Array(XMLText.escapeODF(nfc).utf8))
    }
    #expect(XMLText.nfc("Tie\u{302}\u{301}n").unicodeScalars.map(\.value) == [0x54, 0x69, 0x1EBF, 0x6E])
    #expect(XMLText.nfc("\u{2000}").unicodeScalars.first?.value == 0x2002)
    let out = try render("<text:p>{d.t}</text:p>", #"{"t":"Tie\u0302\u0301n  1 & 2"}"#, mode: .odf)
    #expect(out == "<text:p>Tiến <text:s/>1 &amp; 2</text:p>")
  }

  @Test func tableRowLoop() throws {
    let t = "<table><tr><td>{d.tasks[i].name}</td></tr><tr><td>{d.tasks[i+1].name}</td></tr></table>"
    let out = try render(t, #"{"tasks":[{"name":"A"},{"name":"B & C"}]}"#)
    #expect(out == "<table><tr><td>A</td></tr><tr><td>B &amp; C</td></tr></table>")
  }

  @Test func vietnameseSortAndNumbers() throws {
    let t = "<l><i>{d[name,i].name} {d[name,i].n:formatN(2)}</i><i>{d[name+1,i+1].name}</i></l>"
    let out = try render(t, #"[{"name":"Đồng Nai","n":1234567.891},{"name":"Điện Biên","n":2},{"name":"Cà Mau","n":0.5}]"#)
    #expect(out == "<l><i>Cà Mau 0,50</i><i>Điện Biên 2,00</i><i>Đồng Nai 1.234.567,89</i></l>")
  }

  @Test func syllablesSortBeforeLongerSyllables() throws {
    let t = "<l><i>{d[n,i].n}</i><i>{d[n+1,i+1].n}</i></l>"
    let out = try render(t, #"[{"n":"Cao Bằng"},{"n":"Cà Mau"},{"n":"Ca Mau"},{"n":"An Giang"}]"#)
    #expect(out == "<l><i>An Giang</i><i>Ca Mau</i><i>Cà Mau</i><i>Cao Bằng</i></l>")
  }

  @Test func officialDateAndPercent() throws {
    let out = try render("{d.a:officialDate} / {d.b:officialDate} / {d.p:percent}", #"{"a":"2026-01-05","b":"2025-09-24","p":0.3611}"#)
    #expect(out == "ngày 05 tháng 01 năm 2026 / ngày 24 tháng 9 năm 2025 / 36,11%")
  }

  @Test func hiddenBlockLeavesNoEmptyParagraph() throws {
    let t = "<b><p>{d.risk:ifEQ(true):showBegin}</p><p>risky</p><p>{d.risk:showEnd}</p><p>end</p></b>"
    #expect(try render(t, #"{"risk":false}"#) == "<b><p>end</p></b>")
    #expect(try render(t, #"{"risk":true}"#) == "<b><p></p><p>risky</p><p></p><p>end</p></b>")
  }

  @Test func aggregates() throws {
    let out = try render("{d.items[].n:aggSum} {d.items[].n:aggAvg} {d.items[].n:aggMax}", #"{"items":[{"n":1},{"n":2},{"n":6}]}"#)
    #expect(out == "9 3 6")
  }

  @Test func odfTextElements() throws {
    let out = try render("<p>{d.t}</p>", #"{"t":"a\nb\tc   d"}"#, mode: .odf)
    #expect(out == #"<p>a<text:line-break/>b<text:tab/>c <text:s text:c="2"/>d</p>"#)
  }

  @Test func reportsEveryMistakeWithItsPlace() {
    let t = "<p>{d.a:formatZ}</p>\n<p>{d.rows[i].x}</p>\n<p>{d.b:upperCase</p>\n"
    do {
      _ = try TextTemplate(bytes: Array(t.utf8), file: "bad.xml")
      Issue.record("expected errors")
    } catch {
      let text = error.description
      #expect(error.diagnostics.count == 3, "\(text)")
      #expect(text.contains("bad.xml:1:4") && text.contains("unknown formatter 'formatZ'"), "\(text)")
      #expect(text.contains("bad.xml:2:4") && text.contains("[i+1]"), "\(text)")
      #expect(text.contains("bad.xml:3:4") && text.contains("never closed"), "\(text)")
    }
  }
}

@Suite struct TagLookalikeTests {
  /// Spreadsheet errors and braces in ordinary text are not aliases: they stay as they are.
  @Test func textThatOnlyLooksLikeATagStays() throws {
    let text = "<p>={#VALUE!} {#N/A} {$1} {1} {#} {$}</p>"
    #expect(try render(text, "{}") == text)
    // Real aliases still work, with and without parameters.
    #expect(try render("<p>{#x = d.a}{$x} {#f($k) = d.b[k=$k].v}{$f(2)}</p>", #"{"a":"A","b":[{"k":2,"v":"V"}]}"#) == "<p>A V</p>")
  }
}
