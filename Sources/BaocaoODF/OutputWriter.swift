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
      InFlight.shared.remove(temp)
      throw DocumentError(file: path, message: "cannot write the output (is the folder there and writable?)")
    }
    try commit(temp, to: path)
  }

  /// True for the temporary files this writer makes (`.NAME.PID.NUMBER.tmp`), left behind only by a
  /// run that was killed outright; a new run removes them.
  public static func isTemporaryName(_ name: String) -> Bool {
    guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
    let parts = name.dropLast(4).split(separator: ".")
    return parts.count >= 3 && parts.suffix(2).allSatisfy { $0.allSatisfy(\.isNumber) }
  }

  /// A hidden temporary name beside `path`.
  public static func temporaryPath(for path: String) -> String {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let temp = (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    InFlight.shared.add(temp)
    return temp
  }

  public static func commit(_ temp: String, to path: String) throws(DocumentError) {
    defer { InFlight.shared.remove(temp) }
    if rename(temp, path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temp)
      throw DocumentError(file: path, message: "cannot write the output: \(reason)")
    }
  }
}

/// Temporary files being written, removed if the process is interrupted (Ctrl-C, kill), so that an
/// interrupted run leaves no partial file behind.
public final class InFlight: @unchecked Sendable {
  public static let shared = InFlight()
  private let lock = NSLock()
  private var paths = Set<String>()
  private var sources: [DispatchSourceSignal] = []

  func add(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
  func remove(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

  /// Removes every temporary file still in flight.
  public func removeAll() {
    lock.lock()
    let all = paths
    paths.removeAll()
    lock.unlock()
    for p in all { unlink(p) }
  }

  /// On SIGINT or SIGTERM: remove the files in flight, then exit with 128 + the signal.
  public func cleanUpOnSignals() {
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler { [weak self] in
        self?.removeAll()
        exit(128 + sig)
      }
      source.resume()
      sources.append(source)
    }
  }
}
