import BaocaoFonts

/// What layout produces and a PDF writer paints: pages of positioned glyphs, lines and rectangles.
/// Coordinates are twips from the page's top-left corner, y downwards.

/// A glyph as drawn: its id in the font, the pen's advance after it (shaping, kerning and
/// justification included), and the scalars it stands for, `source[cluster]` (an empty range for
/// the second and later glyphs of a cluster).
public struct PlacedGlyph: Sendable, Equatable {
  public var id: UInt32
  public var cluster: Range<Int32>
  public var advance: Double
}

public struct GlyphRun: Sendable {
  /// The glyphs and their text, in one shared object: runs are moved and offset many times on the
  /// way to a page, and copying one reference is cheaper than copying three.
  final class Shaped: Sendable {
    let font: Font
    let glyphs: [PlacedGlyph]
    let source: [UInt32]
    init(font: Font, glyphs: [PlacedGlyph], source: [UInt32]) {
      self.font = font
      self.glyphs = glyphs
      self.source = source
    }
  }

  let shaped: Shaped
  public var size: Twips
  public var color: RGB
  /// The baseline origin of the first glyph.
  public var x: Double
  public var y: Double
  /// Text extraction sees a word end after the run. LibreOffice paints an underline by drawing
  /// blanks across the underlined portion after its text, so a word in its PDFs ends wherever an
  /// underlined portion does ("Em|p|ty" with only "p" underlined reads "Emp ty"); doing the same
  /// keeps search and copy of our PDFs word for word the same as of LibreOffice's.
  public var endsWord = false
  /// The baseline's angle, in degrees counter-clockwise about (x, y) (a chart's rotated axis labels).
  public var angle = 0.0

  public var font: Font { shaped.font }
  public var glyphs: [PlacedGlyph] { shaped.glyphs }
  /// The paragraph's scalars, shared by all its runs.
  public var source: [UInt32] { shaped.source }

  init(font: Font, size: Twips, color: RGB, x: Double, y: Double, glyphs: [PlacedGlyph], source: [UInt32]) {
    shaped = Shaped(font: font, glyphs: glyphs, source: source)
    self.size = size
    self.color = color
    self.x = x
    self.y = y
  }

  /// The text glyph `k` stands for, for a ToUnicode map.
  public func text(of k: Int) -> String {
    var s = String.UnicodeScalarView()
    for i in shaped.glyphs[k].cluster { if let u = Unicode.Scalar(shaped.source[Int(i)]) { s.append(u) } }
    return String(s)
  }
}

/// An image file from the document's package (PNG or JPEG), shared by every place that shows it.
/// Empty bytes stand for a picture the document lacks: its frame takes its place, nothing is drawn.
public final class ImageData: @unchecked Sendable {
  public let name: String
  public let bytes: [UInt8]
  package init(name: String, bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
  }
}

public enum DisplayItem: Sendable {
  case glyphs(GlyphRun)
  case image(ImageData, x: Double, y: Double, width: Double, height: Double)
  case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: RGB)
  /// A straight line drawn in dashes: `dash` holds the lengths on and off, in turn.
  case dashedLine(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: RGB, dash: [Double])
  /// A horizontal wave about y from x1 to x2: one bow up or down every `step`, `amplitude` the
  /// curve's control point's distance from y (as LibreOffice draws a wavy underline).
  case wave(x1: Double, y: Double, x2: Double, width: Double, color: RGB, step: Double, amplitude: Double)
  case rect(x: Double, y: Double, width: Double, height: Double, color: RGB)
  /// A shape of straight and curved segments (a chart's slice, a line series), filled and/or stroked.
  case path(Path)
  /// What follows, up to the matching endClip, shows only inside this rectangle.
  case clip(x: Double, y: Double, width: Double, height: Double)
  case endClip
  /// A place a template marked with a bookmark (PlaceMark); nothing is drawn.
  case mark(String, x: Double, y: Double, width: Double, height: Double)
}

/// A closed or open outline, in twips, page coordinates once placed.
public struct Path: Sendable {
  public enum Segment: Sendable {
    case move(Double, Double)
    case line(Double, Double)
    /// A cubic Bézier curve: two control points, then the end.
    case curve(Double, Double, Double, Double, Double, Double)
    case close
  }

  public var segments: [Segment]
  public var fill: RGB?
  public var stroke: RGB?
  public var strokeWidth: Double

  public init(_ segments: [Segment], fill: RGB? = nil, stroke: RGB? = nil, strokeWidth: Double = 0) {
    self.segments = segments
    self.fill = fill
    self.stroke = stroke
    self.strokeWidth = strokeWidth
  }

  func moved(by dx: Double, _ dy: Double) -> Path {
    var p = self
    p.segments = segments.map {
      switch $0 {
      case .move(let x, let y): .move(x + dx, y + dy)
      case .line(let x, let y): .line(x + dx, y + dy)
      case .curve(let a, let b, let c, let d, let x, let y): .curve(a + dx, b + dy, c + dx, d + dy, x + dx, y + dy)
      case .close: .close
      }
    }
    return p
  }
}

/// Bookmarks a template uses to mark places on the page for a later step.
public enum PlaceMark {
  /// Decree 30's signature place: the bookmark goes at the start of the signer's name paragraph
  /// (7b); the place is the space above that paragraph's first line, below the signer's title (7a),
  /// across the paragraph's width. The PDF gets an empty signature field there, which `baocao sign`
  /// fills with the signature image.
  public static let signature = "baocao-signature"

  /// A line holding a tracked change: LibreOffice draws a hairline a quarter centimetre left of the
  /// page's text area beside it.
  static let changeBar = "baocao-change-bar"
  /// A text frame with no background of its own: LibreOffice paints it opaque, in the page's
  /// background colour (white without one), hiding the text it runs over (measured).
  static let pageFill = "baocao-page-fill"
  static let changeBarDistance: Twips = 141
  /// The line after it follows the text flow: in a table cell, LibreOffice keeps it inside the
  /// cell, drawing one that would pass the cell's bottom at that bottom (measured on Word's rules
  /// under a motto, as LibreOffice imports them).
  static let followsTextFlow = "baocao-follows-text-flow"

  static func isKnown(_ name: String) -> Bool { name == signature }
}

public struct Page: Sendable {
  public var width: Twips
  public var height: Twips
  public var items: [DisplayItem] = []
}

public struct LaidOutDocument: Sendable {
  public var pages: [Page]
  public var info: DocumentInfo
  /// Fonts the document names that other fonts stood in for, by the name it uses.
  public var fontStandIns: [FontStandIn] = []
  /// What was laid out otherwise than the document asks, as LibreOffice does (a missing picture...).
  public var warnings: [String] = []
  /// What the pages were made from (the document's model, its parts, the layout's caches), kept
  /// until dropped, so that a writer can free it on this core while the other is at work.
  var model: Model?

  final class Model: @unchecked Sendable {
    let parts: Any
    init(_ parts: Any) { self.parts = parts }
  }

  public mutating func dropModel() { model = nil }
}
