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
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
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
    // libxml2 behind a Swift API; kept apart because libxml2 and Foundation cannot share a module here.
    .target(name: "BaocaoXML", dependencies: ["CLibXML2"]),
    // Layer 3: OpenDocument packages (libzip) around the templating layer.
    .target(name: "BaocaoODF", dependencies: ["BaocaoTemplating", "BaocaoData", "BaocaoXML", "CLibZip"]),
    // The thin command line.
    .executableTarget(
      name: "baocao",
      dependencies: [
        "BaocaoODF", "BaocaoTemplating", "BaocaoData",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "BaocaoDataTests", dependencies: ["BaocaoData"]),
    .testTarget(name: "BaocaoTemplatingTests", dependencies: ["BaocaoTemplating", "BaocaoData"]),
    .testTarget(name: "BaocaoCLITests", dependencies: ["BaocaoODF", "BaocaoData"]),
  ]
)
