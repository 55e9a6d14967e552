public import Live
public import Media
import NIOCore
public import RTMP

/// The shared RTMP encoding of media for players: one serialization per message per chunk size.
///
/// Every player gets identical bytes because the encoding depends only on the packet and the
/// chunk size: message stream id 1, fixed chunk stream ids per kind, a fmt-0 header on the
/// first chunk and fmt-3 after it (DESIGN.md, zero-copy fan-out).
public enum RTMPMediaFormat {
    /// The message stream id every player's media uses (the first `createStream` result).
    public static let playStreamID: UInt32 = 1

    public static func format(chunkSize: Int) -> LiveFormat {
        LiveFormat(name: "rtmp/\(chunkSize)") { (packet: MediaPacket, buffer: inout ByteBuffer) in
            buffer.writeRTMPChunks(message(for: packet), chunkSize: chunkSize)
        }
    }

    /// The RTMP message that carries `packet` to a player.
    public static func message(for packet: MediaPacket, streamID: UInt32 = playStreamID) -> RTMPMessage {
        let type: RTMPMessageType
        switch packet.kind {
        case .audio: type = .audio
        case .video: type = .video
        case .data: type = .amf0Data
        }
        return RTMPMessage(
            type: type, streamID: streamID, timestamp: UInt32(truncatingIfNeeded: packet.timestamp),
            payload: packet.payload)
    }
}
