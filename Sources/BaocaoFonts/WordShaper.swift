import CHarfBuzz

/// Shapes text a word at a time and remembers each word's glyphs: Vietnamese text repeats its
/// syllables constantly, and shaping is the costliest step of layout. A FontCatalog lends shapers
/// to documents one at a time, so the words stay remembered for the documents after.
///
/// The result equals shaping the whole run at once for the Latin fonts we lay out: their features act
/// inside a word, and the one effect across a word boundary, pair kerning between a space and the
/// letter after it, is looked up as a two-letter word of its own. Text with combining marks (which
/// could attach to a space) is shaped whole. Used by one thread at a time.
public final class WordShaper: @unchecked Sendable {
  private struct Entry {
    var hash: UInt64
    var font: ObjectIdentifier
    var kerning: Bool
    var scalars: [UInt32]
    var glyphs: [ShapedGlyph]
  }

  /// The words shaped so far, found through an open-addressed table of entry numbers + 1 (0 = empty)
  /// indexed by the word's own hash: a dictionary would hash the hash again.
  private var entries: [Entry] = []
  private var slots = [Int32](repeating: 0, count: 1024)
  /// The advance of a space followed by a letter, per font and kerning switch, indexed by the letter
  /// (below U+2000; 0 = not looked up yet).
  private var spaceAdvances: [(font: ObjectIdentifier, kerning: Bool, advances: [Int32])] = []

  private let buffer = hb_buffer_create()!
  private let vietnamese = hb_language_from_string("vi", -1)

  public init() {}

  /// Forgets the words once there are so many that keeping them costs more memory than they save
  /// time (about 10 MB).
  func limitMemory() {
    guard entries.count > 40_000 else { return }
    entries.removeAll()
    slots = [Int32](repeating: 0, count: 1024)
    spaceAdvances.removeAll()
  }

  deinit { hb_buffer_destroy(buffer) }

  /// The same glyphs as `font.shape(scalars, range: range, kerning: kerning)`.
  public func shape(_ font: Font, _ scalars: [UInt32], range: Range<Int>, kerning: Bool) -> [ShapedGlyph] {
    for i in range where Self.needsWholeRun(scalars[i]) {
      return font.shape(scalars, range: range, kerning: kerning)
    }
    var out: [ShapedGlyph] = []
    out.reserveCapacity(range.count)
    var start = range.lowerBound
    while start < range.upperBound {
      var end = start
      while end < range.upperBound && scalars[end] != Self.space { end += 1 }
      if end < range.upperBound { end += 1 }  // the word keeps the space after it
      let first = out.count
      out += word(font, scalars, start..<end, kerning: kerning)
      for k in first..<out.count { out[k].cluster += start }
      if scalars[end - 1] == Self.space && end < range.upperBound, out.last?.cluster == end - 1 {
        // The space's advance as it is followed by the next word's first letter (its kerning pair).
        out[out.count - 1].advance = spaceAdvance(font, before: scalars[end], kerning: kerning)
      }
      start = end
    }
    return out
  }

  private static let space: UInt32 = 0x20

  /// Combining marks, joiners, selectors, and scripts whose shaping reaches across spaces.
  private static func needsWholeRun(_ v: UInt32) -> Bool {
    switch v {
    case 0..<0x0300, 0x0370..<0x0483, 0x048A..<0x0590, 0x1E00..<0x200C, 0x2010..<0x20D0, 0x2100..<0xFE00, 0xFE30..<0x10000: false
    default: true
    }
  }

  private func spaceAdvance(_ font: Font, before next: UInt32, kerning: Bool) -> Int32 {
    let id = ObjectIdentifier(font)
    guard next < 0x2000 else { return pairAdvance(font, next, kerning: kerning) }
    var t = spaceAdvances.firstIndex { $0.font == id && $0.kerning == kerning }
    if t == nil {
      spaceAdvances.append((id, kerning, [Int32](repeating: 0, count: 0x2000)))
      t = spaceAdvances.count - 1
    }
    let cached = spaceAdvances[t!].advances[Int(next)]
    if cached != 0 { return cached }
    let a = pairAdvance(font, next, kerning: kerning)
    spaceAdvances[t!].advances[Int(next)] = a
    return a
  }

  private func pairAdvance(_ font: Font, _ next: UInt32, kerning: Bool) -> Int32 {
    font.shape([Self.space, next], range: 0..<2, kerning: kerning, language: vietnamese, buffer: buffer).first { $0.cluster == 0 }?.advance ?? 0
  }

  private func word(_ font: Font, _ scalars: [UInt32], _ range: Range<Int>, kerning: Bool) -> [ShapedGlyph] {
    let id = ObjectIdentifier(font)
    // FNV-1a over the font, the kerning switch and the letters; entries compare in full.
    var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(UInt(bitPattern: id))
    h = (h ^ (kerning ? 1 : 0)) &* 0x100_0000_01b3
    for i in range { h = (h ^ UInt64(scalars[i])) &* 0x100_0000_01b3 }
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: h) & mask
    while slots[slot] != 0 {
      let e = entries[Int(slots[slot]) - 1]
      if e.hash == h && e.font == id && e.kerning == kerning && e.scalars.elementsEqual(scalars[range]) { return e.glyphs }
      slot = (slot + 1) & mask
    }
    let letters = Array(scalars[range])
    let glyphs = font.shape(letters, range: 0..<letters.count, kerning: kerning, language: vietnamese, buffer: buffer)
    entries.append(Entry(hash: h, font: id, kerning: kerning, scalars: letters, glyphs: glyphs))
    slots[slot] = Int32(entries.count)
    if entries.count * 2 > slots.count {
      slots = [Int32](repeating: 0, count: slots.count * 2)
      let mask = slots.count - 1
      for (k, e) in entries.enumerated() {
        var slot = Int(truncatingIfNeeded: e.hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k + 1)
      }
    }
    return glyphs
  }
}
