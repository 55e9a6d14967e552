import Config
import Foundation
import HLS
import Live
import Logging
import Media
import NIOCore
import NIOEmbedded
import Testing

/// The live HLS output driven through a real registry on an embedded loop, writing into a temporary folder.
@Suite struct HLSSinkTests {
    let loop = EmbeddedEventLoop()
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
    func publish(_ packets: [MediaPacket], offset: Int64 = 0, disconnect: (@Sendable () -> Void)? = nil) throws {
        let future = registry.publish(key, configuration: LiveStreamConfiguration(timeJitter: .off), on: loop, disconnect: disconnect)
        loop.run()
        let session = try future.wait()
        loop.run()
        for var packet in packets {
            packet.timestamp += offset
            session.append(packet)
        }
        session.flush()
        session.finish()
        loop.run()
        waitForWriters()
    }

    func waitForWriters() {
        // The writer's queue is asynchronous; a shutdown-free wait: poll until no .tmp remains.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, folder.files(in: "live").contains(where: { $0.hasSuffix(".tmp") }) { usleep(10_000) }
        usleep(50_000)
    }

    func playlist() -> String { String(decoding: folder.read("live/cam.m3u8") ?? [], as: UTF8.self) }

    @Test func aPublishBecomesSegmentsAndAPlaylist() throws {
        guard let packets = try samplePackets() else { return }
        try publish(packets)
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

    @Test func republishContinuesWithOneDiscontinuityThenDisposeEndsAndRemoves() throws {
        guard let packets = try samplePackets() else { return }
        try publish(packets)
        try publish(packets, offset: 10_100)
        let text = playlist()
        #expect(text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 2)
        #expect(text.contains("cam-5.ts\n") && text.contains("cam-9.ts\n"))
        #expect(controller.activeStreams == [key])

        loop.advanceTime(by: .seconds(5))
        waitForWriters()
        #expect(playlist().hasSuffix("#EXT-X-ENDLIST\n"))
        loop.advanceTime(by: .seconds(3))
        loop.run()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !folder.files(in: "live").isEmpty { usleep(10_000) }
        #expect(folder.files(in: "live").isEmpty)
        #expect(controller.activeStreams.isEmpty)
        #expect(registry.streams.isEmpty)

        // The next publish of the stream continues the numbering: no segment name is reused.
        try publish(Array(packets.prefix(60)))
        #expect(playlist().contains("cam-10.ts"))
    }

    @Test func anUnwritableFolderUnderDisconnectClosesThePublisher() throws {
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
        loop.run()
        let session = try future.wait()
        loop.run()
        let deadline = Date().addingTimeInterval(5)
        var index = 0
        while disconnects.value == 0, Date() < deadline {
            if index < packets.count {
                session.append(packets[index])
                session.flush()
                index += 1
            }
            loop.run()
            usleep(1_000)
        }
        #expect(disconnects.value == 1)
        session.finish()
        loop.run()
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
