import Foundation
@testable import HTTPServer
import Hummingbird
import Logging

/// A temporary folder, laid out as `<dir>/root` (the served root) with room for files outside it;
/// everything is removed when the value is released.
final class TemporaryRoot {
    /// The folder that holds `root` and the files outside it.
    let base: String
    /// The served root.
    let path: String

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("headwater-http-\(UUID())").path
        path = base + "/root"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: base)
    }

    /// Writes a file under the root (or, with `outside`, next to it), creating folders on the way.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8], outside: Bool = false) throws -> [UInt8] {
        let full = (outside ? base : path) + "/" + relative
        let folder = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return bytes
    }

    @discardableResult
    func write(_ relative: String, text: String, outside: Bool = false) throws -> [UInt8] {
        try write(relative, Array(text.utf8), outside: outside)
    }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }

    /// Creates a symbolic link at `relative` under the root pointing at `destination` (absolute or relative).
    func symlink(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: destination)
    }
}

/// Deterministic, non-repeating-looking bytes, so a misplaced chunk cannot compare equal.
func patternBytes(count: Int, seed: UInt32 = 1) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return UInt8(truncatingIfNeeded: state >> 24)
    }
}

/// Collects log lines so tests can check the access log.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(level: Logger.Level, message: String)] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    var messages: [(level: Logger.Level, message: String)] {
        lock.withLock { recorded }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { recorded.append((event.level, event.message.description)) }
    }
}

extension Logger {
    /// A logger at debug level writing into `handler`.
    static func recording(into handler: RecordingLogHandler) -> Logger {
        Logger(label: "headwater.http.test") { _ in handler }
    }
}

/// The in-process application the `.router` tests drive: the service's own middleware chain and routes.
func makeTestApplication(
    root: TemporaryRoot,
    crossdomain: Bool = true,
    playlistMaxAge: Int = 1,
    readChunkSize: Int = HTTPFileServerSettings.defaultReadChunkSize,
    logger: Logger = Logger(label: "headwater.http.test"),
    apiHasOwnCORS: Bool = false,
    routes: HTTPServerService.Routes = { _ in }
) -> some ApplicationProtocol {
    let settings = HTTPFileServerSettings(
        root: root.path, crossdomain: crossdomain, playlistMaxAge: playlistMaxAge, readChunkSize: readChunkSize)
    return Application(
        router: HTTPServerService.makeRouter(settings: settings, apiHasOwnCORS: apiHasOwnCORS, routes: routes),
        logger: logger)
}
