// swift-tools-version: 6.1
// The fuzzers: one libFuzzer executable, `headwater-fuzz`, holding a target per parser (pick one with
// HEADWATER_FUZZ_TARGET; see Sources/headwater-fuzz/FuzzTarget.swift). Build and run with scripts/fuzz.sh.
//
// The parser modules are the root package's own sources, reached through symbolic links under Sources/
// (Media, RTMP, Config, COpenSSL; HTTPParsing holds the few pure files of HTTPServer). That way the
// sanitized build compiles only the parsers and swift-nio, not Hummingbird and the rest of the server.
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "HeadwaterFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto"),
        // Declares libFuzzer's LLVMFuzzerRunDriver (the -sanitize=fuzzer runtime defines it).
        .systemLibrary(name: "CLibFuzzer"),
        .target(
            name: "Media",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: upcoming
        ),
        .target(
            name: "RTMP",
            dependencies: ["Media", "COpenSSL", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: upcoming
        ),
        .target(name: "Config", swiftSettings: upcoming),
        // Internal API types (HTTPAPIRoute, HTTPAPIPage) are reached with @testable import.
        .target(name: "HTTPParsing", swiftSettings: upcoming + [.unsafeFlags(["-enable-testing"])]),
        .executableTarget(
            name: "headwater-fuzz",
            dependencies: [
                "Media", "RTMP", "Config", "HTTPParsing", "CLibFuzzer",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
    ],
    swiftLanguageModes: [.v6]
)
