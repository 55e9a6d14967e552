import Live
import Logging
import Media
import NIOCore
import NIOEmbedded
import RTMP
import Testing

@testable import Ingest

/// Timers run on the `EmbeddedEventLoop`'s virtual clock (`advanceTime(by:)`).
@Suite("RTMP session timeouts")
struct RTMPTimeoutTests {
    /// SRS's defaults: 20 s for the first packet, 5 s between packets.
    static let vhost = RTMPServerSettings.Vhost()

    @Test("a publisher that sends no media within firstpkt_timeout is closed")
    func firstPacketTimeout() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let player = try harness.client()
        try player.play("test")

        harness.loop.advanceTime(by: Self.vhost.firstPacketTimeout - .seconds(2))
        #expect(publisher.isActive)
        harness.loop.advanceTime(by: .seconds(3))
        #expect(!publisher.isActive)
        #expect(player.isActive)
        #expect(try player.receiveMessages().statusCodes == [.playUnpublishNotify])
    }

    @Test("a publisher that stops sending for normal_timeout is closed; a steady one is not")
    func normalTimeout() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let steady = try harness.client()
        try steady.publish("steady")
        let stalling = try harness.client()
        try stalling.publish("stalling")
        var steadyMedia = MediaGenerator()
        var stallingMedia = MediaGenerator()
        try stalling.send(stallingMedia.tick())

        for _ in 0..<10 {
            try steady.send(steadyMedia.tick())
            harness.loop.advanceTime(by: .seconds(1))
        }

        #expect(steady.isActive)
        #expect(!stalling.isActive)
    }

    @Test("a republish on the same connection gets firstpkt_timeout again, not the old media's age")
    func republishAfterPause() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        var media = MediaGenerator()
        try publisher.send(media.tick())
        try publisher.unpublish("test")
        // Idle for longer than normal_timeout (5 s) but within handshake_timeout (10 s).
        harness.loop.advanceTime(by: .seconds(9))
        #expect(publisher.isActive, "an idle connection that does not publish has no media timeout")

        try publisher.send(RTMPCommand.publish(transactionID: 9, streamName: "test", type: .live).message(streamID: 1))
        #expect(try publisher.receiveMessages().statusCodes == [.publishStart])
        harness.loop.advanceTime(by: .seconds(2))

        #expect(publisher.isActive, "closed for media silence from before the republish")
    }

    @Test("a connection left idle after its stream ended is closed after handshake_timeout")
    func idleAfterUnpublishIsClosed() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        var media = MediaGenerator()
        try publisher.send(media.tick())
        try publisher.unpublish("test")
        harness.loop.advanceTime(by: .seconds(9))
        #expect(publisher.isActive)
        harness.loop.advanceTime(by: .seconds(2))
        #expect(!publisher.isActive, "an idle connection kept its slot after its stream ended")
    }
}
