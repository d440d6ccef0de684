import CSigning
import Foundation

/// What `baocao verify` says about one signature.
public struct SignatureReport: @unchecked Sendable {
  public var field: String
  public var signer: String
  /// /M, as written.
  public var time: String?
  public var subFilter: String
  /// The bytes the signature covers: 0 ..< coveredEnd, less its own /Contents.
  public var coveredEnd: Int
  public var fileLength: Int
  /// The byte ranges are well formed: from the file's start, around this signature's /Contents only.
  public var rangesSound: Bool
  /// The digest and the signature over the signed attributes hold.
  public var intact: Bool
  /// nil when no trust roots were given.
  public var chainTrusted: Bool?
  /// The time of an RFC 3161 timestamp over the signature, and whether it is over this signature.
  public var timestamp: (time: String, matches: Bool)?
  public var problem: String?

  public var coversWholeFile: Bool { coveredEnd == fileLength }
  public var holds: Bool { rangesSound && intact && chainTrusted != false && timestamp?.matches != false }
}

/// Checks every signature in a PDF: its byte ranges, its digest and signature (OpenSSL's CMS
/// verification), and, with trust roots, the signer's certificate chain.
public enum PDFVerifier {
  public static func verify(_ bytes: [UInt8], trustPEM: String?) throws(PDFError) -> [SignatureReport] {
    guard bytes.count < Int(Int32.max) else { throw PDFError("the PDF is larger than 2 GB") }
    let file = try PDFFile(bytes)
    var reports: [SignatureReport] = []
    for field in try file.fields() where field.isSignature {
      guard let v = field.value else { continue }
      var report = SignatureReport(
        field: field.name, signer: "", time: v["M"]?.string.map(PDFSerializer.decodeText), subFilter: v["SubFilter"]?.name ?? "?",
        coveredEnd: 0, fileLength: bytes.count, rangesSound: false, intact: false, chainTrusted: nil, problem: nil)
      defer { reports.append(report) }
      let ranges = (try file.resolve(v["ByteRange"]).array ?? []).compactMap(\.integer)
      guard ranges.count == 4, let contents = try file.resolve(v["Contents"]).string else {
        report.problem = "the signature has no /ByteRange of four numbers or no /Contents"
        continue
      }
      let (a, b, c, d) = (ranges[0], ranges[1], ranges[2], ranges[3])
      // One hole, exactly the /Contents string (with its angle brackets), and nothing past the end.
      guard a == 0, b > 0, c > b, d >= 0, c + d <= bytes.count, bytes[b] == 0x3C, bytes[c - 1] == 0x3E else {
        report.problem = "the byte ranges [\(a) \(b) \(c) \(d)] do not fit the file around the signature"
        continue
      }
      report.rangesSound = true
      report.coveredEnd = c + d
      let signed = Array(bytes[0..<b]) + Array(bytes[c..<(c + d)])
      var result = bc_verify_result()
      let read = contents.withUnsafeBufferPointer { cms in
        signed.withUnsafeBufferPointer { data in
          bc_cms_verify(cms.baseAddress, cms.count, data.baseAddress, data.count, trustPEM, &result)
        }
      }
      report.signer = text(result.signer)
      let message = text(result.message)
      guard read == 1 else {
        report.problem = message
        continue
      }
      report.intact = result.intact != 0
      let stamped = text(result.timestamp)
      if !stamped.isEmpty { report.timestamp = (stamped, result.timestamp_matches != 0) }
      if result.chain_checked != 0 { report.chainTrusted = result.chain_ok != 0 }
      if !message.isEmpty { report.problem = message }
    }
    return reports
  }

  private static func text<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
  }
}
