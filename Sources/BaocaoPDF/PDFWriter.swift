import BaocaoFonts
import BaocaoLayout
import CDeflate
import Foundation

/// Writes laid-out pages as a PDF 1.7 file: fonts as Type0/CIDFontType2 subsets (hb-subset; the text
/// keeps the font's glyph ids, which a CIDToGIDMap maps to the subset's) with a ToUnicode map,
/// Flate-compressed streams, a cross-reference table. The same pages give the same bytes: no dates,
/// and the file ID is a hash of the content.
public enum PDFWriter {
  /// `archival`: PDF/A-2b (Archival), with XMP metadata and an sRGB output intent.
  public static func write(_ document: consuming LaidOutDocument, archival: Bool = false) throws(PDFError) -> [UInt8] {
    var w = ObjectWriter()
    // The fonts' glyphs and the pictures are gathered on the other core while this one frees what
    // the pages were made from.
    let gathering = Concurrently { [pages = document.pages] in Gathered(pages) }
    document.dropModel()
    let gathered = gathering.value
    let (fonts, images, imageOrder) = (gathered.fonts, gathered.images, gathered.imageOrder)
    let signaturePlace = gathered.signaturePlace
    // Text shows glyphs by their id in the font, and each subset maps those ids to its own
    // (CIDToGIDMap), so the fonts (subset programs, their compression, the maps) and the pages'
    // content streams are independent work: the other core takes the fonts, then pages from the
    // end; this core takes pages from the start, until they meet.
    let (fontCount, pageCount) = (fonts.used.count, document.pages.count)
    // Job k < fontCount: font k; else page fontCount + pageCount - 1 - k.
    let (registry, pages, imageNumbers) = (fonts, document.pages, images)
    @Sendable func run(_ k: Int) -> Made {
      if k < fontCount {
        do throws(PDFError) { return .font(.success(try prepareFont(registry.used[k]))) } catch { return .font(.failure(error)) }
      }
      return .page(Flate.stream(content(of: pages[fontCount + pageCount - 1 - k], fonts: registry, images: imageNumbers)))
    }
    var contents = [StreamData](repeating: StreamData(bytes: [], flated: false), count: pageCount)
    var prepared: [Result<PreparedFont, PDFError>] = []
    for (k, m) in shareJobs(count: fontCount + pageCount, here: run, there: run).enumerated() {
      switch m {
      case .font(let font): prepared.append(font)
      case .page(let stream): contents[fontCount + pageCount - 1 - k] = stream
      }
    }
    var imageData: [(image: StreamData, dictionary: String, mask: (data: StreamData, dictionary: String)?)] = []
    for data in imageOrder {
      let image = try PDFImage.make(data)
      if archival && image.dictionary.contains("/DeviceCMYK") {
        throw PDFError(message: "the picture '\(data.name)' is in CMYK, which a PDF/A file with an sRGB output intent cannot show; save it as RGB")
      }
      let alreadyCompressed = image.dictionary.contains("/Filter")
      imageData.append((
        alreadyCompressed ? StreamData(bytes: image.data, flated: false) : Flate.stream(image.data), image.dictionary,
        image.mask.map { (Flate.stream($0.data), $0.dictionary) }))
    }

    let catalogID = w.reserve()
    let pagesID = w.reserve()
    var fontIDs: [Int] = []
    for font in prepared { fontIDs.append(addFont(try font.get(), into: &w)) }
    var imageIDs: [Int] = []
    for (image, dictionary, mask) in imageData {
      var extra = ""
      if let mask { extra = " /SMask \(w.add(stream: mask.data, dictionary: mask.dictionary)) 0 R" }
      imageIDs.append(w.add(stream: image, dictionary: dictionary + extra))
    }
    let imageResources = imageIDs.isEmpty ? "" : " /XObject << " + imageIDs.indices.map { "/Im\($0 + 1) \(imageIDs[$0]) 0 R" }.joined(separator: " ") + " >>"
    let fontResources = fontIDs.indices.map { "/F\($0 + 1) \(fontIDs[$0]) 0 R" }.joined(separator: " ")
    var pageIDs: [Int] = []
    for (index, page) in document.pages.enumerated() {
      let streamID = w.add(stream: contents[index], dictionary: "")
      let pageID = w.reserve()
      pageIDs.append(pageID)
      let annots = signaturePlace?.page == index ? " /Annots \(pageID + 1) 0 R" : ""  // the next object, written below
      w.set(pageID,
        "<< /Type /Page /Parent \(pagesID) 0 R /MediaBox [0 0 \(pt(page.width)) \(pt(page.height))] "
          + "/Resources << /Font << \(fontResources) >>\(imageResources) /ProcSet [/PDF /Text /ImageB /ImageC /ImageI] >> /Contents \(streamID) 0 R\(annots) >>")
      if !annots.isEmpty { _ = w.reserve() }
    }
    w.set(pagesID, "<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pageIDs.count) >>")
    let form = signaturePlace.map { signatureField($0, on: document.pages[$0.page], pageID: pageIDs[$0.page], into: &w) } ?? ""
    let meta = document.info
    var archive = ""
    if archival {
      let xmp = Array(Archival.xmp(meta, producer: producer, pages: document.pages.count).utf8)
      // Metadata stays unfiltered, so that any reader finds it.
      let metadataID = w.add(stream: StreamData(bytes: xmp, flated: false), dictionary: "/Type /Metadata /Subtype /XML")
      let profileID = w.add(stream: Flate.stream(SRGBProfile.bytes), dictionary: "/N 3")
      let intentID = w.add(
        "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile \(profileID) 0 R >>")
      archive = " /Metadata \(metadataID) 0 R /OutputIntents [\(intentID) 0 R]"
      if let l = meta.language { archive += " /Lang \(textString(l))" }
    }
    w.set(catalogID, "<< /Type /Catalog /Pages \(pagesID) 0 R\(form)\(archive) >>")
    var info = "<< /Producer \(textString(producer))"
    if let t = meta.title { info += " /Title \(textString(t))" }
    if let s = meta.subject { info += " /Subject \(textString(s))" }
    if let a = meta.author { info += " /Author \(textString(a))" }
    if let k = meta.keywords { info += " /Keywords \(textString(k))" }
    if let c = meta.created.flatMap(Archival.dates) { info += " /CreationDate (\(c.pdf))" }
    if let m = meta.modified.flatMap(Archival.dates) { info += " /ModDate (\(m.pdf))" }
    // Custom properties (Decree 30's Appendix VI metadata among them) under their own names.
    let standard: Set<String> = ["Producer", "Title", "Subject", "Author", "Keywords", "CreationDate", "ModDate", "Creator", "Trapped"]
    var named: Set<String> = []
    for p in meta.properties where !standard.contains(p.name) && named.insert(p.name).inserted {
      info += " " + name(p.name) + " " + textString(p.value)
    }
    let infoID = w.add(info + " >>")
    return w.finish(root: catalogID, info: infoID)
  }

  /// The place a template marked for the signature (the first PlaceMark.signature), by page.
  struct SignaturePlace {
    var page: Int
    var x, y, width, height: Double
  }

  /// The marked place becomes an empty signature field named after the mark, in the page's /Annots
  /// array (the object after the page, reserved for it). Returns the catalogue's /AcroForm entry.
  static func signatureField(_ m: SignaturePlace, on page: Page, pageID: Int, into w: inout ObjectWriter) -> String {
    let height = Double(page.height)
    let rect = "[\(num(m.x / 20)) \(num((height - m.y - m.height) / 20)) \(num((m.x + m.width) / 20)) \(num((height - m.y) / 20))]"
    // An empty appearance: nothing shows until the field is signed (PDF/A wants one on every widget).
    let appearance = w.add(
      stream: StreamData(bytes: [], flated: false),
      dictionary: "/Type /XObject /Subtype /Form /BBox [0 0 \(num(m.width / 20)) \(num(m.height / 20))]")
    let field = w.add(
      "<< /Type /Annot /Subtype /Widget /FT /Sig /T \(textString(PlaceMark.signature)) /F 4 /Rect \(rect) /P \(pageID) 0 R /AP << /N \(appearance) 0 R >> >>")
    w.set(pageID + 1, "[\(field) 0 R]")
    let form = w.add("<< /Fields [\(field) 0 R] /SigFlags 1 >>")
    return " /AcroForm \(form) 0 R"
  }

  /// The fonts used, with their glyphs, and the pictures, numbered in order of first use.
  private struct Gathered: @unchecked Sendable {
    var fonts = FontRegistry()
    var images: [ObjectIdentifier: Int] = [:]
    var imageOrder: [ImageData] = []
    var signaturePlace: SignaturePlace?

    init(_ pages: [Page]) {
      for (index, page) in pages.enumerated() {
        for item in page.items {
          switch item {
          case .glyphs(let run): fonts.use(run)
          case .mark(PlaceMark.signature, let x, let y, let w, let h) where signaturePlace == nil:
            signaturePlace = SignaturePlace(page: index, x: x, y: y, width: w, height: h)
          case .image(let data, _, _, _, _) where images[ObjectIdentifier(data)] == nil && !data.bytes.isEmpty:
            images[ObjectIdentifier(data)] = imageOrder.count
            imageOrder.append(data)
          default: continue
          }
        }
      }
    }
  }

  // MARK: - Page content

  /// A font made ready or a page's content stream.
  private enum Made {
    case font(Result<PreparedFont, PDFError>)
    case page(StreamData)
  }

  /// `fonts` holds every font the page uses.
  static func content(of page: Page, fonts: FontRegistry, images: [ObjectIdentifier: Int]) -> [UInt8] {
    var out = ByteBuffer(capacity: page.items.count * 160)
    let height = Double(page.height)
    var fill: RGB? = nil
    var stroke: RGB? = nil
    var lineWidth: Double? = nil
    var previousRunEnd: (x: Double, baseline: Double)? = nil
    func setFill(_ c: RGB, _ out: inout ByteBuffer) {
      guard fill != c else { return }
      out.number(c.r); out.space(); out.number(c.g); out.space(); out.number(c.b); out.append(" rg\n")
      fill = c
    }
    for item in page.items {
      switch item {
      case .rect(let x, let y, let w, let h, let c):
        setFill(c, &out)
        out.number(x / 20); out.space(); out.number((height - y - h) / 20); out.space()
        out.number(w / 20); out.space(); out.number(h / 20); out.append(" re f\n")
      case .mark: continue
      case .path(let path):
        guard path.fill != nil || path.stroke != nil else { continue }
        // In a saved state: its colours and width end with it.
        out.append("q ")
        if let c = path.fill { out.number(c.r); out.space(); out.number(c.g); out.space(); out.number(c.b); out.append(" rg ") }
        if let c = path.stroke {
          out.number(c.r); out.space(); out.number(c.g); out.space(); out.number(c.b); out.append(" RG ")
          out.number(path.strokeWidth / 20); out.append(" w ")
        }
        out.append("\n")
        for segment in path.segments {
          switch segment {
          case .move(let x, let y): out.number(x / 20); out.space(); out.number((height - y) / 20); out.append(" m\n")
          case .line(let x, let y): out.number(x / 20); out.space(); out.number((height - y) / 20); out.append(" l\n")
          case .curve(let x1, let y1, let x2, let y2, let x, let y):
            for (a, b) in [(x1, y1), (x2, y2), (x, y)] { out.number(a / 20); out.space(); out.number((height - b) / 20); out.space() }
            out.append("c\n")
          case .close: out.append("h\n")
          }
        }
        // A zero width is a hairline, as in LibreOffice's drawings.
        let stroked = path.stroke != nil
        out.append(path.fill != nil ? (stroked ? "B Q\n" : "f Q\n") : "S Q\n")
      case .clip(let x, let y, let w, let h):
        out.append("q "); out.number(x / 20); out.space(); out.number((height - y - h) / 20); out.space()
        out.number(w / 20); out.space(); out.number(h / 20); out.append(" re W n\n")
      case .endClip:
        // The graphics state returns to what it was before the clip.
        out.append("Q\n")
        (fill, stroke, lineWidth) = (nil, nil, nil)
      case .image(let data, let x, let y, let w, let h):
        guard !data.bytes.isEmpty else { continue }  // a missing picture: its frame stays empty
        out.append("q "); out.number(w / 20); out.append(" 0 0 "); out.number(h / 20); out.space()
        out.number(x / 20); out.space(); out.number((height - y - h) / 20); out.append(" cm /Im")
        out.integer((images[ObjectIdentifier(data)] ?? 0) + 1); out.append(" Do Q\n")
      case .line(let x1, let y1, let x2, let y2, let width, let c):
        if stroke != c {
          out.number(c.r); out.space(); out.number(c.g); out.space(); out.number(c.b); out.append(" RG\n")
          stroke = c
        }
        if lineWidth != width { out.number(width / 20); out.append(" w\n"); lineWidth = width }
        out.number(x1 / 20); out.space(); out.number((height - y1) / 20); out.append(" m ")
        out.number(x2 / 20); out.space(); out.number((height - y2) / 20); out.append(" l S\n")
      case .dashedLine(let x1, let y1, let x2, let y2, let width, let c, let dash):
        // In a saved state, so that the dash pattern (and colour and width) end with it.
        out.append("q "); out.number(c.r); out.space(); out.number(c.g); out.space(); out.number(c.b); out.append(" RG ")
        out.number(width / 20); out.append(" w [")
        for d in dash { out.number(d / 20); out.space() }
        out.append("] 0 d\n")
        out.number(x1 / 20); out.space(); out.number((height - y1) / 20); out.append(" m ")
        out.number(x2 / 20); out.space(); out.number((height - y2) / 20); out.append(" l S Q\n")
      case .wave(let x1, let y, let x2, let width, let c, let step, let amplitude):
        // Bows of `step` each, as LibreOffice draws them: each a curve whose second control point
        // stands `amplitude` above or below the middle, alternately.
        guard step > 0 else { continue }
        out.append("q "); out.number(c.r); out.space(); out.number(c.g); out.space(); out.number(c.b); out.append(" RG ")
        out.number(width / 20); out.append(" w\n")
        let baseline = (height - y) / 20
        out.number(x1 / 20); out.space(); out.number(baseline); out.append(" m\n")
        let span = ((x2 - x1) / step).rounded(.down)
        let bows = span.isFinite ? Int(min(max(0, span), 100_000)) : 0
        for k in 0..<bows {
          let start = x1 + Double(k) * step
          out.number((start + step / 2) / 20); out.space(); out.number(baseline + (k % 2 == 0 ? amplitude : -amplitude) / 20); out.space()
          out.number((start + step) / 20); out.space(); out.number(baseline); out.append(" v\n")
        }
        out.append("S Q\n")
      case .glyphs(let run):
        let f = fonts.used.firstIndex { $0.font === run.font } ?? 0
        setFill(run.color, &out)
        let size = Double(run.size) / 20
        out.append("BT /F"); out.integer(f + 1); out.space(); out.number(size); out.append(" Tf ")
        // LibreOffice's PDF export sets every text run 3 twips (0.15 pt) right of its layout position
        // (measured on all our documents); doing the same keeps text extraction's geometry identical.
        var startX = ((run.x + 3) * 50).rounded() / 1000  // as written: three decimals
        let baseline = (height - run.y) / 20
        let widths = run.font.widthsPerMille
        let glyphs = run.glyphs
        // Text extraction ends a run at its last glyph's width in /W, which can pass the shaped advance
        // by a hair. A run starting inside that hair on the same baseline (a change of size or font
        // mid-line) would be read as overlapping and put in another order, so it starts just after.
        if let previous = previousRunEnd, previous.baseline == baseline, startX < previous.x,
          previous.x - startX < 0.05
        {
          startX = (previous.x * 1000).rounded(.up) / 1000
        }
        if run.angle != 0 {
          // A rotated baseline: each glyph placed on it by its own text matrix, as LibreOffice
          // writes turned text. Its matrix turns the glyphs a tenth of a degree less than their
          // baseline (measured: 44.9° for 45°), which text extraction reads as words across; the
          // same keeps extraction of both PDFs alike.
          let radians = run.angle * .pi / 180, turned = (run.angle - 0.1) * .pi / 180
          let (c, s) = (cos(radians), sin(radians))
          let (mc, ms) = (cos(turned), sin(turned))
          var along = 0.0
          for k in glyphs.indices {
            // At LibreOffice's resolution for them, a tenth of a point (from the page's top).
            let x = ((run.x / 20 + along * c) * 10).rounded() / 10
            let y = height / 20 - ((height / 20 - baseline - along * s) * 10).rounded() / 10
            out.number(mc); out.space(); out.number(ms); out.space(); out.number(-ms); out.space(); out.number(mc); out.space()
            out.number((x * 1000).rounded() / 1000); out.space(); out.number((y * 1000).rounded() / 1000); out.append(" Tm (")
            out.glyph(UInt16(truncatingIfNeeded: glyphs[k].id))
            out.append(") Tj\n")
            along += glyphs[k].advance / 20
          }
          out.append("ET\n")
          continue
        }
        out.number(startX); out.space(); out.number(baseline); out.append(" Td [(")
        let entry = fonts.used[f]
        // Where text extraction will end this run: the shaped advances, then the last glyph's width.
        var advanced = 0.0, lastWidth = 0.0
        for k in glyphs.indices {
          let g = glyphs[k].id
          // A glyph whose ToUnicode entry says other text: this place says its own.
          let ownText = entry.standsForOtherText(run, k)
          if ownText {
            out.append(")] TJ /Span<</ActualText<FEFF")
            for c in run.text(of: k).utf16 { out.hex4(UInt32(c)) }
            out.append(">>> BDC [(")
          }
          out.glyph(UInt16(truncatingIfNeeded: g))
          if ownText { out.append(")] TJ EMC [(") }
          // TJ moves by the font's own width; the difference to the shaped advance is an adjustment.
          let natural = FontRegistry.width(of: g, in: widths) * size / 1000
          if k < glyphs.count - 1 { advanced += glyphs[k].advance } else { lastWidth = natural }
          let adjust = (natural - glyphs[k].advance / 20) * 1000 / size
          if abs(adjust) >= 0.001 && k < glyphs.count - 1 {
            out.append(") ")
            out.number(adjust)
            out.append(" (")
          }
        }
        if run.endsWord, let blank = entry.blank {
          // A blank after the run's last glyph: the pen's place no longer matters.
          let plain = entry.standsForBlank(blank)
          if !plain { out.append(")] TJ /Span<</ActualText<FEFF0020>>> BDC [(") }
          out.glyph(UInt16(truncatingIfNeeded: blank))
          if !plain { out.append(")] TJ EMC [(") }
        }
        out.append(")] TJ ET\n")
        if !glyphs.isEmpty { previousRunEnd = (startX + advanced / 20 + lastWidth, baseline) }
      }
    }
    return out.bytes
  }

  static func hexGlyph(_ g: UInt32) -> String {
    var b = ByteBuffer()
    b.hex4(g)
    return String(decoding: b.bytes, as: UTF8.self)
  }

  // MARK: - Fonts

  /// A font's objects, made ready off the writer: the subset program, its CIDToGIDMap and the
  /// ToUnicode map compressed, the widths and the descriptor's figures.
  struct PreparedFont: Sendable {
    var name: String
    var program: StreamData
    var programLength: Int
    var descriptor: String
    var widths: String
    var toUnicode: StreamData
    var cidToGID: StreamData
  }

  static func prepareFont(_ entry: FontRegistry.Entry) throws(PDFError) -> PreparedFont {
    let font = entry.font
    let used = entry.glyphs
    var glyphs = used.map(\.id)
    if glyphs.first != 0 { glyphs.insert(0, at: 0) }  // .notdef: every TrueType font has it
    guard let (program, order) = font.subset(glyphs) else { throw PDFError(message: "HarfBuzz could not subset the font \(font.path)") }
    let tag = subsetTag(glyphs, name: font.postScriptName)
    let name = "\(tag)+\(font.postScriptName)"
    let scale = 1000 / Double(font.unitsPerEm)
    var flags = 4
    if font.fixedPitch { flags |= 1 }
    if font.serif { flags |= 2 }
    if font.italic { flags |= 64 }
    // Ascent and Descent 0, as LibreOffice writes them: the font is embedded, so viewers draw from it,
    // and text-extraction tools (poppler) then box our lines exactly as they box LibreOffice's.
    let bb = font.boundingBox
    let descriptor = "/Flags \(flags) /FontBBox [\(Int((Double(bb.0) * scale).rounded())) "
      + "\(Int((Double(bb.1) * scale).rounded())) \(Int((Double(bb.2) * scale).rounded())) \(Int((Double(bb.3) * scale).rounded()))] "
      + "/ItalicAngle \(num(font.italicAngle)) /Ascent 0 /Descent 0 /CapHeight \(Int((Double(font.capHeight) * scale).rounded())) "
      + "/StemV \(font.bold ? 120 : 80)"
    // Widths of the used glyphs, in runs of consecutive ids.
    let perMille = font.widthsPerMille
    var widths = ByteBuffer(capacity: glyphs.count * 6)
    var k = 0
    while k < glyphs.count {
      var end = k
      while end + 1 < glyphs.count, glyphs[end + 1] == glyphs[end] + 1 { end += 1 }
      widths.integer(Int(glyphs[k]))
      widths.append(" [")
      for g in glyphs[k...end] {
        if g != glyphs[k] { widths.space() }
        widths.number(FontRegistry.width(of: g, in: perMille))
      }
      widths.append("] ")
      k = end + 1
    }
    return PreparedFont(
      name: name, program: Flate.stream(program), programLength: program.count, descriptor: descriptor, widths: String(decoding: widths.bytes, as: UTF8.self),
      toUnicode: Flate.stream(toUnicode(used)), cidToGID: Flate.stream(cidToGIDMap(order, upTo: glyphs.last!)))
  }

  /// The CIDToGIDMap: for each glyph id of the font (a CID, as the text shows it) up to `last`, two
  /// bytes: its id in the subset, whose glyphs are the font's `order`.
  static func cidToGIDMap(_ order: [UInt32], upTo last: UInt32) -> [UInt8] {
    var map = [UInt8](repeating: 0, count: 2 * (Int(last) + 1))
    for (new, old) in order.enumerated() where old <= last {
      map[2 * Int(old)] = UInt8(truncatingIfNeeded: new >> 8)
      map[2 * Int(old) + 1] = UInt8(truncatingIfNeeded: new)
    }
    return map
  }

  static func addFont(_ font: PreparedFont, into w: inout ObjectWriter) -> Int {
    let fileID = w.add(stream: font.program, dictionary: "/Length1 \(font.programLength)")
    let descriptorID = w.add("<< /Type /FontDescriptor /FontName /\(font.name) \(font.descriptor) /FontFile2 \(fileID) 0 R >>")
    let mapID = w.add(stream: font.cidToGID, dictionary: "")
    let cidID = w.add(
      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /\(font.name) /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        + "/FontDescriptor \(descriptorID) 0 R /W [\(font.widths)] /CIDToGIDMap \(mapID) 0 R >>")
    let toUnicodeID = w.add(stream: font.toUnicode, dictionary: "")
    return w.add(
      "<< /Type /Font /Subtype /Type0 /BaseFont /\(font.name) /Encoding /Identity-H /DescendantFonts [\(cidID) 0 R] /ToUnicode \(toUnicodeID) 0 R >>")
  }

  /// Six capital letters derived from the glyph set, so the same subset always gets the same name.
  static func subsetTag(_ glyphs: [UInt32], name: String) -> String {
    var h: UInt64 = 0xcbf29ce484222325
    for g in glyphs { h = (h ^ UInt64(g)) &* 0x100000001b3 }
    for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    var tag = ""
    for _ in 0..<6 {
      tag.append(Character(Unicode.Scalar(UInt8(65 + h % 26))))
      h /= 26
    }
    return tag
  }

  /// `glyphs` ascending.
  static func toUnicode(_ glyphs: [(id: UInt32, text: String)]) -> [UInt8] {
    var out = ByteBuffer(capacity: 400 + glyphs.count * 16)
    out.append("""
      /CIDInit /ProcSet findresource begin
      12 dict begin
      begincmap
      /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
      /CMapName /Adobe-Identity-UCS def
      /CMapType 2 def
      1 begincodespacerange
      <0000> <FFFF>
      endcodespacerange

      """)
    let mapped = glyphs.filter { !$0.text.isEmpty }
    var i = 0
    while i < mapped.count {
      let chunk = mapped[i..<min(i + 100, mapped.count)]
      out.integer(chunk.count)
      out.append(" beginbfchar\n")
      for (g, text) in chunk {
        out.append("<")
        out.hex4(g)
        out.append("> <")
        for unit in text.utf16 { out.hex4(UInt32(unit)) }
        out.append(">\n")
      }
      out.append("endbfchar\n")
      i += 100
    }
    out.append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    return out.bytes
  }

  // MARK: - Numbers and strings

  static func pt(_ twips: Int) -> String { num(Double(twips) / 20) }

  /// A PDF real with at most three decimals and no exponent.
  static func num(_ v: Double) -> String {
    var b = ByteBuffer()
    b.number(v)
    return String(decoding: b.bytes, as: UTF8.self)
  }

  /// A text string: UTF-16BE with a byte-order mark, written in hex.
  static let producer = "baocao"

  /// A PDF name: bytes outside printable ASCII and delimiters as #xx.
  static func name(_ s: String) -> String {
    var out = "/"
    for b in s.utf8 {
      if b <= 0x20 || b >= 0x7F || "#()<>[]{}/%".utf8.contains(b) {
        out += "#" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
      } else {
        out.unicodeScalars.append(Unicode.Scalar(b))
      }
    }
    return out
  }

  static func textString(_ s: String) -> String {
    "<FEFF" + s.utf16.map { hexGlyph(UInt32($0)) }.joined() + ">"
  }
}

public struct PDFError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { message }
}

/// The fonts a document uses, with the glyphs each needs and the text each glyph stands for.
struct FontRegistry {
  struct Entry {
    var font: Font
    /// Per glyph id: 0 unused, -1 used without text of its own (a cluster's later glyph), else
    /// 1 + the index in `uses` of the first place it stands for text.
    var firstUse: [Int32]
    var uses: [(run: GlyphRun, index: Int)] = []
    /// The single scalar a glyph first stood for (0: none, or several), and whether it stands for
    /// other text somewhere later (a bullet drawn with the glyph of another character): those places
    /// carry their own text (ActualText), as LibreOffice's PDFs do.
    var firstScalar: [UInt32]
    var standsForOthers: [Bool]
    /// The font's space glyph, where a run ends a word (GlyphRun.endsWord).
    var blank: UInt32? = nil

    init(font: Font) {
      self.font = font
      firstUse = Array(repeating: 0, count: font.glyphCount)
      firstScalar = Array(repeating: 0, count: font.glyphCount)
      standsForOthers = Array(repeating: false, count: font.glyphCount)
    }

    /// The glyph at glyphs[k] of `run` stands for other text than its first use (checked on
    /// glyphs flagged by `use`).
    func standsForOtherText(_ run: GlyphRun, _ k: Int) -> Bool {
      let g = Int(run.glyphs[k].id)
      guard g < standsForOthers.count, standsForOthers[g], !run.glyphs[k].cluster.isEmpty, firstUse[g] > 0 else { return false }
      let first = uses[Int(firstUse[g]) - 1]
      let a = first.run.glyphs[first.index].cluster, b = run.glyphs[k].cluster
      let sa = first.run.source, sb = run.source
      return !sa[Int(a.lowerBound)..<Int(a.upperBound)].elementsEqual(sb[Int(b.lowerBound)..<Int(b.upperBound)])
    }

    /// Whether the space glyph's ToUnicode entry says a space (it may first have stood for another
    /// blank, such as a no-break space).
    func standsForBlank(_ g: UInt32) -> Bool { firstUse[Int(g)] == 0 || firstScalar[Int(g)] == 0x20 }

    /// The glyphs used, ascending, each with the text it first stood for ("" for none).
    var glyphs: [(id: UInt32, text: String)] {
      var out: [(id: UInt32, text: String)] = []
      for g in firstUse.indices where firstUse[g] != 0 || UInt32(g) == blank {
        let use = firstUse[g]
        out.append((UInt32(g), use == 0 ? " " : use < 0 ? "" : uses[Int(use) - 1].run.text(of: uses[Int(use) - 1].index)))
      }
      return out
    }
  }

  var used: [Entry] = []

  /// A document uses a handful of fonts: looking through them beats hashing.
  mutating func index(of font: Font) -> Int {
    for i in used.indices where used[i].font === font { return i }
    used.append(Entry(font: font))
    return used.count - 1
  }

  /// Records the run's glyphs as used, each with where it first stands for text (the text itself
  /// is read later, on whichever core prepares the font).
  mutating func use(_ run: GlyphRun) {
    let f = index(of: run.font)
    if run.endsWord && used[f].blank == nil, let g = run.font.glyph(for: 0x20), Int(g) < used[f].firstUse.count {
      used[f].blank = g
    }
    let glyphs = run.glyphs
    for k in glyphs.indices {
      let g = Int(glyphs[k].id)
      // Glyph ids come from the font's own shaping: always below its count.
      guard g < used[f].firstUse.count else { continue }
      let cluster = glyphs[k].cluster
      guard used[f].firstUse[g] <= 0 else {
        // Used before: a later use with other text (or text of several scalars) is flagged.
        if !cluster.isEmpty && !used[f].standsForOthers[g]
          && !(cluster.count == 1 && run.source[Int(cluster.lowerBound)] == used[f].firstScalar[g])
        {
          used[f].standsForOthers[g] = true
        }
        continue
      }
      if cluster.isEmpty {
        used[f].firstUse[g] = -1
      } else {
        used[f].uses.append((run, k))
        used[f].firstUse[g] = Int32(used[f].uses.count)
        if cluster.count == 1 { used[f].firstScalar[g] = run.source[Int(cluster.lowerBound)] }
      }
    }
  }

  /// The glyph's width in the PDF's 1/1000 em, as written in the font's /W array.
  @inline(__always)
  static func width(of glyph: UInt32, in widths: [Double]) -> Double {
    Int(glyph) < widths.count ? widths[Int(glyph)] : 0
  }
}

/// Numbered objects, written in order, with their byte offsets for the cross-reference table.
struct ObjectWriter {
  private var bodies: [Int: [UInt8]] = [:]
  private var count = 0

  mutating func reserve() -> Int {
    count += 1
    return count
  }

  mutating func set(_ id: Int, _ dictionary: String) { bodies[id] = Array(dictionary.utf8) }

  mutating func add(_ dictionary: String) -> Int {
    let id = reserve()
    set(id, dictionary)
    return id
  }

  mutating func add(stream data: StreamData, dictionary: String) -> Int {
    let id = reserve()
    bodies[id] = data.object(dictionary: dictionary)
    return id
  }

  func finish(root: Int, info: Int) -> [UInt8] {
    var out = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
    var offsets: [Int] = []
    // The file's /ID is a hash of its objects: the same document gives the same bytes.
    var hash1: UInt64 = 0xcbf29ce484222325
    var hash2: UInt64 = 0x84222325cbf29ce4
    for id in 1...count {
      offsets.append(out.count)
      out += Array("\(id) 0 obj\n".utf8)
      let body = bodies[id] ?? Array("null".utf8)
      Self.hash(body, &hash1, &hash2)
      out += body
      out += Array("\nendobj\n".utf8)
    }
    let xref = out.count
    var table = "xref\n0 \(count + 1)\n0000000000 65535 f \n"
    for o in offsets {
      var s = String(o)
      while s.count < 10 { s = "0" + s }
      table += s + " 00000 n \n"
    }
    let id = hex64(hash1) + hex64(hash2)
    table += "trailer\n<< /Size \(count + 1) /Root \(root) 0 R /Info \(info) 0 R /ID [<\(id)> <\(id)>] >>\nstartxref\n\(xref)\n%%EOF\n"
    out += Array(table.utf8)
    return out
  }

  /// Two FNV-style lanes over the bytes, eight at a time.
  static func hash(_ bytes: [UInt8], _ hash1: inout UInt64, _ hash2: inout UInt64) {
    bytes.withUnsafeBytes { raw in
      var k = 0
      while k + 8 <= raw.count {
        let word = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
        hash1 = (hash1 ^ word) &* 0x100000001b3
        hash2 = (hash2 ^ (word >> 29 | word << 35)) &* 0x100000001b3 &+ 1
        k += 8
      }
      while k < raw.count {
        hash1 = (hash1 ^ UInt64(raw[k])) &* 0x100000001b3
        hash2 = (hash2 ^ UInt64(raw[k])) &* 0x100000001b3 &+ 1
        k += 1
      }
    }
  }

  func hex64(_ v: UInt64) -> String {
    var s = String(v, radix: 16, uppercase: true)
    while s.count < 16 { s = "0" + s }
    return s
  }
}

/// Bytes of a content stream, with the number formatting PDF needs and no intermediate strings.
/// Its own storage: a content stream is a million tiny appends, and an array's capacity and
/// uniqueness checks and memcpy calls cost more than the bytes. A noncopyable struct, so that its
/// fields carry no dynamic exclusivity checks as a class's would.
struct ByteBuffer: ~Copyable {
  private var start: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var capacity: Int

  init(capacity: Int = 256) {
    self.capacity = max(capacity, 64)
    start = .allocate(capacity: self.capacity)
  }

  deinit { start.deallocate() }

  var bytes: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }

  /// Room for `n` more bytes; returns where they go.
  @inline(__always) private mutating func room(_ n: Int) -> UnsafeMutablePointer<UInt8> {
    if count + n > capacity {
      let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, count + n))
      grown.update(from: start, count: count)
      start.deallocate()
      start = grown
      capacity = max(capacity * 2, count + n)
    }
    return start + count
  }

  mutating func append(_ s: StaticString) {
    let n = s.utf8CodeUnitCount
    let p = room(n)
    for k in 0..<n { p[k] = s.utf8Start[k] }
    count += n
  }

  mutating func space() {
    room(1).pointee = 0x20
    count += 1
  }

  mutating func integer(_ v: Int) {
    number(Double(v))
  }

  /// At most three decimals, trailing zeros dropped, never an exponent. The digits are written back
  /// to front into a small scratch area, then copied.
  mutating func number(_ v: Double) {
    let scaled = Int64((v * 1000).rounded())
    var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    withUnsafeMutableBytes(of: &scratch) { raw in
      let buf = raw.bindMemory(to: UInt8.self)
      var p = buf.count
      var a = scaled.magnitude
      var frac = a % 1000
      a /= 1000
      if frac != 0 {
        var width = 3
        while frac % 10 == 0 {
          frac /= 10
          width -= 1
        }
        for _ in 0..<width {
          p -= 1
          buf[p] = 48 + UInt8(truncatingIfNeeded: frac % 10)
          frac /= 10
        }
        p -= 1
        buf[p] = UInt8(ascii: ".")
      }
      repeat {
        p -= 1
        buf[p] = 48 + UInt8(truncatingIfNeeded: a % 10)
        a /= 10
      } while a > 0
      if scaled < 0 {
        p -= 1
        buf[p] = UInt8(ascii: "-")
      }
      let n = buf.count - p
      let dst = room(n)
      for k in 0..<n { dst[k] = buf[p + k] }
      count += n
    }
  }

  @inline(__always) private static func hexDigit(_ v: UInt32) -> UInt8 {
    let d = UInt8(truncatingIfNeeded: v & 0xF)
    return d < 10 ? 48 + d : 55 + d
  }

  /// A two-byte glyph code inside a literal string: half the bytes of hex, so less to write and
  /// compress. The string's delimiters and backslash are escaped, and CR and LF too (a reader may
  /// turn a line end inside a string into another).
  mutating func glyph(_ g: UInt16) {
    let p = room(4)
    var n = 0
    @inline(__always) func put(_ b: UInt8) {
      switch b {
      case 0x28, 0x29, 0x5C:
        p[n] = 0x5C
        p[n + 1] = b
        n += 2
      case 0x0A:
        p[n] = 0x5C
        p[n + 1] = UInt8(ascii: "n")
        n += 2
      case 0x0D:
        p[n] = 0x5C
        p[n + 1] = UInt8(ascii: "r")
        n += 2
      default:
        p[n] = b
        n += 1
      }
    }
    put(UInt8(truncatingIfNeeded: g >> 8))
    put(UInt8(truncatingIfNeeded: g))
    count += n
  }

  mutating func hex4(_ g: UInt32) {
    let p = room(4)
    p[0] = ByteBuffer.hexDigit(g >> 12)
    p[1] = ByteBuffer.hexDigit(g >> 8)
    p[2] = ByteBuffer.hexDigit(g >> 4)
    p[3] = ByteBuffer.hexDigit(g)
    count += 4
  }
}

/// Flate compression with libdeflate (zlib format, as FlateDecode expects): the streams are small and
/// whole, so a whole-buffer compressor at its fastest level does in half zlib's time what zlib's
/// fastest level does, a little smaller. Compressors are kept for reuse by any thread (making one
/// costs as much as compressing a page).
package enum Flate {
  private final class Compressor: @unchecked Sendable {
    let pointer = libdeflate_alloc_compressor(1)
    deinit { libdeflate_free_compressor(pointer) }
  }

  /// Guarded by a pthread lock (NSLock), which ThreadSanitizer sees (Synchronization.Mutex's futex it
  /// does not, and reports the pool as a race); a few takes per document, so the cost is the same.
  private static let lock = NSLock()
  nonisolated(unsafe) private static var idle: [Compressor] = []

  /// The data compressed, or as it is if it cannot be.
  package static func stream(_ data: [UInt8]) -> StreamData {
    let compressor = lock.withLock { idle.popLast() } ?? Compressor()
    defer { lock.withLock { idle.append(compressor) } }
    guard let c = compressor.pointer else { return StreamData(bytes: data, flated: false) }
    let bound = libdeflate_zlib_compress_bound(c, data.count)
    // Written straight into uninitialised storage: zeroing a buffer the size of the input costs more
    // than it saves.
    let out = [UInt8](unsafeUninitializedCapacity: bound) { dst, written in
      written = data.withUnsafeBufferPointer { src in
        libdeflate_zlib_compress(c, src.baseAddress, src.count, dst.baseAddress, dst.count)
      }
    }
    return out.isEmpty ? StreamData(bytes: data, flated: false) : StreamData(bytes: out, flated: true)
  }
}

/// A stream's bytes as they go in the file.
package struct StreamData: Sendable {
  package var bytes: [UInt8]
  /// Compressed (FlateDecode).
  package var flated: Bool

  package init(bytes: [UInt8], flated: Bool) {
    self.bytes = bytes
    self.flated = flated
  }

  /// The stream object's body: its dictionary (length, filter, `dictionary`'s entries) and data.
  package func object(dictionary: String) -> [UInt8] {
    let filter = flated ? " /Filter /FlateDecode" : ""
    var body = Array("<< /Length \(bytes.count)\(filter)\(dictionary.isEmpty ? "" : " " + dictionary) >>\nstream\n".utf8)
    body += bytes
    body += Array("\nendstream".utf8)
    return body
  }
}

