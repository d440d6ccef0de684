/// The parts of a PDF that signing touches: the pages (for placing a signature) and the form's
/// fields (for finding the place a template marked, and the signatures already there).
package struct PageInfo {
  var reference: PDFReference
  var dictionary: PDFDictionary
  /// The visible area: /CropBox, else /MediaBox (inherited), in points.
  var box: (x0: Double, y0: Double, x1: Double, y1: Double)
}

package struct FieldInfo {
  var reference: PDFReference
  var dictionary: PDFDictionary
  /// The full name: the /T of the field and its parents, joined by dots.
  var name: String
  var isSignature: Bool
  /// The signature dictionary, once signed.
  var value: PDFDictionary?
  var rect: (x0: Double, y0: Double, x1: Double, y1: Double)?
  /// The page its widget is on, when the widget says (/P).
  var page: PDFReference?
}

extension PDFFile {
  static let maxPages = 100_000
  static let maxFields = 100_000

  func catalog() throws(PDFError) -> (PDFReference, PDFDictionary) {
    guard let root = trailer["Root"]?.reference, let catalog = try resolve(.reference(root)).dictionary else {
      throw PDFError("the PDF's catalogue cannot be read")
    }
    return (root, catalog)
  }

  package func pages() throws(PDFError) -> [PageInfo] {
    let (_, catalog) = try catalog()
    guard let top = catalog["Pages"]?.reference else { throw PDFError("the PDF's catalogue has no page tree") }
    var out: [PageInfo] = []
    var visited: Set<Int> = []
    func walk(_ ref: PDFReference, inherited: PDFDictionary, depth: Int) throws(PDFError) {
      guard depth < 64, visited.insert(ref.number).inserted else { throw PDFError("the PDF's page tree loops or is too deep") }
      guard let node = try resolve(.reference(ref)).dictionary else { throw PDFError("page tree node \(ref.number) is not a dictionary") }
      var inherit = inherited
      for key in ["MediaBox", "CropBox", "Resources", "Rotate"] where node[key] != nil { inherit[key] = node[key] }
      if let kids = try resolve(node["Kids"]).array, node["Type"]?.name != "Page" {
        for kid in kids {
          guard let r = kid.reference else { continue }
          try walk(r, inherited: inherit, depth: depth + 1)
          guard out.count <= Self.maxPages else { throw PDFError("the PDF has more than \(Self.maxPages) pages") }
        }
      } else {
        let box = try rectangle(inherit["CropBox"] ?? inherit["MediaBox"]) ?? (0, 0, 595.3, 841.9)
        out.append(PageInfo(reference: ref, dictionary: node, box: box))
      }
    }
    try walk(top, inherited: PDFDictionary(), depth: 0)
    return out
  }

  func rectangle(_ object: PDFObject?) throws(PDFError) -> (x0: Double, y0: Double, x1: Double, y1: Double)? {
    guard let a = try resolve(object).array, a.count == 4 else { return nil }
    var v: [Double] = []
    for item in a {
      guard let n = try resolve(item).number, n.isFinite else { return nil }
      v.append(n)
    }
    return (min(v[0], v[2]), min(v[1], v[3]), max(v[0], v[2]), max(v[1], v[3]))
  }

  /// The form's terminal fields, in the order of /Fields.
  package func fields() throws(PDFError) -> [FieldInfo] {
    let (_, catalog) = try catalog()
    guard let form = try resolve(catalog["AcroForm"]).dictionary, let top = try resolve(form["Fields"]).array else { return [] }
    var out: [FieldInfo] = []
    var visited: Set<Int> = []
    func walk(_ object: PDFObject, parentName: String, parentType: String?, depth: Int) throws(PDFError) {
      guard let ref = object.reference, depth < 32, visited.insert(ref.number).inserted, out.count < Self.maxFields else { return }
      guard let d = try resolve(object).dictionary else { return }
      let part = d["T"]?.string.map(PDFSerializer.decodeText)
      let name = [parentName, part ?? ""].filter { !$0.isEmpty }.joined(separator: ".")
      let type = d["FT"]?.name ?? parentType
      // Kids that are fields (they have /T) make this a non-terminal field; kids that are only
      // widgets belong to it.
      var kidFields = false
      let kids = try resolve(d["Kids"]).array ?? []
      for k in kids where try resolve(k).dictionary?["T"] != nil { kidFields = true }
      if kidFields {
        for kid in kids { try walk(kid, parentName: name, parentType: type, depth: depth + 1) }
        return
      }
      out.append(
        FieldInfo(
          reference: ref, dictionary: d, name: name, isSignature: type == "Sig", value: try resolve(d["V"]).dictionary,
          rect: try rectangle(d["Rect"]), page: d["P"]?.reference))
    }
    for f in top { try walk(f, parentName: "", parentType: nil, depth: 0) }
    return out
  }
}
