import NIOCore

/// What the decoder remembers about one inbound chunk stream: the last header's fields, from
/// which type 1, 2 and 3 chunks inherit (RTMP 1.0 §5.3.1.2), and the message being reassembled.
struct RTMPChunkStreamState: RTMPChunkHeaderInheritance, Sendable {
    let chunkStreamID: UInt32
    /// The absolute timestamp of the current (or last) message.
    var timestamp: UInt32 = 0
    /// What a type 3 chunk that starts a new message adds to `timestamp`: the last type 1/2
    /// delta, or the last type 0 timestamp (the convention of ffmpeg and SRS).
    var timestampDelta: UInt32 = 0
    var messageLength = 0
    var typeID: UInt8 = 0
    var messageStreamID: UInt32 = 0
    /// Whether the last type 0/1/2 header used the extended timestamp field, so that type 3
    /// chunks carry it too (RTMP 1.0 §5.3.1.3).
    var usesExtendedTimestamp = false
    /// The value of that extended field, to recognise it when a type 3 chunk repeats it.
    var extendedTimestamp: UInt32 = 0
    /// The message being reassembled, `messageLength` bytes of capacity; `nil` between messages.
    var payload: ByteBuffer?

    init(chunkStreamID: UInt32) {
        self.chunkStreamID = chunkStreamID
    }

    var isBetweenMessages: Bool { payload == nil }
}
