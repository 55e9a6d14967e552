import Foundation
import Live
import Metrics
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file a recorder asks its sink to create.
struct DVRFileRequest: Sendable {
    var id: Int
    /// The expanded path template: the preferred final name.
    var path: String
    /// The template's fixed folder, for ``DVRRecording/relativePath``.
    var root: String
    var key: StreamKey
    var startDate: Date
}

/// What a sink tells its recorder (through the recorder's event loop).
enum DVRSinkReport: Sendable {
    /// An append job is done (written, or discarded after a failure): the backlog shrinks by `bytes`.
    case drained(bytes: Int)
    /// The file could not be created or written; it was closed. `salvaged` is what could be kept.
    case failed(fileID: Int, error: DVRError, salvaged: DVRRecording?)
    /// The file is complete under its final name.
    case finished(fileID: Int, recording: DVRRecording)
    /// Every job submitted before the barrier `token` is done.
    case idle(token: Int)
}

/// The I/O side of one recorder: creates each file under a free name with the `.tmp` suffix,
/// appends batches of whole tags, and at the end writes the indexed final file and renames it.
///
/// All methods only queue a job; jobs run in order on the recorder's ``DVRSerialQueue``, and the
/// mutable state below is touched only by them (the queue's lock orders one job after the last).
final class DVRFileSink: @unchecked Sendable {
    /// Suffix of a file while it is recorded.
    static let recordingSuffix = ".tmp"
    /// Suffix of the indexed copy while it is written.
    static let indexingSuffix = ".index.tmp"
    /// Names tried before giving up: `name.flv`, `name-1.flv`, ..., `name-999.flv`.
    static let maximumNameAttempts = 1_000

    private struct OpenFile {
        let request: DVRFileRequest
        let finalPath: String
        let recordingPath: String
        let descriptor: CInt
        /// Bytes written whole; after a failed write the file is cut back to this.
        var committed = 0
        /// The file timestamp at the end of the committed bytes.
        var committedTimestamp: Int64 = 0
    }

    private let queue: DVRSerialQueue
    private let report: @Sendable (DVRSinkReport) -> Void
    private let copyChunkSize: Int
    /// Fault injection for tests: an `errno` to fail the write of `path` with.
    private let writeFault: (@Sendable (_ path: String) -> Int32?)?
    private var file: OpenFile?

    init(
        queue: DVRSerialQueue, copyChunkSize: Int, writeFault: (@Sendable (String) -> Int32?)? = nil,
        report: @escaping @Sendable (DVRSinkReport) -> Void
    ) {
        self.queue = queue
        self.copyChunkSize = max(1, copyChunkSize)
        self.writeFault = writeFault
        self.report = report
    }

    func open(_ request: DVRFileRequest) {
        queue.submit { self.performOpen(request) }
    }

    /// Appends whole tags; `lastTimestamp` is the file timestamp of the last one.
    func append(_ bytes: ByteBuffer, fileID: Int, lastTimestamp: Int64) {
        queue.submit { self.performAppend(bytes, fileID: fileID, lastTimestamp: lastTimestamp) }
    }

    /// Completes the file: the indexed copy replaces the recording under the final name.
    func finish(fileID: Int, writer: FLVFileWriter) {
        queue.submit { self.performFinish(fileID: fileID, writer: writer) }
    }

    /// Reports ``DVRSinkReport/idle(token:)`` once every job queued before it is done.
    func barrier(token: Int) {
        queue.submit { self.report(.idle(token: token)) }
    }

    // MARK: Jobs

    private func performOpen(_ request: DVRFileRequest) {
        if let previous = file {
            // The recorder always finishes a file before opening the next; keep the data if not.
            file = nil
            _ = salvage(previous, durationMilliseconds: Double(previous.committedTimestamp))
        }
        do throws(DVRError) {
            try DVRFileSystem.createFolders(leadingTo: request.path)
            for attempt in 0..<Self.maximumNameAttempts {
                let finalPath = Self.candidate(request.path, attempt: attempt)
                if DVRFileSystem.exists(finalPath) { continue }
                let recordingPath = finalPath + Self.recordingSuffix
                guard let descriptor = try DVRFileSystem.createExclusive(recordingPath) else { continue }
                file = OpenFile(
                    request: request, finalPath: finalPath, recordingPath: recordingPath, descriptor: descriptor)
                return
            }
            throw .noFreeName(request.path)
        } catch {
            report(.failed(fileID: request.id, error: error, salvaged: nil))
        }
    }

    private func performAppend(_ bytes: ByteBuffer, fileID: Int, lastTimestamp: Int64) {
        defer { report(.drained(bytes: bytes.readableBytes)) }
        guard var current = file, current.request.id == fileID else { return }
        do throws(DVRError) {
            try write(bytes, to: current.descriptor, path: current.recordingPath)
            current.committed += bytes.readableBytes
            current.committedTimestamp = lastTimestamp
            file = current
        } catch {
            file = nil
            let salvaged = salvage(current, durationMilliseconds: Double(current.committedTimestamp))
            report(.failed(fileID: fileID, error: error, salvaged: salvaged))
        }
    }

    private func performFinish(fileID: Int, writer: FLVFileWriter) {
        guard let current = file, current.request.id == fileID else { return }
        file = nil
        do throws(DVRError) {
            report(.finished(fileID: fileID, recording: try finalize(current, writer: writer)))
        } catch {
            let salvaged = salvage(current, durationMilliseconds: writer.statistics.durationMilliseconds)
            report(.failed(fileID: fileID, error: error, salvaged: salvaged))
        }
    }

    // MARK: Finalizing

    /// Writes the final head and copies the recorded tags after it, in chunks, into a new file, then
    /// gives that file the final name and removes the recording.
    private func finalize(_ current: OpenFile, writer: FLVFileWriter) throws(DVRError) -> DVRRecording {
        // The writer laid out exactly the bytes that were committed; anything else means lost batches.
        guard writer.position == current.committed else {
            throw .writeFailed(current.recordingPath, systemError: EIO)
        }
        let indexPath = current.finalPath + Self.indexingSuffix
        let descriptor = try DVRFileSystem.createTruncating(indexPath)
        do throws(DVRError) {
            try write(writer.finalHead(), to: descriptor, path: indexPath)
            try DVRFileSystem.copy(
                from: current.descriptor, sourcePath: current.recordingPath, offset: writer.bodyOffset,
                length: current.committed - writer.bodyOffset, to: descriptor, destinationPath: indexPath,
                chunkSize: copyChunkSize)
            // On disk before it takes the final name: a crash must not leave a final name with holes.
            try DVRFileSystem.synchronize(descriptor, path: indexPath)
            DVRFileSystem.close(descriptor)
        } catch {
            DVRFileSystem.close(descriptor)
            DVRFileSystem.remove(indexPath)
            throw error
        }
        let finalPath: String
        do throws(DVRError) {
            finalPath = try place(indexPath, preferred: current.finalPath)
        } catch {
            DVRFileSystem.remove(indexPath)
            throw error
        }
        DVRFileSystem.remove(indexPath)
        DVRFileSystem.close(current.descriptor)
        DVRFileSystem.remove(current.recordingPath)
        return recording(
            current, path: finalPath, size: writer.finalFileSize,
            durationMilliseconds: writer.statistics.durationMilliseconds, isIndexed: true)
    }

    /// Keeps what a failed file holds: cut back to its last whole batch (so it ends with a whole
    /// tag) and moved to its final name, unindexed. An empty file is removed.
    private func salvage(_ current: OpenFile, durationMilliseconds: Double) -> DVRRecording? {
        DVRFileSystem.truncate(current.descriptor, to: current.committed)
        DVRFileSystem.close(current.descriptor)
        guard current.committed > 0 else {
            DVRFileSystem.remove(current.recordingPath)
            return nil
        }
        guard let path = try? place(current.recordingPath, preferred: current.finalPath) else { return nil }
        DVRFileSystem.remove(current.recordingPath)
        return recording(
            current, path: path, size: current.committed, durationMilliseconds: durationMilliseconds, isIndexed: false)
    }

    /// Links `source` to the first free name among `preferred`, `preferred-1`, ...
    private func place(_ source: String, preferred: String) throws(DVRError) -> String {
        for attempt in 0..<Self.maximumNameAttempts {
            let candidate = Self.candidate(preferred, attempt: attempt)
            if try DVRFileSystem.linkWithoutReplacing(source, to: candidate) { return candidate }
        }
        throw .noFreeName(preferred)
    }

    private func write(_ bytes: ByteBuffer, to descriptor: CInt, path: String) throws(DVRError) {
        if let fault = writeFault?(path) { throw .writeFailed(path, systemError: fault) }
        try DVRFileSystem.write(bytes, to: descriptor, path: path)
        // MetricLabel.dvrBytesWritten (Sessions, which DVR does not depend on); once per batch write.
        Counter(label: "headwater_dvr_bytes_written_total").increment(by: bytes.readableBytes)
    }

    private func recording(
        _ current: OpenFile, path: String, size: Int, durationMilliseconds: Double, isIndexed: Bool
    ) -> DVRRecording {
        DVRRecording(
            key: current.request.key, path: path,
            relativePath: DVRPathRule.relativePath(of: path, root: current.request.root), size: size,
            duration: .milliseconds(Int64(durationMilliseconds.rounded())), startDate: current.request.startDate,
            isIndexed: isIndexed)
    }

    /// `path` with `-attempt` before its extension (`a/b.flv`, `a/b-1.flv`, ...).
    static func candidate(_ path: String, attempt: Int) -> String {
        guard attempt > 0 else { return path }
        let nameStart = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        guard let dot = path[nameStart...].lastIndex(of: "."), dot > nameStart else { return "\(path)-\(attempt)" }
        return "\(path[..<dot])-\(attempt)\(path[dot...])"
    }
}
