import Media
import NIOCore
import RTMP

/// Chunks media messages with the header format a test chooses (RTMP 1.0 §5.3.1.2): type 0
/// absolute timestamps, or type 1/2 deltas, with the 4-byte extended timestamp (§5.3.1.3) whenever
/// the 24-bit field would reach 0xFFFFFF, repeated on type 3 continuation chunks as ffmpeg does.
/// The shared serializer only writes type 0, so timestamp edge cases on deltas need this.
struct RawChunkWriter {
    enum Headers {
        /// Every message starts with a type 0 header.
        case absolute
        /// Type 1 (or type 2 when length and type repeat) with the delta; type 0 only for the first
        /// message of a chunk stream and for a step backwards, which a delta cannot carry.
        case delta
    }

    private struct StreamState {
        var timestamp: UInt32
        var length: Int
        var typeID: UInt8
    }

    static let marker: UInt32 = 0xFF_FFFF

    let headers: Headers
    let chunkSize: Int
    let messageStreamID: UInt32
    private var streams: [UInt32: StreamState] = [:]
    /// Messages sent per header format (0, 1, 2) and how many used an extended field.
    private(set) var formatCounts = [0, 0, 0]
    private(set) var extendedCount = 0

    init(headers: Headers, chunkSize: Int, messageStreamID: UInt32) {
        self.headers = headers
        self.chunkSize = chunkSize
        self.messageStreamID = messageStreamID
    }

    /// Appends `payload` as one message of `type` at the 32-bit `timestamp` to `out`.
    mutating func write(type: RTMPMessageType, timestamp: UInt32, payload: ByteBuffer, to out: inout ByteBuffer) {
        let csid = RTMPChunkStreamID.default(for: type)
        let length = payload.readableBytes
        var format = 0
        var field = timestamp
        if headers == .delta, let last = streams[csid] {
            let delta = timestamp &- last.timestamp
            if Int32(bitPattern: delta) >= 0 {
                format = last.length == length && last.typeID == type.rawValue ? 2 : 1
                field = delta
            }
        }
        streams[csid] = StreamState(timestamp: timestamp, length: length, typeID: type.rawValue)
        formatCounts[format] += 1
        let extended = field >= Self.marker
        if extended { extendedCount += 1 }

        out.writeInteger(UInt8(format << 6) | UInt8(csid))
        Self.writeUInt24(extended ? Self.marker : field, to: &out)
        if format <= 1 {
            Self.writeUInt24(UInt32(length), to: &out)
            out.writeInteger(type.rawValue)
        }
        if format == 0 { out.writeInteger(messageStreamID, endianness: .little) }
        if extended { out.writeInteger(field) }
        var rest = payload
        var first = true
        while first || rest.readableBytes > 0 {
            if !first {
                out.writeInteger(UInt8(3 << 6) | UInt8(csid))
                if extended { out.writeInteger(field) }
            }
            first = false
            var piece = rest.readSlice(length: min(chunkSize, rest.readableBytes))!
            out.writeBuffer(&piece)
        }
    }

    private static func writeUInt24(_ value: UInt32, to out: inout ByteBuffer) {
        out.writeInteger(UInt8(truncatingIfNeeded: value >> 16))
        out.writeInteger(UInt8(truncatingIfNeeded: value >> 8))
        out.writeInteger(UInt8(truncatingIfNeeded: value))
    }
}
