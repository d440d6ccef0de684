import BaocaoData
import BaocaoODF
import BaocaoSign
import BaocaoTemplating
import Foundation

/// One signature a job adds to each PDF: the signer's (with the signature image) or the agency's
/// (with the seal). The key is opened once per run (one password or PIN prompt's worth).
public struct SigningStep: @unchecked Sendable {
  public var key: SigningKey
  public var request: SignatureRequest

  public init(key: SigningKey, request: SignatureRequest) {
    self.key = key
    self.request = request
  }
}

/// Signs every PDF another maker makes, step by step (the signer, then the agency), each as an
/// incremental update. A document that cannot be signed fails alone: no file is written for it.
public struct SignedPDF: PDFMaker {
  let inner: PDFMaker
  let steps: [SigningStep]

  public init(_ inner: PDFMaker, steps: [SigningStep]) {
    self.inner = inner
    self.steps = steps
  }

  public func makePDF(document: TemplateDocument, data: Value?, complement: Value?, options: RenderOptions) throws -> PDFOutput {
    try Self.sign(inner.makePDF(document: document, data: data, complement: complement, options: options), steps: steps, source: document.path)
  }

  public func libreOfficeBatch(for document: TemplateDocument) -> LibreOfficeBatch? {
    guard var batch = inner.libreOfficeBatch(for: document) else { return nil }
    let earlier = batch.finish
    let steps = steps
    batch.finish = { bytes, source in try Self.sign(earlier(bytes, source), steps: steps, source: source) }
    return batch
  }

  static func sign(_ made: PDFOutput, steps: [SigningStep], source: String) throws -> PDFOutput {
    var out = made
    for step in steps {
      var request = step.request
      request.time = Date()
      do throws(PDFError) {
        out.bytes = try PDFSigner.sign(out.bytes, key: step.key, request: request)
      } catch {
        throw DocumentError(file: source, message: "cannot sign the PDF (\(step.request.role == .seal ? "agency" : "signer")): \(error.message)")
      }
      out.signatures.append("\(step.request.role == .seal ? "agency" : "signer"): \(step.key.subject)")
    }
    return out
  }
}
