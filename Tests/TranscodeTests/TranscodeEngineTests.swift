import Config
import Foundation
import Live
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import Transcode

/// Records what an engine publishes.
final class RecordingPublisher: LivePublishing, @unchecked Sendable {
    let packets = NIOLockedValueBox<[MediaPacket]>([])
    let finished = NIOLockedValueBox(false)
    func append(_ packet: MediaPacket) { packets.withLockedValue { $0.append(packet) } }
    func flush() {}
    func finish() { finished.withLockedValue { $0 = true } }
}

struct RecordingOutputs: TranscodeOutputs {
    let group: any EventLoopGroup
    let publisher = RecordingPublisher()
    let published = NIOLockedValueBox<[String]>([])

    func publish(url: String, on eventLoop: any EventLoop) -> EventLoopFuture<TranscodeOutputPublisher> {
        published.withLockedValue { $0.append(url) }
        return eventLoop.makeSucceededFuture(TranscodeOutputPublisher(publisher: publisher, localKey: localKey(for: url)))
    }

    func localKey(for url: String) -> StreamKey? {
        let prefix = "rtmp://127.0.0.1:1935/"
        guard url.hasPrefix(prefix) else { return nil }
        let parts = url.dropFirst(prefix.count).split(separator: "/")
        guard parts.count == 2 else { return nil }
        return StreamKey(vhost: "__defaultVhost__", app: String(parts[0]), stream: String(parts[1]))
    }

    func nextEventLoop() -> any EventLoop { group.next() }
}

/// A pipeline stand-in: copies, optionally slowly, optionally failing once at a given packet.
final class StubStage: TranscodeStage {
    let delay: Double
    let failAt: Int?
    var count = 0
    init(delay: Double = 0, failAt: Int? = nil) {
        self.delay = delay
        self.failAt = failAt
    }
    func process(_ packet: MediaPacket) throws(LibAVError) -> [MediaPacket] {
        count += 1
        if count == failAt { throw LibAVError(operation: "stub", message: "boom") }
        if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
        return [packet]
    }
    func drain() throws(LibAVError) -> [MediaPacket] { [] }
}

func packet(_ kind: MediaKind, _ timestamp: Int64, key: Bool = false, header: Bool = false, size: Int = 10) -> MediaPacket {
    var flags: MediaPacket.Flags = []
    if key { flags.insert(.keyframe) }
    if header { flags.insert(.sequenceHeader) }
    return MediaPacket(
        kind: kind, timestamp: timestamp, flags: flags, payload: ByteBuffer(repeating: 0, count: size))
}

@Suite struct TranscodeInputQueueTests {
    @Test func overflowDropsToTheNextKeyframeKeepingHeaders() {
        var queue = TranscodeInputQueue(packetLimit: 4, byteLimit: 1 << 20)
        #expect(queue.push(packet(.video, 0, header: true)) == 0)
        #expect(queue.push(packet(.audio, 0, header: true)) == 0)
        #expect(queue.push(packet(.video, 0, key: true)) == 0)
        #expect(queue.push(packet(.video, 40)) == 0)
        // Full: the four queued packets and this one go.
        #expect(queue.push(packet(.video, 80)) == 5)
        #expect(queue.isDropping)
        #expect(queue.push(packet(.audio, 90)) == 1)
        #expect(queue.push(packet(.video, 120)) == 1)
        #expect(queue.push(packet(.video, 160, key: true)) == 0)
        #expect(!queue.isDropping)
        let taken = queue.takeAll()
        #expect(taken.map(\.isSequenceHeader) == [true, true, false])
        #expect(taken.last?.timestamp == 160)
        #expect(queue.isEmpty)
    }

    @Test func byteLimitCounts() {
        var queue = TranscodeInputQueue(packetLimit: 100, byteLimit: 100)
        #expect(queue.push(packet(.video, 0, key: true, size: 60)) == 0)
        #expect(queue.push(packet(.video, 40, key: true, size: 60)) == 1)
        #expect(queue.takeAll().map(\.timestamp) == [40])
    }

    @Test func audioOnlyStreamResumesAtOnce() {
        var queue = TranscodeInputQueue(packetLimit: 2, byteLimit: 1 << 20)
        queue.push(packet(.audio, 0))
        queue.push(packet(.audio, 23))
        #expect(queue.push(packet(.audio, 46)) == 2)
        #expect(!queue.isDropping)
        #expect(queue.takeAll().map(\.timestamp) == [46])
    }
}

@Suite struct TranscodeEngineTests {
    static let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "a")

    static func makeEngine(
        outputs: RecordingOutputs, queue: TranscodeInputQueue = TranscodeInputQueue(),
        stage: @escaping @Sendable () -> any TranscodeStage
    ) -> TranscodeEngine {
        var engine = TranscodeEngineConfiguration(name: "ld", location: .init(file: "t", line: 1))
        engine.enabled = true
        return TranscodeEngine(
            configuration: engine, sourceKey: key, outputURL: "rtmp://127.0.0.1:1935/live/a_ld", outputKey: nil,
            outputs: outputs, logger: Logger(label: "test"), queue: queue, makeStage: { _ throws(LibAVError) in stage() })
    }

    @Test func slowEngineDropsToKeyframeWithoutBlockingTheSource() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let outputs = RecordingOutputs(group: group)
        let engine = Self.makeEngine(outputs: outputs, queue: TranscodeInputQueue(packetLimit: 8, byteLimit: 1 << 20)) {
            StubStage(delay: 0.01)
        }
        engine.start()
        let clock = ContinuousClock()
        let start = clock.now
        engine.enqueue(packet(.video, 0, header: true))
        for index in 0..<200 {
            engine.enqueue(packet(.video, Int64(index) * 10, key: index % 50 == 0))
        }
        // Queuing never waits for the slow thread (200 × 10 ms of work would take 2 s).
        #expect(clock.now - start < .milliseconds(1_500))
        engine.endInput()
        try await engine.exitFuture.get()
        let out = outputs.publisher.packets.withLockedValue { $0 }
        #expect(out.count < 100)
        #expect(outputs.publisher.finished.withLockedValue { $0 })
        // After every gap the output resumes at a key frame.
        let frames = out.filter { !$0.isSequenceHeader }
        for (previous, next) in zip(frames, frames.dropFirst()) where next.timestamp - previous.timestamp > 10 {
            #expect(next.isKeyframe)
        }
    }

    @Test func failingPipelineIsRestartedWithHeaders() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let outputs = RecordingOutputs(group: group)
        let made = NIOLockedValueBox(0)
        let engine = Self.makeEngine(outputs: outputs) {
            let first = made.withLockedValue { value in
                defer { value += 1 }
                return value == 0
            }
            return StubStage(failAt: first ? 3 : nil)
        }
        engine.start()
        engine.enqueue(packet(.video, 0, header: true))
        engine.enqueue(packet(.video, 0, key: true))
        engine.enqueue(packet(.video, 40))
        try await Task.sleep(for: .milliseconds(100))
        // The first stage fails here; the engine waits 0.5 s and starts a fresh one.
        engine.enqueue(packet(.video, 80))
        try await Task.sleep(for: .milliseconds(700))
        engine.enqueue(packet(.video, 120, key: true))
        engine.endInput()
        try await engine.exitFuture.get()
        #expect(made.withLockedValue { $0 } == 2)
        let out = outputs.publisher.packets.withLockedValue { $0 }
        let headers = out.filter(\.isSequenceHeader)
        #expect(headers.count == 2)
        #expect(out.last?.timestamp == 120)
    }

    @Test func stopEndsTheThreadPromptly() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let outputs = RecordingOutputs(group: group)
        let engine = Self.makeEngine(outputs: outputs) { StubStage() }
        engine.start()
        engine.enqueue(packet(.video, 0, key: true))
        engine.stop()
        try await engine.exitFuture.get()
        engine.enqueue(packet(.video, 40, key: true))
    }
}
