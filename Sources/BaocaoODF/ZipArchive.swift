import BaocaoLimits
import CLibZip
import Foundation

/// A read-only view of a zip file, with the checks a hostile file needs.
final class ZipReader {
  struct Entry {
    var index: UInt64
    var name: String
    var size: UInt64
    var compressedSize: UInt64
    var method: Int32
    /// The entry's own modification time; outputs reuse it so that the same inputs give the same bytes.
    var mtime: time_t
  }

  static let maxEntrySize = Limits.zipEntryBytes
  static let maxTotalSize = Limits.zipTotalBytes
  static let maxRatio = Limits.zipRatio
  static let maxEntries = Limits.zipEntries

  let path: String
  let handle: OpaquePointer
  private(set) var entries: [Entry] = []

  init(path: String) throws(DocumentError) {
    self.path = path
    var err: Int32 = 0
    guard let h = zip_open(path, ZIP_RDONLY, &err) else {
      if err == ZIP_ER_NOZIP || err == ZIP_ER_INCONS {
        throw DocumentError(file: path, message: "the file is not a zip package (an .odt/.ods is a zip file)",
          hint: "save it again from LibreOffice as OpenDocument")
      }
      throw DocumentError(file: path, message: "cannot open the package (libzip error \(err))")
    }
    if let bytes = ZipReader.readWhole(path), let problem = ZipConsistency.problem(bytes) {
      zip_discard(h)
      throw DocumentError(file: path, message: "the package is not a consistent zip file: \(problem); programs could read different documents from it",
        hint: "open it in LibreOffice and save it again")
    }
    // From here on `deinit` owns the handle: a refusal below only throws, and the release of the
    // half-made reader discards the handle exactly once.
    handle = h
    let count = zip_get_num_entries(h, 0)
    if count > ZipReader.maxEntries {
      throw DocumentError(file: path, message: "the package holds \(count) entries (at most \(ZipReader.maxEntries) are read); it is not a document baocao can open")
    }
    var total: UInt64 = 0
    var names = Set<String>()
    for i in 0..<UInt64(max(0, count)) {
      var st = zip_stat_t()
      zip_stat_init(&st)
      guard zip_stat_index(h, i, 0, &st) == 0, let cname = st.name else { continue }
      let name = String(cString: cname)
      if name.hasPrefix("/") || name.split(separator: "/").contains("..") || name.contains("\\") {
        throw DocumentError(file: path, message: "the package holds an entry with an unsafe name '\(name)'", hint: "a document saved by an office program never has one; save it again from LibreOffice")
      }
      if st.size > ZipReader.maxEntrySize || (st.comp_size > 0 && st.size / max(st.comp_size, 1) > ZipReader.maxRatio && st.size > 1 << 20) {
        throw DocumentError(file: path, message: "the entry '\(name)' is too large once uncompressed (\(st.size) bytes); refusing a possible zip bomb")
      }
      if !names.insert(name).inserted {
        throw DocumentError(file: path, message: "the package holds two entries named '\(name)'; it is damaged",
          hint: "open it in LibreOffice and save it again")
      }
      total += st.size
      entries.append(
        Entry(index: i, name: name, size: st.size, compressedSize: st.comp_size, method: Int32(st.comp_method), mtime: st.mtime))
    }
    if total > ZipReader.maxTotalSize {
      throw DocumentError(file: path, message: "the package is too large once uncompressed (\(total) bytes); refusing a possible zip bomb")
    }
  }

  deinit { zip_discard(handle) }

  /// The file's bytes, for the consistency check (nil past the size a package may have).
  static func readWhole(_ path: String) -> [UInt8]? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    guard let end = try? handle.seekToEnd(), end <= maxTotalSize else { return nil }
    try? handle.seek(toOffset: 0)
    return (try? handle.readToEnd()).map { [UInt8]($0) }
  }

  /// Opens an OpenDocument package: a zip file whose parts are not encrypted.
  static func openDocument(path: String) throws(DocumentError) -> ZipReader {
    let zip = try ZipReader(path: path)
    // An encrypted part is unreadable bytes; say why instead of reporting them as broken XML.
    if let manifest = zip.entry(named: "META-INF/manifest.xml"), manifest.size < 16 << 20 {
      let bytes = try zip.read(manifest)
      if bytes.withUnsafeBufferPointer({ b in
        let needle = Array("encryption-data".utf8)
        return b.count >= needle.count && (0...(b.count - needle.count)).contains { i in
          b[i] == needle[0] && b[i..<(i + needle.count)].elementsEqual(needle)
        }
      }) {
        throw DocumentError(file: path, message: "the document is protected with a password, so its parts cannot be read",
          hint: "open it in LibreOffice and save a copy without a password")
      }
    }
    return zip
  }

  func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

  /// Reads an entry, never more than its declared size (which was bounded above).
  func read(_ entry: Entry) throws(DocumentError) -> [UInt8] {
    guard let f = zip_fopen_index(handle, entry.index, 0) else {
      throw DocumentError(file: path, message: "cannot read '\(entry.name)' from the package")
    }
    defer { zip_fclose(f) }
    let size = Int(entry.size)
    var out = [UInt8](repeating: 0, count: size)
    var got = 0
    while got < size {
      let offset = got
      let n = out.withUnsafeMutableBytes { buf in zip_fread(f, buf.baseAddress! + offset, UInt64(size - offset)) }
      if n < 0 { throw DocumentError(file: path, message: "'\(entry.name)' is damaged in the package") }
      if n == 0 { break }
      got += Int(n)
    }
    if got != size {
      throw DocumentError(file: path, message: "'\(entry.name)' is shorter than the package says; the file is damaged")
    }
    return out
  }
}

/// Writes an OpenDocument package: `mimetype` first and stored, then the other parts.
enum ZipWriter {
  enum Part {
    case bytes(name: String, data: [UInt8], mtime: time_t)
    /// Copied from the template without recompression, byte for byte.
    case copy(name: String, index: UInt64, mtime: time_t)
  }

  static func write(_ parts: [Part], from source: ZipReader, to path: String) throws(DocumentError) {
    var err: Int32 = 0
    guard let z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err) else {
      throw DocumentError(file: path, message: "cannot create the output (libzip error \(err))")
    }
    var buffers: [UnsafeMutableRawPointer] = []
    defer { for b in buffers { b.deallocate() } }
    for part in parts {
      switch part {
      case .bytes(let name, let data, let mtime):
        let buf = UnsafeMutableRawPointer.allocate(byteCount: max(1, data.count), alignment: 1)
        buffers.append(buf)
        data.withUnsafeBytes { src in if let base = src.baseAddress { buf.copyMemory(from: base, byteCount: data.count) } }
        guard let src = zip_source_buffer(z, buf, UInt64(data.count), 0) else {
          zip_discard(z)
          throw DocumentError(file: path, message: "cannot add '\(name)' to the output")
        }
        let idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8)
        if idx < 0 {
          zip_source_free(src)
          zip_discard(z)
          throw DocumentError(file: path, message: "cannot add '\(name)' to the output")
        }
        let method = name == "mimetype" ? ZIP_CM_STORE : ZIP_CM_DEFLATE
        zip_set_file_compression(z, UInt64(idx), Int32(method), 0)
        zip_file_set_mtime(z, UInt64(idx), mtime, 0)
      case .copy(let name, let index, let mtime):
        guard let src = zip_source_zip(z, source.handle, index, ZIP_FL_COMPRESSED, 0, -1) else {
          zip_discard(z)
          throw DocumentError(file: path, message: "cannot copy '\(name)' to the output")
        }
        let idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8)
        if idx < 0 {
          zip_source_free(src)
          zip_discard(z)
          throw DocumentError(file: path, message: "cannot copy '\(name)' to the output")
        }
        zip_file_set_mtime(z, UInt64(idx), mtime, 0)
      }
    }
    if zip_close(z) != 0 {
      let msg = String(cString: zip_strerror(z))
      zip_discard(z)
      throw DocumentError(file: path, message: "cannot write the output: \(msg)")
    }
  }
}
