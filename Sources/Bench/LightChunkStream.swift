import Media
import NIOCore
import RTMP

/// What ``LightChunkReader`` remembers about one inbound chunk stream: the last header's fields,
/// which type 1, 2 and 3 chunks inherit (RTMP 1.0 §5.3.1.2), and how far the current message got.
struct LightChunkStream: RTMPChunkHeaderInheritance {
    /// What happens to a message's payload bytes as they arrive.
    enum Disposition {
        /// Audio or video: the first bytes go to `prefix`, the rest is skipped.
        case media(MediaKind)
        /// Control, command and aggregate messages: the whole body goes to `body`.
        case keep
        /// Anything else (metadata, shared objects, unknown types): skipped.
        case skip
    }

    let chunkStreamID: UInt32
    /// The absolute timestamp of the current (or last) message.
    var timestamp: UInt32 = 0
    /// What a type 3 chunk starting a new message adds to `timestamp` (the ffmpeg/SRS convention).
    var timestampDelta: UInt32 = 0
    var messageLength = 0
    var typeID: UInt8 = 0
    var messageStreamID: UInt32 = 0
    /// Whether the last type 0/1/2 header had an extended timestamp, so type 3 chunks repeat it (§5.3.1.3).
    var usesExtendedTimestamp = false
    var extendedTimestamp: UInt32 = 0
    /// Payload bytes of the current message seen so far; `nil` between messages.
    var received: Int?
    var disposition = Disposition.skip
    /// A kept message's body, `messageLength` bytes when complete.
    var body: ByteBuffer?
    /// The first bytes of a media message, enough for its tag header; allocated once per chunk
    /// stream and cleared per message.
    var prefix: ByteBuffer

    init(chunkStreamID: UInt32, prefixCapacity: Int) {
        self.chunkStreamID = chunkStreamID
        self.prefix = ByteBufferAllocator().buffer(capacity: prefixCapacity)
    }

    var isBetweenMessages: Bool { received == nil }

    /// The header fields of the current message.
    var head: LightMessageHead {
        LightMessageHead(
            typeID: typeID, streamID: messageStreamID, timestamp: timestamp, length: messageLength,
            chunkStreamID: chunkStreamID)
    }
}
