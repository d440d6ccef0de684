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

/// GIF pictures (image bullets come as GIFs in LibreOffice documents) decode to the indices
/// Pillow wrote, interlaced or not, with the transparent colour as a soft mask.
@Suite struct GIFTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/pictures")

  @Test func decodesWhatPillowWrote() throws {
    let pattern = try PDFImage.make(ImageData(name: "pattern.gif", bytes: Array(Data(contentsOf: Self.folder.appendingPathComponent("pattern.gif")))))
    #expect(pattern.pixelWidth == 7 && pattern.pixelHeight == 5)
    let expected = (0..<5).flatMap { y in (0..<7).map { x in UInt8((x + 2 * y) % 6) } }
    #expect(pattern.data == expected)
    #expect(pattern.mask?.data == expected.map { $0 == 5 ? 0 : 255 })
    #expect(pattern.dictionary.contains("/Indexed /DeviceRGB"))
    // 40 × 33, interlaced (Pillow interlaces pictures from 16 pixels up), 200 colours.
    let noise = try PDFImage.make(ImageData(name: "noise.gif", bytes: Array(Data(contentsOf: Self.folder.appendingPathComponent("noise.gif")))))
    let indices = try String(contentsOf: Self.folder.appendingPathComponent("noise.indices"), encoding: .utf8).split(separator: " ").map { UInt8($0)! }
    #expect(noise.data == indices)
    #expect(noise.mask == nil)
  }

  @Test func damagedGIFsAreRefused() throws {
    let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent("noise.gif")))
    for cut in [8, 13, 400, bytes.count - 3] {
      #expect(throws: PDFError.self) { try PDFImage.make(ImageData(name: "cut.gif", bytes: Array(bytes.prefix(cut)))) }
    }
  }
}

/// Fonts a document names but the machine lacks are found as LibreOffice finds them: a metric
/// twin for the common office fonts, fontconfig's fallback for the rest, each told as a stand-in.
@Suite struct FontStandInTests {
  @Test func familiesTheMachineLacks() throws {
    let catalog = LayoutTests.catalog
    let thorndale = try #require(catalog.font(family: "Thorndale", bold: false, italic: false))
    #expect(thorndale.family == "Liberation Serif")
    #expect(catalog.font(family: "Courier New", bold: true, italic: false)?.family == "Liberation Mono" || !FileManager.default.fileExists(atPath: "/usr/share/fonts/truetype/liberation2"))
    if FileManager.default.fileExists(atPath: "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf") {
      #expect(catalog.font(family: "Calibri", bold: false, italic: true)?.family == "Carlito")
      #expect(catalog.font(family: "Calibri", bold: false, italic: true)?.italic == true)
    }
    guard FileManager.default.fileExists(atPath: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") else {
      print("skipped the fallback check: needs DejaVu Sans (fonts-dejavu-core)")
      return
    }
    let styles = "<style:style style:name=\"M\" style:family=\"paragraph\"><style:text-properties fo:font-family=\"Missing Sans\"/></style:style>"
      + "<style:style style:name=\"T\" style:family=\"paragraph\"><style:text-properties fo:font-family=\"Thorndale\"/></style:style>"
    let laid = try DocumentLayout.layout(
      LayoutTests.document("<text:p text:style-name=\"M\">a</text:p><text:p text:style-name=\"T\">b</text:p>", styles: styles), fonts: catalog)
    #expect(laid.fontStandIns.contains(FontStandIn(requested: "Missing Sans", used: "DejaVu Sans", metricCompatible: false)))
    #expect(laid.fontStandIns.contains(FontStandIn(requested: "Thorndale", used: "Liberation Serif", metricCompatible: true)))
  }

  /// A font-face declaration as LibreOffice reads it: only the first name of svg:font-family's
  /// list is asked for, and a face declared fixed-pitch gets a monospaced font unless a metric
  /// twin answers (fc-match "NAME:spacing=mono" gives what LibreOffice 7.4 prints here).
  @Test func declaredFacesAsLibreOfficeReadsThem() throws {
    #expect(StyleSheet.firstFamily("'Univers LT Std 55', Cambria") == "Univers LT Std 55")
    #expect(StyleSheet.firstFamily("Calibri, sans-serif") == "Calibri")
    #expect(StyleSheet.firstFamily("Times New Roman") == "Times New Roman")
    #expect(StyleSheet.firstFamily("\"Arial\", Helvetica") == "Arial")
    let sheet = StyleSheet()
    let decls = try XMLTree.parse(Array("""
      <office:font-face-decls xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0">
      <style:font-face style:name="Cumberland" svg:font-family="Cumberland" style:font-pitch="fixed"/>
      <style:font-face style:name="Calibri" svg:font-family="Calibri, sans-serif" style:font-pitch="variable"/>
      </office:font-face-decls>
      """.utf8))
    sheet.addFontFaces(decls)
    #expect(sheet.fontFamilies["Cumberland"] == StyleSheet.FontFace(family: "Cumberland", fixedPitch: true))
    #expect(sheet.fontFamilies["Calibri"] == StyleSheet.FontFace(family: "Calibri", fixedPitch: false))
    guard FileManager.default.fileExists(atPath: "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf") else {
      print("skipped the monospace check: needs DejaVu Sans Mono (fonts-dejavu-core)")
      return
    }
    let catalog = LayoutTests.catalog
    #expect(catalog.font(family: "Cumberland", bold: false, italic: false, monospace: true)?.family == "DejaVu Sans Mono")
    #expect(catalog.font(family: "Cumberland", bold: false, italic: false)?.family == "Liberation Mono"
      || !FileManager.default.fileExists(atPath: "/usr/share/fonts/truetype/liberation2"))
    #expect(catalog.font(family: "Times New Roman", bold: false, italic: false, monospace: true)?.family == "Liberation Serif")
  }
}
