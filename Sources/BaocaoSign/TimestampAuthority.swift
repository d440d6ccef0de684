import CSigning
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// An RFC 3161 timestamp authority reached over HTTP: the signature value's SHA-256 goes out, a
/// token signed by the authority comes back and goes into the signature's unsigned attributes
/// (PAdES baseline B-T). OpenSSL writes the request and checks the answer (granted, same digest,
/// same nonce).
public struct TimestampAuthority: Sendable {
  public let url: URL
  public var timeout: TimeInterval = 30

  public init?(_ text: String) {
    guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else { return nil }
    self.url = url
  }

  /// A token over `signature`.
  func token(for signature: [UInt8]) throws(PDFError) -> [UInt8] {
    let digest = sha256(signature)
    let nonce = UInt64.random(in: 1...UInt64.max)
    var request = [UInt8](repeating: 0, count: 512)
    let n = bc_ts_request(digest, nonce, &request, request.count)
    guard n > 0 else { throw PDFError("the timestamp request could not be made") }
    let answer = try post(Array(request[0..<n]))
    var token = [UInt8](repeating: 0, count: 65536)
    var err = [CChar](repeating: 0, count: 512)
    let length = bc_ts_token(answer, answer.count, digest, nonce, &token, token.count, &err, err.count)
    guard length > 0 else { throw PDFError("\(url.absoluteString): \(cMessage(err))") }
    return Array(token[0..<length])
  }

  private func post(_ body: [UInt8]) throws(PDFError) -> [UInt8] {
    var request = URLRequest(url: url, timeoutInterval: timeout)
    request.httpMethod = "POST"
    request.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body)
    final class Box: @unchecked Sendable {
      var data: Data?
      var response: URLResponse?
      var error: Error?
    }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    URLSession.shared.dataTask(with: request) { data, response, error in
      (box.data, box.response, box.error) = (data, response, error)
      done.signal()
    }.resume()
    done.wait()
    if let error = box.error {
      throw PDFError("\(url.absoluteString): cannot reach the timestamp authority (\(error.localizedDescription))")
    }
    guard let http = box.response as? HTTPURLResponse, let data = box.data else {
      throw PDFError("\(url.absoluteString): the timestamp authority gave no answer")
    }
    guard http.statusCode == 200 else {
      throw PDFError("\(url.absoluteString): the timestamp authority answered HTTP \(http.statusCode)")
    }
    guard data.count <= 1 << 20 else { throw PDFError("\(url.absoluteString): the timestamp authority's answer is over 1 MB") }
    return [UInt8](data)
  }
}
