import Media
import NIOCore
import RTMP

/// The chunk stream decoder with reassembly, under small limits, fed all at once and in random pieces; each
/// message is then read the way the session reads it (commands, data, control, aggregates).
///
/// Property: the messages and the outcome (error or not) do not depend on how the bytes were split.
enum ChunkFuzzer {
    private static let configuration = RTMPChunkDecoder.Configuration(
        maxMessageSize: 64 << 10, maxChunkStreams: 8, maxPendingBytes: 256 << 10)

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let whole = decode(bytes, plan: nil)
        var plan = SplitPlan(bytes)
        let split = decode(bytes, plan: &plan)
        fuzzCheck(whole.messages == split.messages, "messages depend on the split")
        fuzzCheck(whole.failed == split.failed, "the outcome depends on the split")
        for message in whole.messages {
            interpret(message.message)
        }
    }

    /// A message compared by value, payload bytes included.
    private struct Decoded: Equatable {
        var message: RTMPMessage

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.message.typeID == rhs.message.typeID && lhs.message.streamID == rhs.message.streamID
                && lhs.message.timestamp == rhs.message.timestamp
                && lhs.message.chunkStreamID == rhs.message.chunkStreamID
                && lhs.message.payload == rhs.message.payload
        }
    }

    private static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, plan: UnsafeMutablePointer<SplitPlan>?
    ) -> (messages: [Decoded], failed: Bool) {
        var decoder = RTMPChunkDecoder(configuration: configuration)
        var messages: [Decoded] = []
        var buffer = ByteBuffer()
        var offset = 0
        while offset < bytes.count {
            let length = plan.map { min($0.pointee.nextLength(maximum: 512), bytes.count - offset) } ?? bytes.count
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]))
            offset += length
            do {
                while let message = try decoder.decode(buffer: &buffer) {
                    fuzzCheck(message.payload.readableBytes <= configuration.maxMessageSize, "message over the limit")
                    messages.append(Decoded(message: message))
                }
            } catch {
                return (messages, true)
            }
            buffer.discardReadBytes()
        }
        return (messages, false)
    }

    /// What the server does with a message after reassembly; errors are fine, traps are not.
    private static func interpret(_ message: RTMPMessage) {
        _ = try? RTMPControlMessage(message)
        switch message.type {
        case .amf0Command:
            _ = try? RTMPCommand(message)
        case .amf0Data:
            _ = try? RTMPDataMessage(message)
            _ = try? RTMPDataMessage.scriptBody(of: message)
        case .aggregate:
            if let parts = try? message.aggregateSubMessages() {
                for part in parts where part.type != .aggregate {
                    interpret(part)
                }
            }
        case .userControl:
            _ = try? RTMPUserControlEvent(payload: message.payload)
        case .audio:
            _ = MediaPacket.Flags.classify(kind: .audio, payload: message.payload)
        case .video:
            _ = MediaPacket.Flags.classify(kind: .video, payload: message.payload)
        default:
            break
        }
    }
}
