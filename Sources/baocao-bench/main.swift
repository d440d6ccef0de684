import BaocaoConvert
import BaocaoData
import BaocaoFonts
import BaocaoLayout
import BaocaoODF
import BaocaoPDF
import BaocaoSign
import BaocaoTemplating
import Foundation

// Benchmarks print figures; they never assert. scripts/bench runs them beside LibreOffice.
//
// usage: baocao-bench convert DOCUMENT.odt [--iterations N]
//          layout + native PDF of an existing document
//        baocao-bench report TEMPLATE DATA [--complement FILE] [--iterations N]
//          one record: compile once, then median times of merge, merge + ODT, merge + native PDF
//        baocao-bench batch TEMPLATE DIR [--complement FILE] --odt-out DIR [--runs N] [--jobs N] [--odt-only]
//          every record of DIR on all cores: merge + ODT, and merge + native PDF; writes the merged
//          ODTs to --odt-out so that LibreOffice can convert the very same files
//        baocao-bench sign KEY.p12 PASSWORD-FILE IMAGE.png OUT-DIR PDF...
//          opens the key once, then reads, signs (signature image in the template's place) and
//          writes each PDF; prints the time of the whole loop (best of 5)

func milliseconds(since t0: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6 }

func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
func percentile(_ v: [Double], _ p: Int) -> Double { v.sorted()[min(v.count - 1, v.count * p / 100)] }

func peakMiB() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_maxrss / 1024
}

var args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ args: inout [String]) -> String? {
  guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
  let v = args[i + 1]
  args.removeSubrange(i...(i + 1))
  return v
}
let complementPath = option("--complement", &args)
let iterations = Int(option("--iterations", &args) ?? "") ?? 300
let runs = Int(option("--runs", &args) ?? "") ?? 5
let odtOut = option("--odt-out", &args)
let workers = Int(option("--jobs", &args) ?? "") ?? ProcessInfo.processInfo.activeProcessorCount
let odtOnly = args.contains("--odt-only")
args.removeAll { $0 == "--odt-only" }
if args.count >= 6, args[0] == "sign" {
  let password = String(decoding: FileManager.default.contents(atPath: args[2])!, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
  let key = try SigningKey.pkcs12(Array(FileManager.default.contents(atPath: args[1])!), password: password, source: args[1])
  var request = SignatureRequest(role: .signer)
  request.picture = try SignaturePicture(name: "signature.png", bytes: Array(FileManager.default.contents(atPath: args[3])!))
  let inputs = Array(args[5...])
  var best = Double.infinity
  for _ in 0..<5 {
    let t = DispatchTime.now()
    for path in inputs {
      let pdf = Array(FileManager.default.contents(atPath: path)!)
      let signed = try PDFSigner.sign(pdf, key: key, request: request)
      FileManager.default.createFile(atPath: args[4] + "/" + (path as NSString).lastPathComponent, contents: Data(signed))
    }
    best = min(best, milliseconds(since: t))
  }
  print(String(format: "baocao: %d PDFs read, signed and written in %.1f ms (best of 5; %.2f ms each)", inputs.count, best, best / Double(inputs.count)))
  exit(0)
}
if args.count == 2, args[0] == "convert" {
  // Layout + PDF of an existing document, nothing else.
  let parts = try TemplateDocument.textParts(path: args[1])
  let fonts = FontCatalog()
  var times: [Double] = [], layoutTimes: [Double] = [], writeTimes: [Double] = []
  var size = 0
  let layoutParts = DocumentParts(content: parts.content, styles: parts.styles, meta: parts.meta, settings: parts.settings, files: parts.files)
  for i in 0..<(iterations + 30) {
    let t = DispatchTime.now()
    size = try PDFConverter.pdf(parts, fonts: fonts, source: args[1]).bytes.count
    let total = milliseconds(since: t)
    // The same work in its two halves.
    let t1 = DispatchTime.now()
    let laid = try DocumentLayout.layout(layoutParts, fonts: fonts)
    let l = milliseconds(since: t1)
    let t2 = DispatchTime.now()
    _ = try PDFWriter.write(laid)
    let w = milliseconds(since: t2)
    if i >= 30 {
      times.append(total)
      layoutTimes.append(l)
      writeTimes.append(w)
    }
  }
  print(String(format: "  of which layout %.3f ms, PDF writing %.3f ms (medians); whole: 10th percentile %.3f ms, 90th %.3f ms",
    median(layoutTimes), median(writeTimes), percentile(times, 10), percentile(times, 90)))
  print(String(format: "layout + PDF of %@: median %.3f ms, fastest %.3f ms (%d bytes), over %d runs; peak memory %d MiB",
    args[1], median(times), times.min()!, size, times.count, peakMiB()))
  // The same with the shaped words forgotten before each run: a process's first document.
  var cold: [Double] = []
  for _ in 0..<max(1, iterations / 3) {
    fonts.forgetShapedWords()
    let t = DispatchTime.now()
    _ = try PDFConverter.pdf(parts, fonts: fonts, source: args[1])
    cold.append(milliseconds(since: t))
  }
  print(String(format: "  with no word shaped before (a process's first document): median %.3f ms, fastest %.3f ms", median(cold), cold.min()!))
  exit(0)
}
guard args.count == 3, ["report", "batch"].contains(args[0]) else {
  print("usage: baocao-bench report TEMPLATE DATA [--complement FILE] [--iterations N]")
  print("       baocao-bench batch TEMPLATE DIR [--complement FILE] --odt-out DIR [--runs N]")
  exit(2)
}
let complement = try complementPath.map { try DataLoader.load(path: $0) }
let t0 = DispatchTime.now()
let document = try TemplateDocument.open(path: args[1])
let compileMs = milliseconds(since: t0)
let t1 = DispatchTime.now()
let fonts = FontCatalog()
let fontsMs = milliseconds(since: t1)
let native = NativePDF(fonts: fonts)
let options = RenderOptions()
print(String(format: "compile template %.2f ms; load fonts %.2f ms (%d families)", compileMs, fontsMs, fonts.families.count))

if args[0] == "report" {
  let data = try DataLoader.load(path: args[2])
  let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("baocao-bench.\(getpid()).odt").path
  defer { unlink(tmp) }
  var merge: [Double] = [], odt: [Double] = [], pdf: [Double] = [], convert: [Double] = []
  let merged = try document.mergedTextParts(data: data, complement: complement, options: options)
  var pages = 0, pdfBytes = 0
  for i in 0..<(iterations + 30) {
    var t = DispatchTime.now()
    _ = try document.mergedTextParts(data: data, complement: complement, options: options)
    let m = milliseconds(since: t)
    t = DispatchTime.now()
    try document.write(data: data, complement: complement, options: options, format: .odt, to: tmp)
    let o = milliseconds(since: t)
    t = DispatchTime.now()
    let bytes = try native.makePDF(document: document, data: data, complement: complement, options: options).bytes
    let p = milliseconds(since: t)
    t = DispatchTime.now()
    _ = try PDFConverter.pdf(merged, fonts: fonts, source: args[1])
    let c = milliseconds(since: t)
    if i >= 30 {  // the first runs warm caches up
      merge.append(m)
      odt.append(o)
      pdf.append(p)
      convert.append(c)
    }
    pdfBytes = bytes.count
    if i == 0 { pages = String(decoding: bytes, as: UTF8.self).components(separatedBy: "/Type /Page ").count - 1 }
  }
  print(String(format: "merge only (in memory): median %.3f ms", median(merge)))
  print(String(format: "merge + write ODT:      median %.3f ms", median(odt)))
  print(String(format: "layout + PDF of the merged document: median %.3f ms (fastest %.3f ms)", median(convert), convert.min()!))
  print(String(format: "merge + native PDF:     median %.3f ms for %d pages (%d bytes), over %d runs", median(pdf), pages, pdfBytes, pdf.count))
  print("peak memory: \(peakMiB()) MiB")
} else {
  guard let odtOut else { print("batch needs --odt-out DIR"); exit(2) }
  let records = try BatchRecords.collect([args[2]])
  try? FileManager.default.removeItem(atPath: odtOut)
  let pdfOut = odtOut + "-native-pdf"
  try? FileManager.default.removeItem(atPath: pdfOut)
  func job(_ formats: [OutputFormat], _ dir: String) -> BatchJob {
    BatchJob(
      document: document, records: records, complement: complement, options: options, formats: formats, namePattern: nil,
      outputDirectory: dir, jobs: workers, pdf: native)
  }
  var odtTimes: [Double] = [], pdfTimes: [Double] = [], bothTimes: [Double] = []
  for _ in 0..<runs {
    var s = job([.odt], odtOut).run { _, _, _ in }
    precondition(s.failed == 0, "a record failed")
    odtTimes.append(s.seconds * 1000)
    if odtOnly { continue }
    s = job([.pdf], pdfOut).run { _, _, _ in }
    precondition(s.failed == 0, "a record failed")
    pdfTimes.append(s.seconds * 1000)
    s = job([.odt, .pdf], pdfOut + "-both").run { _, _, _ in }
    bothTimes.append(s.seconds * 1000)
  }
  let n = Double(records.count)
  print(String(format: "%d records, %d workers, median of %d runs:", records.count, workers, runs))
  print(String(format: "  merge + ODT:        %.1f ms (%.2f ms/document, %.0f documents/s)", median(odtTimes), median(odtTimes) / n, n * 1000 / median(odtTimes)))
  if odtOnly {
    print("peak memory: \(peakMiB()) MiB")
    exit(0)
  }
  print(String(format: "  merge + native PDF: %.1f ms (%.2f ms/document, %.0f documents/s)", median(pdfTimes), median(pdfTimes) / n, n * 1000 / median(pdfTimes)))
  print(String(format: "  merge + ODT + PDF:  %.1f ms", median(bothTimes)))
  print("NATIVE_PDF_BATCH_MS \(median(pdfTimes))")
  print("peak memory: \(peakMiB()) MiB")
  try? FileManager.default.removeItem(atPath: pdfOut)
  try? FileManager.default.removeItem(atPath: pdfOut + "-both")
}
