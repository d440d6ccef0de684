import ArgumentParser
import BaocaoConvert
import BaocaoODF
import BaocaoSign
import Foundation

/// Where the signing key is: a PKCS#12 file or a token behind a PKCS#11 module. Secrets are read
/// from files or the environment, never from the command line (which other users can see).
struct KeyOptions: ParsableArguments {
  @Option(name: .long, help: "A PKCS#12 file (.p12, .pfx) with the key and its certificate chain.")
  var p12: String?

  @Option(name: .long, help: "A file holding the PKCS#12 password (else BAOCAO_P12_PASSWORD).")
  var passwordFile: String?

  @Option(name: .long, help: "A token's or HSM's PKCS#11 module (.so).")
  var pkcs11Module: String?

  @Option(name: .long, help: "The token's label (with --pkcs11-module).")
  var tokenLabel: String?

  @Option(name: .long, help: "The private key's label on the token (with --pkcs11-module).")
  var keyLabel: String?

  @Option(name: .long, help: "A file holding the token's PIN (else BAOCAO_PKCS11_PIN).")
  var pinFile: String?

  var given: Bool { p12 != nil || pkcs11Module != nil }

  /// A secret from a file (its first line) or an environment variable.
  static func secret(file: String?, variable: String, what: String, option: String) throws(CLIError) -> String {
    if let file {
      guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(option) \(file): cannot read the file") }
      // The first line, without its end (LF, or CR LF from a file saved on Windows).
      return String(String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? "")
    }
    if let value = ProcessInfo.processInfo.environment[variable] { return value }
    throw CLIError("no \(what): give \(option) FILE or set \(variable) (never on the command line)")
  }

  func open() throws(CLIError) -> SigningKey {
    func wrap(_ body: () throws(PDFError) -> SigningKey) throws(CLIError) -> SigningKey {
      do { return try body() } catch { throw CLIError(error.message) }
    }
    switch (p12, pkcs11Module) {
    case (let path?, nil):
      guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("--p12 \(path): cannot read the file") }
      let password = try Self.secret(file: passwordFile, variable: "BAOCAO_P12_PASSWORD", what: "password for \(path)", option: "--password-file")
      return try wrap { () throws(PDFError) in try SigningKey.pkcs12(Array(data), password: password, source: path) }
    case (nil, let module?):
      guard let token = tokenLabel, let key = keyLabel else { throw CLIError("--pkcs11-module needs --token-label and --key-label") }
      let pin = try Self.secret(file: pinFile, variable: "BAOCAO_PKCS11_PIN", what: "PIN for the token \"\(token)\"", option: "--pin-file")
      return try wrap { () throws(PDFError) in try SigningKey.pkcs11(module: module, token: token, key: key, pin: pin) }
    case (.some, .some): throw CLIError("give either --p12 or --pkcs11-module, not both")
    case (nil, nil): throw CLIError("no key: give --p12 FILE or --pkcs11-module LIB.so")
    }
  }
}

/// How a signature looks and where it goes.
struct AppearanceOptions: ParsableArguments {
  @Option(name: .long, help: "The signer's signature image (PNG with transparency), centred between the signer's title and name.")
  var image: String?

  @Option(name: .long, help: "The agency's seal image (PNG), at its real size over the left third of the signature.")
  var seal: String?

  @Option(name: .long, help: "PAGE,X,Y: put the image's top-left corner X, Y millimetres from page PAGE's top-left corner.")
  var at: String?

  @Option(name: .long, help: "The image's width in millimetres (default: its own size from the PNG, else 35 mm for a signature, 36 mm for a seal).")
  var width: Double?

  @Option(name: .long, help: "Why the document is signed.")
  var reason: String?

  @Option(name: .long, help: "Where it is signed.")
  var location: String?

  @Option(name: .long, help: "How to reach the signer.")
  var contact: String?

  @Option(name: .long, help: "An RFC 3161 timestamp authority's URL: the signature gets a timestamp (PAdES B-T).")
  var tsa: String?

  func request() throws(CLIError) -> SignatureRequest {
    if image != nil && seal != nil { throw CLIError("give --image (the signer's signature) or --seal (the agency's seal), not both: they are two signatures") }
    var r = SignatureRequest(role: seal != nil ? .seal : .signer)
    if let path = image ?? seal {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIError("\(image != nil ? "--image" : "--seal") \(path): cannot read the picture")
      }
      do throws(PDFError) {
        r.picture = try SignaturePicture(name: (path as NSString).lastPathComponent, bytes: Array(data))
      } catch {
        throw CLIError("\(image != nil ? "--image" : "--seal") \(path): \(error.message)")
      }
    }
    if let at {
      let parts = at.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard parts.count == 3, let page = parts[0], let x = parts[1], let y = parts[2], page == page.rounded(), x.isFinite, y.isFinite else {
        throw CLIError("--at \(at): give PAGE,X,Y, for example 1,110,200 (page 1, 110 mm from the left, 200 mm from the top)")
      }
      r.at = (Int(page), x, y)
    }
    if let width {
      guard width > 0, width <= 500 else { throw CLIError("--width \(width): give a width in millimetres between 0 and 500") }
      r.width = width
    }
    if let tsa {
      guard let authority = TimestampAuthority(tsa) else { throw CLIError("--tsa \(tsa): give the authority's http:// or https:// address") }
      r.timestampAuthority = authority
    }
    r.reason = reason
    r.location = location
    r.contact = contact
    return r
  }
}

/// Signing options of the commands that make PDFs (render, batch): one signature on each PDF.
struct SigningOptions: ParsableArguments {
  @OptionGroup var key: KeyOptions
  @OptionGroup var appearance: AppearanceOptions

  /// The PDF maker, signing what it makes when a key is given.
  func wrap(_ maker: PDFMaker?) throws(CLIError) -> PDFMaker? {
    guard key.given else {
      if appearance.image != nil || appearance.seal != nil || appearance.at != nil {
        throw CLIError("--image, --seal and --at place a signature: give the key too (--p12 or --pkcs11-module)")
      }
      return maker
    }
    guard let maker else { throw CLIError("signing options apply to PDFs: ask for pdf output (--format pdf or an output ending in .pdf)") }
    return SignedPDF(maker, steps: [SigningStep(key: try key.open(), request: try appearance.request())])
  }
}

struct SignCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sign",
    abstract: "Sign a PDF (PAdES baseline B-B) as an incremental update, with a signature or seal image.",
    discussion: """
      The signer signs first (--image), then the agency (--seal); each signature keeps the ones before it valid.
      Without --at, the image goes where the template marked the signature (a bookmark named baocao-signature).
      """)

  @Argument(help: "The PDF to sign.")
  var input: String

  @Option(name: .shortAndLong, help: "The signed PDF to write (may be the input).")
  var output: String

  @OptionGroup var key: KeyOptions
  @OptionGroup var appearance: AppearanceOptions

  func run() throws {
    do {
      let request = try appearance.request()
      guard let data = FileManager.default.contents(atPath: input) else { throw CLIError("\(input): cannot read the file") }
      let signingKey = try key.open()
      let signed: [UInt8]
      do throws(PDFError) {
        signed = try PDFSigner.sign(Array(data), key: signingKey, request: request)
      } catch {
        throw CLIError("\(input): \(error.message)")
      }
      try OutputWriter.write(signed, to: output)
    } catch {
      fail(error)
    }
  }
}

struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check a PDF's signatures: signer, time, what each covers, intact bytes, trusted chain. Exit 0 when all hold.")

  @Argument(help: "The signed PDF.")
  var input: String

  @Option(name: .long, help: "A PEM file of trusted root certificates; without it the chain is not judged.")
  var trust: String?

  func run() throws {
    do {
      guard let data = FileManager.default.contents(atPath: input) else { throw CLIError("\(input): cannot read the file") }
      if let trust, !FileManager.default.fileExists(atPath: trust) { throw CLIError("--trust \(trust): no such file") }
      let reports: [SignatureReport]
      do throws(PDFError) {
        reports = try PDFVerifier.verify(Array(data), trustPEM: trust)
      } catch {
        throw CLIError("\(input): \(error.message)")
      }
      guard !reports.isEmpty else { throw CLIError("\(input): the PDF holds no signature") }
      for (k, r) in reports.enumerated() {
        let covers = r.coversWholeFile ? "the whole file" : "bytes 0–\(r.coveredEnd) of \(r.fileLength) (changes were added after it)"
        var lines = ["signature \(k + 1) (\(r.field)): \(r.holds ? "VALID" : "NOT VALID")"]
        lines.append("  signer:  \(r.signer.isEmpty ? "?" : r.signer)")
        if let t = r.time { lines.append("  time:    \(t)") }
        lines.append("  type:    \(r.subFilter)")
        lines.append("  covers:  \(r.rangesSound ? covers : "?")")
        lines.append("  bytes:   \(r.intact ? "intact" : "CHANGED or signature broken")")
        lines.append("  chain:   \(r.chainTrusted.map { $0 ? "reaches a trusted root" : "does NOT reach a trusted root" } ?? "not checked (no --trust)")")
        if let t = r.timestamp { lines.append("  stamped: \(t.time)\(t.matches ? "" : " (NOT over this signature)")") }
        if let p = r.problem { lines.append("  problem: \(p)") }
        print(lines.joined(separator: "\n"))
      }
      if !reports.allSatisfy(\.holds) { throw ExitCode(1) }
    } catch let code as ExitCode {
      throw code
    } catch {
      fail(error)
    }
  }
}
