/// The header fields a chunk stream remembers between chunks, and the one rule by which type 1, 2 and 3
/// chunks inherit them (RTMP 1.0 §5.3.1.2). The server's decoder and the load tool's light reader both
/// keep their own per-stream state and share this rule.
public protocol RTMPChunkHeaderInheritance {
    /// The absolute timestamp of the current (or last) message.
    var timestamp: UInt32 { get set }
    /// What a type 3 chunk that starts a new message adds to `timestamp`: the last type 1/2 delta, or the
    /// last type 0 timestamp (the convention of ffmpeg and SRS).
    var timestampDelta: UInt32 { get set }
    var messageLength: Int { get set }
    var typeID: UInt8 { get set }
    var messageStreamID: UInt32 { get set }
    /// Whether the last type 0/1/2 header used the extended timestamp field, so that type 3 chunks carry it
    /// too (RTMP 1.0 §5.3.1.3).
    var usesExtendedTimestamp: Bool { get set }
    /// The value of that extended field, to recognise it when a type 3 chunk repeats it.
    var extendedTimestamp: UInt32 { get set }
    /// Whether no message is in progress, so a type 3 chunk starts a new one.
    var isBetweenMessages: Bool { get }
}

extension RTMPChunkHeaderInheritance {
    /// What the next header's reading needs of this stream (a few scalars, not the stream itself).
    public var headerState: RTMPChunkHeader.StreamState {
        RTMPChunkHeader.StreamState(
            usesExtendedTimestamp: usesExtendedTimestamp, isBetweenMessages: isBetweenMessages,
            extendedTimestamp: extendedTimestamp, timestamp: timestamp)
    }

    /// Takes in a chunk header: type 0 sets every field, types 1 and 2 add a delta, and a type 3 chunk that
    /// starts a new message repeats the last delta.
    public mutating func applyHeader(
        format: RTMPChunkFormat, timestampField: UInt32, extendedTimestamp extended: UInt32?,
        messageLength: Int, typeID: UInt8, messageStreamID: UInt32
    ) {
        if format == .full {
            self.messageStreamID = messageStreamID
        }
        if format == .full || format == .sameStream {
            self.messageLength = messageLength
            self.typeID = typeID
        }
        if format != .continuation {
            let value = extended ?? timestampField
            usesExtendedTimestamp = extended != nil
            extendedTimestamp = extended ?? 0
            timestampDelta = value
            timestamp = format == .full ? value : timestamp &+ value
        } else if isBetweenMessages {
            if let extended {
                timestampDelta = extended
                extendedTimestamp = extended
            }
            timestamp &+= timestampDelta
        }
    }
}
