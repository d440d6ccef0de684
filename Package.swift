// swift-tools-version:6.0
import PackageDescription

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
  ],
  targets: [
    .systemLibrary(name: "CLibZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
    // Layer 1: the data model and its readers (JSON, YAML, CSV).
    .target(
      name: "BaocaoData",
      dependencies: [
        .product(name: "OrderedCollections", package: "swift-collections"),
        .product(name: "Yams", package: "Yams"),
      ]),
    // Layer 2: the tag language: scanning, compiling and merging templates held as text.
    .target(name: "BaocaoTemplating", dependencies: ["BaocaoData"]),
    // libxml2 behind one C function: its headers pull in ICU, which clashes with Foundation's copy
    // in any Swift module that sees both (Debian builds libxml2 with ICU).
    .target(
      name: "CXMLCheck",
      cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])],
      linkerSettings: [.linkedLibrary("xml2")]),
    .target(name: "BaocaoXML", dependencies: ["CXMLCheck"]),
    // Layer 3: OpenDocument packages (libzip) around the templating layer.
    .target(name: "BaocaoODF", dependencies: ["BaocaoTemplating", "BaocaoData", "BaocaoXML", "CLibZip"]),
    // The thin command line.
    .executableTarget(
      name: "baocao",
      dependencies: [
        "BaocaoODF", "BaocaoTemplating", "BaocaoData",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Benchmarks print figures; they never run as tests.
    .executableTarget(name: "baocao-bench", dependencies: ["BaocaoODF", "BaocaoTemplating", "BaocaoData"]),
    .testTarget(name: "BaocaoDataTests", dependencies: ["BaocaoData"]),
    .testTarget(name: "BaocaoTemplatingTests", dependencies: ["BaocaoTemplating", "BaocaoData"]),
    .testTarget(name: "BaocaoCLITests", dependencies: ["BaocaoODF", "BaocaoData"]),
  ]
)
