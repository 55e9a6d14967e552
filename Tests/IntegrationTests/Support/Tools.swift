import Foundation
import Testing

/// Integration tests run the real binary against real clients; they need the tools and an opt-in.
enum Tools {
    static let isEnabled: Bool = {
        ProcessInfo.processInfo.environment["HEADWATER_INTEGRATION"] == "1" && path(of: "ffmpeg") != nil
            && path(of: "ffprobe") != nil
    }()

    static func path(of tool: String) -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The package root, found from this file's location.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The `headwater` binary built by `swift build` (override with HEADWATER_BINARY).
    static var headwaterBinary: String {
        if let override = ProcessInfo.processInfo.environment["HEADWATER_BINARY"] { return override }
        for configuration in ["debug", "release"] {
            let candidate = packageRoot.appendingPathComponent(".build/\(configuration)/headwater").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/headwater").path
    }

    static let sampleFLV = packageRoot.appendingPathComponent("samples/sample.flv").path
}

extension Trait where Self == ConditionTrait {
    /// Runs only with HEADWATER_INTEGRATION=1 and ffmpeg/ffprobe on PATH.
    static var integration: Self {
        .enabled(if: Tools.isEnabled, "set HEADWATER_INTEGRATION=1 and install ffmpeg")
    }
}
