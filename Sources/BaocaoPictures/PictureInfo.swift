import BaocaoLimits
import Foundation

/// What a picture file is and the size LibreOffice gives it before any frame scales it (its
/// "original size"), which fo:clip's lengths are measured against. Read from the header only.
public struct PictureInfo: Sendable, Equatable {
  public enum Format: String, Sendable {
    case png, jpeg, gif, svg

    public var mimeType: String {
      switch self {
      case .png: "image/png"
      case .jpeg: "image/jpeg"
      case .gif: "image/gif"
      case .svg: "image/svg+xml"
      }
    }

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
  }

  public var format: Format
  /// The original size, in points.
  public var width: Double
  public var height: Double

  public init(format: Format, width: Double, height: Double) {
    self.format = format
    self.width = width
    self.height = height
  }

  /// LibreOffice's resolution for a picture that states none, and for an SVG's pixels (measured).
  static let defaultDPI = 96.0

  /// Reads the format and original size; nil for bytes that are none of the four formats or are
  /// damaged. Resolutions as LibreOffice reads them (measured): a PNG's pHYs in metres, a JPEG's
  /// JFIF density in inches or centimetres, else 96 dpi; a GIF at 96 dpi; an SVG's width and
  /// height, or its viewBox in pixels.
  public static func read(_ b: [UInt8]) -> PictureInfo? {
    if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(b) }
    if b.starts(with: [0xFF, 0xD8]) { return jpeg(b) }
    if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) { return gif(b) }
    return svg(b)
  }

  static func points(pixels: Int, perInch dpi: Double) -> Double { Double(pixels) * 72 / dpi }

  static func checked(_ format: Format, _ w: Int, _ h: Int, dpiX: Double, dpiY: Double) -> PictureInfo? {
    guard w > 0, h > 0, w <= Limits.pictureSide, h <= Limits.pictureSide, w * h <= Limits.picturePixels else { return nil }
    return PictureInfo(format: format, width: points(pixels: w, perInch: dpiX), height: points(pixels: h, perInch: dpiY))
  }

  static func png(_ b: [UInt8]) -> PictureInfo? {
    func u32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
    var size: (Int, Int)? = nil
    var dpi = (defaultDPI, defaultDPI)
    var i = 8
    while i + 8 <= b.count {
      let length = u32(i), start = i + 8
      guard length >= 0, start + length <= b.count else { return nil }
      switch (b[i + 4], b[i + 5], b[i + 6], b[i + 7]) {
      case (0x49, 0x48, 0x44, 0x52) where length >= 13: size = (u32(start), u32(start + 4))  // IHDR
      case (0x70, 0x48, 0x59, 0x73) where length >= 9 && b[start + 8] == 1:  // pHYs, per metre
        let x = u32(start), y = u32(start + 4)
        if x > 0 && y > 0 { dpi = (Double(x) * 0.0254, Double(y) * 0.0254) }
      case (0x49, 0x44, 0x41, 0x54), (0x49, 0x45, 0x4E, 0x44): i = b.count; continue  // IDAT, IEND
      default: break
      }
      i = start + length + 4
    }
    guard let size else { return nil }
    return checked(.png, size.0, size.1, dpiX: dpi.0, dpiY: dpi.1)
  }

  static func jpeg(_ b: [UInt8]) -> PictureInfo? {
    func u16(_ o: Int) -> Int { Int(b[o]) << 8 | Int(b[o + 1]) }
    var dpi = (defaultDPI, defaultDPI)
    var i = 2
    while i + 4 <= b.count {
      guard b[i] == 0xFF else { return nil }
      let marker = b[i + 1]
      if marker == 0xFF { i += 1; continue }
      if marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
      let length = u16(i + 2), start = i + 4
      guard length >= 2, start + length - 2 <= b.count else { return nil }
      switch marker {
      case 0xE0 where length >= 16 && b[start..<(start + 5)].elementsEqual(Array("JFIF\0".utf8)):
        let unit = b[start + 7], x = u16(start + 8), y = u16(start + 10)
        if x > 0 && y > 0 && (unit == 1 || unit == 2) {
          let factor = unit == 1 ? 1 : 2.54
          dpi = (Double(x) * factor, Double(y) * factor)
        }
      case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
        guard length >= 7 else { return nil }
        return checked(.jpeg, u16(start + 3), u16(start + 1), dpiX: dpi.0, dpiY: dpi.1)
      case 0xD9, 0xDA: return nil
      default: break
      }
      i = start + length - 2
    }
    return nil
  }

  static func gif(_ b: [UInt8]) -> PictureInfo? {
    guard b.count >= 10 else { return nil }
    return checked(.gif, Int(b[6]) | Int(b[7]) << 8, Int(b[8]) | Int(b[9]) << 8, dpiX: defaultDPI, dpiY: defaultDPI)
  }

  /// An SVG: the root element's width and height (absolute units; pixels at 96 dpi), else its viewBox.
  static func svg(_ b: [UInt8]) -> PictureInfo? {
    // The root element comes after an XML declaration, comments and a DOCTYPE: look in the head only.
    let head = b.prefix(64 * 1024)
    guard let text = String(validating: head, as: UTF8.self) ?? String(validating: head.dropLast(3), as: UTF8.self) else { return nil }
    guard let open = text.range(of: "<svg"), let close = text[open.upperBound...].firstIndex(of: ">") else { return nil }
    let attributes = Self.attributes(String(text[open.upperBound..<close]))
    var width: Double? = attributes["width"].flatMap(length)
    var height: Double? = attributes["height"].flatMap(length)
    if width == nil || height == nil, let box = attributes["viewBox"] {
      let numbers: [Double] = box.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }).compactMap { Double($0) }
      if numbers.count == 4, numbers[2] > 0, numbers[3] > 0 {
        let ratio = numbers[3] / numbers[2]
        switch (width, height) {
        case (let w?, nil): height = w * ratio
        case (nil, let h?): width = h / ratio
        default: (width, height) = (numbers[2] * 0.75, numbers[3] * 0.75)
        }
      }
    }
    guard let width, let height, width > 0, height > 0, width < 1e6, height < 1e6 else { return nil }
    return PictureInfo(format: .svg, width: width, height: height)
  }

  /// An SVG length in points; nil for percentages and units relative to fonts.
  static func length(_ s: String) -> Double? {
    let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
    let units: [(String, Double)] = [("px", 0.75), ("pt", 1), ("pc", 12), ("in", 72), ("cm", 72 / 2.54), ("mm", 72 / 25.4)]
    for (unit, factor) in units where t.hasSuffix(unit) {
      return Double(t.dropLast(unit.count).trimmingCharacters(in: .whitespaces)).map { $0 * factor }
    }
    return Double(t).map { $0 * 0.75 }
  }

  static func attributes(_ s: String) -> [String: String] {
    var out: [String: String] = [:]
    var rest = Substring(s)
    while let eq = rest.firstIndex(of: "=") {
      let name = rest[..<eq].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).last.map(String.init) ?? ""
      var after = rest[rest.index(after: eq)...].drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
      guard let quote = after.first, quote == "\"" || quote == "'" else { break }
      after = after.dropFirst()
      guard let end = after.firstIndex(of: quote) else { break }
      out[name] = String(after[..<end])
      rest = after[after.index(after: end)...]
    }
    return out
  }
}

