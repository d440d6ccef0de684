import BaocaoLimits
import BaocaoPictures
import BaocaoSheets
import BaocaoTemplating
import Foundation

/// Pictures from the data, Carbone's way: a picture in the template whose alternative text
/// (svg:desc, or svg:title) holds a tag is replaced by the picture the tag's value names, a path or
/// a data: URI. Frames are marked when the template is compiled (`mark`) and replaced after each
/// merge (`PictureStore.resolve`), in every part that holds them.
enum PictureTags {
  /// The attribute marking a frame in the compiled template; never written to an output.
  static let marker = "baocao-picture"

  enum Fit: String, Sendable {
    /// The frame keeps its size; the picture keeps its proportions inside it, centred (the default).
    case contain
    /// The frame keeps its size; the picture is stretched to it.
    case fill
    /// The frame keeps its width; its height follows the picture's proportions (Carbone's default).
    case fillWidth
  }

  /// A picture a template binds, for `check`.
  struct Binding: Sendable {
    var tag: String
    var fit: Fit
    var frame: String
    var line: Int
    var column: Int
  }

  struct Marked {
    var bytes: [UInt8]
    /// Where the markers went, in `bytes`.
    var inserted: [Range<Int>]
    var bindings: [Binding]
    var diagnostics: [Diagnostic]
  }

  /// Marks every picture frame whose alternative text holds a tag.
  static func mark(_ bytes: [UInt8], file: String, part: String) -> Marked {
    var found: [(insertAt: Int, value: String)] = []
    var bindings: [Binding] = []
    var diagnostics: [Diagnostic] = []
    let lines = LineIndex(bytes)
    for frame in frames(in: bytes) where frame.hasImage {
      guard let (child, textRange) = frame.alternativeText.first(where: { bytes[$0.1].contains(UInt8(ascii: "{")) }) else { continue }
      let text = String(decoding: bytes[textRange], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      let (line, column) = lines.lineColumn(of: textRange.lowerBound)
      func problem(_ message: String, hint: String) {
        diagnostics.append(Diagnostic(.error, file: file, part: part, line: line, column: column, message: message, tag: text, hint: hint))
      }
      guard text.hasPrefix("{"), text.hasSuffix("}"), text.dropFirst().firstIndex(of: "{") == nil else {
        problem("the alternative text of the picture '\(frame.name)' holds a tag among other text",
          hint: "leave only the tag there, e.g. {d.province.emblem}")
        continue
      }
      var fit = Fit.contain
      if let r = text.range(of: "imageFit(") {
        let argument = text[r.upperBound...].prefix { $0 != ")" }
          .trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
        guard let f = Fit(rawValue: argument) else {
          problem("imageFit takes contain, fill or fillWidth, not '\(argument)'", hint: "write :imageFit(contain), :imageFit(fill) or :imageFit(fillWidth)")
          continue
        }
        fit = f
      }
      found.append((frame.nameEnd, child + " " + fit.rawValue))
      bindings.append(Binding(tag: XMLEntities.decode(ArraySlice(text.utf8)), fit: fit, frame: frame.name, line: line, column: column))
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + found.count * 40)
    var inserted: [Range<Int>] = []
    var copied = 0
    for (at, value) in found {
      out += bytes[copied..<at]
      let start = out.count
      out += Array(" \(marker)=\"\(value)\"".utf8)
      inserted.append(start..<out.count)
      copied = at
    }
    out += bytes[copied...]
    return Marked(bytes: out, inserted: inserted, bindings: bindings, diagnostics: diagnostics)
  }

  /// A draw:frame and what it directly holds.
  struct Frame {
    var start: Range<Int>
    var end: Range<Int>
    /// Just after the element's name in its start tag, where an attribute can go.
    var nameEnd: Int
    var name: String
    var attributes: [(name: String, value: String, range: Range<Int>)]
    var hasImage: Bool
    /// The draw:image elements it holds directly (a picture and its fallbacks), whole.
    var images: [Range<Int>] = []
    /// "desc" and "title", each with its text's range, description first (Carbone reads the description).
    var alternativeText: [(String, Range<Int>)] = []
    /// The whole svg:desc and svg:title elements.
    var alternativeElements: [String: Range<Int>] = [:]

    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
  }

  /// Every draw:frame in the part, innermost first.
  static func frames(in bytes: [UInt8]) -> [Frame] {
    var scan = XMLScan(bytes)
    var open: [(frame: Frame, depth: Int)] = []
    var depth = 0
    var done: [Frame] = []
    var textStart: (String, Int, Int)? = nil  // child name, its start tag's start, text start
    while let tag = scan.next() {
      let isFrame = tag.name.elementsEqual("draw:frame".utf8)
      switch tag.kind {
      case .start, .empty:
        if isFrame {
          let attributes = XMLScan.attributes(bytes, tag.range)
          let frame = Frame(
            start: tag.range, end: tag.range, nameEnd: tag.range.lowerBound + 1 + tag.name.count,
            name: attributes.first { $0.name == "draw:name" }?.value ?? "", attributes: attributes, hasImage: false)
          if tag.kind == .empty { done.append(frame) } else { open.append((frame, depth)) }
        } else if let last = open.last, depth == last.depth + 1 {
          if tag.name.elementsEqual("draw:image".utf8) {
            open[open.count - 1].frame.hasImage = true
            if tag.kind == .empty { open[open.count - 1].frame.images.append(tag.range) }
            else { textStart = ("draw:image", tag.range.lowerBound, tag.range.upperBound) }
          } else if tag.kind == .start, tag.name.elementsEqual("svg:desc".utf8) || tag.name.elementsEqual("svg:title".utf8) {
            textStart = (String(decoding: tag.name, as: UTF8.self), tag.range.lowerBound, tag.range.upperBound)
          }
        }
        if tag.kind == .start { depth += 1 }
      case .end:
        depth -= 1
        if isFrame, var last = open.popLast() {
          last.frame.end = tag.range
          done.append(last.frame)
        } else if let (name, start, text) = textStart, let last = open.last, depth == last.depth + 1, tag.name.elementsEqual(name.utf8) {
          if name == "draw:image" {
            open[open.count - 1].frame.images.append(start..<tag.range.upperBound)
          } else {
            let child = name == "svg:desc" ? "desc" : "title"
            open[open.count - 1].frame.alternativeElements[child] = start..<tag.range.upperBound
            let entry = (child, text..<tag.range.lowerBound)
            if child == "desc" { open[open.count - 1].frame.alternativeText.insert(entry, at: 0) } else { open[open.count - 1].frame.alternativeText.append(entry) }
          }
          textStart = nil
        }
      case .other: break
      }
    }
    return done
  }
}

/// The pictures one merged document takes from the data, each stored once however many frames
/// show it, and what its parts become once their marked frames show them.
final class PictureStore {
  let options: RenderOptions
  /// Package entry name → bytes, in the order first used.
  private(set) var files: [(name: String, bytes: [UInt8], mime: String)] = []
  private var byContent: [UInt64: [Int]] = [:]
  private(set) var warnings: [String] = []
  /// Embed pictures in the part (office:binary-data, for flat documents) instead of naming entries.
  let embeds: Bool
  private var styleCount = 0

  init(options: RenderOptions, embeds: Bool = false) {
    self.options = options
    self.embeds = embeds
  }

  /// Replaces the picture of every marked frame in a merged part.
  func resolve(_ bytes: [UInt8], file: String, part: String) throws(DocumentError) -> [UInt8] {
    let marked = PictureTags.frames(in: bytes).filter { $0.attribute(PictureTags.marker) != nil }
    guard !marked.isEmpty else { return bytes }
    var edits: [(range: Range<Int>, text: [UInt8])] = []
    var newStyles: [String: (name: String, xml: String)] = [:]
    let styles = AutomaticStyles(bytes)
    for frame in marked {
      let mark = (frame.attribute(PictureTags.marker) ?? "").split(separator: " ")
      let child = mark.first.map(String.init) ?? "desc"
      let fit = PictureTags.Fit(rawValue: mark.count > 1 ? String(mark[1]) : "") ?? .contain
      let markerRange = frame.attributes.first { $0.name == PictureTags.marker }!.range
      let textRange = frame.alternativeText.first { $0.0 == child }?.1
      let value = textRange.map { XMLEntities.decode(bytes[$0]).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
      let place = "the picture '\(frame.name)'"
      // No value: no picture (the frame goes, as a condition would hide it).
      if value.isEmpty {
        edits.append((frame.start.lowerBound..<frame.end.upperBound, []))
        continue
      }
      let picture: (bytes: [UInt8], info: PictureInfo)
      do {
        picture = try load(value)
      } catch {
        guard options.keepMissingPictures else {
          throw DocumentError(file: file, part: part, message: "\(place): \(error.message)", hint: error.hint)
        }
        warnings.append("\(place): \(error.message); the template's picture stays (--missing-picture keep)")
        edits.append((markerRange, []))
        if let element = frame.alternativeElements[child] { edits.append((element, [])) }
        continue
      }
      let entry = store(picture.bytes, info: picture.info)
      // The frame: its marker goes; fillWidth sets its height; contain letterboxes with a negative
      // clip, which LibreOffice draws as space around the picture (measured).
      var frameEdits: [(Range<Int>, [UInt8])] = [(markerRange, [])]
      let width = Length.points(frame.attribute("svg:width")), height = Length.points(frame.attribute("svg:height"))
      guard let width, let height, width > 0, height > 0 else {
        throw DocumentError(file: file, part: part, message: "\(place) has no size (svg:width and svg:height)",
          hint: "give the template's picture a fixed size in LibreOffice (Format ▸ Image ▸ Properties ▸ Type)")
      }
      // Every fit sets the clip: a crop the placeholder had must not cut the new picture.
      var clip: String? = nil
      switch fit {
      case .fill: clip = "rect(0cm, 0cm, 0cm, 0cm)"
      case .fillWidth:
        let newHeight = width * picture.info.height / picture.info.width
        if let r = frame.attributes.first(where: { $0.name == "svg:height" })?.range {
          frameEdits.append((r, Array(" svg:height=\"\(Length.centimetres(newHeight))\"".utf8)))
        }
        clip = "rect(0cm, 0cm, 0cm, 0cm)"
      case .contain:
        clip = Self.containClip(frame: (width, height), picture: (picture.info.width, picture.info.height))
      }
      // The clip goes in a style of the frame's own, derived from the one it has.
      if let clip {
        let base = frame.attribute("draw:style-name")
        let key = (base ?? "") + "\u{0}" + clip
        if newStyles[key] == nil {
          styleCount += 1
          let name = "baocaoPicture\(styleCount)"
          newStyles[key] = (name, styles.derived(from: base, named: name, clip: clip))
        }
        let text = Array(" draw:style-name=\"\(XMLEntities.encodeAttribute(newStyles[key]!.name))\"".utf8)
        if let r = frame.attributes.first(where: { $0.name == "draw:style-name" })?.range {
          frameEdits.append((r, text))
        } else {
          frameEdits.append((frame.nameEnd..<frame.nameEnd, text))
        }
      }
      edits += frameEdits
      // The picture: the first draw:image shows the new one; the placeholder's fallbacks go.
      let image = embeds
        ? "<draw:image><office:binary-data>\(Data(picture.bytes).base64EncodedString())</office:binary-data></draw:image>"
        : "<draw:image xlink:href=\"\(entry)\" xlink:type=\"simple\" xlink:show=\"embed\" xlink:actuate=\"onLoad\" draw:mime-type=\"\(picture.info.format.mimeType)\"/>"
      for (k, r) in frame.images.enumerated() { edits.append((r, k == 0 ? Array(image.utf8) : [])) }
      // The alternative text held the tag: its value (a path, a data: URI) is no description.
      if let element = frame.alternativeElements[child] { edits.append((element, [])) }
    }
    var out = apply(edits, to: bytes)
    if !newStyles.isEmpty {
      let xml = newStyles.values.sorted { $0.name.count == $1.name.count ? $0.name < $1.name : $0.name.count < $1.name.count }.map(\.xml).joined()
      out = AutomaticStyles.insert(xml, into: out)
    }
    return out
  }

  /// The negative clip that shows the whole picture, proportions kept, centred in the frame:
  /// lengths in the picture's own size, as fo:clip measures them.
  static func containClip(frame: (Double, Double), picture: (Double, Double)) -> String {
    let (fw, fh) = frame, (pw, ph) = picture
    var (vertical, horizontal) = (0.0, 0.0)
    if pw / ph > fw / fh {
      vertical = (pw * fh / fw - ph) / 2  // the picture is wider: space above and below
    } else {
      horizontal = (ph * fw / fh - pw) / 2
    }
    let v = Length.centimetres(-vertical), h = Length.centimetres(-horizontal)
    return "rect(\(v), \(h), \(v), \(h))"
  }

  /// The package entry holding these bytes, stored on first use.
  private func store(_ bytes: [UInt8], info: PictureInfo) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
    if let same = byContent[hash]?.first(where: { files[$0].bytes == bytes }) { return files[same].name }
    let name = "Pictures/baocao-" + String(hash, radix: 16) + (byContent[hash] == nil ? "" : "-\(files.count)") + "." + info.format.fileExtension
    byContent[hash, default: []].append(files.count)
    files.append((name, bytes, info.format.mimeType))
    return name
  }

  struct LoadError: Error {
    var message: String
    var hint: String?
  }

  /// The picture a value names: a data: URI, or a file inside the folders pictures may come from.
  func load(_ value: String) throws(LoadError) -> (bytes: [UInt8], info: PictureInfo) {
    let bytes: [UInt8]
    let shown = value.count > 80 ? String(value.prefix(60)) + "…" : value
    if value.lowercased().hasPrefix("data:") {
      bytes = try Self.dataURI(value)
    } else if value.contains("://") && !value.lowercased().hasPrefix("file://") {
      throw LoadError(message: "'\(shown)' is an address on the network; baocao does not download pictures",
        hint: "save the picture beside the data and give its path, or give it as a data: URI")
    } else {
      bytes = try readFile(value.lowercased().hasPrefix("file://") ? String(value.dropFirst(7)) : value)
    }
    guard let info = PictureInfo.read(bytes) else {
      throw LoadError(message: "'\(shown)' is not a PNG, JPEG, GIF or SVG picture, or it is damaged",
        hint: "save the picture as PNG or JPEG")
    }
    return (bytes, info)
  }

  private func readFile(_ path: String) throws(LoadError) -> [UInt8] {
    let base = options.pictureBase ?? FileManager.default.currentDirectoryPath
    let full = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    let resolved = URL(fileURLWithPath: full).resolvingSymlinksInPath().standardizedFileURL.path
    let allowed = ([base] + options.pictureFolders).map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().standardizedFileURL.path }
    guard allowed.contains(where: { resolved == $0 || resolved.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else {
      throw LoadError(message: "'\(path)' is outside the folders pictures may come from (\(allowed.joined(separator: ", ")))",
        hint: "move the picture into the data file's folder, or allow its folder with --picture-folder")
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
      throw LoadError(message: "no picture file '\(path)' (looked for \(resolved))", hint: "check the path in the data; it is read from the data file's folder")
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: resolved)[.size] as? Int) ?? 0
    guard size <= Limits.pictureBytes else {
      throw LoadError(message: "'\(path)' is \(size >> 20) MiB, more than baocao's limit of \(Limits.pictureBytes >> 20) MiB for a picture", hint: "scale the picture down")
    }
    guard let data = FileManager.default.contents(atPath: resolved) else {
      throw LoadError(message: "cannot read the picture file '\(path)'", hint: "check its permissions")
    }
    return [UInt8](data)
  }

  /// A data: URI's bytes: base64, or percent-encoded text (an SVG).
  static func dataURI(_ value: String) throws(LoadError) -> [UInt8] {
    guard let comma = value.firstIndex(of: ",") else {
      throw LoadError(message: "the data: URI has no comma before its data", hint: "write data:image/png;base64,…")
    }
    let header = value[value.index(value.startIndex, offsetBy: 5)..<comma].lowercased()
    let payload = value[value.index(after: comma)...]
    guard payload.utf8.count <= Limits.pictureBytes / 3 * 4 + 4 else {
      throw LoadError(message: "the data: URI holds more than baocao's limit of \(Limits.pictureBytes >> 20) MiB for a picture", hint: "scale the picture down")
    }
    if header.hasSuffix(";base64") {
      guard let data = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters) else {
        throw LoadError(message: "the data: URI's base64 data is damaged", hint: "encode the picture again")
      }
      return [UInt8](data)
    }
    guard let text = String(payload).removingPercentEncoding else {
      throw LoadError(message: "the data: URI's percent-encoded data is damaged", hint: "encode the picture again")
    }
    return Array(text.utf8)
  }

  /// The stored pictures by entry name.
  var entries: [String: [UInt8]] { Dictionary(files.map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a }) }

  /// Adds a manifest entry for every picture stored.
  func manifest(_ bytes: [UInt8]) -> [UInt8] {
    guard !files.isEmpty, let end = lastRange(of: Array("</manifest:manifest>".utf8), in: bytes) else { return bytes }
    let entries = files.map { " <manifest:file-entry manifest:full-path=\"\($0.name)\" manifest:media-type=\"\($0.mime)\"/>\n" }.joined()
    return Array(bytes[..<end.lowerBound]) + Array(entries.utf8) + Array(bytes[end.lowerBound...])
  }
}

/// Non-overlapping replacements, applied in one pass.
func apply(_ edits: [(range: Range<Int>, text: [UInt8])], to bytes: [UInt8]) -> [UInt8] {
  let sorted = edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
  var out: [UInt8] = []
  out.reserveCapacity(bytes.count)
  var copied = 0
  for (range, text) in sorted where range.lowerBound >= copied && range.upperBound <= bytes.count {
    out += bytes[copied..<range.lowerBound]
    out += text
    copied = range.upperBound
  }
  out += bytes[copied...]
  return out
}

func lastRange(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
  guard needle.count <= bytes.count else { return nil }
  var i = bytes.count - needle.count
  while i >= 0 {
    if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
    i -= 1
  }
  return nil
}

/// A part's automatic graphic styles, for deriving a frame's own.
struct AutomaticStyles {
  /// Style name → the whole element's bytes.
  var graphic: [String: [UInt8]] = [:]

  init(_ bytes: [UInt8]) {
    var scan = XMLScan(bytes)
    var inAutomatic = false
    var open: (name: String, start: Int)? = nil
    while let tag = scan.next() {
      if tag.name.elementsEqual("office:automatic-styles".utf8) {
        if tag.kind == .start { inAutomatic = true } else if tag.kind == .end { break }
      } else if inAutomatic, tag.name.elementsEqual("style:style".utf8) {
        switch tag.kind {
        case .start, .empty:
          let attributes = XMLScan.attributes(bytes, tag.range)
          guard attributes.contains(where: { $0.name == "style:family" && $0.value == "graphic" }),
            let name = attributes.first(where: { $0.name == "style:name" })?.value
          else { continue }
          if tag.kind == .empty { graphic[name] = Array(bytes[tag.range]) } else { open = (name, tag.range.lowerBound) }
        case .end:
          if let o = open { graphic[o.name] = Array(bytes[o.start..<tag.range.upperBound]) }
          open = nil
        case .other: break
        }
      }
    }
  }

  /// A copy of the automatic style `base` (or a style inheriting from the common style `base`)
  /// named `name`, with this clip.
  func derived(from base: String?, named name: String, clip: String) -> String {
    let attribute = " fo:clip=\"\(clip)\""
    guard let base, let element = graphic[base] else {
      let parent = base.map { " style:parent-style-name=\"\(XMLEntities.encodeAttribute($0))\"" } ?? ""
      return "<style:style style:name=\"\(name)\" style:family=\"graphic\"\(parent)><style:graphic-properties\(attribute)/></style:style>"
    }
    var scan = XMLScan(element)
    var edits: [(range: Range<Int>, text: [UInt8])] = []
    var hasProperties = false
    while let tag = scan.next() {
      let attributes = XMLScan.attributes(element, tag.range)
      if tag.name.elementsEqual("style:style".utf8), tag.kind != .end, let r = attributes.first(where: { $0.name == "style:name" })?.range {
        edits.append((r, Array(" style:name=\"\(name)\"".utf8)))
      } else if tag.name.elementsEqual("style:graphic-properties".utf8), tag.kind == .start || tag.kind == .empty {
        hasProperties = true
        let at = tag.range.lowerBound + 1 + tag.name.count
        if let r = attributes.first(where: { $0.name == "fo:clip" })?.range { edits.append((r, [])) }
        edits.append((at..<at, Array(attribute.utf8)))
      }
    }
    var out = apply(edits, to: element)
    if !hasProperties {
      if out.last == UInt8(ascii: ">"), out.dropLast().last == UInt8(ascii: "/") {
        out = Array(out.dropLast(2)) + Array("><style:graphic-properties\(attribute)/></style:style>".utf8)
      } else if let end = lastRange(of: Array("</style:style>".utf8), in: out) {
        out.insert(contentsOf: Array("<style:graphic-properties\(attribute)/>".utf8), at: end.lowerBound)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Adds styles at the end of the part's automatic styles (making them if it has none).
  static func insert(_ xml: String, into bytes: [UInt8]) -> [UInt8] {
    var scan = XMLScan(bytes)
    while let tag = scan.next() {
      if tag.name.elementsEqual("office:automatic-styles".utf8) {
        if tag.kind == .end { return apply([(tag.range.lowerBound..<tag.range.lowerBound, Array(xml.utf8))], to: bytes) }
        if tag.kind == .empty {
          return apply([(tag.range, Array("<office:automatic-styles>\(xml)</office:automatic-styles>".utf8))], to: bytes)
        }
      } else if tag.kind == .start, tag.name.elementsEqual("office:master-styles".utf8) || tag.name.elementsEqual("office:body".utf8) {
        return apply([(tag.range.lowerBound..<tag.range.lowerBound, Array("<office:automatic-styles>\(xml)</office:automatic-styles>".utf8))], to: bytes)
      }
    }
    return bytes
  }
}

/// ODF lengths for frames.
enum Length {
  static func points(_ value: String?) -> Double? {
    guard let value else { return nil }
    let units: [(String, Double)] = [("cm", 72 / 2.54), ("mm", 72 / 25.4), ("in", 72), ("pt", 1), ("pc", 12), ("px", 0.75)]
    for (unit, factor) in units where value.hasSuffix(unit) {
      return Double(value.dropLast(unit.count)).map { $0 * factor }
    }
    return nil
  }

  static func centimetres(_ points: Double) -> String {
    var s = String(format: "%.4f", points * 2.54 / 72)
    if s == "-0.0000" { s = "0.0000" }
    return s + "cm"
  }
}
