import BaocaoLimits
import BaocaoLayout
import CZlib

/// A picture as a PDF image XObject: JPEG passes through (DCTDecode); PNG keeps its compressed rows
/// (Flate with the PNG predictors) unless it has transparency, which is split into a soft mask.
package struct PDFImage {
  package var dictionary: String
  package var data: [UInt8]
  package var mask: (dictionary: String, data: [UInt8])?
  package var pixelWidth = 0
  package var pixelHeight = 0
  /// The picture's own resolution (PNG's pHYs in pixels per metre), when it states one.
  package var pixelsPerMetre: (x: Int, y: Int)? = nil

  package static func make(_ image: ImageData) throws(PDFError) -> PDFImage {
    let b = image.bytes
    if b.count > 3 && b[0] == 0xFF && b[1] == 0xD8 { return try jpeg(b, name: image.name) }
    if b.count > 8 && b[0] == 0x89 && b[1] == 0x50 && b[2] == 0x4E && b[3] == 0x47 {
      var made = try png(b, name: image.name)
      made.readSize(b)
      return made
    }
    if b.count > 6 && b[0] == 0x47 && b[1] == 0x49 && b[2] == 0x46 && b[3] == 0x38 { return try gif(b, name: image.name) }
    throw PDFError(message: "the picture '\(image.name)' is neither PNG, JPEG nor GIF")
  }

  /// A GIF's first frame as an indexed image (its palette), with a soft mask for its transparent
  /// colour. The LZW data is decoded here; every length is checked against the file.
  static func gif(_ b: [UInt8], name: String) throws(PDFError) -> PDFImage {
    func u16(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
    let damaged = PDFError(message: "the GIF picture '\(name)' is truncated or damaged")
    guard b.count >= 13 else { throw damaged }
    var i = 13
    var palette: [UInt8] = []
    if b[10] & 0x80 != 0 {
      let size = 3 << (Int(b[10] & 7) + 1)
      guard i + size <= b.count else { throw damaged }
      palette = Array(b[i..<(i + size)])
      i += size
    }
    var transparent: Int? = nil
    while i < b.count {
      switch b[i] {
      case 0x21:  // an extension: a graphic control block may name the transparent colour
        guard i + 2 < b.count else { throw damaged }
        let label = b[i + 1]
        i += 2
        if label == 0xF9, i + 4 < b.count, b[i] >= 4, b[i + 1] & 1 != 0 { transparent = Int(b[i + 4]) }
        while i < b.count, b[i] != 0 { i += Int(b[i]) + 1 }
        i += 1
      case 0x2C:  // the first image
        guard i + 10 <= b.count else { throw damaged }
        let width = u16(i + 5), height = u16(i + 7), flags = b[i + 9]
        i += 10
        guard width > 0, height > 0 else { throw PDFError(message: "the GIF picture '\(name)' has no size; it may be damaged") }
        try checkSize(width, height, name: name)
        if flags & 0x80 != 0 {
          let size = 3 << (Int(flags & 7) + 1)
          guard i + size <= b.count else { throw damaged }
          palette = Array(b[i..<(i + size)])
          i += size
        }
        guard !palette.isEmpty, i < b.count else { throw damaged }
        let minimum = Int(b[i])
        i += 1
        guard (2...8).contains(minimum) else { throw damaged }
        var data: [UInt8] = []
        while i < b.count, b[i] != 0 {
          let n = Int(b[i])
          guard i + 1 + n <= b.count else { throw damaged }
          data += b[(i + 1)...(i + n)]
          i += n + 1
        }
        var pixels = lzw(data, minimum: minimum, count: width * height)
        if flags & 0x40 != 0 {  // interlaced: rows come in four passes
          var rows: [Int] = []
          for (start, step) in [(0, 8), (4, 8), (2, 4), (1, 2)] { rows += stride(from: start, to: height, by: step) }
          var ordered = [UInt8](repeating: 0, count: pixels.count)
          for (k, row) in rows.enumerated() { ordered[row * width..<(row + 1) * width] = pixels[k * width..<(k + 1) * width] }
          pixels = ordered
        }
        let colours = palette.count / 3
        let hex = palette.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        var mask: (dictionary: String, data: [UInt8])? = nil
        if let t = transparent {
          mask = ("/Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace /DeviceGray /BitsPerComponent 8",
            pixels.map { Int($0) == t ? 0 : 255 })
        }
        return PDFImage(
          dictionary: "/Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace [/Indexed /DeviceRGB \(colours - 1) <\(hex)>] /BitsPerComponent 8",
          data: pixels.map { Int($0) < colours ? $0 : 0 }, mask: mask, pixelWidth: width, pixelHeight: height)
      case 0x3B: throw PDFError(message: "the GIF picture '\(name)' holds no image")
      default: throw damaged
      }
    }
    throw damaged
  }

  /// GIF's variable-length LZW: `count` palette indices (missing ones are 0, extra ones dropped).
  static func lzw(_ data: [UInt8], minimum: Int, count: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count)
    let clear = 1 << minimum, end = clear + 1
    var prefix = [Int](repeating: -1, count: 4096)
    var suffix = [UInt8](repeating: 0, count: 4096)
    var first = [UInt8](repeating: 0, count: 4096)
    for k in 0..<clear {
      suffix[k] = UInt8(truncatingIfNeeded: k)
      first[k] = UInt8(truncatingIfNeeded: k)
    }
    var next = clear + 2, size = minimum + 1
    var previous = -1
    var bits = 0, buffer = 0, at = 0
    var stack: [UInt8] = []
    stack.reserveCapacity(4096)
    while out.count < count {
      while bits < size {
        guard at < data.count else { return out + [UInt8](repeating: 0, count: count - out.count) }
        buffer |= Int(data[at]) << bits
        bits += 8
        at += 1
      }
      let code = buffer & ((1 << size) - 1)
      buffer >>= size
      bits -= size
      if code == clear {
        next = clear + 2
        size = minimum + 1
        previous = -1
        continue
      }
      if code == end { break }
      var c: Int
      if code < next && (code < clear || prefix[code] != -1 || code < clear + 2) {
        c = code
      } else if code == next && previous >= 0 {
        c = previous  // the code being defined: the previous string and its own first byte
      } else {
        break  // a code that cannot be: the data is damaged
      }
      // The string for c, last byte first.
      stack.removeAll(keepingCapacity: true)
      if code == next { stack.append(first[previous]) }
      while c >= 0 && stack.count < 4096 {
        stack.append(suffix[c])
        c = c >= clear ? prefix[c] : -1
      }
      for byte in stack.reversed() where out.count < count { out.append(byte) }
      if previous >= 0 && next < 4096 {
        prefix[next] = previous
        suffix[next] = code == next ? first[previous] : first[code]
        first[next] = first[previous]
        next += 1
        if next == 1 << size && size < 12 { size += 1 }
      }
      previous = code
    }
    return out.count < count ? out + [UInt8](repeating: 0, count: count - out.count) : out
  }

  static func jpeg(_ b: [UInt8], name: String) throws(PDFError) -> PDFImage {
    var i = 2
    while i + 9 < b.count {
      guard b[i] == 0xFF else { i += 1; continue }
      let marker = b[i + 1]
      let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
      if (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
        let height = Int(b[i + 5]) << 8 | Int(b[i + 6])
        let width = Int(b[i + 7]) << 8 | Int(b[i + 8])
        guard width > 0, height > 0 else { throw PDFError(message: "the JPEG picture '\(name)' has no size; it may be damaged") }
        try checkSize(width, height, name: name)
        let components = Int(b[i + 9])
        let space: String
        switch components {
        case 1: space = "/DeviceGray"
        case 3: space = "/DeviceRGB"
        case 4: space = "/DeviceCMYK /Decode [1 0 1 0 1 0 1 0]"
        default: throw PDFError(message: "the JPEG picture '\(name)' has \(components) colour components")
        }
        return PDFImage(
          dictionary: "/Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace \(space) /BitsPerComponent 8 /Filter /DCTDecode",
          data: b, mask: nil, pixelWidth: width, pixelHeight: height)
      }
      i += 2 + length
    }
    throw PDFError(message: "the JPEG picture '\(name)' has no frame header; it may be damaged")
  }

  /// A PNG's size in pixels and its pHYs resolution (when in metres), read once png() has accepted it.
  private mutating func readSize(_ b: [UInt8]) {
    func u32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
    var i = 8
    while i + 8 <= b.count {
      let length = u32(i), start = i + 8
      guard start + length <= b.count else { return }
      switch String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self) {
      case "IHDR" where length >= 13: (pixelWidth, pixelHeight) = (u32(start), u32(start + 4))
      case "pHYs" where length >= 9 && b[start + 8] == 1 && u32(start) > 0 && u32(start + 4) > 0:
        pixelsPerMetre = (u32(start), u32(start + 4))
      case "IDAT", "IEND": return
      default: break
      }
      i = start + length + 4
    }
  }

  /// Pictures beyond Limits are refused before any buffer is sized from them.
  static func checkSize(_ width: Int, _ height: Int, name: String) throws(PDFError) {
    guard width <= Limits.pictureSide, height <= Limits.pictureSide, width * height <= Limits.picturePixels else {
      throw PDFError(message: "the picture '\(name)' is \(width) × \(height) pixels, more than baocao's limit of \(Limits.picturePixels / 1_000_000) million pixels; scale it down")
    }
  }

  static func png(_ b: [UInt8], name: String) throws(PDFError) -> PDFImage {
    func u32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
    var i = 8
    var width = 0, height = 0, depth = 0, colorType = 0, interlace = 0
    var palette: [UInt8] = []
    var transparency: [UInt8]? = nil
    var idat: [UInt8] = []
    while i + 8 <= b.count {
      let length = u32(i)
      let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
      let start = i + 8
      guard length >= 0, start + length <= b.count else { throw PDFError(message: "the PNG picture '\(name)' is truncated") }
      let chunk = b[start..<(start + length)]
      switch type {
      case "IHDR":
        guard length >= 13 else { throw PDFError(message: "the PNG picture '\(name)' has a damaged header") }
        width = u32(start)
        height = u32(start + 4)
        depth = Int(b[start + 8])
        colorType = Int(b[start + 9])
        interlace = Int(b[start + 12])
      case "PLTE": palette = Array(chunk)
      case "tRNS": transparency = Array(chunk)
      case "IDAT": idat += chunk
      case "IEND": i = b.count
      default: break
      }
      i = start + length + 4
    }
    guard width > 0, height > 0, !idat.isEmpty else { throw PDFError(message: "the PNG picture '\(name)' has no image data") }
    try checkSize(width, height, name: name)
    guard interlace == 0 else { throw PDFError(message: "the PNG picture '\(name)' is interlaced; save it without interlacing") }
    let colors: Int
    let space: String
    switch colorType {
    case 0, 4: colors = 1; space = "/DeviceGray"
    case 2, 6: colors = 3; space = "/DeviceRGB"
    case 3:
      colors = 1
      let hex = palette.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
      space = "[/Indexed /DeviceRGB \(palette.count / 3 - 1) <\(hex)>]"
    default: throw PDFError(message: "the PNG picture '\(name)' has an unknown colour type \(colorType)")
    }
    let hasAlpha = colorType == 4 || colorType == 6 || transparency != nil
    if !hasAlpha {
      return PDFImage(
        dictionary: "/Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace \(space) /BitsPerComponent \(depth) "
          + "/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors \(colors) /BitsPerComponent \(depth) /Columns \(width) >>",
        data: idat, mask: nil)
    }
    guard depth == 8 else { throw PDFError(message: "the PNG picture '\(name)' has transparency at \(depth) bits; save it with 8 bits per channel") }
    // Transparency: decode the rows, split colour and alpha, compress each again.
    let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]!
    let rowBytes = width * channels
    let pixels = try unfilter(inflate(idat, size: height * (rowBytes + 1), name: name), rowBytes: rowBytes, bpp: channels, rows: height, name: name)
    var color: [UInt8] = []
    var alpha: [UInt8] = []
    color.reserveCapacity(width * height * 3)
    alpha.reserveCapacity(width * height)
    for p in stride(from: 0, to: pixels.count, by: channels) {
      switch colorType {
      case 4: color.append(pixels[p]); alpha.append(pixels[p + 1])
      case 6: color += pixels[p..<(p + 3)]; alpha.append(pixels[p + 3])
      case 3:
        let index = Int(pixels[p])
        color.append(pixels[p])
        alpha.append(index < (transparency?.count ?? 0) ? transparency![index] : 255)
      case 0:
        color.append(pixels[p])
        let key = transparency.flatMap { $0.count >= 2 ? Int($0[0]) << 8 | Int($0[1]) : nil } ?? -1
        alpha.append(Int(pixels[p]) == key ? 0 : 255)
      default:
        color += pixels[p..<(p + 3)]
        let t = transparency ?? []
        let key = t.count >= 6 ? [t[1], t[3], t[5]] : []
        alpha.append(Array(pixels[p..<(p + 3)]) == key ? 0 : 255)
      }
    }
    let maskDictionary = "/Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace /DeviceGray /BitsPerComponent 8"
    return PDFImage(
      dictionary: "/Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace \(space) /BitsPerComponent 8",
      data: color, mask: (maskDictionary, alpha))
  }

  static func inflate(_ data: [UInt8], size: Int, name: String) throws(PDFError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: size)
    var length = uLong(size)
    let status = data.withUnsafeBufferPointer { src in uncompress(&out, &length, src.baseAddress, uLong(data.count)) }
    guard status == Z_OK, Int(length) == size else { throw PDFError(message: "the PNG picture '\(name)' cannot be decompressed; it may be damaged") }
    return out
  }

  /// Undoes PNG's per-row filters (None, Sub, Up, Average, Paeth).
  static func unfilter(_ data: [UInt8], rowBytes: Int, bpp: Int, rows: Int, name: String) throws(PDFError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: rowBytes * rows)
    for r in 0..<rows {
      let filter = data[r * (rowBytes + 1)]
      let src = r * (rowBytes + 1) + 1
      let dst = r * rowBytes
      for x in 0..<rowBytes {
        let raw = Int(data[src + x])
        let a = x >= bpp ? Int(out[dst + x - bpp]) : 0
        let up = r > 0 ? Int(out[dst - rowBytes + x]) : 0
        let c = (x >= bpp && r > 0) ? Int(out[dst - rowBytes + x - bpp]) : 0
        let value: Int
        switch filter {
        case 0: value = raw
        case 1: value = raw + a
        case 2: value = raw + up
        case 3: value = raw + (a + up) / 2
        case 4:
          let p = a + up - c
          let pa = abs(p - a), pb = abs(p - up), pc = abs(p - c)
          value = raw + (pa <= pb && pa <= pc ? a : pb <= pc ? up : c)
        default: throw PDFError(message: "the PNG picture '\(name)' uses an unknown row filter \(filter)")
        }
        out[dst + x] = UInt8(truncatingIfNeeded: value)
      }
    }
    return out
  }
}
