import Live
import Media
import NIOCore
import NIOEmbedded
import RTMP
import Testing

@testable import Ingest

/// A player whose socket stops draining: its backlog is bounded by `queue_length`, cut back to a
/// keyframe, and a player that stays behind is disconnected without disturbing anyone else.
@Suite("RTMP players that fall behind")
struct RTMPSlowPlayerTests {
    /// One second of backlog, so a test needs only a few seconds of (virtual) media.
    static let settings: RTMPServerSettings = {
        var settings = RTMPServerSettings()
        settings.vhosts[RTMPServerSettings.defaultVhostName]?.live.queueLength = 1
        return settings
    }()

    /// A publisher that sent headers and one keyframe, and two players (slow, fast) that got them.
    struct Scene {
        let harness = IngestHarness(settings: RTMPSlowPlayerTests.settings)
        let publisher: FakeRTMPClient
        let slow: FakeRTMPClient
        let fast: FakeRTMPClient
        var media = MediaGenerator(keyframeInterval: 10)

        init() throws {
            publisher = try harness.client()
            try publisher.publish("test")
            try publisher.send(media.headers())
            try publisher.send(media.tick())
            slow = try harness.client()
            fast = try harness.client()
            #expect(try slow.play("test").media.count == 3 + 3)
            #expect(try fast.play("test").media.count == 3 + 3)
        }

        /// Publishes `milliseconds` of media, one read per tick; returns the ids sent.
        mutating func publish(milliseconds: Int) throws -> [UInt32] {
            let batches = media.ticks(milliseconds: milliseconds)
            try publisher.send(batches: batches)
            return batches.joined().compactMap(TestMedia.id(of:))
        }
    }

    static func setWritable(_ client: FakeRTMPClient, _ writable: Bool) {
        client.channel.isWritable = writable
        client.channel.pipeline.syncOperations.fireChannelWritabilityChanged()
        client.loop.run()
    }

    @Test("a backlog longer than queue_length is cut back to a keyframe")
    func backlogIsCutToKeyframe() throws {
        var scene = try Scene()
        defer { scene.harness.finish() }
        Self.setWritable(scene.slow, false)

        // 1.5 s against a 1 s queue: one cut, to the keyframe at 800 ms.
        let sent = try scene.publish(milliseconds: 1500)

        #expect(try scene.slow.receive().isEmpty, "nothing may be written while the socket is not writable")
        #expect(try scene.fast.receiveMessages().compactMap(TestMedia.id(of:)) == sent)
        #expect(scene.slow.isActive)

        Self.setWritable(scene.slow, true)
        let drained = try scene.slow.receiveMessages().media
        let first = try #require(drained.first)
        #expect(TestMedia.isKeyframe(first) || TestMedia.isSequenceHeader(first) || TestMedia.isMetadata(first))
        let ids = drained.compactMap(TestMedia.id(of:))
        let firstID = try #require(ids.first)
        #expect(firstID > sent[0], "the backlog was not cut")
        #expect(ids == sent.filter { $0 >= firstID }, "after the cut the player gets everything, in order")
        let timestamps = drained.map(\.timestamp)
        #expect(timestamps == timestamps.sorted())
        #expect(try #require(timestamps.last) - #require(timestamps.first) <= 1000)

        // Writable again: live media goes straight out.
        let next = try scene.publish(milliseconds: 40)
        #expect(try scene.slow.receiveMessages().compactMap(TestMedia.id(of:)) == next)
        #expect(scene.slow.isActive && scene.fast.isActive && scene.publisher.isActive)
    }

    @Test("a player that stays behind for three cuts is closed; others carry on")
    func persistentlySlowPlayerIsClosed() throws {
        var scene = try Scene()
        defer { scene.harness.finish() }
        Self.setWritable(scene.slow, false)

        // 2 s: two cuts (at about 1.06 s and 1.86 s of backlog), not yet enough to give up.
        var sent = try scene.publish(milliseconds: 2000)
        #expect(scene.slow.isActive)
        // Another 1.2 s: the third cut closes the connection.
        sent += try scene.publish(milliseconds: 1200)
        #expect(!scene.slow.isActive)

        // The fast player got every packet; the publisher is still publishing to it.
        #expect(try scene.fast.receiveMessages().compactMap(TestMedia.id(of:)) == sent)
        let next = try scene.publish(milliseconds: 200)
        #expect(try scene.fast.receiveMessages().compactMap(TestMedia.id(of:)) == next)
        #expect(scene.fast.isActive && scene.publisher.isActive)
        #expect(try scene.publisher.receive().isEmpty)
        let statisticsFuture = try #require(scene.harness.registry.stream(for: testKey)).statisticsSnapshot()
        scene.harness.loop.run()
        let statistics = try statisticsFuture.wait()
        #expect(statistics.consumers == 1)
        #expect(statistics.isPublishing)
    }

    @Test("metadata repeated while a player lags does not count as staying behind")
    func repeatedMetadataDoesNotDisconnect() throws {
        var scene = try Scene()
        defer { scene.harness.finish() }
        Self.setWritable(scene.slow, false)

        // Encoders such as GStreamer's flvmux repeat @setDataFrame; the copy waits in the backlog.
        var sent = try scene.publish(milliseconds: 120)
        try scene.publisher.send(TestMedia.metadata())
        // 1.5 s in all: a single cut's worth of lag.
        sent += try scene.publish(milliseconds: 1380)
        #expect(scene.slow.isActive, "a kept header made every later packet count as a new cut")

        Self.setWritable(scene.slow, true)
        let drained = try scene.slow.receiveMessages().media
        #expect(drained.first.map(TestMedia.isMetadata) == true)
        #expect(drained.dropFirst().first.map(TestMedia.isKeyframe) == true)
        let ids = drained.compactMap(TestMedia.id(of:))
        let firstID = try #require(ids.first)
        #expect(ids == sent.filter { $0 >= firstID })
        #expect(firstID > sent[0], "the backlog was not cut")
    }

    @Test("a lagging player gets UnpublishNotify after its backlog, not ahead of it")
    func unpublishNoticeWaitsForBacklog() throws {
        var scene = try Scene()
        defer { scene.harness.finish() }
        Self.setWritable(scene.slow, false)
        let sent = try scene.publish(milliseconds: 400)
        _ = try scene.publisher.unpublish("test")
        #expect(try scene.slow.receive().isEmpty)

        Self.setWritable(scene.slow, true)
        let messages = try scene.slow.receiveMessages()
        #expect(messages.media.compactMap(TestMedia.id(of:)) == sent, "the backlog was lost")
        #expect(messages.statusCodes == [.playUnpublishNotify])
        #expect(messages.last.map { !$0.isMedia } == true, "UnpublishNotify overtook queued media")
    }
}

let testKey = StreamKey(vhost: RTMPServerSettings.defaultVhostName, app: "live", stream: "test")
