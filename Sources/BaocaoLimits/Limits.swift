/// What baocao accepts from the files it reads, in one place. Every input comes from outside
/// (templates, data, pictures): each bound keeps the time and memory a hostile or broken file can
/// cost finite, and passing one is an error that names it, never a crash, a hang or a silent cut.
/// The bounds sit far above anything a real report needs.
public enum Limits {
  // Data (JSON, YAML, CSV).

  /// Objects and arrays nested inside one another.
  public static let dataDepth = 512
  /// Values in one data file once YAML's aliases are expanded.
  public static let dataValues = 2_000_000

  // Packages (zip).

  /// One entry once uncompressed, and all of them.
  public static let zipEntryBytes: UInt64 = 256 << 20
  public static let zipTotalBytes: UInt64 = 1 << 30
  /// Uncompressed to compressed size, for entries over 1 MiB (zip bombs).
  public static let zipRatio: UInt64 = 1000
  public static let zipEntries: Int64 = 100_000

  // XML.

  /// Elements nested inside one another (libxml2's own default, which LibreOffice documents stay far below).
  public static let xmlDepth = 256

  // Merging.

  /// One merged part (loops over huge arrays, or loops inside loops).
  public static let mergedPartBytes = 1 << 30

  // Layout (the native PDF engine).

  /// Rows one table row may stand for (`table:number-rows-repeated`), and columns one column or
  /// cell may stand for (`table:number-columns-repeated`), in a text document.
  public static let repeatedRows = 10_000
  public static let repeatedColumns = 1_024
  /// Table cells in one document.
  public static let tableCells = 2_000_000
  /// Pages in one document.
  public static let pages = 20_000
  /// A picture's width and height, in pixels, and their product.
  public static let pictureSide = 65_535
  public static let picturePixels = 50_000_000
  /// A picture the data names (a file, or a data: URI once decoded).
  public static let pictureBytes = 64 << 20
  /// Font sizes, in points (LibreOffice's own range).
  public static let fontSize: ClosedRange<Double> = 0.1...999.9
}
