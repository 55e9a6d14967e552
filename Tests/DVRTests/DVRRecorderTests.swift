import Config
import Foundation
import Live
import Logging
import Media
import NIOCore
import NIOEmbedded
import Testing

@testable import DVR

/// A registry on an `EmbeddedEventLoop` with recorders whose file jobs run inline: deterministic.
final class RecorderHarness {
    let loop = EmbeddedEventLoop()
    let registry = StreamRegistry()
    let folder: TemporaryFolder
    let observer = CollectingObserver()
    let catalog = DVRCatalog()
    let clock = SteppingClock()
    let configuration: DVRConfiguration
    let limits: DVRLimits
    private(set) var controller: DVRController!

    init(limits: DVRLimits = DVRLimits(), configure: (inout DVRConfiguration) -> Void = { _ in }) throws {
        folder = try TemporaryFolder()
        var configuration = DVRConfiguration()
        configuration.enabled = true
        configuration.path = folder.path + "/[app]/[stream].[timestamp].flv"
        configure(&configuration)
        self.configuration = configuration
        self.limits = limits
        let settings = configuration
        controller = DVRController(
            registry: registry, backend: .inline, catalog: catalog, observer: observer, limits: limits,
            logger: Logger(label: "dvr-tests"), wallClock: clock.now, writeFault: nil,
            configuration: { _ in settings })
        registry.addPublishObserver(controller)
    }

    static func key(_ stream: String) -> StreamKey {
        StreamKey(vhost: "__defaultVhost__", app: "live", stream: stream)
    }

    func publish(_ stream: String) throws -> LivePublishSession {
        let configuration = LiveStreamConfiguration(timeJitter: .off)
        let future = registry.publish(Self.key(stream), configuration: configuration, on: loop)
        loop.run()
        return try future.wait()
    }

    /// Sends `packets` in read batches of `batch`, running the loop after each.
    func send(_ packets: [MediaPacket], to session: LivePublishSession, batch: Int = 20) {
        for (index, packet) in packets.enumerated() {
            session.append(packet)
            if index % batch == batch - 1 {
                session.flush()
                loop.run()
            }
        }
        session.flush()
        loop.run()
    }

    func unpublish(_ session: LivePublishSession) {
        session.finish()
        loop.run()
    }

    /// The complete files of `stream`, oldest first.
    func files(_ stream: String) throws -> [ParsedFLV] {
        try catalog.recordings(for: Self.key(stream)).map { try ParsedFLV(path: $0.path) }
    }
}

@Suite struct DVRRecorderTests {
    static func media(_ packets: [MediaPacket]) -> [MediaPacket] {
        packets.filter { !$0.isSequenceHeader && $0.kind != .data }
    }

    @Test func sessionPlanRecordsOneSeekableFilePerPublish() throws {
        let harness = try RecorderHarness()
        defer { harness.folder.remove() }
        let packets = Payloads.stream(seconds: 6, start: 5_000)
        let session = try harness.publish("cam")
        harness.send(packets, to: session)
        #expect(harness.folder.files().allSatisfy { $0.hasSuffix(".flv.tmp") })
        harness.unpublish(session)

        let recordings = harness.catalog.recordings(for: RecorderHarness.key("cam"))
        #expect(recordings.count == 1)
        #expect(harness.observer.recordings == recordings)
        #expect(recordings.first?.relativePath == "live/cam.1700000001000.flv")
        #expect(harness.folder.files() == ["live/cam.1700000001000.flv"])
        let file = try #require(try harness.files("cam").first)
        #expect(file.mediaTags.count == Self.media(packets).count)
        #expect(file.mediaTags.first?.tag.timestamp == 0)  // re-based from 5 s
        #expect(file.metadata?["duration"] == .number(6))
        #expect(file.mediaTags.map(\.tag.data) == Self.media(packets).map(\.payload))

        // A republish is a new file, never the old one overwritten.
        let again = try harness.publish("cam")
        harness.send(Payloads.stream(seconds: 1), to: again)
        harness.unpublish(again)
        #expect(harness.catalog.recordings(for: RecorderHarness.key("cam")).count == 2)
        #expect(harness.folder.files().count == 2)
        #expect(harness.controller.recordingStreams.isEmpty)
    }

    @Test func theHeadIsWrittenAtOnceAndBatchesWithinTheInterval() throws {
        let harness = try RecorderHarness()
        defer { harness.folder.remove() }
        let session = try harness.publish("cam")
        let packets = Payloads.stream(seconds: 1)  // far below a batch of 256 KiB
        harness.send(packets, to: session)
        let path = harness.folder.path + "/" + (try #require(harness.folder.files().first))
        #expect(path.hasSuffix(".flv.tmp"))
        // A crash now would leave a file that plays: header, metadata and sequence headers are on disk.
        let head = try ParsedFLV(path: path)
        #expect(head.tags.count == 3 && head.mediaTags.isEmpty)
        harness.loop.advanceTime(by: .milliseconds(999))
        #expect(try ParsedFLV(path: path).mediaTags.isEmpty)
        harness.loop.advanceTime(by: .milliseconds(1))
        #expect(try ParsedFLV(path: path).mediaTags.count == packets.count - 2)
        harness.unpublish(session)
        #expect(harness.catalog.recordings(for: RecorderHarness.key("cam")).count == 1)
    }

    @Test func segmentFilesAreBackToBackAndEachStartsAtZero() throws {
        let harness = try RecorderHarness { configuration in
            configuration.plan = .segment
            configuration.duration = .seconds(4)
        }
        defer { harness.folder.remove() }
        let packets = Payloads.stream(seconds: 10, gop: 50, start: 1_000)
        let session = try harness.publish("cam")
        harness.send(packets, to: session)
        harness.unpublish(session)

        let files = try harness.files("cam")
        #expect(files.count == 3)
        // No tag lost or repeated: the files hold the input in order, each re-based to its first tag.
        let original = Self.media(packets)
        #expect(files.map(\.mediaTags.count).reduce(0, +) == original.count)
        var next = 0
        for file in files {
            // Each file plays alone: metadata, both sequence headers, then a keyframe at 0.
            #expect(file.tags.first?.tag.kind == .data)
            #expect(file.tags[1].packet.isSequenceHeader && file.tags[2].packet.isSequenceHeader)
            let first = try #require(file.mediaTags.first)
            #expect(first.tag.timestamp == 0 && first.packet.isKeyframe)
            let slice = Array(original[next..<min(original.count, next + file.mediaTags.count)])
            let base: Int64 = try #require(slice.first).timestamp
            let timestamps: [Int64] = file.mediaTags.map { Int64($0.tag.timestamp) }
            let expected: [Int64] = slice.map { $0.timestamp - base }
            #expect(timestamps == expected)
            let payloads: [ByteBuffer] = file.mediaTags.map { $0.tag.data }
            #expect(payloads == slice.map { $0.payload })
            next += file.mediaTags.count
        }
    }

    @Test func aFixedNameIsNeverOverwrittenByALaterPublish() throws {
        let harness = try RecorderHarness { $0.path = $0.path.replacingOccurrences(of: ".[timestamp]", with: "") }
        defer { harness.folder.remove() }
        for _ in 0..<3 {
            let session = try harness.publish("cam")
            harness.send(Payloads.stream(seconds: 1), to: session)
            harness.unpublish(session)
        }
        #expect(harness.folder.files() == ["live/cam-1.flv", "live/cam-2.flv", "live/cam.flv"])
        let recordings = harness.catalog.recordings(for: RecorderHarness.key("cam"))
        #expect(recordings.map(\.relativePath) == ["live/cam.flv", "live/cam-1.flv", "live/cam-2.flv"])
    }

    @Test func timeJitterOffKeepsTheStreamTimestamps() throws {
        let harness = try RecorderHarness { $0.timeJitter = .off }
        defer { harness.folder.remove() }
        let session = try harness.publish("cam")
        harness.send(Payloads.stream(seconds: 2, start: 7_000), to: session)
        harness.unpublish(session)
        let file = try #require(try harness.files("cam").first)
        #expect(file.tags.first?.tag.timestamp == 0)  // onMetaData
        #expect(file.mediaTags.first?.tag.timestamp == 7_000)
    }

    @Test func dvrApplyChoosesTheStreams() throws {
        let harness = try RecorderHarness { $0.apply = .streams(["live/cam"]) }
        defer { harness.folder.remove() }
        for stream in ["cam", "other"] {
            let session = try harness.publish(stream)
            harness.send(Payloads.stream(seconds: 1), to: session)
            harness.unpublish(session)
        }
        #expect(harness.catalog.streams == [RecorderHarness.key("cam")])
        #expect(harness.folder.files().count == 1)
    }

    @Test func anUnwritableFolderStopsOnlyThatStreamAndRetriesAfterAPause() throws {
        let harness = try RecorderHarness { $0.path = $0.path.replacingOccurrences(of: "[app]", with: "[stream]") }
        defer { harness.folder.remove() }
        let blocker = harness.folder.path + "/bad"
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: blocker))
        let bad = try harness.publish("bad")
        let good = try harness.publish("good")
        harness.send(Payloads.stream(seconds: 2), to: bad)
        harness.send(Payloads.stream(seconds: 2), to: good)
        #expect(harness.folder.files().filter { $0.hasPrefix("good/") }.count == 1)

        // Fixed, but the recorder pauses before it tries again.
        try FileManager.default.removeItem(atPath: blocker)
        harness.loop.advanceTime(by: .seconds(4))
        harness.send(Array(Payloads.stream(seconds: 2, start: 2_000).dropFirst(2)), to: bad)
        #expect(!harness.folder.files().contains { $0.hasPrefix("bad/") })

        harness.loop.advanceTime(by: .seconds(1))
        let later = Array(Payloads.stream(seconds: 2, start: 4_000).dropFirst(2))
        harness.send(later, to: bad)
        harness.send(Array(Payloads.stream(seconds: 4, start: 2_000).dropFirst(2)), to: good)
        harness.unpublish(bad)
        harness.unpublish(good)

        let badFile = try #require(try harness.files("bad").first)
        #expect(badFile.mediaTags.count == later.count)
        let goodFile = try #require(try harness.files("good").first)
        let goodInput = Self.media(Payloads.stream(seconds: 2)).count + Self.media(Payloads.stream(seconds: 4)).count
        #expect(goodFile.mediaTags.count == goodInput)
    }

    @Test func aWriterThatFallsBehindDropsToTheNextKeyframe() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let loop = EmbeddedEventLoop()
        let registry = StreamRegistry()
        let catalog = DVRCatalog()
        var configuration = DVRConfiguration()
        configuration.enabled = true
        configuration.path = folder.path + "/[stream].flv"
        // Drain reports arrive only when the loop turns: a long read batch outruns the writer.
        let limits = DVRLimits(batchBytes: 1_024, maximumBacklogBytes: 8_192)
        let recorder = DVRRecorder(
            key: RecorderHarness.key("cam"), configuration: configuration, eventLoop: loop,
            queue: DVRSerialQueue(backend: .inline), limits: limits, catalog: catalog, observer: nil,
            logger: Logger(label: "dvr-tests"), wallClock: { Date() })
        let key = RecorderHarness.key("cam")
        let future = registry.publish(key, configuration: LiveStreamConfiguration(timeJitter: .off), on: loop)
        loop.run()
        let session = try future.wait()
        recorder.subscription = registry.subscribe(recorder, to: key, configuration: LiveStreamConfiguration())
        loop.run()
        let packets = Payloads.stream(seconds: 6, gop: 25)
        for start in stride(from: 0, to: packets.count, by: 100) {
            for packet in packets[start..<min(packets.count, start + 100)] { session.append(packet) }
            session.flush()
            loop.run()
        }
        #expect(recorder.droppedPackets > 0)
        session.finish()
        loop.run()

        let recording = try #require(catalog.recordings(for: RecorderHarness.key("cam")).first)
        let recorded = try ParsedFLV(path: recording.path).mediaTags.map(\.packet)
        let input = Self.media(packets)
        #expect(recorded.count + recorder.droppedPackets == input.count)
        // Whatever was dropped, recording resumed at a keyframe.
        var next = 0
        for packet in recorded {
            let index = try #require(
                input[next...].firstIndex { $0.kind == packet.kind && $0.timestamp == packet.timestamp })
            if index != next { #expect(packet.kind == .video && packet.isKeyframe) }
            next = index + 1
        }
    }

    @Test func shutdownFinalizesOpenFilesAndRecordsNoMore() throws {
        let harness = try RecorderHarness()
        defer { harness.folder.remove() }
        let session = try harness.publish("cam")
        harness.send(Payloads.stream(seconds: 3), to: session)
        let done = harness.controller.shutdown(on: harness.loop)
        harness.loop.run()
        try done.wait()
        #expect(harness.folder.files().count == 1 && harness.folder.files()[0].hasSuffix(".flv"))
        #expect(try harness.files("cam").first?.metadata?["keyframes"] != nil)
        harness.send(Payloads.stream(seconds: 1, start: 3_000), to: session)
        harness.unpublish(session)
        let again = try harness.publish("cam")
        harness.send(Payloads.stream(seconds: 1), to: again)
        harness.unpublish(again)
        #expect(harness.folder.files().count == 1)
        #expect(harness.controller.recordingStreams.isEmpty)
    }

    @Test func publisherMetadataIsCarriedIntoTheFile() throws {
        let harness = try RecorderHarness()
        defer { harness.folder.remove() }
        let session = try harness.publish("cam")
        let metadata = Payloads.metadata([
            AMF0Property("encoder", .string("obs-output")), AMF0Property("framerate", .number(25)),
        ])
        harness.send([metadata] + Payloads.stream(seconds: 2), to: session)
        harness.unpublish(session)
        let file = try #require(try harness.files("cam").first)
        #expect(file.metadata?["encoder"] == .string("obs-output"))
        #expect(file.tags.filter { $0.tag.kind == .data }.count == 1)
    }
}
