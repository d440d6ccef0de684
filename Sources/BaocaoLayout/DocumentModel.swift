import BaocaoXML

/// What the native engine cannot lay out; the message names the feature so that the user can change
/// the template or pass `--pdf-engine libreoffice`.
public enum LayoutError: Error, Equatable, CustomStringConvertible {
  case unsupported(String)
  case missingFont(String)
  case missingGlyph(font: String, scalar: UInt32)
  case badDocument(String)

  public var description: String {
    switch self {
    case .unsupported(let f): return "the native PDF engine does not support \(f)"
    case .missingFont(let f): return "no font for the family '\(f)' (neither it nor a metric-compatible substitute is installed)"
    case .missingGlyph(let f, let s): return "the font '\(f)' has no glyph for U+\(String(s, radix: 16, uppercase: true))"
    case .badDocument(let m): return m
    }
  }
}

enum Field: Equatable {
  case pageNumber(offset: Int)
  case pageCount
}

enum Inline {
  case text(String, TextProps)
  /// A tab; `breaks`: a line may end after it (not after the tab that follows a list label).
  case tab(TextProps, breaks: Bool = true)
  case lineBreak(TextProps)
  case field(Field, TextProps)
  /// A footnote: its citation in the text (a superscript number) and its paragraphs, set at the
  /// bottom of the page that holds the citation.
  case note(String, [Block], TextProps)
  /// A character the fonts lack, drawn as another one (a bullet) but still standing for itself.
  case symbol(String, drawnAs: String, TextProps)
  /// An image in the line (anchored as a character), sitting on the baseline.
  /// `drop`: how far the picture's bottom hangs below the baseline.
  case image(ImageData, width: Twips, height: Twips, drop: Twips, TextProps, left: Twips = 0, right: Twips = 0, crop: Crop? = nil)
  /// A text frame in the line (anchored as a character), sitting on the baseline.
  case textBox(TextBoxNode, TextProps)
  /// An embedded chart in the line, drawn from its own content (`drop` as for a picture).
  case chart(ChartModel, width: Twips, height: Twips, drop: Twips, TextProps)
}

/// A text frame (draw:frame holding draw:text-box): paragraphs and tables in a box with its own
/// borders, padding and background. Sizes are the frame's outer ones, borders and padding included.
final class TextBoxNode {
  var blocks: [Block] = []
  var width: Twips = 0
  /// A fixed height (svg:height without fo:min-height); nil: it grows with its content.
  var fixedHeight: Twips?
  var minHeight: Twips = 0
  var borders = Borders()
  var background: RGB?
  /// draw:textarea-vertical-align: top, middle or bottom.
  var verticalAlign = "top"
  /// In the line, placed from the top: its top this far below the baseline (else it stands on it).
  var belowBaseline: Twips? = nil
}

/// What a picture's fo:clip keeps of it: the parts cut from each side, as fractions of the
/// picture's original size; negative ones add space around it (a picture kept whole inside a frame
/// of other proportions).
struct Crop: Equatable {
  var top = 0.0, right = 0.0, bottom = 0.0, left = 0.0

  /// The picture in a frame at (x, y) of w × h, with what its crop shows there.
  func items(_ image: ImageData, x: Double, y: Double, width w: Double, height h: Double) -> [DisplayItem] {
    let shownWidth = 1 - left - right, shownHeight = 1 - top - bottom
    guard shownWidth > 0.001, shownHeight > 0.001 else { return [] }
    let scaleX = w / shownWidth, scaleY = h / shownHeight
    let picture = DisplayItem.image(image, x: x - left * scaleX, y: y - top * scaleY, width: scaleX, height: scaleY)
    guard top > 0 || right > 0 || bottom > 0 || left > 0 else { return [picture] }
    return [.clip(x: x, y: y, width: w, height: h), picture, .endClip]
  }
}

/// An image anchored to its paragraph, without text wrapping around it.
struct FrameNode {
  var image: ImageData
  var crop: Crop? = nil
  var width: Twips
  var height: Twips
  var horizontal: String
  var x: Twips
  var y: Twips
  /// Placed by svg:y (from-top) rather than aligned to the top with its spacing.
  var fromTop = false
  var margins: Box
  /// Text runs through the picture (it takes no room); in the background or in front of the text.
  var runThrough = false
  /// The side of the frame text flows on (nil: no text beside it, the text goes below).
  var wrap: WrapSide? = nil
  /// Only the anchor paragraph flows beside the frame (style:number-wrapped-paragraphs 1); the
  /// paragraphs after go below it.
  var wrapsAnchorOnly = false
  var inBackground = false
  /// A text frame instead of a picture (its height follows its content unless fixed).
  var textBox: TextBoxNode? = nil
  /// An embedded chart instead of a picture.
  var chart: ChartModel? = nil
  /// A drawn line instead of a picture: its ends within the frame's box, its width and colour.
  var line: (x1: Twips, y1: Twips, x2: Twips, y2: Twips, width: Double, color: RGB)? = nil
  /// Kept inside the table cell it is in (style:flow-with-text, "follow text flow").
  var followsTextFlow = false
}

final class ParagraphNode {
  var props: ParagraphProps
  var base: TextProps
  var inlines: [Inline] = []
  var frames: [FrameNode] = []
  var masterPage: String?
  /// The paragraph style (not an automatic one) the paragraph has, for contextual spacing.
  var styleName: String?
  /// Bookmarks that mark a place for a later step (PlaceMark).
  var marks: [String] = []
  /// From which index in `inlines` on LibreOffice's text attributes change: spans, hyperlinks and
  /// fields, keyed by what tells them apart. Where the key changes, LibreOffice starts a new text
  /// portion though the text may look the same on both sides (see LaidLine.Piece.endsWord).
  var portionKeys: [Int: String] = [:]
  init(props: ParagraphProps, base: TextProps) {
    self.props = props
    self.base = base
  }

  /// How many of the first inlines are its list label.
  var labelCount = 0

  /// Puts `items` (a list label, a note's number) before the paragraph's text.
  func prepend(_ items: [Inline]) {
    inlines = items + inlines
    portionKeys = Dictionary(uniqueKeysWithValues: portionKeys.map { ($0.key + items.count, $0.value) })
  }

  /// Takes its list label away (a note's number takes its place).
  func dropLabel() {
    guard labelCount > 0, labelCount <= inlines.count else { return }
    inlines.removeFirst(labelCount)
    portionKeys = Dictionary(uniqueKeysWithValues: portionKeys.compactMap { $0.key >= labelCount ? ($0.key - labelCount, $0.value) : nil })
    labelCount = 0
  }
}

struct TableProps {
  var width: Twips?
  /// style:rel-width, in whole percent of the width available (it wins over style:width).
  var relativeWidth: Int?
  var align = "margins"
  var marginLeft: Twips = 0
  var marginRight: Twips = 0
  var marginTop: Twips = 0
  var marginBottom: Twips = 0
  var breakBefore = false
  var keepWithNext = false
  var mayBreakBetweenRows = true
  /// The space above it adds to the space below what comes before (settings.xml's
  /// AddParaTableSpacing); else the larger of the two counts.
  var addsSpacing = true
  var pageNumber: Int?
  var background: RGB?
  /// table:border-model="collapsing" (else borders take room beside the content).
  var collapsing = false

  /// The space between the block before (`below`, its space below) and this table.
  func spaceAbove(below: Twips) -> Twips { addsSpacing ? below + marginTop : max(below, marginTop) }
}

final class CellNode {
  var blocks: [Block] = []
  var columnSpan = 1
  var rowSpan = 1
  var covered = false
  var borders = Borders()
  var background: RGB?
  var verticalAlign = "top"
}

final class RowNode {
  var cells: [CellNode] = []
  var minHeight: Twips = 0
  var fixedHeight: Twips?
  var keepTogether = false
}

final class TableNode {
  var props = TableProps()
  var columnWidths: [Twips] = []
  var relativeWidths: [Int]? = nil
  var headerRowCount = 0
  var rows: [RowNode] = []
  var masterPage: String?
}

enum Block {
  case paragraph(ParagraphNode)
  case table(TableNode)
}

extension ParagraphNode {
  /// The space between `previous` (whose space below is `below`) and this paragraph, with LibreOffice's
  /// contextual spacing between paragraphs of the same paragraph style: the previous one drops its
  /// space below when it asks for it; this one drops its space above when both ask (measured in
  /// LibreOffice 7.4).
  func spaceAbove(after previous: ParagraphNode?, below: Twips) -> Twips {
    guard let previous, let name = styleName, previous.styleName == name, previous.props.contextualSpacing else {
      return props.addsSpacing ? below + props.marginTop : max(below, props.marginTop)
    }
    return props.contextualSpacing ? 0 : props.marginTop
  }
}

extension ParagraphNode {
  /// True when this paragraph's borders and the next one's make one box: both allow it, the borders,
  /// padding and side margins are the same, and there is a border to join.
  func joinsBorders(with next: ParagraphNode) -> Bool {
    props.joinBorder && next.props.joinBorder && !props.borders.isEmpty && props.borders == next.props.borders
      && props.marginLeft == next.props.marginLeft && props.marginRight == next.props.marginRight
      && props.background == next.props.background
  }
}

/// Where text flows beside a frame: style:wrap left, right or parallel, and dynamic as LibreOffice
/// resolves it (SwTextFly::GetSurroundForTextWrap) once the frame's place is known.
enum WrapSide: Equatable {
  case left, right, parallel, dynamic
}

/// A frame text flows beside, with its spacing, in the coordinates of the block being laid out (x
/// from the column's left edge, y from the block's top): the text takes `side` of it.
struct Obstacle: Equatable {
  /// `both`: text on either side of it in the same line (parallel, with room on both sides).
  enum Side: Equatable { case left, right, both, neither }
  var left: Double
  var right: Double
  var top: Double
  var bottom: Double
  var side: Side
  /// A frame of a paragraph above (not one of the paragraph's own).
  var fromAbove = false

  func moved(by dx: Double, _ dy: Double) -> Obstacle {
    Obstacle(left: left + dx, right: right + dx, top: top + dy, bottom: bottom + dy, side: side, fromAbove: fromAbove)
  }
}
