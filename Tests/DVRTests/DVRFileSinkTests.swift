import Foundation
import Live
import Media
import NIOCore
import Testing

@testable import DVR

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drives a sink with an inline queue: every job runs inside the call, so checks can follow at once.
final class SinkHarness: @unchecked Sendable {
    let folder: TemporaryFolder
    let sink: DVRFileSink
    private let lock = NSLock()
    private var collected: [DVRSinkReport] = []
    let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam")

    init(copyChunkSize: Int = 1 << 20, writeFault: (@Sendable (String) -> Int32?)? = nil) throws {
        let folder = try TemporaryFolder()
        self.folder = folder
        let box = ReportBox()
        sink = DVRFileSink(
            queue: DVRSerialQueue(backend: .inline), copyChunkSize: copyChunkSize, writeFault: writeFault,
            report: { box.harness?.add($0) })
        box.harness = self
    }

    private final class ReportBox: @unchecked Sendable {
        weak var harness: SinkHarness?
    }

    private func add(_ report: DVRSinkReport) {
        lock.lock()
        collected.append(report)
        lock.unlock()
    }

    var reports: [DVRSinkReport] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }

    var finished: [DVRRecording] {
        reports.compactMap { if case .finished(_, let recording) = $0 { return recording } else { return nil } }
    }

    var failures: [(DVRError, DVRRecording?)] {
        reports.compactMap {
            if case .failed(_, let error, let salvaged) = $0 { return (error, salvaged) } else { return nil }
        }
    }

    func request(_ id: Int, _ relative: String) -> DVRFileRequest {
        DVRFileRequest(
            id: id, path: folder.path + "/" + relative, root: folder.path + "/", key: key,
            startDate: Date(timeIntervalSince1970: 1_700_000_000))
    }

    /// Records `packets` as file `id` in batches of `batchTags` tags; returns the writer.
    @discardableResult
    func record(_ id: Int, _ relative: String, _ packets: [MediaPacket], batchTags: Int = 50, finish: Bool = true)
        -> FLVFileWriter
    {
        sink.open(request(id, relative))
        var writer = FLVFileWriter(hasVideo: true, hasAudio: true)
        var batch = ByteBuffer()
        writer.writeStart(sequenceHeaders: packets.filter(\.isSequenceHeader), into: &batch)
        var count = 0
        var last: Int64 = 0
        for packet in packets where !packet.isSequenceHeader {
            writer.write(packet, into: &batch)
            last = packet.timestamp
            count += 1
            if count % batchTags == 0 {
                sink.append(batch, fileID: id, lastTimestamp: last)
                batch = ByteBuffer()
            }
        }
        if batch.readableBytes > 0 { sink.append(batch, fileID: id, lastTimestamp: last) }
        if finish { sink.finish(fileID: id, writer: writer) }
        return writer
    }
}

@Suite struct DVRFileSinkTests {
    @Test func aFileIsRecordedUnderTmpAndRenamedWhenComplete() throws {
        let harness = try SinkHarness()
        defer { harness.folder.remove() }
        let writer = harness.record(1, "live/cam.flv", Payloads.stream(seconds: 2), finish: false)
        #expect(harness.folder.files() == ["live/cam.flv.tmp"])
        // The recording plays as it is: header, metadata, headers, whole tags.
        let partial = try ParsedFLV(path: harness.folder.path + "/live/cam.flv.tmp")
        #expect(partial.mediaTags.count == Payloads.stream(seconds: 2).count - 2)

        harness.sink.finish(fileID: 1, writer: writer)
        #expect(harness.folder.files() == ["live/cam.flv"])
        let recording = try #require(harness.finished.first)
        #expect(recording.path == harness.folder.path + "/live/cam.flv")
        #expect(recording.relativePath == "live/cam.flv")
        #expect(recording.isIndexed)
        #expect(recording.key == harness.key)
        #expect(recording.duration == .milliseconds(2_000))
        let attributes = try FileManager.default.attributesOfItem(atPath: recording.path)
        #expect((attributes[.size] as? Int) == recording.size)
        let file = try ParsedFLV(path: recording.path)
        #expect(file.metadata?["filesize"] == .number(Double(recording.size)))
        #expect(file.mediaTags.count == partial.mediaTags.count)
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let harness = try SinkHarness()
        defer { harness.folder.remove() }
        let live = harness.folder.path + "/live"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: harness.folder.path + "/live/cam.flv"))
        // Another recording in progress holds the next name.
        try Data().write(to: URL(fileURLWithPath: harness.folder.path + "/live/cam-1.flv.tmp"))

        harness.record(1, "live/cam.flv", Payloads.stream(seconds: 1))
        #expect(harness.finished.map(\.relativePath) == ["live/cam-2.flv"])
        #expect(try String(contentsOfFile: harness.folder.path + "/live/cam.flv", encoding: .utf8) == "keep")
        #expect(harness.folder.files() == ["live/cam-1.flv.tmp", "live/cam-2.flv", "live/cam.flv"])
    }

    @Test func aFolderThatCannotBeCreatedIsReported() throws {
        let harness = try SinkHarness()
        defer { harness.folder.remove() }
        // A file where a folder should be: fails even for root, unlike permission bits.
        try Data("x".utf8).write(to: URL(fileURLWithPath: harness.folder.path + "/blocked"))
        harness.record(1, "blocked/live/cam.flv", Payloads.stream(seconds: 1))
        #expect(harness.failures.count == 1)
        #expect(harness.failures.first?.0 == .cannotCreateFolder("", systemError: 0))
        #expect(harness.failures.first?.1 == nil)
        #expect(harness.finished.isEmpty)
        // Every batch was still drained, so the recorder's backlog accounting stays right.
        let drained = harness.reports.reduce(0) {
            if case .drained(let bytes) = $1 { return $0 + bytes } else { return $0 }
        }
        #expect(drained > 0)
    }

    @Test func finalizingCopiesInBoundedChunks() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let source = folder.path + "/source"
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: source))
        let input = open(source, O_RDONLY)
        let output = open(folder.path + "/copy", O_WRONLY | O_CREAT, 0o644)
        defer {
            close(input)
            close(output)
        }
        let chunks = try DVRFileSystem.copy(
            from: input, sourcePath: source, offset: 100, length: 9_900, to: output, destinationPath: "copy",
            chunkSize: 64)
        #expect(chunks == (9_900 + 63) / 64)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path + "/copy")) == Data(bytes[100...]))
    }

    @Test func aSmallCopyChunkGivesTheSameFinalFile() throws {
        let packets = Payloads.stream(seconds: 4)
        let large = try SinkHarness()
        let small = try SinkHarness(copyChunkSize: 333)
        defer {
            large.folder.remove()
            small.folder.remove()
        }
        let writer = large.record(1, "a.flv", packets)
        small.record(1, "a.flv", packets)
        let expected = FLVFileWriterTests.finalFile(writer, try recordedBytes(packets))
        let one = try Data(contentsOf: URL(fileURLWithPath: large.folder.path + "/a.flv"))
        let two = try Data(contentsOf: URL(fileURLWithPath: small.folder.path + "/a.flv"))
        #expect(one == two)
        #expect(one == Data(expected.readableBytesView))
    }

    @Test func aFailedWriteKeepsTheWholeBatchesUnindexed() throws {
        let writes = WriteCounter()
        // The third batch fails: the file keeps the first two, which end with a whole tag.
        let harness = try SinkHarness { path in writes.next() == 3 ? ENOSPC : nil }
        defer { harness.folder.remove() }
        harness.record(1, "cam.flv", Payloads.stream(seconds: 4), batchTags: 40)
        let (error, salvaged) = try #require(harness.failures.first)
        #expect(error == .writeFailed("", systemError: ENOSPC))
        let recording = try #require(salvaged)
        #expect(!recording.isIndexed)
        #expect(recording.path.hasSuffix("/cam.flv"))
        #expect(harness.finished.isEmpty)
        let file = try ParsedFLV(path: recording.path)
        #expect(file.mediaTags.count == 80)
        #expect(recording.size == file.bytes.readableBytes)
        #expect(harness.folder.files() == ["cam.flv"])
    }

    @Test func aFailedFinalizeKeepsTheRecording() throws {
        let harness = try SinkHarness { path in path.hasSuffix(DVRFileSink.indexingSuffix) ? ENOSPC : nil }
        defer { harness.folder.remove() }
        harness.record(1, "cam.flv", Payloads.stream(seconds: 2))
        let recording = try #require(harness.failures.first?.1)
        #expect(!recording.isIndexed)
        #expect(recording.duration == .milliseconds(2_000))
        #expect(try ParsedFLV(path: recording.path).mediaTags.count == Payloads.stream(seconds: 2).count - 2)
        #expect(harness.folder.files() == ["cam.flv"])
    }

    @Test func candidateNamesKeepTheExtension() {
        #expect(DVRFileSink.candidate("a/b.c/d.flv", attempt: 0) == "a/b.c/d.flv")
        #expect(DVRFileSink.candidate("a/b.c/d.flv", attempt: 2) == "a/b.c/d-2.flv")
        #expect(DVRFileSink.candidate("a/b.c/d", attempt: 1) == "a/b.c/d-1")
        #expect(DVRFileSink.candidate(".hidden", attempt: 1) == ".hidden-1")
    }

    private func recordedBytes(_ packets: [MediaPacket]) throws -> ByteBuffer {
        FLVFileWriterTests.record(packets).1
    }
}

final class WriteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
