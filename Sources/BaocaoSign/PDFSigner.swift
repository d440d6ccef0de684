import BaocaoLayout
import BaocaoPDF
import Foundation

/// What to sign with, and how it looks on the page.
public struct SignatureRequest {
  /// The signer (a person with authority: the signature image) or the agency (the seal image).
  public enum Role: String, Sendable { case signer, seal }
  public var role: Role
  /// The picture shown where the signature goes; none makes an invisible signature.
  public var picture: SignaturePicture?
  /// Page (from 1) and the image's top-left corner in millimetres from the page's top-left corner.
  public var at: (page: Int, x: Double, y: Double)?
  /// The image's width in millimetres (its height follows); else the picture's own size.
  public var width: Double?
  public var reason: String?
  public var location: String?
  public var contact: String?
  /// An RFC 3161 timestamp over the signature (PAdES B-T).
  public var timestampAuthority: TimestampAuthority?
  public var time: Date

  public init(role: Role, time: Date = Date()) {
    self.role = role
    self.time = time
  }
}

/// Signs a PDF as an incremental update (every byte of the input stays as it was, so earlier
/// signatures stay valid and a PDF/A file stays PDF/A) with a PAdES baseline B-B signature.
///
/// Where the signature goes (Decree 30/2020, Appendix I, electronic documents): our templates mark
/// the space between the signer's title (7a) and name (7b) with a bookmark named
/// `baocao-signature`; the native PDF engine turns it into an empty signature field of that name.
/// The signer's image is centred in that field; the seal, at its real size, is centred vertically
/// on the signature image with its right edge a third of the way across it, so that it covers the
/// signature's left third. `at` puts either anywhere.
/// A signature or seal picture (PNG or JPEG), made ready for PDF once and shared by every document
/// a run signs with it.
public final class SignaturePicture: @unchecked Sendable {
  let image: PDFImage
  let data: StreamData
  let mask: StreamData?

  public init(name: String, bytes: [UInt8]) throws(PDFError) {
    do throws(BaocaoPDF.PDFError) {
      image = try PDFImage.make(ImageData(name: name, bytes: bytes))
    } catch {
      throw PDFError(error.message)
    }
    data = image.dictionary.contains("/Filter") ? StreamData(bytes: image.data, flated: false) : Flate.stream(image.data)
    mask = image.mask.map { Flate.stream($0.data) }
  }
}

public enum PDFSigner {
  public static let markerField = "baocao-signature"
  public static let sealField = "baocao-seal"
  /// When a picture states no size of its own.
  static let defaultWidth: [SignatureRequest.Role: Double] = [.signer: 35, .seal: 36]

  public static func sign(_ input: [UInt8], key: SigningKey, request: SignatureRequest) throws(PDFError) -> [UInt8] {
    let file = try PDFFile(input)
    if file.trailer["Encrypt"] != nil {
      throw PDFError("the PDF is encrypted; baocao signs only unencrypted PDFs (remove the password first)")
    }
    var update = IncrementalUpdate(file: file)
    let (rootRef, catalog) = try file.catalog()
    let pages = try file.pages()
    let fields = try file.fields()
    guard !pages.isEmpty else { throw PDFError("the PDF has no pages") }

    // The picture's size decides the box.
    let prepared = request.picture
    let picture = prepared?.image
    let naturalWidth: Double? = request.width.map { $0 * 72 / 25.4 } ?? picture.flatMap { p in
      p.pixelsPerMetre.map { Double(p.pixelWidth) / Double($0.x) * 72 / 0.0254 }
    }
    let aspect = picture.map { Double($0.pixelHeight) / Double(max(1, $0.pixelWidth)) } ?? 0

    // The field this signature fills, or a new one, and the picture's box on its page.
    var target: FieldInfo? = nil
    var page: PageInfo
    var box: (x0: Double, y0: Double, x1: Double, y1: Double)
    let marker = fields.first { $0.name == markerField && $0.isSignature }
    if let at = request.at {
      guard at.page >= 1, at.page <= pages.count else { throw PDFError("--at names page \(at.page), but the PDF has \(pages.count) page(s)") }
      page = pages[at.page - 1]
      let width = naturalWidth ?? (defaultWidth[request.role]! * 72 / 25.4)
      let x0 = page.box.x0 + at.x * 72 / 25.4, y1 = page.box.y1 - at.y * 72 / 25.4
      box = picture == nil ? (x0, y1, x0, y1) : (x0, y1 - width * aspect, x0 + width, y1)
      if request.role == .signer, let marker, marker.value == nil { target = marker }
    } else {
      guard let marker, let rect = marker.rect else {
        throw PDFError(
          "the PDF has no place marked for the signature (a signature field named '\(markerField)', which the native engine writes for a bookmark of that name in the template); give the place with --at PAGE,X,Y (millimetres from the page's top-left corner)")
      }
      page = try pageOf(marker, in: pages, file: file) ?? pages[0]
      switch request.role {
      case .signer:
        guard marker.value == nil else {
          throw PDFError("the document is already signed in '\(markerField)'; the agency's seal goes on with --seal, or give --at for another signature")
        }
        target = marker
        let (w, h) = (rect.x1 - rect.x0, rect.y1 - rect.y0)
        var width = min(naturalWidth ?? .infinity, w)
        if width * aspect > h { width = h / max(aspect, 0.0001) }
        let (cx, cy) = ((rect.x0 + rect.x1) / 2, (rect.y0 + rect.y1) / 2)
        box = picture == nil ? (rect.x0, rect.y0, rect.x0, rect.y0) : (cx - width / 2, cy - width * aspect / 2, cx + width / 2, cy + width * aspect / 2)
      case .seal:
        let width = naturalWidth ?? (defaultWidth[.seal]! * 72 / 25.4)
        let height = picture == nil ? 0 : width * aspect
        // The signature image's box once signed (its widget's /Rect), else the marked place.
        let edge = rect.x0 + (rect.x1 - rect.x0) / 3
        let cy = (rect.y0 + rect.y1) / 2
        box = picture == nil ? (edge, cy, edge, cy) : (edge - width, cy - height / 2, edge, cy + height / 2)
      }
    }

    // The appearance: the picture stretched over the box.
    let (w, h) = (box.x1 - box.x0, box.y1 - box.y0)
    var appearanceResources = ""
    if let prepared {
      var maskRef = ""
      if let mask = prepared.mask, let dictionary = prepared.image.mask?.dictionary {
        maskRef = " /SMask \(update.addStream(mask, dictionary: dictionary).number) 0 R"
      }
      let imageRef = update.addStream(prepared.data, dictionary: prepared.image.dictionary + maskRef)
      appearanceResources = " /Resources << /XObject << /Im1 \(imageRef.number) 0 R >> >>"
    }
    let content = picture == nil ? "" : "q \(num(w)) 0 0 \(num(h)) 0 0 cm /Im1 Do Q"
    let appearance = update.addStream(
      StreamData(bytes: Array(content.utf8), flated: false),
      dictionary: "/Type /XObject /Subtype /Form /BBox [0 0 \(num(w)) \(num(h))]\(appearanceResources)")

    // The signature dictionary, with room for the CMS object.
    // A timestamp token brings the authority's certificates: room for a large one.
    let capacity = key.signatureCapacity + (request.timestampAuthority == nil ? 0 : 24576)
    let signatureRef = update.reserve()
    var sig = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange "
    sig += "[0 " + String(repeating: " ", count: 10) + " " + String(repeating: " ", count: 10) + " " + String(repeating: " ", count: 10) + "]"
    sig += " /Contents <" + String(repeating: "0", count: capacity * 2) + ">"
    sig += " /M " + PDFSerializer.text(.string(Array(pdfDate(request.time).utf8)))
    sig += " /Name " + PDFSerializer.text(PDFSerializer.textString(commonName(key.subject)))
    if let r = request.reason { sig += " /Reason " + PDFSerializer.text(PDFSerializer.textString(r)) }
    if let l = request.location { sig += " /Location " + PDFSerializer.text(PDFSerializer.textString(l)) }
    if let c = request.contact { sig += " /ContactInfo " + PDFSerializer.text(PDFSerializer.textString(c)) }
    sig += " >>"
    update.set(signatureRef, raw: Array(sig.utf8))

    // The field: the marked one filled in, or a new one on the page.
    let rect: PDFObject = .array([.real(num(box.x0)), .real(num(box.y0)), .real(num(box.x1)), .real(num(box.y1))])
    let fieldRef: PDFReference
    if var field = target {
      field.dictionary["V"] = .reference(signatureRef)
      field.dictionary["Rect"] = rect
      field.dictionary["AP"] = .dictionary(PDFDictionary([("N", .reference(appearance))]))
      field.dictionary["F"] = .integer(132)  // print, locked
      if field.dictionary["P"] == nil { field.dictionary["P"] = .reference(page.reference) }
      update.set(field.reference, .dictionary(field.dictionary))
      fieldRef = field.reference
    } else {
      let taken = Set(fields.map(\.name))
      let base = request.role == .seal ? sealField : "Signature"
      var name = request.role == .seal ? base : "Signature1"
      var k = 2
      while taken.contains(name) { name = base + (request.role == .seal ? "-\(k)" : "\(k)"); k += 1 }
      fieldRef = update.add(
        .dictionary(
          PDFDictionary([
            ("Type", .name("Annot")), ("Subtype", .name("Widget")), ("FT", .name("Sig")), ("T", PDFSerializer.textString(name)),
            ("F", .integer(132)), ("Rect", rect), ("P", .reference(page.reference)), ("V", .reference(signatureRef)),
            ("AP", .dictionary(PDFDictionary([("N", .reference(appearance))]))),
          ])))
      try addAnnotation(fieldRef, to: page, file: file, update: &update)
    }
    try registerField(fieldRef, isNew: target == nil, root: rootRef, catalog: catalog, file: file, update: &update)

    // Write, then fill in the byte range and the signature.
    var out = update.write()
    let open = try locate(Array("/Contents <".utf8), in: out, after: update.objectOffset(signatureRef)) + 10
    let close = open + 1 + capacity * 2
    guard close < out.count, out[close] == 0x3E else { throw PDFError("internal error: the signature's place moved") }
    let ranges = [0, open, close + 1, out.count - close - 1]
    let rangeAt = try locate(Array("/ByteRange [".utf8), in: out, after: update.objectOffset(signatureRef)) + 12
    let rangeText = ranges.map { String($0) }.joined(separator: " ")
    let padded = Array(rangeText.utf8) + [UInt8](repeating: 0x20, count: 33 - rangeText.utf8.count)
    guard padded.count == 33 else { throw PDFError("the PDF is too large to sign (over 9,999,999,999 bytes)") }
    out.replaceSubrange(rangeAt..<(rangeAt + 33), with: padded)

    let digest = sha256(Array(out[0..<open]) + Array(out[(close + 1)...]))
    let certificate = key.certificates[0]
    guard let issuerAndSerial = CertificateInfo.issuerAndSerial(certificate) else { throw PDFError("the signer's certificate cannot be read") }
    let cms: [UInt8]
    do {
      let attributes = try CMSSignedData.signedAttributes(digest: digest, certificate: certificate, certificateHash: sha256(certificate))
      let signature = try key.sign(try CMSSignedData.bytesToSign(attributes))
      let token = try request.timestampAuthority?.token(for: signature)
      cms = try CMSSignedData.contentInfo(
        attributes: attributes, signature: signature, isECDSA: key.isECDSA, issuerAndSerial: issuerAndSerial, certificates: key.certificates,
        timeStampToken: token)
    } catch let e as PDFError {
      throw e
    } catch {
      throw PDFError("the signature could not be encoded: \(error)")
    }
    guard cms.count <= capacity else { throw PDFError("internal error: the signature (\(cms.count) bytes) outgrew its reserved space (\(capacity))") }
    var hex: [UInt8] = []
    hex.reserveCapacity(cms.count * 2)
    for b in cms { hex += PDFSerializer.hex(b) }
    out.replaceSubrange((open + 1)..<(open + 1 + hex.count), with: hex)
    return out
  }

  // MARK: - Form and page

  private static func pageOf(_ field: FieldInfo, in pages: [PageInfo], file: PDFFile) throws(PDFError) -> PageInfo? {
    if let p = field.page, let page = pages.first(where: { $0.reference == p }) { return page }
    for page in pages {
      if let annots = try file.resolve(page.dictionary["Annots"]).array, annots.contains(.reference(field.reference)) { return page }
    }
    return nil
  }

  private static func addAnnotation(_ ref: PDFReference, to page: PageInfo, file: PDFFile, update: inout IncrementalUpdate) throws(PDFError) {
    switch page.dictionary["Annots"] {
    case .reference(let arrayRef)?:
      var annots = try file.resolve(.reference(arrayRef)).array ?? []
      annots.append(.reference(ref))
      update.set(arrayRef, .array(annots))
    case .array(var annots)?:
      annots.append(.reference(ref))
      var d = page.dictionary
      d["Annots"] = .array(annots)
      update.set(page.reference, .dictionary(d))
    default:
      var d = page.dictionary
      d["Annots"] = .array([.reference(ref)])
      update.set(page.reference, .dictionary(d))
    }
  }

  /// Puts a new field in /Fields and sets /SigFlags to 3 (signatures exist, append only).
  private static func registerField(
    _ ref: PDFReference, isNew: Bool, root: PDFReference, catalog: PDFDictionary, file: PDFFile, update: inout IncrementalUpdate
  ) throws(PDFError) {
    var form: PDFDictionary
    var formRef: PDFReference? = nil
    switch catalog["AcroForm"] {
    case .reference(let r)?:
      formRef = r
      form = try file.resolve(.reference(r)).dictionary ?? PDFDictionary()
    case .dictionary(let d)?: form = d
    default: form = PDFDictionary()
    }
    var formChanged = form["SigFlags"]?.integer != 3
    form["SigFlags"] = .integer(3)
    if isNew {
      if case .reference(let fieldsRef)? = form["Fields"] {
        var list = try file.resolve(.reference(fieldsRef)).array ?? []
        list.append(.reference(ref))
        update.set(fieldsRef, .array(list))
      } else {
        form["Fields"] = .array((form["Fields"]?.array ?? []) + [.reference(ref)])
        formChanged = true
      }
    }
    guard formChanged else { return }
    if let formRef {
      update.set(formRef, .dictionary(form))
    } else {
      let newForm = update.add(.dictionary(form))
      var c = catalog
      c["AcroForm"] = .reference(newForm)
      update.set(root, .dictionary(c))
    }
  }

  // MARK: - Text

  static func num(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    if r == r.rounded() { return String(Int(r)) }
    var s = String(format: "%.3f", r)
    while s.hasSuffix("0") { s.removeLast() }
    return s
  }

  /// D:YYYYMMDDHHmmSS+07'00': Vietnam's time, as the document's dates are.
  static func pdfDate(_ date: Date) -> String {
    let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = zone
    f.dateFormat = "yyyyMMddHHmmss"
    let offset = zone.secondsFromGMT(for: date) / 60
    let sign = offset < 0 ? "-" : "+"
    return "D:" + f.string(from: date) + sign + String(format: "%02d'%02d'", abs(offset) / 60, abs(offset) % 60)
  }

  static func commonName(_ subject: String) -> String {
    for part in subject.split(separator: ",") {
      let p = part.trimmingCharacters(in: .whitespaces)
      if p.hasPrefix("CN=") { return String(p.dropFirst(3)) }
    }
    return subject
  }

  static func locate(_ needle: [UInt8], in bytes: [UInt8], after: Int) throws(PDFError) -> Int {
    guard let at = PDFFile.find(needle, in: bytes, from: after, to: bytes.count) else { throw PDFError("internal error: the signature dictionary was not written") }
    return at
  }
}
