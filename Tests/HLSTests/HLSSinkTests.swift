import Config
import Foundation
import HLS
import Live
import Logging
import Media
import NIOCore
import NIOEmbedded
import Testing

/// The live HLS output driven through a real registry on a testing loop, writing into a temporary folder.
/// The loop is `NIOAsyncTestingEventLoop`, not `EmbeddedEventLoop`: the segment writer hops back to it from its
/// own thread, which only the former allows.
@Suite struct HLSSinkTests {
    let loop = NIOAsyncTestingEventLoop()
    let registry = StreamRegistry()
    let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam")
    let folder: TemporaryFolder
    let controller: HLSController

    init() throws {
        folder = try TemporaryFolder()
        var configuration = HLSConfiguration()
        configuration.enabled = true
        configuration.fragment = .seconds(2)
        configuration.window = .seconds(60)
        configuration.dispose = .seconds(5)
        configuration.path = folder.path
        let fixed = configuration
        controller = HLSController(registry: registry, logger: Logger(label: "test")) { _ in fixed }
        registry.addPublishObserver(controller)
    }

    /// Publishes `packets` with timestamps shifted by `offset`, then unpublishes; waits for the files.
    func publish(_ packets: [MediaPacket], offset: Int64 = 0, disconnect: (@Sendable () -> Void)? = nil) async throws {
        let future = registry.publish(key, configuration: LiveStreamConfiguration(timeJitter: .off), on: loop, disconnect: disconnect)
        await loop.run()
        let session = try await future.get()
        await loop.run()
        let shifted = packets.map { packet in
            var packet = packet
            packet.timestamp += offset
            return packet
        }
        try await loop.executeInContext {
            for packet in shifted { session.append(packet) }
            session.flush()
            session.finish()
        }
        await loop.run()
        try await waitForWriters()
    }

    func waitForWriters() async throws {
        // The writer's queue is asynchronous; a shutdown-free wait: poll until no .tmp remains.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, folder.files(in: "live").contains(where: { $0.hasSuffix(".tmp") }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(50))
    }

    func withLoop(_ body: () async throws -> Void) async throws {
        try await loop.runTest(body, settle: waitForWriters)
    }

    func playlist() -> String { String(decoding: folder.read("live/cam.m3u8") ?? [], as: UTF8.self) }

    @Test func aPublishBecomesSegmentsAndAPlaylist() async throws {
        try await withLoop {
            guard let packets = try samplePackets() else { return }
            try await publish(packets)
            let text = playlist()
            #expect(text.hasPrefix("#EXTM3U\n"))
            #expect(!text.contains("#EXT-X-ENDLIST"))
            let segments = folder.files(in: "live").filter { $0.hasSuffix(".ts") }
            #expect(segments == ["cam-0.ts", "cam-1.ts", "cam-2.ts", "cam-3.ts", "cam-4.ts"])
            for name in segments {
                let bytes = try #require(folder.read("live/" + name))
                #expect(bytes.count % 188 == 0 && bytes.count > 188)
                #expect(stride(from: 0, to: bytes.count, by: 188).allSatisfy { bytes[$0] == 0x47 })
                // PAT first (PID 0), PMT second (PID 0x1000).
                #expect(bytes[1] & 0x1F == 0 && bytes[2] == 0)
                #expect(bytes[189] & 0x1F == 0x10 && bytes[190] == 0x00)
            }
            let durations = text.split(separator: "\n").filter { $0.hasPrefix("#EXTINF:") }
                .compactMap { Double($0.dropFirst(8).dropLast()) }
            #expect(abs(durations.reduce(0, +) - 10.08) < 0.05, "\(durations)")
            #expect(text.components(separatedBy: "#EXT-X-PROGRAM-DATE-TIME:").count == 6)
        }
    }

    @Test func republishContinuesWithOneDiscontinuityThenDisposeEndsAndRemoves() async throws {
        try await withLoop {
            guard let packets = try samplePackets() else { return }
            try await publish(packets)
            try await publish(packets, offset: 10_100)
            let text = playlist()
            #expect(text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 2)
            #expect(text.contains("cam-5.ts\n") && text.contains("cam-9.ts\n"))
            #expect(controller.activeStreams == [key])

            await loop.advanceTime(by: .seconds(5))
            try await waitForWriters()
            #expect(playlist().hasSuffix("#EXT-X-ENDLIST\n"))
            await loop.advanceTime(by: .seconds(3))
            await loop.run()
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline, !folder.files(in: "live").isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            #expect(folder.files(in: "live").isEmpty)
            #expect(controller.activeStreams.isEmpty)
            #expect(registry.streams.isEmpty)

            // The next publish of the stream continues the numbering: no segment name is reused.
            try await publish(Array(packets.prefix(60)))
            #expect(playlist().contains("cam-10.ts"))
        }
    }

    @Test func anUnwritableFolderUnderDisconnectClosesThePublisher() async throws {
        try await withLoop {
            guard let packets = try samplePackets() else { return }
            // A file where the stream's folder should be: every segment write fails.
            FileManager.default.createFile(atPath: folder.path + "/live", contents: Data("x".utf8))
            var configuration = HLSConfiguration()
            configuration.enabled = true
            configuration.fragment = .seconds(1)
            configuration.path = folder.path
            configuration.onError = .disconnect
            let fixed = configuration
            let registry = StreamRegistry()
            registry.addPublishObserver(HLSController(registry: registry, logger: Logger(label: "test")) { _ in fixed })
            let disconnects = Counter()
            let future = registry.publish(key, configuration: LiveStreamConfiguration(), on: loop) { disconnects.add() }
            await loop.run()
            let session = try await future.get()
            await loop.run()
            // Publishes a tenth of a second of media per turn until the publisher is told to go: the loop
            // turns by hops to its queue, slow on a loaded machine, so no turn waits for a packet's own.
            let deadline = Date().addingTimeInterval(15)
            var index = 0
            while disconnects.value == 0, Date() < deadline {
                if index < packets.count {
                    let batch = Array(packets[index..<min(index + 10, packets.count)])
                    index += batch.count
                    try await loop.executeInContext {
                        for packet in batch { session.append(packet) }
                        session.flush()
                    }
                } else {
                    try await Task.sleep(for: .milliseconds(5))
                }
                await loop.run()
            }
            #expect(disconnects.value == 1)
            try await loop.executeInContext { session.finish() }
            await loop.run()
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
