/// Embedded objects' contents ("Object 1/content.xml"), as both the merge and the layout meet them.
public enum EmbeddedObject {
  /// The content is a chart's (an office:chart body), not a formula's or a document's. Parts over
  /// 64 MiB are no chart baocao reads.
  public static func isChart(_ content: [UInt8]) -> Bool {
    let needle = Array("<office:chart".utf8)
    guard content.count >= needle.count, content.count < 64 << 20 else { return false }
    return content.withUnsafeBufferPointer { p in
      (0...(p.count - needle.count)).contains { i in p[i] == needle[0] && p[i..<(i + needle.count)].elementsEqual(needle) }
    }
  }
}
