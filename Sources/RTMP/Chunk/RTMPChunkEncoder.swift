public import NIOCore

/// Encodes outbound ``RTMPMessage``s into chunks for one connection (RTMP 1.0 §5.3).
///
/// It starts at chunk size 128 and switches to the announced size right after encoding a Set
/// Chunk Size message. Every message gets a type 0 header and type 3 continuations, exactly as
/// ``RTMPChunkSerializer`` writes them, so the bytes of pre-serialized media on chunk streams
/// 4 to 6 never depend on what this encoder sent before.
///
/// ``RTMPOutboundHandler`` drives it (it also passes pre-chunked media through); a bare
/// `MessageToByteHandler(RTMPChunkEncoder())` works where no media is pre-chunked. It is a class because NIO calls
/// `encode` on an immutable encoder and the chunk size is per-connection state; like any handler
/// state it belongs to the channel's event loop.
public final class RTMPChunkEncoder: MessageToByteEncoder {
    public typealias OutboundIn = RTMPMessage

    /// The chunk size this side announced last: 128 until a Set Chunk Size is encoded.
    public private(set) var chunkSize = RTMPChunkSerializer.defaultChunkSize

    public init() {}

    /// Appends the chunks of `data` to `out`.
    ///
    /// - Throws: ``RTMPChunkEncoderError`` when the message cannot be put on the wire.
    public func encode(data: RTMPMessage, out: inout ByteBuffer) throws {
        guard RTMPChunkSerializer.validChunkStreamIDs.contains(data.chunkStreamID) else {
            throw RTMPChunkEncoderError.invalidChunkStreamID
        }
        guard data.payload.readableBytes <= RTMPChunkSerializer.maximumPayloadLength else {
            throw RTMPChunkEncoderError.messageTooLarge
        }
        var newChunkSize: Int?
        if data.type == .setChunkSize {
            guard let requested = data.payload.getInteger(at: data.payload.readerIndex, as: UInt32.self),
                RTMPChunkSerializer.validChunkSizes.contains(Int(requested))
            else {
                throw RTMPChunkEncoderError.invalidChunkSize
            }
            newChunkSize = Int(requested)
        }
        out.writeRTMPChunks(data, chunkSize: self.chunkSize)
        if let newChunkSize {
            self.chunkSize = newChunkSize
        }
    }
}

@available(*, unavailable)
extension RTMPChunkEncoder: Sendable {}

/// An outbound message that cannot be chunked.
public struct RTMPChunkEncoderError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case invalidChunkStreamID
        case messageTooLarge
        case invalidChunkSize
    }

    private let base: Base

    private init(_ base: Base) {
        self.base = base
    }

    /// The chunk stream id is outside 2...65599.
    public static let invalidChunkStreamID = Self(.invalidChunkStreamID)
    /// The payload is longer than the 24-bit length field allows.
    public static let messageTooLarge = Self(.messageTooLarge)
    /// A Set Chunk Size message without a 4-byte size in 1...0x7FFFFFFF.
    public static let invalidChunkSize = Self(.invalidChunkSize)

    public var description: String {
        "RTMPChunkEncoderError.\(self.base)"
    }
}
