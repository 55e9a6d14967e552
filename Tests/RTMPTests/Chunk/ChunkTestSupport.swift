import NIOCore

@testable import RTMP

/// An `RTMPMessage` with value equality, for `ByteToMessageDecoderVerifier`.
struct ChunkTestMessage: Equatable, CustomStringConvertible {
    var typeID: UInt8
    var streamID: UInt32
    var timestamp: UInt32
    var chunkStreamID: UInt32
    var payload: ByteBuffer

    init(_ message: RTMPMessage) {
        self.typeID = message.typeID
        self.streamID = message.streamID
        self.timestamp = message.timestamp
        self.chunkStreamID = message.chunkStreamID
        self.payload = message.payload
    }

    var description: String {
        "msg(type \(typeID), sid \(streamID), ts \(timestamp), csid \(chunkStreamID), \(payload.readableBytes) bytes)"
    }
}

/// `RTMPChunkDecoder` with equatable output.
struct ChunkTestDecoder: ByteToMessageDecoder {
    typealias InboundOut = ChunkTestMessage
    var inner: RTMPChunkDecoder

    init(configuration: RTMPChunkDecoder.Configuration = .init()) {
        self.inner = RTMPChunkDecoder(configuration: configuration)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try self.inner.decode(buffer: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(ChunkTestMessage(message)))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws
        -> DecodingState
    {
        try self.decode(context: context, buffer: &buffer)
    }
}

enum ChunkTest {
    /// A payload whose bytes depend on `seed` and position, so misplaced bytes show.
    static func payload(length: Int, seed: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(length)
        for index in 0..<length {
            buffer.writeInteger(UInt8(truncatingIfNeeded: index &* 31 &+ seed &* 7 &+ index >> 8))
        }
        return buffer
    }

    static func message(
        csid: UInt32, type: UInt8 = RTMPMessageType.video.rawValue, streamID: UInt32 = 1,
        timestamp: UInt32 = 0, length: Int, seed: Int = 0
    ) -> RTMPMessage {
        RTMPMessage(
            typeID: type, streamID: streamID, timestamp: timestamp, chunkStreamID: csid,
            payload: Self.payload(length: length, seed: seed))
    }

    static func control(_ type: RTMPMessageType, _ value: UInt32) -> RTMPMessage {
        var payload = ByteBuffer()
        payload.writeInteger(value)
        return RTMPMessage(type: type, streamID: 0, payload: payload)
    }

    /// Decodes everything in `input` with a fresh decoder, feeding `pieceSize` bytes at a time.
    static func decodeAll(
        _ input: ByteBuffer, pieceSize: Int = .max, configuration: RTMPChunkDecoder.Configuration = .init()
    ) throws -> [RTMPMessage] {
        var decoder = RTMPChunkDecoder(configuration: configuration)
        var pending = ByteBuffer()
        var input = input
        var messages: [RTMPMessage] = []
        while input.readableBytes > 0 {
            var piece = input.readSlice(length: min(pieceSize, input.readableBytes))!
            pending.writeBuffer(&piece)
            while let message = try decoder.decode(buffer: &pending) {
                messages.append(message)
            }
        }
        return messages
    }
}

/// Writes chunks byte by byte from the spec, independently of the serializer under test.
struct RawChunkWriter {
    var buffer = ByteBuffer()

    mutating func basicHeader(format: UInt8, csid: UInt32) {
        switch csid {
        case 2...63:
            self.buffer.writeInteger(format << 6 | UInt8(csid))
        case 64...319:
            self.buffer.writeInteger(format << 6)
            self.buffer.writeInteger(UInt8(csid - 64))
        default:
            self.buffer.writeInteger(format << 6 | 1)
            self.buffer.writeInteger(UInt8((csid - 64) & 0xFF))
            self.buffer.writeInteger(UInt8((csid - 64) >> 8))
        }
    }

    private mutating func uint24(_ value: UInt32) {
        self.buffer.writeBytes([UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }

    mutating func type0(
        csid: UInt32, timestamp: UInt32, length: Int, type: UInt8, streamID: UInt32, extended: UInt32? = nil
    ) {
        self.basicHeader(format: 0, csid: csid)
        self.uint24(extended == nil ? timestamp : 0xFFFFFF)
        self.uint24(UInt32(length))
        self.buffer.writeInteger(type)
        self.buffer.writeInteger(streamID, endianness: .little)
        if let extended { self.buffer.writeInteger(extended) }
    }

    mutating func type1(csid: UInt32, delta: UInt32, length: Int, type: UInt8, extended: UInt32? = nil) {
        self.basicHeader(format: 1, csid: csid)
        self.uint24(extended == nil ? delta : 0xFFFFFF)
        self.uint24(UInt32(length))
        self.buffer.writeInteger(type)
        if let extended { self.buffer.writeInteger(extended) }
    }

    mutating func type2(csid: UInt32, delta: UInt32, extended: UInt32? = nil) {
        self.basicHeader(format: 2, csid: csid)
        self.uint24(extended == nil ? delta : 0xFFFFFF)
        if let extended { self.buffer.writeInteger(extended) }
    }

    mutating func type3(csid: UInt32, extended: UInt32? = nil) {
        self.basicHeader(format: 3, csid: csid)
        if let extended { self.buffer.writeInteger(extended) }
    }

    mutating func bytes(_ payload: ByteBuffer) {
        self.buffer.writeImmutableBuffer(payload)
    }

    mutating func bytes(_ payload: ByteBuffer, from start: Int, count: Int) {
        self.buffer.writeImmutableBuffer(payload.getSlice(at: payload.readerIndex + start, length: count)!)
    }
}
