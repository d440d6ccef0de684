import BaocaoData
import BaocaoODF
import BaocaoTemplating
import Foundation

// Times the merge of one record into a compiled template, the figure issue #2 asks for
// (under 5 ms per report once the template is compiled). Prints figures; asserts nothing.
//
// usage: baocao-bench TEMPLATE DATA [ITERATIONS]

let args = CommandLine.arguments
guard args.count >= 3 else {
  print("usage: baocao-bench TEMPLATE DATA [ITERATIONS]")
  exit(2)
}
let iterations = args.count > 3 ? Int(args[3]) ?? 200 : 200
let compileStart = DispatchTime.now()
let document = try TemplateDocument.open(path: args[1])
let compileMs = Double(DispatchTime.now().uptimeNanoseconds - compileStart.uptimeNanoseconds) / 1e6
let data = try DataLoader.load(path: args[2])
let out = FileManager.default.temporaryDirectory.appendingPathComponent("baocao-bench.\(getpid())").path
let format = document.kind.defaultFormat
var times: [Double] = []
for i in 0..<(iterations + 20) {
  let t0 = DispatchTime.now()
  try document.write(data: data, complement: nil, options: RenderOptions(), format: format, to: out)
  let ms = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6
  if i >= 20 { times.append(ms) }  // the first runs warm caches up
}
try? FileManager.default.removeItem(atPath: out)
times.sort()
let median = times[times.count / 2]
let p90 = times[times.count * 9 / 10]
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print(String(format: "template %@: compile %.2f ms", args[1], compileMs))
print(String(format: "merge + write %@: median %.3f ms, p90 %.3f ms over %d runs (%.0f documents/s)",
  format.rawValue, median, p90, times.count, 1000 / median))
print("peak memory: \(usage.ru_maxrss / 1024) MiB")
