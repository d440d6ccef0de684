import Foundation

/// Writes outputs atomically: a temporary file in the same folder, then a rename. After a failure no
/// output exists, and a file already at the destination is left untouched.
public enum OutputWriter {
  public static func write(_ bytes: [UInt8], to path: String) throws(DocumentError) {
    if path == "-" {
      FileHandle.standardOutput.write(Data(bytes))
      return
    }
    let temp = temporaryPath(for: path)
    guard FileManager.default.createFile(atPath: temp, contents: Data(bytes)) else {
      throw DocumentError(file: path, message: "cannot write the output (is the folder there and writable?)")
    }
    try commit(temp, to: path)
  }

  /// A hidden temporary name beside `path`.
  public static func temporaryPath(for path: String) -> String {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    return (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
  }

  public static func commit(_ temp: String, to path: String) throws(DocumentError) {
    if rename(temp, path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temp)
      throw DocumentError(file: path, message: "cannot write the output: \(reason)")
    }
  }
}
