/// Checks that a zip file says the same thing to every reader: its central directory (which
/// libzip reads) and its local headers (which streaming readers read) agree, nothing comes before
/// the first entry, and no entry carries a second name (Info-ZIP's Unicode path field) that other
/// programs would use instead. A package that fails could show LibreOffice one document and
/// baocao another (seen in the corpus: two zips in one file, an entry with two names).
enum ZipConsistency {
  /// A description of the first disagreement, or nil. Zip64 archives are not checked.
  static func problem(_ b: [UInt8]) -> String? {
    func u16(_ o: Int) -> Int? { o >= 0 && o + 2 <= b.count ? Int(b[o]) | Int(b[o + 1]) << 8 : nil }
    func u32(_ o: Int) -> Int? {
      o >= 0 && o + 4 <= b.count ? Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24 : nil
    }
    // The end-of-central-directory record: in the last 64 KiB + 22 bytes.
    var eocd: Int? = nil
    var i = b.count - 22
    let lowest = max(0, b.count - 22 - 0xFFFF)
    while i >= lowest {
      if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 0x05, b[i + 3] == 0x06 { eocd = i; break }
      i -= 1
    }
    guard let e = eocd, let count = u16(e + 10), let size = u32(e + 12), let offset = u32(e + 16) else {
      return nil  // libzip reports what it cannot open
    }
    if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF { return nil }
    guard offset + size <= e else { return "its central directory lies outside the file" }
    // The directory ends where its end record begins; a gap means bytes were added before the
    // archive (readers that shift the offsets and readers that do not then see different files).
    guard offset + size == e else { return "\(e - offset - size) bytes stand between its central directory and its end record" }
    var p = offset
    var firstLocal = Int.max
    for _ in 0..<count {
      guard u32(p) == 0x0201_4B50, let nameLength = u16(p + 28), let extraLength = u16(p + 30), let commentLength = u16(p + 32),
        let local = u32(p + 42), p + 46 + nameLength + extraLength <= b.count
      else { return "its central directory is damaged" }
      let name = b[(p + 46)..<(p + 46 + nameLength)]
      firstLocal = min(firstLocal, local)
      guard u32(local) == 0x0403_4B50, let localNameLength = u16(local + 26), local + 30 + localNameLength <= b.count,
        b[(local + 30)..<(local + 30 + localNameLength)].elementsEqual(name)
      else { return "the entry '\(String(decoding: name, as: UTF8.self))' is named otherwise in its local header" }
      // Extra fields: id, size, data. 0x7075 carries another name for the entry.
      var x = p + 46 + nameLength
      let end = x + extraLength
      while x + 4 <= end {
        guard let id = u16(x), let length = u16(x + 2), x + 4 + length <= end else { break }
        if id == 0x7075, length >= 5, !b[(x + 9)..<(x + 4 + length)].elementsEqual(name) {
          return "the entry '\(String(decoding: name, as: UTF8.self))' carries a second name"
        }
        x += 4 + length
      }
      p += 46 + nameLength + extraLength + commentLength
    }
    if count > 0 && firstLocal != 0 { return "\(firstLocal) bytes come before its first entry" }
    return nil
  }
}
