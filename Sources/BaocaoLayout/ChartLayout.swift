import BaocaoFonts
import Foundation

/// Draws a chart as LibreOffice 7.4 draws it (chart2's view): title, legend, axes with their
/// automatic scale, grid lines, bars, lines and slices. Coordinates in twips from the frame's
/// top-left corner.
struct ChartLayout {
  let fonts: FontResolver

  func items(_ model: ChartModel, width: Double, height: Double) throws(LayoutError) -> [DisplayItem] {
    throw .unsupported("charts (the native engine does not draw them yet)")
  }
}
