import Config
import Live
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import Transcode

/// Outputs that publish straight into a registry, as the server's local outputs do.
struct RegistryOutputs: TranscodeOutputs {
    let registry: StreamRegistry
    let group: any EventLoopGroup
    let base = RecordingOutputs(group: MultiThreadedEventLoopGroup.singleton)

    func publish(url: String, on eventLoop: any EventLoop) -> EventLoopFuture<TranscodeOutputPublisher> {
        guard let key = localKey(for: url) else { return eventLoop.makeFailedFuture(LibAVError(operation: "o", message: "remote")) }
        return registry.publish(key, configuration: LiveStreamConfiguration(), on: eventLoop).map {
            TranscodeOutputPublisher(publisher: $0, localKey: key)
        }
    }

    func localKey(for url: String) -> StreamKey? { base.localKey(for: url) }
    func nextEventLoop() -> any EventLoop { group.next() }
}

@Suite struct TranscodeControllerTests {
    static let source = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "a")
    static let rendition = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "a_ld")

    static func vhost() throws -> VhostConfiguration {
        let text = """
            vhost __defaultVhost__ {
                transcode live {
                    enabled on;
                    engine ld { enabled on; vcodec copy; acodec copy; vbitrate 300; vwidth 640; vheight 360;
                        output rtmp://127.0.0.1:[port]/[app]/[stream]_[engine]; }
                    engine off { enabled off; output rtmp://127.0.0.1:[port]/[app]/[stream]_[engine]; }
                    engine far { enabled on; output rtmp://10.0.0.1:1935/[app]/[stream]; }
                }
            }
            """
        return try #require(ServerConfiguration.parse(text: text, file: "t.conf").0.vhosts["__defaultVhost__"])
    }

    @Test func ladderComesFromTheConfiguration() throws {
        let vhost = try Self.vhost()
        let controller = TranscodeController(
            registry: StreamRegistry(), outputs: RecordingOutputs(group: MultiThreadedEventLoopGroup.singleton),
            logger: Logger(label: "t"), vhost: { _ in vhost }, rtmpPort: { 1935 })
        let ladder = try #require(controller.ladder(for: Self.source))
        #expect(ladder.source == Self.source)
        #expect(ladder.renditions == [
            TranscodeRendition(key: Self.rendition, engine: "ld", videoBitrate: 300, width: 640, height: 360)
        ])
        let other = StreamKey(vhost: "__defaultVhost__", app: "other", stream: "a")
        #expect(controller.ladder(for: other) == nil)
    }

    @Test func publishRunsEnginesIntoLocalRenditionsWithoutRecursion() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let registry = StreamRegistry()
        let vhost = try Self.vhost()
        let controller = TranscodeController(
            registry: registry, outputs: RegistryOutputs(registry: registry, group: group), logger: Logger(label: "t"),
            vhost: { _ in vhost }, rtmpPort: { 1935 })
        registry.addPublishObserver(controller)

        let loop = group.next()
        let session = try await registry.publish(Self.source, configuration: LiveStreamConfiguration(), on: loop).get()
        try await loop.submit {
            session.append(packet(.video, 0, header: true))
            session.append(packet(.audio, 0, header: true))
            session.append(packet(.video, 0, key: true))
            session.append(packet(.audio, 10))
            session.append(packet(.video, 40))
            session.flush()
        }.get()

        var published = false
        for _ in 0..<100 where !published {
            try await Task.sleep(for: .milliseconds(20))
            published = registry.stream(for: Self.rendition)?.isPublishing == true
        }
        #expect(published)
        try await Task.sleep(for: .milliseconds(100))
        // The rendition is not itself transcoded.
        #expect(registry.stream(for: StreamKey(vhost: "__defaultVhost__", app: "live", stream: "a_ld_ld")) == nil)
        let ladder = try #require(controller.ladder(for: Self.rendition))
        #expect(ladder.source == Self.source)
        let statistics = try await registry.stream(for: Self.rendition)!.statisticsSnapshot().get()
        #expect(statistics.videoPackets >= 2)

        // The source's unpublish ends the rendition's publish.
        try await loop.submit { session.finish() }.get()
        var ended = false
        for _ in 0..<100 where !ended {
            try await Task.sleep(for: .milliseconds(20))
            ended = registry.stream(for: Self.rendition)?.isPublishing != true
        }
        #expect(ended)
        await controller.shutdown()
    }

    @Test func republishRestartsTheEngines() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let registry = StreamRegistry()
        let vhost = try Self.vhost()
        let controller = TranscodeController(
            registry: registry, outputs: RegistryOutputs(registry: registry, group: group), logger: Logger(label: "t"),
            vhost: { _ in vhost }, rtmpPort: { 1935 })
        registry.addPublishObserver(controller)
        let loop = group.next()
        for round in 0..<2 {
            let session = try await registry.publish(Self.source, configuration: LiveStreamConfiguration(), on: loop).get()
            try await loop.submit {
                session.append(packet(.video, 0, header: true))
                session.append(packet(.video, Int64(round) * 1000, key: true))
                session.flush()
            }.get()
            var published = false
            for _ in 0..<100 where !published {
                try await Task.sleep(for: .milliseconds(20))
                published = registry.stream(for: Self.rendition)?.isPublishing == true
            }
            #expect(published, "round \(round)")
            try await loop.submit { session.finish() }.get()
            var ended = false
            for _ in 0..<100 where !ended {
                try await Task.sleep(for: .milliseconds(20))
                ended = registry.stream(for: Self.rendition)?.isPublishing != true
            }
            #expect(ended, "round \(round)")
        }
        await controller.shutdown()
    }
}
