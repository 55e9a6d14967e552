public import NIOCore

/// RTMP message type ids (RTMP 1.0 §5.4, §7.1).
public enum RTMPMessageType: UInt8, Sendable, Hashable {
    case setChunkSize = 1
    case abort = 2
    case acknowledgement = 3
    case userControl = 4
    case windowAcknowledgementSize = 5
    case setPeerBandwidth = 6
    case audio = 8
    case video = 9
    case amf3Data = 15
    case amf3SharedObject = 16
    case amf3Command = 17
    case amf0Data = 18
    case amf0SharedObject = 19
    case amf0Command = 20
    case aggregate = 22
}

/// One reassembled RTMP message (RTMP 1.0 §6.1): header fields plus its own payload buffer.
///
/// `typeID` is kept raw so an unknown type can still be reported and skipped; `type` is the
/// typed view.
public struct RTMPMessage: Sendable {
    public var typeID: UInt8
    /// The message stream id (0 for protocol control and NetConnection commands).
    public var streamID: UInt32
    /// The absolute timestamp in milliseconds (32-bit, wraps; RTMP 1.0 §5.3.1.1).
    public var timestamp: UInt32
    /// The chunk stream the message arrived on, or should be sent on.
    public var chunkStreamID: UInt32
    public var payload: ByteBuffer

    public init(typeID: UInt8, streamID: UInt32, timestamp: UInt32, chunkStreamID: UInt32, payload: ByteBuffer) {
        self.typeID = typeID
        self.streamID = streamID
        self.timestamp = timestamp
        self.chunkStreamID = chunkStreamID
        self.payload = payload
    }

    public init(type: RTMPMessageType, streamID: UInt32, timestamp: UInt32 = 0, payload: ByteBuffer) {
        self.init(
            typeID: type.rawValue, streamID: streamID, timestamp: timestamp,
            chunkStreamID: RTMPChunkStreamID.default(for: type), payload: payload)
    }

    public var type: RTMPMessageType? { RTMPMessageType(rawValue: typeID) }
}

/// Chunk stream ids used when sending. Media for players uses fixed ids so that the chunk bytes
/// of a message are identical for every player (DESIGN.md, zero-copy fan-out).
public enum RTMPChunkStreamID {
    public static let protocolControl: UInt32 = 2
    public static let command: UInt32 = 3
    public static let audio: UInt32 = 4
    public static let data: UInt32 = 5
    public static let video: UInt32 = 6

    public static func `default`(for type: RTMPMessageType) -> UInt32 {
        switch type {
        case .setChunkSize, .abort, .acknowledgement, .userControl, .windowAcknowledgementSize, .setPeerBandwidth:
            return protocolControl
        case .audio: return audio
        case .video: return video
        case .amf0Data, .amf3Data, .aggregate: return data
        case .amf0Command, .amf3Command, .amf0SharedObject, .amf3SharedObject: return command
        }
    }
}
