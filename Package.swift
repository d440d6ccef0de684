// swift-tools-version:6.0
import PackageDescription

// The programs allocate with mimalloc: layout on two cores frees on one core what the other
// allocated, which glibc's allocator does under a lock (0.3 ms of a 6-page report).
let mimalloc: [LinkerSetting] = [.linkedLibrary("mimalloc")]

// Release builds skip the run-time exclusivity checks in the layers a conversion spends its time in
// (about 2 % of its instructions); debug builds, which the tests run, keep them.
let releaseSpeed: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
  name: "baocao",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "baocao", targets: ["baocao"]),
    .library(name: "BaocaoTemplating", targets: ["BaocaoTemplating"]),
    .library(name: "BaocaoODF", targets: ["BaocaoODF"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
  ],
  targets: [
    .systemLibrary(name: "CLibZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
    .systemLibrary(name: "CHarfBuzz", pkgConfig: "harfbuzz-subset", providers: [.apt(["libharfbuzz-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // Whole-buffer DEFLATE for PDF streams: about twice as fast as zlib at its fastest level, and smaller.
    .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
    // The bounds on what baocao reads, for every layer.
    .target(name: "BaocaoLimits"),
    // Layer 1: the data model and its readers (JSON, YAML, CSV).
    .target(
      name: "BaocaoData",
      dependencies: [
        "BaocaoLimits",
        .product(name: "OrderedCollections", package: "swift-collections"),
        .product(name: "Yams", package: "Yams"),
      ]),
    // Layer 2: the tag language: scanning, compiling and merging templates held as text.
    .target(name: "BaocaoTemplating", dependencies: ["BaocaoData", "BaocaoLimits"], swiftSettings: releaseSpeed),
    // libxml2 behind one C function: its headers pull in ICU, which clashes with Foundation's copy
    // in any Swift module that sees both (Debian builds libxml2 with ICU).
    .target(
      name: "CXMLCheck",
      cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])],
      linkerSettings: [.linkedLibrary("xml2")]),
    .target(name: "BaocaoXML", dependencies: ["CXMLCheck", "BaocaoLimits"], swiftSettings: releaseSpeed),
    // Picture files' formats and original sizes (as LibreOffice takes them), for every layer that places them.
    .target(name: "BaocaoPictures", dependencies: ["BaocaoLimits"]),
    // Layer 3: OpenDocument packages (libzip) around the templating layer.
    // Spreadsheets after a merge: formulas follow repeated rows, cached values, percentage cells.
    .target(name: "BaocaoSheets"),
    .target(name: "BaocaoODF", dependencies: ["BaocaoTemplating", "BaocaoData", "BaocaoXML", "BaocaoSheets", "BaocaoLimits", "BaocaoPictures", "CLibZip"]),
    // Native PDF: fonts (HarfBuzz shaping and subsetting), layout (ODF text → pages), the PDF writer,
    // and the conversion that ties them to merged documents (with LibreOffice as the other engine).
    // Installed fonts, found as LibreOffice finds them (fontconfig's aliases and fallback).
    .systemLibrary(name: "CFontconfig", pkgConfig: "fontconfig", providers: [.apt(["libfontconfig-dev"])]),
    .target(name: "BaocaoFonts", dependencies: ["CHarfBuzz", "CFontconfig"], swiftSettings: releaseSpeed),
    .target(name: "BaocaoLayout", dependencies: ["BaocaoFonts", "BaocaoXML", "BaocaoLimits", "BaocaoPictures"], swiftSettings: releaseSpeed),
    .target(name: "BaocaoPDF", dependencies: ["BaocaoLayout", "BaocaoFonts", "BaocaoLimits", "CZlib", "CDeflate"], swiftSettings: releaseSpeed),

    // Signatures: OpenSSL for keys (PKCS#12), certificates and CMS verification, the token's own
    // PKCS#11 module for keys that never leave it, swift-asn1 for the CMS object we write, and a
    // reader and incremental writer of PDF files.
    .target(
      name: "CSigning",
      cSettings: [.unsafeFlags(["-I/usr/include/p11-kit-1"])],
      linkerSettings: [.linkedLibrary("crypto"), .linkedLibrary("dl")]),
    .target(
      name: "BaocaoSign",
      dependencies: ["CSigning", "BaocaoPDF", "BaocaoLayout", "CZlib", .product(name: "SwiftASN1", package: "swift-asn1")]),
    .target(name: "BaocaoConvert", dependencies: ["BaocaoODF", "BaocaoLayout", "BaocaoPDF", "BaocaoFonts", "BaocaoSign"]),
    // The thin command line.
    .executableTarget(
      name: "baocao",
      dependencies: [
        "BaocaoODF", "BaocaoTemplating", "BaocaoData", "BaocaoConvert", "BaocaoFonts", "BaocaoSign",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      linkerSettings: mimalloc),
    // Benchmarks print figures; they never run as tests.
    .executableTarget(
      name: "baocao-bench",
      dependencies: ["BaocaoODF", "BaocaoTemplating", "BaocaoData", "BaocaoConvert", "BaocaoFonts", "BaocaoLayout", "BaocaoPDF", "BaocaoSign"],
      linkerSettings: mimalloc),
    // Every reader of outside bytes behind one entry point, for libFuzzer and the regression tests.
    .target(
      name: "BaocaoFuzzing",
      dependencies: [
        "BaocaoData", "BaocaoTemplating", "BaocaoODF", "BaocaoXML", "BaocaoSheets", "BaocaoLayout", "BaocaoPDF", "BaocaoFonts", "BaocaoSign",
      ]),
    .testTarget(name: "BaocaoFuzzRegressionTests", dependencies: ["BaocaoFuzzing"]),
    .testTarget(name: "BaocaoDataTests", dependencies: ["BaocaoData"]),
    .testTarget(name: "BaocaoTemplatingTests", dependencies: ["BaocaoTemplating", "BaocaoData"]),
    .testTarget(name: "BaocaoCLITests", dependencies: ["BaocaoODF", "BaocaoData"]),
    .testTarget(name: "BaocaoSheetsTests", dependencies: ["BaocaoSheets"]),
    .testTarget(name: "BaocaoLayoutTests", dependencies: ["BaocaoLayout", "BaocaoFonts", "BaocaoPDF", "BaocaoXML"]),
  ]
)

// libFuzzer's driver (scripts/fuzz) exists only when BAOCAO_FUZZ is set: its entry point links only
// with -sanitize=fuzzer, so a plain `swift build` must not see it.
if Context.environment["BAOCAO_FUZZ"] != nil {
  package.targets.append(
    .executableTarget(name: "baocao-fuzz", dependencies: ["BaocaoFuzzing"], path: "Tests/Fuzz/Driver"))
}
