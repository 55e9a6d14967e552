/// The chunk message header type, the top two bits of the basic header (RTMP 1.0 §5.3.1.2).
public enum RTMPChunkFormat: UInt8, Sendable, Hashable {
    /// Type 0, 11 bytes: absolute timestamp, length, type id, message stream id.
    case full = 0
    /// Type 1, 7 bytes: timestamp delta, length, type id; same message stream.
    case sameStream = 1
    /// Type 2, 3 bytes: timestamp delta only.
    case timestampOnly = 2
    /// Type 3, no message header: a continuation chunk, or a new message repeating the last header.
    case continuation = 3

    /// The length of the message header that follows the basic header.
    var messageHeaderLength: Int {
        switch self {
        case .full: return 11
        case .sameStream: return 7
        case .timestampOnly: return 3
        case .continuation: return 0
        }
    }
}

/// Numbers of the chunk layer (RTMP 1.0 §5.3, §5.4.1).
enum RTMPChunkWire {
    /// Both directions start at this chunk size (RTMP 1.0 §5.4.1).
    static let defaultChunkSize = 128
    /// Set Chunk Size leaves the top bit zero (RTMP 1.0 §5.4.1).
    static let maximumChunkSize = 0x7FFF_FFFF
    /// A 24-bit timestamp field of all ones means a 4-byte extended timestamp follows (§5.3.1.3).
    static let extendedTimestampMarker: UInt32 = 0xFF_FFFF
    static let extendedTimestampLength = 4
    /// The message length field is 24 bits (§5.3.1.2.1).
    static let maximumMessageLength = 0xFF_FFFF

    /// Chunk stream ids 0 and 1 in the low six bits select the 2- and 3-byte basic headers (§5.3.1.1).
    static let twoByteMarker: UInt8 = 0
    static let threeByteMarker: UInt8 = 1
    static let chunkStreamIDMask: UInt8 = 0x3F
    static let formatShift: UInt8 = 6
    /// Ids 2...63 fit in the 1-byte form; larger ids are stored minus 64.
    static let oneByteLimit: UInt32 = 63
    static let multiByteOffset: UInt32 = 64
    static let twoByteLimit: UInt32 = 319
    /// The smallest and largest encodable chunk stream ids.
    static let minimumChunkStreamID: UInt32 = 2
    static let maximumChunkStreamID: UInt32 = 65599

    /// The length of the basic header for `chunkStreamID`.
    static func basicHeaderLength(chunkStreamID: UInt32) -> Int {
        if chunkStreamID <= Self.oneByteLimit { return 1 }
        if chunkStreamID <= Self.twoByteLimit { return 2 }
        return 3
    }
}
