import Config
import Foundation
import Live
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import DVR

/// Log lines a recorder wrote, for counting.
final class CollectingLogHandler: LogHandler, @unchecked Sendable {
    private let lines = NIOLockedValueBox<[(Logger.Level, String)]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { lines.withLockedValue { $0.append((event.level, "\(event.message)")) } }

    func count(_ level: Logger.Level, containing text: String) -> Int {
        lines.withLockedValue { $0.filter { $0.0 == level && $0.1.contains(text) }.count }
    }
}

/// A disk that fills up (ENOSPC from the sink's write-fault hook) mid-file and later has room again.
@Suite struct DVRDiskFullTests {
    @Test func aFullDiskKeepsTheWrittenPartLogsOnceAndANewFileStartsWhenSpaceReturns() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let loop = EmbeddedEventLoop()
        let registry = StreamRegistry()
        let catalog = DVRCatalog()
        let full = NIOLockedValueBox(false)
        let log = CollectingLogHandler()
        var configuration = DVRConfiguration()
        configuration.enabled = true
        configuration.path = folder.path + "/[stream].flv"
        let key = RecorderHarness.key("cam")
        let recorder = DVRRecorder(
            key: key, configuration: configuration, eventLoop: loop, queue: DVRSerialQueue(backend: .inline),
            limits: DVRLimits(batchBytes: 1_024), catalog: catalog, observer: nil,
            logger: Logger(label: "dvr-tests") { _ in log }, wallClock: { Date() },
            writeFault: { _ in full.withLockedValue { $0 } ? ENOSPC : nil })
        let future = registry.publish(key, configuration: LiveStreamConfiguration(timeJitter: .off), on: loop)
        loop.run()
        let session = try future.wait()
        recorder.subscription = registry.subscribe(recorder, to: key, configuration: LiveStreamConfiguration())
        loop.run()
        func send(_ packets: [MediaPacket]) {
            for (index, packet) in packets.enumerated() {
                session.append(packet)
                if index % 20 == 19 {
                    session.flush()
                    loop.run()
                }
            }
            session.flush()
            loop.run()
        }

        send(Payloads.stream(seconds: 2))
        full.withLockedValue { $0 = true }
        send(Array(Payloads.stream(seconds: 2, start: 2_000).dropFirst(2)))
        // Two retries, each after the pause, fail as well: still one error line.
        for second in [4, 6] {
            loop.advanceTime(by: .seconds(5))
            send(Array(Payloads.stream(seconds: 2, start: Int64(second) * 1_000).dropFirst(2)))
        }
        #expect(log.count(.error, containing: "DVR recording interrupted") == 1)
        #expect(recorder.filesStarted == 3)
        // The part written before the disk filled is kept, cut back to whole tags, under the final name.
        let salvaged = try #require(catalog.recordings(for: key).first)
        #expect(!salvaged.isIndexed)
        let kept = try ParsedFLV(path: salvaged.path)
        #expect(kept.tags.count > 2 && kept.bytes.readableBytes == salvaged.size)

        full.withLockedValue { $0 = false }
        loop.advanceTime(by: .seconds(5))
        let later = Array(Payloads.stream(seconds: 4, start: 8_000).dropFirst(2))
        send(later)
        #expect(log.count(.notice, containing: "DVR recording again") == 1)
        session.finish()
        loop.run()

        let recordings = catalog.recordings(for: key)
        #expect(recordings.count == 2)
        let resumed = try #require(recordings.last)
        #expect(resumed.isIndexed && resumed.path != salvaged.path)
        let media = try ParsedFLV(path: resumed.path).tags.map(\.packet).filter { !$0.isSequenceHeader && $0.kind != .data }
        #expect(media.count == later.count)
        #expect(media.first.map { $0.kind == .video && $0.isKeyframe } == true)
    }
}
