public import NIOCore

/// One FLV tag (FLV 10.1 §E.4.1): its type, 32-bit millisecond timestamp and body.
///
/// The body is exactly an RTMP audio/video/data message payload, so a tag converts to and from a
/// ``MediaPacket`` without touching the bytes.
public struct FLVTag: Sendable, Hashable {
    /// The tag type; FLV tag types and ``MediaKind`` share their raw values.
    public var kind: MediaKind
    /// Milliseconds, from the 24-bit Timestamp and the TimestampExtended upper byte.
    public var timestamp: UInt32
    /// The tag body (audio/video tag header plus codec data, or AMF0 script data).
    public var data: ByteBuffer

    /// The tag header length: type, DataSize, Timestamp, TimestampExtended, StreamID.
    public static let headerLength = 11
    /// The PreviousTagSize field that follows every tag.
    public static let previousTagSizeLength = 4
    /// The largest body the 24-bit DataSize field can describe.
    public static let maximumDataSize = 0xFF_FFFF

    public init(kind: MediaKind, timestamp: UInt32, data: ByteBuffer) {
        self.kind = kind
        self.timestamp = timestamp
        self.data = data
    }

    /// A tag carrying `packet`'s payload (shared, not copied). The timestamp wraps at 2^32 ms, as
    /// FLV's 32-bit field does.
    public init(_ packet: MediaPacket) {
        self.init(kind: packet.kind, timestamp: UInt32(truncatingIfNeeded: packet.timestamp), data: packet.payload)
    }

    /// Bytes this tag takes in a file: header, body and the PreviousTagSize after it.
    public var encodedLength: Int {
        Self.headerLength + data.readableBytes + Self.previousTagSizeLength
    }
}

extension MediaPacket {
    /// A packet carrying `tag`'s body (shared, not copied), with flags from
    /// ``MediaPacket/Flags/classify(kind:payload:)``; `.metadata` is left to the caller.
    public init(_ tag: FLVTag) {
        self.init(
            kind: tag.kind, timestamp: Int64(tag.timestamp),
            flags: Flags.classify(kind: tag.kind, payload: tag.data), payload: tag.data)
    }
}
