import Foundation
import OrderedCollections

/// Loads data files by their extension: `.json`, `.yaml`/`.yml`, `.csv`; `-` reads JSON from standard input.
public enum DataLoader {
  public static let recordExtensions: Set<String> = ["json", "yaml", "yml", "csv"]

  public static func load(path: String) throws(DataError) -> Value {
    if path == "-" {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      return try JSONReader.parse([UInt8](data), file: "<stdin>")
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw DataError(file: path, message: "no such file or directory")
    }
    if isDirectory.boolValue {
      return .array(try recordFiles(in: path).map { f throws(DataError) in try load(path: f) })
    }
    let bytes: [UInt8]
    do {
      bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw DataError(file: path, message: "cannot read the file: \(error.localizedDescription)")
    }
    return try parse(bytes, file: path)
  }

  public static func parse(_ bytes: [UInt8], file: String) throws(DataError) -> Value {
    switch (file as NSString).pathExtension.lowercased() {
    case "yaml", "yml": return try YAMLReader.parse(bytes, file: file)
    case "csv": return try CSVReader.parse(bytes, file: file)
    default: return try JSONReader.parse(bytes, file: file)
    }
  }

  /// The record files of a directory, sorted by file name; hidden files and other extensions are skipped.
  public static func recordFiles(in directory: String) throws(DataError) -> [String] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
      throw DataError(file: directory, message: "cannot list the directory: \(error.localizedDescription)")
    }
    return names
      .filter { !$0.hasPrefix(".") && recordExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
      .sorted()
      .map { (directory as NSString).appendingPathComponent($0) }
  }
}
