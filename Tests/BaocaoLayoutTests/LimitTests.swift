import BaocaoFonts
import BaocaoLimits
@testable import BaocaoPDF
import BaocaoXML
import Foundation
import Testing

@testable import BaocaoLayout

/// Documents that ask for absurd amounts are refused by name, quickly, instead of filling the
/// memory, running for minutes or overflowing the stack.
@Suite struct LimitTests {
  static func layoutError(_ body: String, styles: String = "") -> String? {
    do {
      _ = try DocumentLayout.layout(LayoutTests.document(body, styles: styles), fonts: LayoutTests.catalog)
      return nil
    } catch {
      return error.description
    }
  }

  static let table = "<table:table><table:table-column/><table:table-row><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>"

  @Test func repeatedRowsAndColumns() throws {
    let rows = Self.table.replacingOccurrences(of: "<table:table-row>", with: "<table:table-row table:number-rows-repeated=\"1048576\">")
    #expect(Self.layoutError(rows)?.contains("table:number-rows-repeated=\"1048576\" asks for more than \(Limits.repeatedRows)") == true)
    let columns = Self.table.replacingOccurrences(of: "<table:table-column/>", with: "<table:table-column table:number-columns-repeated=\"1048576\"/>")
    #expect(Self.layoutError(columns)?.contains("table:number-columns-repeated=\"1048576\"") == true)
    // A few repeats are laid out as before.
    let few = Self.table.replacingOccurrences(of: "<table:table-row>", with: "<table:table-row table:number-rows-repeated=\"3\">")
    #expect(Self.layoutError(few) == nil)
  }

  @Test func nestingDepth() throws {
    let deep = String(repeating: "<text:span>", count: 300) + "x" + String(repeating: "</text:span>", count: 300)
    #expect(Self.layoutError("<text:p>\(deep)</text:p>")?.contains("nested more than \(Limits.xmlDepth) deep") == true)
    #expect(throws: XMLTreeError.self) { try XMLTree.parse(Array(("<a>" + deep + "</a>").utf8)) }
  }

  @Test func fontSizes() throws {
    for size in ["5000pt", "0pt", "-3pt", "100000%"] {
      let style = "<style:style style:name=\"Big\" style:family=\"paragraph\"><style:text-properties fo:font-size=\"\(size)\"/></style:style>"
      #expect(Self.layoutError("<text:p text:style-name=\"Big\">x</text:p>", styles: style)?.contains("the font size '\(size)'") == true, "\(size)")
    }
  }

  @Test func pictures() throws {
    func png(_ width: UInt32, _ height: UInt32, ihdrLength: UInt32 = 13) -> [UInt8] {
      func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
      var b: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
      b += be(ihdrLength) + Array("IHDR".utf8) + be(width) + be(height) + [8, 6, 0, 0, 0]
      b += be(0)  // CRC (not checked)
      b += be(2) + Array("IDAT".utf8) + [0x78, 0x9C] + be(0)
      return b
    }
    func message(_ bytes: [UInt8]) -> String? {
      do { _ = try PDFImage.make(ImageData(name: "p.png", bytes: bytes)); return nil } catch { return error.description }
    }
    #expect(message(png(100_000, 100_000))?.contains("100000 × 100000 pixels") == true)
    #expect(message(Array(png(10, 10, ihdrLength: 4).prefix(8 + 8 + 4 + 4)))?.contains("damaged header") == true)
  }
}
