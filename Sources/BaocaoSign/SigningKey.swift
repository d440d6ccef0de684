import CSigning
import Foundation

/// A private key with its certificate chain: from a PKCS#12 file (OpenSSL decodes it) or on a token
/// or HSM behind its PKCS#11 module (the key never leaves it). Checked once when opened: the
/// certificate must be valid now and allowed to sign, the key RSA of 2048 bits or more or ECDSA P-256.
public final class SigningKey: @unchecked Sendable {
  private let handle: OpaquePointer
  /// DER certificates, the signer's own first.
  public let certificates: [[UInt8]]
  public let isECDSA: Bool
  public let subject: String
  public let issuer: String
  private let lock = NSLock()

  /// From a PKCS#12 file; `source` names it in messages.
  public static func pkcs12(_ data: [UInt8], password: String, source: String) throws(PDFError) -> SigningKey {
    var err = [CChar](repeating: 0, count: 512)
    guard let h = bc_signer_from_p12(data, data.count, password, &err, err.count) else {
      throw PDFError("\(source): \(cMessage(err))")
    }
    return try SigningKey(handle: h).checked(source: source)
  }

  /// From a token: the module (a PKCS#11 .so), the token's label, the key's label, the PIN.
  public static func pkcs11(module: String, token: String, key: String, pin: String) throws(PDFError) -> SigningKey {
    var err = [CChar](repeating: 0, count: 512)
    guard let h = bc_signer_from_pkcs11(module, token, key, pin, &err, err.count) else {
      throw PDFError("\(module): \(cMessage(err))")
    }
    return try SigningKey(handle: h).checked(source: "the key \"\(key)\" on the token \"\(token)\"")
  }

  /// Owns the handle from here on: deinit frees it, whatever happens next.
  private init(handle: OpaquePointer) {
    self.handle = handle
    var certs: [[UInt8]] = []
    for i in 0..<bc_signer_cert_count(handle) {
      var length = 0
      if let p = bc_signer_cert(handle, i, &length) { certs.append(Array(UnsafeBufferPointer(start: p, count: length))) }
    }
    certificates = certs
    isECDSA = bc_signer_key_kind(handle) == Int32(BC_KEY_EC_P256)
    let info = certs.first.flatMap(CertificateInfo.init)
    subject = info?.subject ?? ""
    issuer = info?.issuer ?? ""
  }

  /// The key, if its certificate may sign now.
  private func checked(source: String) throws(PDFError) -> SigningKey {
    guard let own = certificates.first, let info = CertificateInfo(own) else {
      throw PDFError("\(source): the signer's certificate cannot be read")
    }
    let now = Date().timeIntervalSince1970
    if !isECDSA && bc_signer_key_bits(handle) < 2048 {
      throw PDFError("\(source): the RSA key has \(bc_signer_key_bits(handle)) bits; signatures need 2048 or more")
    } else if Double(info.notAfter) < now {
      throw PDFError("\(source): the certificate of \(info.subject) expired on \(Self.day(info.notAfter)); renew it")
    } else if Double(info.notBefore) > now {
      throw PDFError("\(source): the certificate of \(info.subject) is valid only from \(Self.day(info.notBefore))")
    } else if !info.maySign {
      throw PDFError(
        "\(source): the certificate of \(info.subject) does not allow signing (its key usage has neither digitalSignature nor nonRepudiation)")
    }
    return self
  }

  deinit { bc_signer_free(handle) }

  static func day(_ seconds: Int64) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd"
    return f.string(from: Date(timeIntervalSince1970: Double(seconds)))
  }

  /// Signs with SHA-256. One at a time: a token has one session.
  func sign(_ data: [UInt8]) throws(PDFError) -> [UInt8] {
    var err = [CChar](repeating: 0, count: 512)
    var signature = [UInt8](repeating: 0, count: 2048)
    let n = lock.withLock { bc_signer_sign(handle, data, data.count, &signature, signature.count, &err, err.count) }
    guard n > 0 else { throw PDFError(cMessage(err)) }
    return Array(signature[0..<n])
  }

  /// An upper bound of the CMS object's size, for the space reserved in the PDF.
  var signatureCapacity: Int { certificates.reduce(0) { $0 + $1.count } + 4096 }
}

/// What a certificate says about itself (OpenSSL reads it).
public struct CertificateInfo {
  public var subject: String
  public var issuer: String
  public var notBefore: Int64
  public var notAfter: Int64
  public var maySign: Bool

  public init?(_ der: [UInt8]) {
    var info = bc_cert_info()
    guard bc_cert_info_read(der, der.count, &info) == 1 else { return nil }
    subject = withUnsafeBytes(of: info.subject) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    issuer = withUnsafeBytes(of: info.issuer) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    notBefore = info.not_before
    notAfter = info.not_after
    maySign = info.may_sign != 0
  }

  static func issuerAndSerial(_ der: [UInt8]) -> [UInt8]? {
    var out = [UInt8](repeating: 0, count: 4096)
    let n = bc_cert_issuer_and_serial(der, der.count, &out, out.count)
    return n > 0 ? Array(out[0..<n]) : nil
  }
}

func sha256(_ data: [UInt8]) -> [UInt8] {
  var digest = [UInt8](repeating: 0, count: 32)
  data.withUnsafeBufferPointer { bc_sha256($0.baseAddress, $0.count, &digest) }
  return digest
}

/// The text a C function wrote into an error buffer, up to its NUL.
func cMessage(_ buffer: [CChar]) -> String {
  let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
  return String(decoding: bytes, as: UTF8.self)
}
