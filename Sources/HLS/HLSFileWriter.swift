import Dispatch
import Foundation
import NIOConcurrencyHelpers
public import NIOCore

/// Why an HLS file could not be written.
public struct HLSWriteError: Error, Hashable, CustomStringConvertible {
    /// The file (relative to the HLS root) that failed.
    public let path: String
    /// What the system said (`strerror`), or the writer's own reason.
    public let reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes one stream's HLS files in submission order on its own serial queue, never on an event loop.
///
/// A segment is written under a temporary name as its bytes arrive and renamed when it closes; the playlist
/// is written whole to a temporary file and renamed over the old one. Renames are atomic, so a player (or
/// the HTTP server) sees either the previous file or the complete new one. The queue is bounded by bytes:
/// `canAccept` turns false when the disk falls behind, and the sink drops the segment rather than grow.
public final class HLSFileWriter: @unchecked Sendable {
    /// The folder every path is relative to (`hls_path`).
    public let root: String
    private let queue: DispatchQueue
    private let backlogLimit: Int
    private let backlog = NIOLockedValueBox(0)
    private let failureHandler: @Sendable (HLSWriteError) -> Void

    // Owned by `queue`.
    private var segmentFile: CInt = -1
    private var segmentFailed = false

    /// - Parameters:
    ///   - root: The HLS root folder.
    ///   - label: Names the queue (the stream), for debugging.
    ///   - backlogLimit: Bytes that may wait for the disk before `canAccept` is false.
    ///   - onFailure: Called on the writer's queue for the first failure of each segment or playlist write.
    public init(
        root: String, label: String, backlogLimit: Int = 32 << 20,
        onFailure: @escaping @Sendable (HLSWriteError) -> Void
    ) {
        self.root = root
        self.queue = DispatchQueue(label: "headwater.hls.\(label)")
        self.backlogLimit = backlogLimit
        self.failureHandler = onFailure
    }

    /// Whether the disk keeps up: false once `backlogLimit` bytes are waiting.
    public var canAccept: Bool { backlog.withLockedValue { $0 } < backlogLimit }

    /// Bytes submitted but not yet written.
    public var backlogBytes: Int { backlog.withLockedValue { $0 } }

    /// Starts a segment file at `temporaryPath` (folders are created as needed).
    public func openSegment(at temporaryPath: String) {
        queue.async { [self] in
            closeSegmentFile()
            segmentFailed = false
            let full = absolute(temporaryPath)
            do {
                try makeFolder(for: full, path: temporaryPath)
                let descriptor = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { throw Self.failure(temporaryPath) }
                segmentFile = descriptor
            } catch {
                failSegment(error)
            }
        }
    }

    /// Appends bytes to the open segment.
    public func appendSegment(_ bytes: ByteBuffer, path temporaryPath: String) {
        let count = bytes.readableBytes
        backlog.withLockedValue { $0 += count }
        queue.async { [self] in
            defer { backlog.withLockedValue { $0 -= count } }
            guard !segmentFailed, segmentFile >= 0 else { return }
            do {
                try Self.writeAll(bytes, to: segmentFile, path: temporaryPath)
            } catch {
                failSegment(error)
            }
        }
    }

    /// Closes the open segment and renames it to its final name.
    public func closeSegment(temporaryPath: String, finalPath: String) {
        queue.async { [self] in
            closeSegmentFile()
            guard !segmentFailed else {
                unlink(absolute(temporaryPath))
                return
            }
            if rename(absolute(temporaryPath), absolute(finalPath)) != 0 {
                failSegment(Self.failure(temporaryPath))
            }
        }
    }

    /// Drops the open segment and its temporary file.
    public func abandonSegment(temporaryPath: String) {
        queue.async { [self] in
            closeSegmentFile()
            unlink(absolute(temporaryPath))
        }
    }

    /// Replaces the playlist at `path` atomically.
    public func writePlaylist(_ text: String, to path: String) {
        let bytes = ByteBuffer(string: text)
        queue.async { [self] in
            let full = absolute(path)
            let temporary = full + ".tmp"
            do {
                try makeFolder(for: full, path: path)
                let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { throw Self.failure(path) }
                defer { close(descriptor) }
                try Self.writeAll(bytes, to: descriptor, path: path)
                guard rename(temporary, full) == 0 else { throw Self.failure(path) }
            } catch {
                unlink(temporary)
                report(error)
            }
        }
    }

    /// Deletes files; a file already gone is not an error.
    public func remove(_ paths: [String]) {
        guard !paths.isEmpty else { return }
        queue.async { [self] in
            for path in paths { unlink(absolute(path)) }
        }
    }

    /// Calls `body` on the writer's queue after everything submitted so far.
    public func whenIdle(_ body: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : root + "/" + path
    }

    private func makeFolder(for full: String, path: String) throws {
        let folder = (full as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw HLSWriteError(path: path, reason: "cannot create folder \(folder)")
        }
    }

    private func closeSegmentFile() {
        if segmentFile >= 0 {
            close(segmentFile)
            segmentFile = -1
        }
    }

    private func failSegment(_ error: any Error) {
        guard !segmentFailed else { return }
        segmentFailed = true
        closeSegmentFile()
        report(error)
    }

    private func report(_ error: any Error) {
        let failure = error as? HLSWriteError ?? HLSWriteError(path: "?", reason: "\(error)")
        failureHandler(failure)
    }

    private static func failure(_ path: String) -> HLSWriteError {
        HLSWriteError(path: path, reason: String(cString: strerror(errno)))
    }

    /// Writes every byte of `bytes`, retrying short and interrupted writes.
    /// - Throws: `HLSWriteError` naming `path`.
    static func writeAll(_ bytes: ByteBuffer, to descriptor: CInt, path: String) throws {
        try bytes.withUnsafeReadableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(path)
                }
                offset += written
            }
        }
    }
}
