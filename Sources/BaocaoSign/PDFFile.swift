import CZlib

/// A PDF file as its cross-reference data describes it: where each object is (in the file or in an
/// object stream), the trailer of the newest revision, and the objects read on demand. Tables and
/// cross-reference streams (with object streams) are both read; revisions are followed through /Prev.
public final class PDFFile {
  public let bytes: [UInt8]
  /// The newest revision's trailer.
  public private(set) var trailer = PDFDictionary()
  /// Where the newest revision's cross-reference section starts.
  public private(set) var lastXref = 0
  /// Whether that section is a cross-reference stream (an update must then write one too).
  public private(set) var lastXrefIsStream = false
  /// The number of revisions (cross-reference sections) read.
  public private(set) var revisions = 0

  enum Location {
    case free
    case offset(Int)
    case inStream(object: Int, index: Int)
  }
  private var locations: [Int: Location] = [:]
  private var cache: [Int: PDFObject] = [:]
  private var streamCache: [Int: (PDFDictionary, [UInt8])] = [:]
  private var resolving: Set<Int> = []

  static let maxObjects = 8_000_000
  static let maxRevisions = 10_000
  static let maxStreamBytes = 256 << 20

  public init(_ bytes: [UInt8]) throws(PDFError) {
    self.bytes = bytes
    guard bytes.count >= 8, bytes.starts(with: Array("%PDF-".utf8)) || Self.find(Array("%PDF-".utf8), in: bytes, from: 0, to: min(bytes.count, 1024)) != nil
    else { throw PDFError("this is not a PDF file (it does not start with %PDF-)") }
    let tail = max(0, bytes.count - 2048)
    guard let at = Self.findLast(Array("startxref".utf8), in: bytes, from: tail) else {
      throw PDFError("the PDF has no 'startxref' at its end; it is truncated or damaged")
    }
    var p = PDFParser(bytes, at: at + 9)
    guard let start = Int(p.word()), start >= 0, start < bytes.count else {
      throw PDFError("the PDF's startxref does not point inside the file")
    }
    lastXref = start
    var next: Int? = start
    var seen: Set<Int> = []
    while let offset = next {
      guard seen.insert(offset).inserted else { throw PDFError("the PDF's cross-reference sections point at each other in a loop") }
      guard seen.count <= Self.maxRevisions else { throw PDFError("the PDF has more than \(Self.maxRevisions) revisions") }
      let section = try readSection(at: offset)
      if revisions == 0 {
        trailer = section.trailer
        lastXrefIsStream = section.isStream
      }
      revisions += 1
      if let hybrid = section.trailer["XRefStm"]?.integer { _ = try? readSection(at: hybrid) }
      next = section.trailer["Prev"]?.integer
    }
    guard trailer["Root"]?.reference != nil else { throw PDFError("the PDF's trailer names no catalogue (/Root)") }
  }

  // MARK: - Cross-reference sections

  private func readSection(at offset: Int) throws(PDFError) -> (trailer: PDFDictionary, isStream: Bool) {
    guard offset >= 0, offset < bytes.count else { throw PDFError("a cross-reference offset (\(offset)) is outside the file") }
    var p = PDFParser(bytes, at: offset)
    p.skipWhite()
    if p.peek("xref") {
      p.position += 4
      while true {
        p.skipWhite()
        if p.peek("trailer") {
          p.position += 7
          guard let d = try p.object().dictionary else { throw PDFError("the trailer at byte \(p.position) is not a dictionary") }
          return (d, false)
        }
        guard let first = Int(p.word()), let count = Int(p.word()), first >= 0, count >= 0, first + count <= Self.maxObjects else {
          throw PDFError("a cross-reference table near byte \(p.position) is damaged")
        }
        for k in 0..<count {
          guard let field1 = Int(p.word()), let generation = Int(p.word()) else {
            throw PDFError("a cross-reference entry near byte \(p.position) is damaged")
          }
          let kind = p.word()
          _ = generation
          if locations[first + k] == nil {
            switch kind {
            case "n": locations[first + k] = field1 > 0 ? .offset(field1) : .free
            case "f": locations[first + k] = .free
            default: throw PDFError("a cross-reference entry near byte \(p.position) is neither 'n' nor 'f'")
            }
          }
        }
      }
    }
    // A cross-reference stream.
    let (dictionary, data) = try readStream(at: offset, number: nil)
    guard dictionary["Type"]?.name == "XRef" else { throw PDFError("startxref points at byte \(offset), which holds no cross-reference data") }
    guard let w = dictionary["W"]?.array?.compactMap(\.integer), w.count == 3, w.allSatisfy({ $0 >= 0 && $0 <= 8 }) else {
      throw PDFError("the cross-reference stream at byte \(offset) has a damaged /W")
    }
    guard let size = dictionary["Size"]?.integer, size >= 0, size <= Self.maxObjects else {
      throw PDFError("the cross-reference stream at byte \(offset) has a damaged /Size")
    }
    let index = dictionary["Index"]?.array?.compactMap(\.integer) ?? [0, size]
    let width = w[0] + w[1] + w[2]
    guard width > 0 else { throw PDFError("the cross-reference stream at byte \(offset) has empty entries") }
    var at = 0
    func field(_ n: Int) -> Int {
      var v = 0
      for _ in 0..<n { v = v << 8 | Int(data[at]); at += 1 }
      return v
    }
    var pair = 0
    while pair + 1 < index.count {
      let first = index[pair], count = index[pair + 1]
      guard first >= 0, count >= 0, first + count <= Self.maxObjects else { throw PDFError("the cross-reference stream at byte \(offset) has a damaged /Index") }
      for k in 0..<count {
        guard at + width <= data.count else { throw PDFError("the cross-reference stream at byte \(offset) is shorter than its /Index says") }
        let type = w[0] == 0 ? 1 : field(w[0])
        let a = field(w[1]), b = field(w[2])
        if locations[first + k] == nil {
          switch type {
          case 1: locations[first + k] = .offset(a)
          case 2: locations[first + k] = .inStream(object: a, index: b)
          default: locations[first + k] = .free
          }
        }
      }
      pair += 2
    }
    return (dictionary, true)
  }

  // MARK: - Objects

  /// The object a reference names (null for a free or unknown one, as the standard says).
  public func resolve(_ object: PDFObject?) throws(PDFError) -> PDFObject {
    guard let object else { return .null }
    guard case .reference(let r) = object else { return object }
    return try self.object(r.number)
  }

  public func object(_ number: Int) throws(PDFError) -> PDFObject {
    if let o = cache[number] { return o }
    guard resolving.insert(number).inserted else { throw PDFError("object \(number) refers to itself") }
    defer { resolving.remove(number) }
    let o: PDFObject
    switch locations[number] {
    case .offset(let at)?:
      var p = try objectHeader(at: at, number: number)
      o = try p.object()
    case .inStream(let streamNumber, let index)?:
      o = try objectInStream(streamNumber, index: index, number: number)
    case .free?, nil:
      o = .null
    }
    cache[number] = o
    return o
  }

  /// A stream object's dictionary and decoded data.
  public func stream(_ number: Int) throws(PDFError) -> (PDFDictionary, [UInt8]) {
    if let s = streamCache[number] { return s }
    guard case .offset(let at)? = locations[number] else { throw PDFError("object \(number) is not a stream") }
    let s = try readStream(at: at, number: number)
    streamCache[number] = s
    return s
  }

  /// The byte offset of object number's body, after "n g obj".
  private func objectHeader(at offset: Int, number: Int?) throws(PDFError) -> PDFParser {
    guard offset >= 0, offset < bytes.count else { throw PDFError("object \(number.map(String.init) ?? "?") is said to be at byte \(offset), outside the file") }
    var p = PDFParser(bytes, at: offset)
    guard let n = Int(p.word()), Int(p.word()) != nil, p.word() == "obj" else {
      throw PDFError("no object starts at byte \(offset), where the cross-reference data puts object \(number.map(String.init) ?? "?")")
    }
    if let number, n != number { throw PDFError("byte \(offset) holds object \(n), where the cross-reference data puts object \(number)") }
    return p
  }

  private func readStream(at offset: Int, number: Int?) throws(PDFError) -> (PDFDictionary, [UInt8]) {
    var p = try objectHeader(at: offset, number: number)
    guard let dictionary = try p.object().dictionary else { throw PDFError("the object at byte \(offset) is not a stream") }
    p.skipWhite()
    guard p.peek("stream") else { throw PDFError("the object at byte \(offset) is not a stream") }
    p.position += 6
    if p.position < bytes.count && bytes[p.position] == 13 { p.position += 1 }
    if p.position < bytes.count && bytes[p.position] == 10 { p.position += 1 }
    let start = p.position
    var length: Int
    if case .reference(let r)? = dictionary["Length"] {
      guard r.number != number, let l = try object(r.number).integer else { throw PDFError("the stream at byte \(offset) has no usable /Length") }
      length = l
    } else {
      guard let l = dictionary["Length"]?.integer else { throw PDFError("the stream at byte \(offset) has no /Length") }
      length = l
    }
    guard length >= 0, start + length <= bytes.count else { throw PDFError("the stream at byte \(offset) runs past the end of the file") }
    let raw = Array(bytes[start..<(start + length)])
    return (dictionary, try decode(raw, dictionary, at: offset))
  }

  private func decode(_ raw: [UInt8], _ dictionary: PDFDictionary, at offset: Int) throws(PDFError) -> [UInt8] {
    let filters: [String]
    switch dictionary["Filter"] {
    case nil: return raw
    case .name(let n)?: filters = [n]
    case .array(let a)?: filters = a.compactMap(\.name)
    default: throw PDFError("the stream at byte \(offset) has a damaged /Filter")
    }
    guard filters.count <= 1 else { throw PDFError("the stream at byte \(offset) has several filters, which baocao does not read here") }
    guard filters.first == "FlateDecode" else { throw PDFError("the stream at byte \(offset) uses the \(filters.first ?? "?") filter, which baocao does not read here") }
    var data = try Self.inflate(raw, at: offset)
    let parameters = (dictionary["DecodeParms"]?.dictionary) ?? dictionary["DecodeParms"]?.array?.first?.dictionary
    if let predictor = parameters?["Predictor"]?.integer, predictor >= 10 {
      let columns = parameters?["Columns"]?.integer ?? 1
      data = try Self.unpredict(data, columns: columns, at: offset)
    }
    return data
  }

  static func inflate(_ raw: [UInt8], at offset: Int) throws(PDFError) -> [UInt8] {
    var stream = z_stream()
    guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw PDFError("out of memory") }
    defer { inflateEnd(&stream) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    var input = raw
    let status: Int32 = input.withUnsafeMutableBufferPointer { src in
      stream.next_in = src.baseAddress
      stream.avail_in = uInt(src.count)
      while true {
        let s: Int32 = chunk.withUnsafeMutableBufferPointer { dst in
          stream.next_out = dst.baseAddress
          stream.avail_out = uInt(dst.count)
          return CZlib.inflate(&stream, Z_NO_FLUSH)
        }
        out += chunk[0..<(chunk.count - Int(stream.avail_out))]
        if s == Z_STREAM_END { return Z_OK }
        if s != Z_OK { return s }
        if out.count > maxStreamBytes { return Z_MEM_ERROR }
        if stream.avail_in == 0 && stream.avail_out != 0 { return Z_OK }  // a stream without its end: keep what came
      }
    }
    guard status == Z_OK else { throw PDFError("the stream at byte \(offset) cannot be decompressed (\(status == Z_MEM_ERROR ? "larger than \(maxStreamBytes >> 20) MB" : "damaged data"))") }
    return out
  }

  /// Undoes the PNG predictors of a cross-reference or object stream.
  static func unpredict(_ data: [UInt8], columns: Int, at offset: Int) throws(PDFError) -> [UInt8] {
    guard columns > 0, columns < 1 << 16 else { throw PDFError("the stream at byte \(offset) has a damaged /Columns") }
    let row = columns + 1
    guard data.count % row == 0 else { throw PDFError("the stream at byte \(offset) does not divide into its rows") }
    var out = [UInt8](repeating: 0, count: data.count / row * columns)
    for r in 0..<(data.count / row) {
      let filter = data[r * row]
      for x in 0..<columns {
        let raw = data[r * row + 1 + x]
        let left = x > 0 ? out[r * columns + x - 1] : 0
        let up = r > 0 ? out[(r - 1) * columns + x] : 0
        let corner = x > 0 && r > 0 ? out[(r - 1) * columns + x - 1] : 0
        let v: UInt8
        switch filter {
        case 0: v = raw
        case 1: v = raw &+ left
        case 2: v = raw &+ up
        case 3: v = raw &+ UInt8((Int(left) + Int(up)) / 2)
        case 4:
          let p = Int(left) + Int(up) - Int(corner)
          let pa = abs(p - Int(left)), pb = abs(p - Int(up)), pc = abs(p - Int(corner))
          v = raw &+ (pa <= pb && pa <= pc ? left : pb <= pc ? up : corner)
        default: throw PDFError("the stream at byte \(offset) uses an unknown row predictor \(filter)")
        }
        out[r * columns + x] = v
      }
    }
    return out
  }

  private func objectInStream(_ streamNumber: Int, index: Int, number: Int) throws(PDFError) -> PDFObject {
    let (dictionary, data) = try stream(streamNumber)
    guard let n = dictionary["N"]?.integer, let first = dictionary["First"]?.integer, n >= 0, first >= 0, first <= data.count, index < n else {
      throw PDFError("the object stream \(streamNumber) is damaged")
    }
    var header = PDFParser(data, at: 0)
    var offset: Int? = nil
    for k in 0..<n {
      guard let num = Int(header.word()), let off = Int(header.word()) else { throw PDFError("the object stream \(streamNumber)'s index is damaged") }
      if k == index {
        guard num == number else { throw PDFError("the object stream \(streamNumber) holds object \(num) where object \(number) should be") }
        offset = off
        break
      }
    }
    guard let offset, first + offset < data.count else { throw PDFError("object \(number) is missing from object stream \(streamNumber)") }
    var p = PDFParser(data, at: first + offset)
    return try p.object()
  }

  /// The highest object number in use plus one (an update numbers its objects from there).
  public var size: Int {
    max(trailer["Size"]?.integer ?? 0, (locations.keys.max() ?? 0) + 1)
  }

  // MARK: - Searching bytes

  static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int, to: Int) -> Int? {
    guard !needle.isEmpty, to - from >= needle.count else { return nil }
    var i = from
    while i + needle.count <= to {
      if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
      i += 1
    }
    return nil
  }

  static func findLast(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
    var i = bytes.count - needle.count
    while i >= from {
      if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
      i -= 1
    }
    return nil
  }
}
