// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks (package-benchmark), kept out of the root package so its build and CI stay lean.
// Run from this directory: `swift package --disable-sandbox benchmark`.

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// A path dependency's identity is the name of its directory, which differs between clones and
// worktrees, so it is derived here rather than spelled out.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "headwater").lowercased()

let package = Package(
    name: "HeadwaterBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "AMF0",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Media", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/AMF0",
            swiftSettings: upcoming,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RTMPChunk",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RTMP", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/RTMPChunk",
            swiftSettings: upcoming,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LiveFanout",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Live", package: root),
                .product(name: "Media", package: root),
                .product(name: "RTMP", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Benchmarks/LiveFanout",
            swiftSettings: upcoming,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
