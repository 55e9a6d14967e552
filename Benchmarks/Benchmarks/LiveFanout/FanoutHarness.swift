import Live
import Media
import NIOCore
import NIOEmbedded
import RTMP

/// A player reduced to its bookkeeping: it counts the bytes it would write and its flushes.
final class ByteCountingConsumer: LiveConsumer {
    let eventLoop: any EventLoop
    let format: LiveFormat?
    private(set) var bytes = 0
    private(set) var batches = 0

    init(eventLoop: any EventLoop, format: LiveFormat?) {
        self.eventLoop = eventLoop
        self.format = format
    }

    func liveStream(didReceive event: LiveEvent) {
        if case .media(_, let encoded?) = event {
            bytes += encoded.readableBytes
        }
    }

    func liveStreamDidFinishBatch() {
        batches += 1
    }
}

/// One publisher and `consumers` players of one stream, all on one `EmbeddedEventLoop`.
///
/// An `EmbeddedEventLoop` may only be used on the thread that made it, and the benchmark runner
/// does not promise one thread across iterations, so each iteration builds its own harness.
/// Publisher and players sharing the loop means delivery is inline: what is measured is the
/// hub's own work (timestamp fix-up, one serialization, GOP cache, the hand-off to every player),
/// not cross-thread hops.
final class FanoutHarness {
    /// RTMP chunks at SRS's default outbound chunk size, as an RTMP player receives them.
    static let format = LiveFormat(name: "rtmp-60000") { packet in
        RTMPChunkSerializer.serialize(RTMPMessage(playing: packet), chunkSize: 60_000)
    }
    static let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "bench")
    static let configuration = LiveStreamConfiguration()

    let loop: EmbeddedEventLoop
    let consumers: [ByteCountingConsumer]
    private let subscriptions: [LiveSubscription]
    private let session: LivePublishSession
    private let source: VideoSource

    init(consumers count: Int, source: VideoSource) throws {
        let loop = EmbeddedEventLoop()
        let registry = StreamRegistry()
        let consumers = (0..<count).map { _ in ByteCountingConsumer(eventLoop: loop, format: Self.format) }
        subscriptions = consumers.map {
            registry.subscribe($0, to: Self.key, configuration: Self.configuration)
        }
        let published = registry.publish(Self.key, configuration: Self.configuration, on: loop)
        loop.run()
        session = try published.wait()
        self.loop = loop
        self.consumers = consumers
        self.source = source
    }

    /// Publishes `count` packets, flushing after each as a publisher's `channelReadComplete`
    /// does when every read carries one large video message.
    func publish(_ count: Int) {
        for _ in 0..<count {
            session.append(source.next())
            session.flush()
        }
    }

    func finish() throws {
        subscriptions.forEach { $0.cancel() }
        session.finish()
        loop.run()
        try loop.syncShutdownGracefully()
    }
}

/// 64 KiB video frames at 30 fps with a keyframe every 2 s, all sharing one payload buffer
/// (as the GOP cache and every player share a packet's payload).
final class VideoSource {
    static let frameSize = 64 * 1024
    static let frameDuration: Int64 = 33
    static let gopLength = 60

    private let keyframe: ByteBuffer
    private let interframe: ByteBuffer
    private var index = 0

    init() {
        keyframe = Self.payload(frameType: 0x17)
        interframe = Self.payload(frameType: 0x27)
    }

    func next() -> MediaPacket {
        defer { index += 1 }
        let isKey = index % Self.gopLength == 0
        return MediaPacket(
            kind: .video, timestamp: Int64(index) * Self.frameDuration,
            flags: isKey ? [.keyframe] : [], payload: isKey ? keyframe : interframe)
    }

    /// An AVC video tag body: frame type and codec id, NALU packet type, composition time 0,
    /// then filler standing in for the NAL units (FLV spec §E.4.3.1).
    private static func payload(frameType: UInt8) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: frameSize)
        buffer.writeInteger(frameType)
        buffer.writeInteger(UInt8(1))
        buffer.writeRepeatingByte(0, count: 3)
        buffer.writeRepeatingByte(0xA5, count: frameSize - 5)
        return buffer
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
