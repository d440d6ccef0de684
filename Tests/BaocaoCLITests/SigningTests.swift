import Foundation
import Testing

/// A throwaway PKI made with the openssl command for each test run: a root CA, a person's and an
/// agency's RSA certificates, an ECDSA P-256 one, an expired one and one that may not sign, as
/// PKCS#12 files with the password "secret". No real key is ever committed.
struct TestPKI {
  let dir: URL
  var ca: String { dir.appendingPathComponent("ca.pem").path }
  var password: String { dir.appendingPathComponent("password.txt").path }
  func p12(_ who: String) -> String { dir.appendingPathComponent("\(who).p12").path }
  func file(_ name: String) -> String { dir.appendingPathComponent(name).path }

  static func make() throws -> TestPKI {
    guard let openssl = CLI.which("openssl") else { throw SkipError("needs the openssl command") }
    let dir = try CLI.temporaryDirectory()
    func run(_ args: [String]) throws {
      let r = try CLI.run(openssl, args)
      guard r.status == 0 else { throw SkipError("openssl \(args.joined(separator: " ")) failed: \(r.stderr)") }
    }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    try "secret\n".write(toFile: path("password.txt"), atomically: true, encoding: .utf8)
    try "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n".write(toFile: path("ca.cnf"), atomically: true, encoding: .utf8)
    try "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n".write(toFile: path("sign.cnf"), atomically: true, encoding: .utf8)
    try "basicConstraints=CA:FALSE\nkeyUsage=critical,keyEncipherment\n".write(toFile: path("encipher.cnf"), atomically: true, encoding: .utf8)
    try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "30",
             "-subj", "/CN=baocao Test Root CA/O=baocao tests", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    let people: [(String, [String], String, String)] = [
      ("person", ["-newkey", "rsa:2048"], "sign.cnf", "30"), ("agency", ["-newkey", "rsa:3072"], "sign.cnf", "30"),
      ("ecdsa", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "sign.cnf", "30"),
      ("expired", ["-newkey", "rsa:2048"], "sign.cnf", "-1"), ("encipher", ["-newkey", "rsa:2048"], "encipher.cnf", "30"),
    ]
    for (who, key, ext, days) in people {
      try run(["req", "-utf8"] + key + ["-nodes", "-keyout", path("\(who).key"), "-out", path("\(who).csr"), "-subj", "/CN=Nguyễn Văn \(who)/O=baocao tests"])
      try run(["x509", "-req", "-in", path("\(who).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial",
               "-out", path("\(who).pem"), "-days", days, "-extfile", path(ext)])
      try run(["pkcs12", "-export", "-inkey", path("\(who).key"), "-in", path("\(who).pem"), "-certfile", path("ca.pem"),
               "-out", path("\(who).p12"), "-passout", "pass:secret", "-name", who])
    }
    // A timestamp authority's certificate (tsa-server.py signs with it).
    try "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n"
      .write(toFile: path("tsa.cnf.ext"), atomically: true, encoding: .utf8)
    try run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("tsa.key"), "-out", path("tsa.csr"), "-subj", "/CN=baocao Test TSA"])
    try run(["x509", "-req", "-in", path("tsa.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial",
             "-out", path("tsa.pem"), "-days", "30", "-extfile", path("tsa.cnf.ext")])
    return TestPKI(dir: dir)
  }

  nonisolated(unsafe) static var made: Result<TestPKI, Error>? = nil
  static let lock = NSLock()
  /// One PKI per test process.
  static func shared() throws -> TestPKI {
    try lock.withLock {
      if made == nil { made = Result { try make() } }
      return try made!.get()
    }
  }
}

@Suite struct SigningTests {
  static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/signing")
  static var signatureImage: String { fixtures.appendingPathComponent("signature.png").path }
  static var sealImage: String { fixtures.appendingPathComponent("seal.png").path }

  /// A monthly report rendered natively (it carries the template's signature place).
  static func report(in dir: URL) throws -> String {
    let out = dir.appendingPathComponent("report.pdf").path
    let r = try CLI.baocao([
      "render", CLI.packageRoot.appendingPathComponent("templates/bao-cao-thang.odt").path,
      CLI.packageRoot.appendingPathComponent("samples/provinces/01-ha-noi.json").path, "-o", out, "--pdf-engine", "native",
    ])
    guard r.status == 0 else { throw SkipError("render failed: \(r.stderr)") }
    return out
  }

  func sign(_ input: String, _ output: String, _ pki: TestPKI, who: String, _ extra: [String]) throws -> CLI.Result {
    try CLI.baocao(["sign", input, "-o", output, "--p12", pki.p12(who), "--password-file", pki.password] + extra)
  }

  @Test func signerThenAgencyBothValidEveryByteKept() throws {
    let pki = try TestPKI.shared()
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let report = try Self.report(in: dir)
    let signed = dir.appendingPathComponent("signed.pdf").path
    let sealed = dir.appendingPathComponent("sealed.pdf").path
    var r = try sign(report, signed, pki, who: "person", ["--image", Self.signatureImage, "--reason", "Phê duyệt báo cáo"])
    #expect(r.status == 0, "\(r.stderr)")
    r = try sign(signed, sealed, pki, who: "agency", ["--seal", Self.sealImage])
    #expect(r.status == 0, "\(r.stderr)")

    // Incremental: each file starts with every byte of the one before.
    let original = try Data(contentsOf: URL(fileURLWithPath: report))
    let first = try Data(contentsOf: URL(fileURLWithPath: signed))
    let second = try Data(contentsOf: URL(fileURLWithPath: sealed))
    #expect(first.starts(with: original) && second.starts(with: first))

    r = try CLI.baocao(["verify", sealed, "--trust", pki.ca])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.components(separatedBy: ": VALID").count - 1 == 2, "\(r.stdout)")
    #expect(r.stdout.contains("(baocao-signature)") && r.stdout.contains("(baocao-seal)"))
    #expect(r.stdout.contains("covers:  bytes 0–\(first.count) of \(second.count)"), "\(r.stdout)")

    if let pdfsig = CLI.which("pdfsig") {
      let s = try CLI.run(pdfsig, [sealed])
      #expect(s.stdout.components(separatedBy: "Signature is Valid.").count - 1 == 2, "\(s.stdout)")
      #expect(s.stdout.components(separatedBy: "Signature Type: ETSI.CAdES.detached").count - 1 == 2, "\(s.stdout)")
    } else {
      print("skipped pdfsig: poppler-utils is not installed")
    }
    if let qpdf = CLI.which("qpdf") {
      let q = try CLI.run(qpdf, ["--check", sealed])
      #expect(q.status == 0 && q.stdout.contains("No syntax or stream encoding errors"), "\(q.stdout)\(q.stderr)")
    } else {
      print("skipped qpdf --check: qpdf is not installed")
    }
    if let pyhanko = CLI.which("pyhanko") {
      let v = try CLI.run(pyhanko, ["sign", "validate", "--trust", pki.ca, "--trust-replace", "--pretty-print", sealed])
      #expect(v.stdout.components(separatedBy: "The signature is judged VALID.").count - 1 == 2, "\(v.stdout)\(v.stderr)")
      #expect(v.stdout.contains("All modifications relate to signing and form filling operations"), "\(v.stdout)")
    } else {
      print("skipped pyHanko validation: pyhanko is not installed (pip install pyhanko-cli)")
    }
  }

  @Test func signatureAndSealSitWhereDecree30PutsThem() throws {
    let pki = try TestPKI.shared()
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let report = try Self.report(in: dir)
    let signed = dir.appendingPathComponent("signed.pdf").path
    let sealed = dir.appendingPathComponent("sealed.pdf").path
    #expect(try sign(report, signed, pki, who: "person", ["--image", Self.signatureImage]).status == 0)
    #expect(try sign(signed, sealed, pki, who: "agency", ["--seal", Self.sealImage]).status == 0)
    guard let python = CLI.which("python3"), (try? CLI.run(python, ["-c", "import pikepdf"]))?.status == 0,
      let pdftotext = CLI.which("pdftotext")
    else {
      print("skipped placement check: needs python3 with pikepdf and pdftotext")
      return
    }
    // The widgets' boxes, and the signature block's words from pdftotext -bbox.
    let boxes = try CLI.run(python, ["-c", """
      import pikepdf, sys
      pdf = pikepdf.open(sys.argv[1])
      for i, page in enumerate(pdf.pages):
          for a in page.obj.get('/Annots', []):
              if a.get('/FT') == '/Sig':
                  print(str(a.T), i + 1, *[float(v) for v in a.Rect], float(page.MediaBox[3]))
      """, sealed])
    var rects: [String: [Double]] = [:]
    for line in boxes.stdout.split(separator: "\n") {
      let f = line.split(separator: " ")
      rects[String(f[0])] = f.dropFirst().compactMap { Double($0) }
    }
    guard let sig = rects["baocao-signature"], let seal = rects["baocao-seal"] else {
      Issue.record("no signature widgets: \(boxes.stdout)\(boxes.stderr)")
      return
    }
    let page = Int(sig[0])
    let pageHeight = sig[5]
    let html = try CLI.run(pdftotext, ["-bbox", "-f", "\(page)", "-l", "\(page)", sealed, "-"]).stdout
    // Word boxes in top-down coordinates.
    func words(_ text: String) -> [(xMin: Double, yMin: Double, xMax: Double, yMax: Double)] {
      var out: [(Double, Double, Double, Double)] = []
      for line in html.split(separator: "\n") where line.contains(">\(text)</word>") {
        func attr(_ n: String) -> Double {
          let r = line.range(of: "\(n)=\"")!
          return Double(line[r.upperBound...].prefix { $0 != "\"" })!
        }
        out.append((attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")))
      }
      return out
    }
    // 7a ends with the title (PHÓ CHỦ TỊCH); 7b is the signer's name (Ngô Đức Lan in the sample).
    guard let titleBottom = words("TỊCH").map(\.yMax).max(), let name = words("Lan").first else {
      Issue.record("the signature block's words were not found")
      return
    }
    // PDF y grows upwards: the image's top is below the title, its bottom above the name.
    let (x0, y0, x1, y1) = (sig[1], sig[2], sig[3], sig[4])
    #expect(pageHeight - y1 >= titleBottom - 0.5, "signature top \(pageHeight - y1) vs title bottom \(titleBottom)")
    #expect(pageHeight - y0 <= name.yMin + 0.5, "signature bottom \(pageHeight - y0) vs name top \(name.yMin)")
    // Centred on the column of the signature block (the title's centre).
    let title = words("TỊCH")
    let titleCentre = (words("PHÓ").map(\.xMin).min()! + title.map(\.xMax).max()!) / 2
    #expect(abs((x0 + x1) / 2 - titleCentre) < 3, "signature centre \((x0 + x1) / 2) vs block centre \(titleCentre)")
    // The seal: real size (36 mm at the PNG's 300 dpi), over the signature's left third.
    let sealWidth = seal[3] - seal[1]
    #expect(abs(sealWidth - 36 * 72 / 25.4) < 1, "seal width \(sealWidth) pt")
    #expect(abs(seal[3] - (x0 + (x1 - x0) / 3)) < 0.5, "the seal's right edge sits a third of the way across the signature")
    #expect(abs((seal[2] + seal[4]) / 2 - (y0 + y1) / 2) < 0.5)
  }

  @Test func aChangedByteIsCaught() throws {
    let pki = try TestPKI.shared()
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let report = try Self.report(in: dir)
    let signed = dir.appendingPathComponent("signed.pdf").path
    #expect(try sign(report, signed, pki, who: "person", ["--image", Self.signatureImage]).status == 0)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: signed))
    // A byte inside the first page's text stream, well within the signed range.
    bytes[bytes.count / 4] ^= 0x01
    let tampered = dir.appendingPathComponent("tampered.pdf").path
    try bytes.write(to: URL(fileURLWithPath: tampered))
    let r = try CLI.baocao(["verify", tampered, "--trust", pki.ca])
    #expect(r.status == 1, "\(r.stdout)")
    #expect(r.stdout.contains("NOT VALID") && r.stdout.contains("CHANGED"), "\(r.stdout)")
    if let pdfsig = CLI.which("pdfsig") {
      let s = try CLI.run(pdfsig, [tampered])
      #expect(s.stdout.contains("Digest Mismatch") || s.stdout.contains("Signature is Invalid"), "\(s.stdout)")
    }
    // Without the trust roots the chain is not judged; with another root it fails.
    let untrusted = try CLI.baocao(["verify", signed, "--trust", pki.file("person.pem")])
    #expect(untrusted.status == 1 && untrusted.stdout.contains("does NOT reach a trusted root"), "\(untrusted.stdout)")
  }

  @Test func ecdsaKeysAndPlacesGivenByHand() throws {
    let pki = try TestPKI.shared()
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let report = try Self.report(in: dir)
    let signed = dir.appendingPathComponent("signed.pdf").path
    // A password file saved on Windows (CR LF).
    let crlf = dir.appendingPathComponent("password-crlf.txt").path
    try "secret\r\n".write(toFile: crlf, atomically: true, encoding: .utf8)
    let r = try CLI.baocao(["sign", report, "-o", signed, "--p12", pki.p12("ecdsa"), "--password-file", crlf,
                            "--image", Self.signatureImage, "--at", "1,120,40", "--width", "30"])
    #expect(r.status == 0, "\(r.stderr)")
    let v = try CLI.baocao(["verify", signed, "--trust", pki.ca])
    #expect(v.status == 0 && v.stdout.contains("VALID"), "\(v.stdout)")
    if let pdfsig = CLI.which("pdfsig") {
      #expect(try CLI.run(pdfsig, [signed]).stdout.contains("Signature is Valid."))
    }
  }

  /// A token (SoftHSM2 as the stand-in for a CA's USB token): an RSA and an ECDSA key with their
  /// certificates, signed through the PKCS#11 module; a wrong PIN is one clear message.
  @Test func keysOnAToken() throws {
    let pki = try TestPKI.shared()
    let module = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"]
      .first { FileManager.default.fileExists(atPath: $0) }
    guard let module, let util = CLI.which("softhsm2-util"), let tool = CLI.which("pkcs11-tool"), let openssl = CLI.which("openssl") else {
      print("skipped token signing: needs softhsm2 and opensc (pkcs11-tool)")
      return
    }
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let tokens = dir.appendingPathComponent("tokens")
    try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
    let conf = dir.appendingPathComponent("softhsm2.conf").path
    try "directories.tokendir = \(tokens.path)\nobjectstore.backend = file\nlog.level = ERROR\n".write(toFile: conf, atomically: true, encoding: .utf8)
    let env = ["SOFTHSM2_CONF": conf]
    func run(_ tool: String, _ args: [String]) throws {
      let r = try CLI.run(tool, args, environment: env)
      #expect(r.status == 0, "\(tool) \(args): \(r.stdout)\(r.stderr)")
    }
    try run(util, ["--init-token", "--free", "--label", "Văn phòng UBND", "--so-pin", "12345678", "--pin", "246810"])
    for (k, who) in ["person", "ecdsa"].enumerated() {
      try run(util, ["--import", pki.file("\(who).key"), "--token", "Văn phòng UBND", "--label", who, "--id", "0\(k + 1)", "--pin", "246810"])
      try run(openssl, ["x509", "-in", pki.file("\(who).pem"), "-outform", "der", "-out", dir.appendingPathComponent("\(who).der").path])
      try run(tool, ["--module", module, "--token-label", "Văn phòng UBND", "--login", "--pin", "246810", "--write-object",
                     dir.appendingPathComponent("\(who).der").path, "--type", "cert", "--id", "0\(k + 1)", "--label", who])
    }
    let pin = dir.appendingPathComponent("pin").path
    try "246810\n".write(toFile: pin, atomically: true, encoding: .utf8)
    let report = try Self.report(in: dir)
    for who in ["person", "ecdsa"] {
      let signed = dir.appendingPathComponent("\(who).pdf").path
      let r = try CLI.baocao(
        ["sign", report, "-o", signed, "--pkcs11-module", module, "--token-label", "Văn phòng UBND", "--key-label", who,
         "--pin-file", pin, "--image", Self.signatureImage], environment: env)
      #expect(r.status == 0, "\(who): \(r.stderr)")
      let v = try CLI.baocao(["verify", signed, "--trust", pki.ca])
      #expect(v.status == 0 && v.stdout.contains("Nguyễn Văn \(who)"), "\(who): \(v.stdout)")
      if let pdfsig = CLI.which("pdfsig") {
        #expect(try CLI.run(pdfsig, [signed]).stdout.contains("Signature is Valid."), "\(who)")
      }
    }
    let out = dir.appendingPathComponent("wrong-pin.pdf").path
    let wrong = try CLI.baocao(
      ["sign", report, "-o", out, "--pkcs11-module", module, "--token-label", "Văn phòng UBND", "--key-label", "person"],
      environment: env.merging(["BAOCAO_PKCS11_PIN": "000000"]) { $1 })
    #expect(wrong.status == 1 && wrong.stderr.contains("wrong PIN"), "\(wrong.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
    let noKey = try CLI.baocao(
      ["sign", report, "-o", out, "--pkcs11-module", module, "--token-label", "Văn phòng UBND", "--key-label", "nobody", "--pin-file", pin],
      environment: env)
    #expect(noKey.status == 1 && noKey.stderr.contains("no private key labelled \"nobody\""), "\(noKey.stderr)")
  }

  /// A timestamp from an RFC 3161 authority (PAdES B-T): a throwaway one on this machine, answering
  /// with `openssl ts -reply`.
  @Test func timestampsFromAnAuthority() throws {
    let pki = try TestPKI.shared()
    guard let python = CLI.which("python3") else {
      print("skipped timestamps: needs python3")
      return
    }
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let server = Process()
    server.executableURL = URL(fileURLWithPath: python)
    server.arguments = [Self.fixtures.appendingPathComponent("tsa-server.py").path, pki.dir.path]
    let out = Pipe()
    server.standardOutput = out
    server.standardError = FileHandle.nullDevice
    try server.run()
    defer { server.terminate() }
    var port = ""
    while !port.hasSuffix("\n") {
      let byte = out.fileHandleForReading.readData(ofLength: 1)
      if byte.isEmpty { break }
      port += String(decoding: byte, as: UTF8.self)
    }
    let url = "http://127.0.0.1:\(port.trimmingCharacters(in: .whitespacesAndNewlines))/"
    let report = try Self.report(in: dir)
    let signed = dir.appendingPathComponent("signed.pdf").path
    let r = try sign(report, signed, pki, who: "person", ["--image", Self.signatureImage, "--tsa", url])
    #expect(r.status == 0, "\(r.stderr)")
    let v = try CLI.baocao(["verify", signed, "--trust", pki.ca])
    #expect(v.status == 0 && v.stdout.contains("stamped: 20"), "\(v.stdout)")
    if let pyhanko = CLI.which("pyhanko") {
      let p = try CLI.run(pyhanko, ["sign", "validate", "--trust", pki.ca, "--trust-replace", "--pretty-print", signed])
      #expect(p.stdout.contains("The timestamp token is cryptographically sound."), "\(p.stdout)")
      #expect(p.stdout.contains("The signature is judged VALID."), "\(p.stdout)")
    }
    // An authority that is not there: one message, no file.
    let missing = dir.appendingPathComponent("missing.pdf").path
    let down = try sign(report, missing, pki, who: "person", ["--tsa", "http://127.0.0.1:9/"])
    #expect(down.status == 1 && down.stderr.contains("cannot reach the timestamp authority"), "\(down.stderr)")
    #expect(!FileManager.default.fileExists(atPath: missing))
  }

  /// PDFs written with cross-reference and object streams (as qpdf, Word and others write them) get
  /// an update with a cross-reference stream, and stay valid.
  @Test func objectStreamsAndCrossReferenceStreams() throws {
    let pki = try TestPKI.shared()
    guard let qpdf = CLI.which("qpdf") else {
      print("skipped: needs qpdf")
      return
    }
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let report = try Self.report(in: dir)
    let packed = dir.appendingPathComponent("packed.pdf").path
    let q = try CLI.run(qpdf, ["--object-streams=generate", report, packed])
    #expect(q.status == 0, "\(q.stderr)")
    let signed = dir.appendingPathComponent("signed.pdf").path
    let sealed = dir.appendingPathComponent("sealed.pdf").path
    var r = try sign(packed, signed, pki, who: "person", ["--image", Self.signatureImage])
    #expect(r.status == 0, "\(r.stderr)")
    r = try sign(signed, sealed, pki, who: "agency", ["--seal", Self.sealImage])
    #expect(r.status == 0, "\(r.stderr)")
    r = try CLI.baocao(["verify", sealed, "--trust", pki.ca])
    #expect(r.status == 0 && r.stdout.components(separatedBy: ": VALID").count - 1 == 2, "\(r.stdout)")
    let check = try CLI.run(qpdf, ["--check", sealed])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    let tail = String(decoding: try Data(contentsOf: URL(fileURLWithPath: sealed)).suffix(400), as: UTF8.self)
    #expect(!tail.contains("trailer"), "an update to a file with cross-reference streams writes a stream too")
  }

  /// Each bad input: one clear message, exit 1, no output file.
  @Test func badInputIsRefusedWithoutOutput() throws {
    let pki = try TestPKI.shared()
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let report = try Self.report(in: dir)
    let out = dir.appendingPathComponent("out.pdf").path
    let wrong = dir.appendingPathComponent("wrong.txt").path
    try "not-the-password\n".write(toFile: wrong, atomically: true, encoding: .utf8)
    let notPDF = dir.appendingPathComponent("notes.pdf").path
    try "Báo cáo tháng 9".write(toFile: notPDF, atomically: true, encoding: .utf8)
    var cases: [(String, [String])] = [
      ("wrong password", ["sign", report, "-o", out, "--p12", pki.p12("person"), "--password-file", wrong]),
      ("expired", ["sign", report, "-o", out, "--p12", pki.p12("expired"), "--password-file", pki.password]),
      ("does not allow signing", ["sign", report, "-o", out, "--p12", pki.p12("encipher"), "--password-file", pki.password]),
      ("not a PDF", ["sign", notPDF, "-o", out, "--p12", pki.p12("person"), "--password-file", pki.password]),
      ("cannot read the picture", ["sign", report, "-o", out, "--p12", pki.p12("person"), "--password-file", pki.password, "--image", dir.appendingPathComponent("none.png").path]),
      ("no password", ["sign", report, "-o", out, "--p12", pki.p12("person")]),
      ("--at", ["sign", report, "-o", out, "--p12", pki.p12("person"), "--password-file", pki.password, "--at", "9,10,10"]),
      ("not a PKCS#12", ["sign", report, "-o", out, "--p12", report, "--password-file", pki.password]),
    ]
    if let qpdf = CLI.which("qpdf") {
      let encrypted = dir.appendingPathComponent("encrypted.pdf").path
      _ = try CLI.run(qpdf, ["--encrypt", "user", "owner", "256", "--", report, encrypted])
      cases.append(("encrypted", ["sign", encrypted, "-o", out, "--p12", pki.p12("person"), "--password-file", pki.password]))
    }
    for (expected, args) in cases {
      let r = try CLI.baocao(args)
      #expect(r.status == 1, "\(expected): exit \(r.status)")
      #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains(expected), "\(expected): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(expected): one line: \(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out), "\(expected): no output")
    }
  }
}

/// PDF/A-2b: checked clause by clause with pikepdf (scripts/check-pdfa.py), before and after both
/// signatures, and against LibreOffice's own PDF/A-2b export of the same report.
@Suite struct PDFATests {
  static let checker = CLI.packageRoot.appendingPathComponent("scripts/check-pdfa.py").path

  static func checkerAvailable() -> Bool {
    guard let python = CLI.which("python3") else { return false }
    return (try? CLI.run(python, ["-c", "import pikepdf"]))?.status == 0
  }

  func render(_ dir: URL, _ name: String, _ extra: [String]) throws -> String {
    let out = dir.appendingPathComponent(name).path
    let r = try CLI.baocao([
      "render", CLI.packageRoot.appendingPathComponent("templates/bao-cao-thang.odt").path,
      CLI.packageRoot.appendingPathComponent("samples/provinces/01-ha-noi.json").path, "-o", out,
    ] + extra)
    #expect(r.status == 0, "\(r.stderr)")
    return out
  }

  @Test func nativePDFAStaysPDFAWhenSignedTwice() throws {
    guard Self.checkerAvailable() else {
      print("skipped PDF/A checks: needs python3 with pikepdf")
      return
    }
    let pki = try TestPKI.shared()
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plain = try render(dir, "plain.pdf", ["--pdf-engine", "native"])
    let archival = try render(dir, "archival.pdf", ["--pdf-engine", "native", "--pdf-a"])
    // The checker can fail: a PDF that is not PDF/A does.
    let notA = try CLI.run(Self.checker, [plain])
    #expect(notA.status == 1 && notA.stdout.contains("no GTS_PDFA1 output intent"), "\(notA.stdout)")
    var check = try CLI.run(Self.checker, [archival])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

    // Appendix VI metadata, from the template's custom properties, in the information and the XMP.
    let xmp = try CLI.run(CLI.which("python3")!, ["-c", """
      import pikepdf, sys
      p = pikepdf.open(sys.argv[1])
      print(p.open_metadata().pdfa_status)
      print(p.Root.Metadata.read_bytes().decode())
      print(dict((str(k), str(v)) for k, v in p.docinfo.items()))
      """, archival]).stdout
    #expect(xmp.hasPrefix("2B"), "\(xmp)")
    for expected in [
      "<dc:identifier>309/BC-UBND</dc:identifier>", "<rdf:li>ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI</rdf:li>",
      "<dc:date><rdf:Seq><rdf:li>2025-09-23</rdf:li>", "<rdf:li>PHÓ CHỦ TỊCH Ngô Đức Lan</rdf:li>", "<rdf:li>Báo cáo</rdf:li>",
      "'/Số, ký hiệu': '309/BC-UBND'", "<xmpTPg:NPages>2</xmpTPg:NPages>",
    ] {
      #expect(xmp.contains(expected), "missing \(expected)")
    }

    let signed = dir.appendingPathComponent("signed.pdf").path
    let sealed = dir.appendingPathComponent("sealed.pdf").path
    for (input, output, who, image) in [
      (archival, signed, "person", ["--image", SigningTests.signatureImage]), (signed, sealed, "agency", ["--seal", SigningTests.sealImage]),
    ] {
      let r = try CLI.baocao(["sign", input, "-o", output, "--p12", pki.p12(who), "--password-file", pki.password] + image)
      #expect(r.status == 0, "\(r.stderr)")
    }
    check = try CLI.run(Self.checker, [sealed])
    #expect(check.status == 0, "a signed PDF/A stays PDF/A: \(check.stdout)")
    #expect(try CLI.baocao(["verify", sealed, "--trust", pki.ca]).status == 0)
  }

  @Test func libreOfficeMakesPDFAWhenAsked() throws {
    guard Self.checkerAvailable(), CLI.which("soffice") != nil else {
      print("skipped LibreOffice PDF/A: needs soffice and python3 with pikepdf")
      return
    }
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let archival = try render(dir, "lo.pdf", ["--pdf-engine", "libreoffice", "--pdf-a"])
    let check = try CLI.run(Self.checker, [archival])
    #expect(check.status == 0, "\(check.stdout)")
    let status = try CLI.run(CLI.which("python3")!, ["-c", "import pikepdf,sys; print(pikepdf.open(sys.argv[1]).open_metadata().pdfa_status)", archival])
    #expect(status.stdout.hasPrefix("2B"), "\(status.stdout)")
  }

  @Test func runFilesAskForPDFA() throws {
    guard Self.checkerAvailable() else {
      print("skipped PDF/A run file: needs python3 with pikepdf")
      return
    }
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = CLI.packageRoot.path
    try """
      data: \(root)/samples/provinces/01-ha-noi.json
      output: \(dir.path)/out
      pdfa: true
      outputs:
        - template: \(root)/templates/bao-cao-thang.odt
          formats: [pdf]
      """.write(to: dir.appendingPathComponent("run.yaml"), atomically: true, encoding: .utf8)
    let r = try CLI.baocao(["run", dir.appendingPathComponent("run.yaml").path, "--quiet", "--pdf-engine", "native"])
    #expect(r.status == 0, "\(r.stderr)")
    let pdfs = try FileManager.default.subpathsOfDirectory(atPath: dir.path + "/out").filter { $0.hasSuffix(".pdf") }
    #expect(pdfs.count == 1)
    for pdf in pdfs {
      let check = try CLI.run(Self.checker, [dir.path + "/out/" + pdf])
      #expect(check.status == 0, "\(check.stdout)")
    }
    try "data: x\noutput: y\npdfa: yes please\noutputs: [{template: t.odt}]\n".write(
      to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    let bad = try CLI.baocao(["run", dir.appendingPathComponent("bad.yaml").path])
    #expect(bad.status == 1 && bad.stderr.contains("'pdfa' is true or false"), "\(bad.stderr)")
  }

  @Test func embeddedProfileIsTheShippedFile() throws {
    // The profile the program carries (base64 in SRGBProfile.swift) is color/sRGB.icc.
    let file = try Data(contentsOf: CLI.packageRoot.appendingPathComponent("color/sRGB.icc"))
    let source = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Sources/BaocaoPDF/SRGBProfile.swift"), encoding: .utf8)
    let body = source.components(separatedBy: "\"\"\"")[1].filter { !$0.isWhitespace }
    #expect(Data(base64Encoded: body) == file)
  }
}

/// Signing in the monthly job: a run file's sign: section (signer, then agency) signs every PDF;
/// keys are opened once; one document that cannot be signed fails alone.
@Suite struct RunSigningTests {
  @Test func runFileSignsEveryPDFAndReportsEachSignature() throws {
    let pki = try TestPKI.shared()
    let dir = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = CLI.packageRoot.path
    let records = dir.appendingPathComponent("records")
    try FileManager.default.createDirectory(at: records, withIntermediateDirectories: true)
    for name in ["01-ha-noi", "04-cao-bang"] {
      try FileManager.default.copyItem(atPath: "\(root)/samples/provinces/\(name).json", toPath: records.appendingPathComponent("\(name).json").path)
    }
    // A third record whose report runs to a third page: only it has a page 3 for `at:` below.
    var long = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(root)/samples/provinces/08-tuyen-quang.json"))) as! [String: Any]
    long["achievements"] = (1...40).map { "Thành tựu số \($0): hoàn thành đúng hạn các nhiệm vụ được giao trong tháng." }
    try JSONSerialization.data(withJSONObject: long).write(to: records.appendingPathComponent("08-tuyen-quang.json"))
    func runFile(_ name: String, agencyExtra: String) throws -> String {
      let path = dir.appendingPathComponent(name).path
      try """
        data: records
        output: out-\(name)
        sign:
          signer:
            p12: \(pki.p12("person"))
            password-file: \(pki.password)
            image: \(SigningTests.signatureImage)
          agency:
            p12: \(pki.p12("agency"))
            password-file: \(pki.password)
            seal: \(SigningTests.sealImage)
        \(agencyExtra)
        outputs:
          - template: \(root)/templates/bao-cao-thang.odt
            formats: [pdf]
        """.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    var r = try CLI.baocao(["run", try runFile("all.yaml", agencyExtra: ""), "--quiet", "--pdf-engine", "native"])
    #expect(r.status == 0, "\(r.stderr)")
    let out = dir.appendingPathComponent("out-all.yaml")
    let report = try String(contentsOf: out.appendingPathComponent("run-report.json"), encoding: .utf8)
    #expect(report.components(separatedBy: "\"signer: CN=Nguyễn Văn person,O=baocao tests\"").count - 1 == 3, "\(report)")
    #expect(report.components(separatedBy: "\"agency: CN=Nguyễn Văn agency,O=baocao tests\"").count - 1 == 3, "\(report)")
    for name in ["01-ha-noi", "04-cao-bang", "08-tuyen-quang"] {
      let v = try CLI.baocao(["verify", out.appendingPathComponent("\(name).pdf").path, "--trust", pki.ca])
      #expect(v.status == 0 && v.stdout.components(separatedBy: ": VALID").count - 1 == 2, "\(name): \(v.stdout)")
    }

    // The seal given a place on page 3: the two 2-page reports cannot take it and fail alone.
    r = try CLI.baocao(["run", try runFile("page3.yaml", agencyExtra: "    at: \"3,120,30\""), "--quiet", "--pdf-engine", "native"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("cannot sign the PDF (agency): --at names page 3, but the PDF has 2 page(s)"), "\(r.stderr)")
    let made = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out-page3.yaml").path).filter { $0.hasSuffix(".pdf") }
    #expect(made == ["08-tuyen-quang.pdf"], "\(made)")

    // A wrong password stops the run before anything is rendered.
    let wrong = dir.appendingPathComponent("wrong.txt").path
    try "nope\n".write(toFile: wrong, atomically: true, encoding: .utf8)
    let bad = try runFile("bad.yaml", agencyExtra: "")
    try String(contentsOfFile: bad, encoding: .utf8).replacingOccurrences(of: "password-file: \(pki.password)\n    image", with: "password-file: \(wrong)\n    image")
      .write(toFile: bad, atomically: true, encoding: .utf8)
    r = try CLI.baocao(["run", bad, "--quiet", "--pdf-engine", "native"])
    #expect(r.status == 1 && r.stderr.contains("sign.signer") && r.stderr.contains("wrong password"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out-bad.yaml").path))
  }
}
