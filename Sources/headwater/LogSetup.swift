import Config
import Foundation
import Logging

/// Installs the process-wide log handler from `srs_log_tank`, `srs_log_level` and `srs_log_file`.
enum LogSetup {
    static func bootstrap(_ configuration: ServerConfiguration) {
        let level = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        let sink: LineSink
        switch configuration.logTank {
        case .console:
            sink = LineSink(handle: .standardError)
        case .file:
            sink = LineSink.file(at: configuration.logFile) ?? LineSink(handle: .standardError)
        }
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, sink: sink)
            handler.logLevel = level
            return handler
        }
    }
}

/// Writes whole lines to one file handle; shared by every logger.
final class LineSink: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    init(handle: FileHandle) {
        self.handle = handle
    }

    static func file(at path: String) -> LineSink? {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        handle.seekToEndOfFile()
        return LineSink(handle: handle)
    }

    /// Writes `timestamp line`; the timestamp is formatted under the lock because the formatter
    /// keeps mutable state (corelibs' ISO8601DateFormatter is not safe to share unlocked).
    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        let stamped = formatter.string(from: Date()) + " " + line
        handle.write(Data(stamped.utf8))
    }

    private let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}

/// `2026-11-21T21:15:00.123Z info [conn.id=7 stream.key=...] message key=value`
struct LineLogHandler: LogHandler {
    let label: String
    let sink: LineSink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, sink: LineSink) {
        self.label = label
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.write("\(event.level) \(event.message)\(fields.isEmpty ? "" : " " + fields)\n")
    }
}
