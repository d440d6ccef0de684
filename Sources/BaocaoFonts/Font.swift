import CHarfBuzz
import Foundation

/// One shaped glyph: advances and offsets in font units, `cluster` the index of its first scalar.
public struct ShapedGlyph: Sendable {
  public var glyph: UInt32
  public var cluster: Int
  public var advance: Int32
  public var xOffset: Int32
  public var yOffset: Int32
}

/// A TrueType/OpenType font file, loaded once and shared by every worker (HarfBuzz fonts are immutable
/// after creation and safe to shape with from several threads).
public final class Font: @unchecked Sendable {
  public let path: String
  public let family: String
  public let postScriptName: String
  public let bold: Bool
  public let italic: Bool
  public let unitsPerEm: Int
  /// Vertical metrics as LibreOffice reads them: hhea, or OS/2 typo when USE_TYPO_METRICS is set.
  public let ascender: Int
  public let descender: Int
  public let lineGap: Int
  public let capHeight: Int
  public let italicAngle: Double
  public let boundingBox: (Int, Int, Int, Int)
  public let glyphCount: Int
  public let fixedPitch: Bool
  public let serif: Bool
  /// TrueType outlines (a glyf table), which the PDF embeds; not CFF.
  public let isTrueType: Bool

  let blob: OpaquePointer
  let face: OpaquePointer
  let hbFont: OpaquePointer
  /// Every glyph's advance in font units, read once.
  public let advances: [Int32]
  /// Every glyph's advance in thousandths of an em to three decimals, as PDF widths give it (the PDF
  /// writer looks it up for every glyph it writes).
  public let widthsPerMille: [Double]

  /// The face to subset from. Preparing it (hb_subset_preprocess) costs as much as about twenty
  /// subsets and makes each later one several times cheaper, so it is done once a run has subset
  /// this font a few times (a batch), never for a single document.
  /// Under a pthread lock (NSLock), which ThreadSanitizer sees (Synchronization.Mutex it does not).
  private let subsetLock = NSLock()
  private var subsetUses = 0
  private var preparedFace: OpaquePointer? = nil
  private var subsetFace: OpaquePointer {
    subsetLock.withLock {
      if let preparedFace { return preparedFace }
      subsetUses += 1
      guard subsetUses > 8 else { return embeddableFace }
      preparedFace = hb_subset_preprocess(embeddableFace)
      return preparedFace ?? embeddableFace
    }
  }

  /// The tables left out of subsets: a PDF viewer reads none of them from an embedded TrueType font.
  static let droppedTables: [UInt32] = ["GSUB", "GPOS", "GDEF", "kern", "name", "DSIG", "gasp", "hdmx", "VDMX", "LTSH", "vhea", "vmtx", "morx", "meta", "cmap", "post", "BASE", "JSTF"].map { tag in
    let t = Array(tag.utf8)
    return UInt32(t[0]) << 24 | UInt32(t[1]) << 16 | UInt32(t[2]) << 8 | UInt32(t[3])
  }

  /// The face without the tables subsets leave out. Without its cmap above all: planning a subset
  /// would otherwise map every character of the font to find those of the kept glyphs.
  private let embeddableFace: OpaquePointer

  public init?(path: String) {
    guard let blob = hb_blob_create_from_file_or_fail(path) else { return nil }
    let face = hb_face_create(blob, 0)!
    guard hb_face_get_glyph_count(face) > 0 else {
      hb_face_destroy(face)
      hb_blob_destroy(blob)
      return nil
    }
    let font = hb_font_create(face)!
    let upem = Int(hb_face_get_upem(face))
    hb_font_set_scale(font, Int32(upem), Int32(upem))
    self.blob = blob
    self.face = face
    self.hbFont = font
    embeddableFace = hb_face_create_for_tables(
      { _, tag, original in Font.droppedTables.contains(tag) ? nil : hb_face_reference_table(OpaquePointer(original), tag) },
      UnsafeMutableRawPointer(face), nil)
    self.path = path
    self.unitsPerEm = upem
    self.glyphCount = Int(hb_face_get_glyph_count(face))
    var all = [Int32](repeating: 0, count: glyphCount)
    for g in 0..<glyphCount { all[g] = hb_font_get_glyph_h_advance(font, hb_codepoint_t(g)) }
    self.advances = all
    widthsPerMille = all.map { (Double($0) * 1_000_000 / Double(upem)).rounded() / 1000 }
    family = Font.name(face, hb_ot_name_id_t(HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY)) ?? Font.name(face, hb_ot_name_id_t(HB_OT_NAME_ID_FONT_FAMILY)) ?? ""
    postScriptName = (Font.name(face, hb_ot_name_id_t(HB_OT_NAME_ID_POSTSCRIPT_NAME)) ?? family).filter { $0 != " " }
    bold = hb_style_get_value(font, HB_STYLE_TAG_WEIGHT) >= 600
    italic = hb_style_get_value(font, HB_STYLE_TAG_ITALIC) > 0 || hb_style_get_value(font, HB_STYLE_TAG_SLANT_ANGLE) != 0
    italicAngle = Double(hb_style_get_value(font, HB_STYLE_TAG_SLANT_ANGLE))
    func metric(_ tag: hb_ot_metrics_tag_t) -> Int {
      var v: hb_position_t = 0
      _ = hb_ot_metrics_get_position(font, tag, &v)
      return Int(v)
    }
    ascender = metric(HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER)
    descender = -metric(HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER)
    lineGap = metric(HB_OT_METRICS_TAG_HORIZONTAL_LINE_GAP)
    let cap = metric(HB_OT_METRICS_TAG_CAP_HEIGHT)
    capHeight = cap > 0 ? cap : ascender
    let head = Font.table(face, "head")
    if head.count >= 44 {
      func s16(_ o: Int) -> Int { Int(Int16(bitPattern: UInt16(head[o]) << 8 | UInt16(head[o + 1]))) }
      boundingBox = (s16(36), s16(38), s16(40), s16(42))
    } else {
      boundingBox = (0, -descender, upem, ascender)
    }
    isTrueType = hb_face_reference_table(face, 0x676C_7966).map { blob in  // 'glyf'
      defer { hb_blob_destroy(blob) }
      return hb_blob_get_length(blob) > 0
    } ?? false
    let post = Font.table(face, "post")
    fixedPitch = post.count >= 16 && (post[12] | post[13] | post[14] | post[15]) != 0
    let os2 = Font.table(face, "OS/2")
    // PANOSE family kind 2 (Latin text), serif style 11–13 are sans.
    serif = os2.count >= 42 ? !(os2[32] == 2 && (11...13).contains(os2[33])) : true
  }

  deinit {
    if let preparedFace { hb_face_destroy(preparedFace) }
    hb_font_destroy(hbFont)
    hb_face_destroy(embeddableFace)
    hb_face_destroy(face)
    hb_blob_destroy(blob)
  }

  static func name(_ face: OpaquePointer, _ id: hb_ot_name_id_t) -> String? {
    var length: UInt32 = 256
    var buffer = [CChar](repeating: 0, count: 256)
    let n = hb_ot_name_get_utf8(face, id, hb_language_from_string("en", -1), &length, &buffer)
    guard n > 0 else { return nil }
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func table(_ face: OpaquePointer, _ tag: String) -> [UInt8] {
    let t = Array(tag.utf8)
    let tagValue = UInt32(t[0]) << 24 | UInt32(t[1]) << 16 | UInt32(t[2]) << 8 | UInt32(t[3])
    guard let blob = hb_face_reference_table(face, tagValue) else { return [] }
    defer { hb_blob_destroy(blob) }
    var length: UInt32 = 0
    guard let data = hb_blob_get_data(blob, &length), length > 0 else { return [] }
    return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
  }

  /// Shapes `scalars[range]` left to right with the font's default features (kerning on unless `kerning`
  /// is false), with the rest of the text as context. Clusters are indices into `scalars`.
  public func shape(_ scalars: [UInt32], range: Range<Int>, kerning: Bool = true, language: String = "vi") -> [ShapedGlyph] {
    guard !range.isEmpty else { return [] }
    let buffer = hb_buffer_create()!
    defer { hb_buffer_destroy(buffer) }
    return shape(scalars, range: range, kerning: kerning, language: hb_language_from_string(language, -1), buffer: buffer)
  }

  /// Shaping with a buffer the caller reuses (it is cleared first).
  func shape(_ scalars: [UInt32], range: Range<Int>, kerning: Bool, language: hb_language_t?, buffer: OpaquePointer) -> [ShapedGlyph] {
    guard !range.isEmpty else { return [] }
    hb_buffer_clear_contents(buffer)
    scalars.withUnsafeBufferPointer { p in
      hb_buffer_add_utf32(buffer, p.baseAddress, Int32(p.count), UInt32(range.lowerBound), Int32(range.count))
    }
    hb_buffer_set_direction(buffer, HB_DIRECTION_LTR)
    hb_buffer_set_script(buffer, HB_SCRIPT_LATIN)
    hb_buffer_set_language(buffer, language)
    hb_buffer_set_cluster_level(buffer, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS)
    if kerning {
      hb_shape(hbFont, buffer, nil, 0)
    } else {
      var feature = hb_feature_t()
      _ = hb_feature_from_string("-kern", -1, &feature)
      hb_shape(hbFont, buffer, &feature, 1)
    }
    var count: UInt32 = 0
    let infos = hb_buffer_get_glyph_infos(buffer, &count)!
    let positions = hb_buffer_get_glyph_positions(buffer, &count)!
    var out: [ShapedGlyph] = []
    out.reserveCapacity(Int(count))
    for k in 0..<Int(count) {
      out.append(ShapedGlyph(
        glyph: infos[k].codepoint, cluster: Int(infos[k].cluster), advance: positions[k].x_advance,
        xOffset: positions[k].x_offset, yOffset: positions[k].y_offset))
    }
    return out
  }

  /// True when the font maps the scalar to a glyph.
  public func covers(_ scalar: UInt32) -> Bool { glyph(for: scalar) != nil }

  /// The font's own glyph for the scalar, unshaped.
  public func glyph(for scalar: UInt32) -> UInt32? {
    var g: hb_codepoint_t = 0
    return hb_font_get_nominal_glyph(hbFont, scalar, &g) != 0 ? g : nil
  }

  /// The unshaped advance of a glyph, in font units (what a PDF widths array holds).
  public func advance(of glyph: UInt32) -> Int {
    Int(glyph) < advances.count ? Int(advances[Int(glyph)]) : 0
  }

  /// A subset holding `glyphs` (and the glyphs their composites use): the TrueType program, and the
  /// original id of each of its glyphs in their new order (subset fonts number their glyphs afresh,
  /// which keeps them small).
  public func subset(_ glyphs: [UInt32]) -> (program: [UInt8], order: [UInt32])? {
    guard let input = hb_subset_input_create_or_fail() else { return nil }
    defer { hb_subset_input_destroy(input) }
    let set = hb_subset_input_glyph_set(input)
    for g in glyphs { hb_set_add(set, g) }
    hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING.rawValue)
    // Keep only what a PDF viewer reads from an embedded TrueType font.
    let drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG)
    for tag in Font.droppedTables { hb_set_add(drop, tag) }
    // The text is already shaped: no layout closure, no feature walk.
    hb_set_clear(hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG))
    guard let plan = hb_subset_plan_create_or_fail(subsetFace, input) else { return nil }
    defer { hb_subset_plan_destroy(plan) }
    let newToOld = hb_subset_plan_new_to_old_glyph_mapping(plan)
    var order: [UInt32] = []
    for new in 0..<hb_map_get_population(newToOld) {
      let old = hb_map_get(newToOld, hb_codepoint_t(new))
      guard old != UInt32.max else { return nil }
      order.append(old)
    }
    guard let result = hb_subset_plan_execute_or_fail(plan) else { return nil }
    defer { hb_face_destroy(result) }
    guard let blob = hb_face_reference_blob(result) else { return nil }
    defer { hb_blob_destroy(blob) }
    var length: UInt32 = 0
    guard let data = hb_blob_get_data(blob, &length), length > 0 else { return nil }
    let program = data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
    return (program, order)
  }
}
