public import NIOCore

/// What a media packet carries; raw values are the FLV tag types (FLV spec §E.4.1), which are
/// also the RTMP message type ids for audio (8), video (9) and AMF0 data (18).
public enum MediaKind: UInt8, Sendable, Hashable {
    case audio = 8
    case video = 9
    case data = 18
}

/// One audio frame, video frame or script-data message, as it travels through the hub.
///
/// `payload` is exactly the FLV tag body (= RTMP message payload): the audio/video tag header
/// byte(s) followed by codec data. It is read once at ingest into its own buffer and then
/// shared (copy-on-write, never mutated) by every consumer.
public struct MediaPacket: Sendable {
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// A video random-access point (FLV frame type 1, or enhanced-RTMP key frame).
        public static let keyframe = Flags(rawValue: 1 << 0)
        /// An AVC/HEVC decoder configuration record or an AAC AudioSpecificConfig.
        public static let sequenceHeader = Flags(rawValue: 1 << 1)
        /// `onMetaData` (after `@setDataFrame` is stripped).
        public static let metadata = Flags(rawValue: 1 << 2)
    }

    public var kind: MediaKind
    /// Decode timestamp in milliseconds on the stream's corrected, monotonic, non-wrapping clock.
    public var timestamp: Int64
    public var flags: Flags
    public var payload: ByteBuffer

    public init(kind: MediaKind, timestamp: Int64, flags: Flags, payload: ByteBuffer) {
        self.kind = kind
        self.timestamp = timestamp
        self.flags = flags
        self.payload = payload
    }

    public var isKeyframe: Bool { flags.contains(.keyframe) }
    public var isSequenceHeader: Bool { flags.contains(.sequenceHeader) }
}
