public import Media
public import NIOCore

/// An output encoding of media packets (RTMP chunks at one chunk size, FLV tags, ...).
///
/// A stream serializes each packet once per format that has subscribers and hands every
/// subscriber of that format the same `ByteBuffer`; `Live` never learns what the bytes mean.
public struct LiveFormat: Sendable, Hashable, CustomStringConvertible {
    /// Identifies the format; two formats with the same name must produce the same bytes.
    public let name: String
    private let writer: @Sendable (MediaPacket, inout ByteBuffer) -> Void

    /// A format that appends a packet's bytes to a buffer; the stream reuses one buffer for all packets.
    public init(name: String, write: @escaping @Sendable (MediaPacket, inout ByteBuffer) -> Void) {
        self.name = name
        self.writer = write
    }

    /// A format that makes a new buffer per packet.
    public init(name: String, serialize: @escaping @Sendable (MediaPacket) -> ByteBuffer) {
        self.init(name: name) { packet, buffer in
            var bytes = serialize(packet)
            buffer.writeBuffer(&bytes)
        }
    }

    /// Appends the encoding of `packet` to `buffer`.
    public func write(_ packet: MediaPacket, into buffer: inout ByteBuffer) {
        writer(packet, &buffer)
    }

    /// The encoding of `packet` in a buffer of its own.
    public func serialize(_ packet: MediaPacket) -> ByteBuffer {
        var buffer = ByteBuffer()
        writer(packet, &buffer)
        return buffer
    }

    public var description: String { name }

    public static func == (lhs: LiveFormat, rhs: LiveFormat) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// What a consumer receives, in stream order, on its own event loop.
public enum LiveEvent: Sendable {
    /// The stream has a publisher (sent on subscribe when it is already live, and on each publish).
    case publishStarted
    /// One packet, with its bytes in the consumer's format (`nil` when the consumer has none).
    case media(MediaPacket, encoded: ByteBuffer?)
    /// The publisher left; the consumer stays subscribed and gets `publishStarted` on republish.
    case unpublished
}

/// A receiver of a stream's packets: RTMP players, HTTP-FLV players, HLS and DVR sinks, forwarders.
///
/// All calls arrive on `eventLoop`. A consumer must not block: it queues or drops (see
/// `LiveConsumerQueue`) and writes without flushing until `liveStreamDidFinishBatch()`.
public protocol LiveConsumer: AnyObject {
    var eventLoop: any EventLoop { get }
    /// The encoding this consumer wants with each packet, or `nil` for bare packets.
    var format: LiveFormat? { get }
    func liveStream(didReceive event: LiveEvent)
    /// Called once after each delivered batch: the moment to flush.
    func liveStreamDidFinishBatch()
}
