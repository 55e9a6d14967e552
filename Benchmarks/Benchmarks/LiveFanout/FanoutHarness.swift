import Live
import Media
import NIOCore
import NIOEmbedded
import RTMP

/// What every fan-out harness shares: the stream, its configuration and the players' format.
enum Fanout {
    /// RTMP chunks at SRS's default outbound chunk size, written into the stream's reused buffer as the
    /// server's RTMP players receive them (`RTMPMediaFormat` in Ingest).
    static let format = LiveFormat(name: "rtmp/60000") { (packet: MediaPacket, buffer: inout ByteBuffer) in
        buffer.writeRTMPChunks(RTMPMessage(playing: packet), chunkSize: 60_000)
    }
    static let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "bench")
    static let configuration = LiveStreamConfiguration()
}

/// One publisher and `players` players of one stream, all on one `EmbeddedEventLoop`.
///
/// An `EmbeddedEventLoop` may only be used on the thread that made it, and the benchmark runner
/// does not promise one thread across iterations, so each iteration builds its own harness.
/// Publisher and players sharing the loop means delivery is inline: what is measured is the
/// hub's own work (timestamp fix-up, one encoding into the stream's pages, GOP cache, the hand-off
/// to every player or the followers' trail and flushes), not cross-thread hops.
final class FanoutHarness<Player: ByteCountingPlayer> {
    let loop: EmbeddedEventLoop
    let players: [Player]
    let source: any PacketSource
    private let subscriptions: [LiveSubscription]
    private let session: LivePublishSession

    init(players count: Int, source: any PacketSource) throws {
        let loop = EmbeddedEventLoop()
        let registry = StreamRegistry()
        let players = (0..<count).map { _ in Player(eventLoop: loop, format: Fanout.format) }
        subscriptions = players.map {
            registry.subscribe($0, to: Fanout.key, configuration: Fanout.configuration)
        }
        let published = registry.publish(Fanout.key, configuration: Fanout.configuration, on: loop)
        loop.run()
        session = try published.wait()
        self.loop = loop
        self.players = players
        self.source = source
    }

    /// Publishes `count` packets, flushing after each as a publisher's `channelReadComplete`
    /// does when every read carries one message.
    func publish(_ count: Int) {
        for _ in 0..<count {
            session.append(source.next())
            session.flush()
        }
    }

    /// Ends the publish: the relay hands followers what they were not flushed yet, then `unpublished`.
    func finishPublishing() {
        session.finish()
        loop.run()
    }

    func shutdown() throws {
        session.finish()
        subscriptions.forEach { $0.cancel() }
        loop.run()
        try loop.syncShutdownGracefully()
    }
}

extension RTMPMessage {
    /// The message a player receives for `packet`: message stream 1 and the fixed media chunk
    /// streams, so the bytes are the same for every player (DESIGN.md, zero-copy fan-out).
    init(playing packet: MediaPacket) {
        let type: RTMPMessageType
        switch packet.kind {
        case .audio: type = .audio
        case .video: type = .video
        case .data: type = .amf0Data
        }
        self.init(
            type: type, streamID: 1, timestamp: UInt32(truncatingIfNeeded: packet.timestamp),
            payload: packet.payload)
    }
}
