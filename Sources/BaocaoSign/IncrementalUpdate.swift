import BaocaoPDF

/// Objects appended to a PDF as a new revision (ISO 32000-1 §7.5.6): the original bytes, then the
/// changed and new objects, then a cross-reference section of the same kind as the original's last
/// one (a table or a stream) whose trailer points back to it with /Prev.
struct IncrementalUpdate {
  let file: PDFFile
  private var bodies: [PDFReference: [UInt8]] = [:]
  private var order: [PDFReference] = []
  private var nextNumber: Int
  private var offsets: [PDFReference: Int] = [:]

  init(file: PDFFile) {
    self.file = file
    nextNumber = file.size
  }

  mutating func reserve() -> PDFReference {
    let r = PDFReference(number: nextNumber, generation: 0)
    nextNumber += 1
    return r
  }

  mutating func set(_ ref: PDFReference, raw: [UInt8]) {
    if bodies[ref] == nil { order.append(ref) }
    bodies[ref] = raw
  }

  mutating func set(_ ref: PDFReference, _ object: PDFObject) {
    var out: [UInt8] = []
    PDFSerializer.write(object, into: &out)
    set(ref, raw: out)
  }

  mutating func add(_ object: PDFObject) -> PDFReference {
    let r = reserve()
    set(r, object)
    return r
  }

  mutating func addStream(_ data: StreamData, dictionary: String) -> PDFReference {
    let r = reserve()
    set(r, raw: data.object(dictionary: dictionary))
    return r
  }

  /// Where an object was written (after write()).
  func objectOffset(_ ref: PDFReference) -> Int { offsets[ref] ?? 0 }

  mutating func write() -> [UInt8] {
    var out = file.bytes
    if let last = out.last, last != 10 && last != 13 { out.append(10) }
    for ref in order {
      offsets[ref] = out.count
      out += Array("\(ref.number) \(ref.generation) obj\n".utf8)
      out += bodies[ref]!
      out += Array("\nendobj\n".utf8)
    }
    // The trailer keeps what the old one said, but for what describes the section itself.
    var trailer = PDFDictionary()
    for (key, value) in file.trailer.entries
    where !["Prev", "XRefStm", "Size", "Type", "W", "Index", "Length", "Filter", "DecodeParms"].contains(key) {
      trailer[key] = value
    }
    let sorted = order.sorted { $0.number < $1.number }
    var firstID: [UInt8] = []
    if let ids = file.trailer["ID"]?.array, let first = ids.first?.string { firstID = first }
    // The second ID changes with each revision; the first names the document for good.
    let secondID = Array(sha256(Array(out.suffix(from: file.bytes.count)))[0..<16])
    trailer["ID"] = .array([.string(firstID.isEmpty ? secondID : firstID), .string(secondID)])
    trailer["Prev"] = .integer(file.lastXref)

    if file.lastXrefIsStream {
      let xrefRef = PDFReference(number: nextNumber, generation: 0)
      let xrefOffset = out.count
      var rows: [UInt8] = []
      var index: [PDFObject] = []
      var entries = sorted.map { ($0, offsets[$0]!) } + [(xrefRef, xrefOffset)]
      entries.sort { $0.0.number < $1.0.number }
      var k = 0
      while k < entries.count {
        var j = k
        while j + 1 < entries.count && entries[j + 1].0.number == entries[j].0.number + 1 { j += 1 }
        index += [.integer(entries[k].0.number), .integer(j - k + 1)]
        for e in entries[k...j] {
          rows.append(1)
          for shift in stride(from: 32, through: 0, by: -8) { rows.append(UInt8(truncatingIfNeeded: e.1 >> shift)) }
          rows.append(UInt8(truncatingIfNeeded: e.0.generation))
        }
        k = j + 1
      }
      var d = PDFDictionary([("Type", .name("XRef")), ("Size", .integer(nextNumber + 1)), ("W", .array([.integer(1), .integer(5), .integer(1)]))])
      d["Index"] = .array(index)
      for (key, value) in trailer.entries { d[key] = value }
      d["Length"] = .integer(rows.count)
      out += Array("\(xrefRef.number) 0 obj\n".utf8)
      PDFSerializer.write(.dictionary(d), into: &out)
      out += Array("\nstream\n".utf8) + rows + Array("\nendstream\nendobj\n".utf8)
      out += Array("startxref\n\(xrefOffset)\n%%EOF\n".utf8)
      return out
    }

    let xrefOffset = out.count
    var table = "xref\n"
    var k = 0
    while k < sorted.count {
      var j = k
      while j + 1 < sorted.count && sorted[j + 1].number == sorted[j].number + 1 { j += 1 }
      table += "\(sorted[k].number) \(j - k + 1)\n"
      for r in sorted[k...j] {
        var offset = String(offsets[r]!)
        while offset.count < 10 { offset = "0" + offset }
        var generation = String(r.generation)
        while generation.count < 5 { generation = "0" + generation }
        table += "\(offset) \(generation) n \n"
      }
      k = j + 1
    }
    trailer["Size"] = .integer(nextNumber)
    out += Array(table.utf8)
    out += Array("trailer\n".utf8)
    PDFSerializer.write(.dictionary(trailer), into: &out)
    out += Array("\nstartxref\n\(xrefOffset)\n%%EOF\n".utf8)
    return out
  }
}
