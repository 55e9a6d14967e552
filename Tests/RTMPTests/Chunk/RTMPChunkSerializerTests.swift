import NIOCore
import NIOEmbedded
import Testing

@testable import RTMP

@Suite("RTMP chunk serializer and encoder")
struct RTMPChunkSerializerTests {
    @Test("exact bytes of a one-chunk message")
    func exactBytes() {
        let message = RTMPMessage(
            typeID: 20, streamID: 1, timestamp: 0x01_0203, chunkStreamID: 3,
            payload: ByteBuffer(bytes: [0xAA, 0xBB, 0xCC]))
        let bytes = RTMPChunkSerializer.serialize(message, chunkSize: 128)
        #expect(
            Array(bytes.readableBytesView) == [
                0x03, 0x01, 0x02, 0x03, 0x00, 0x00, 0x03, 0x14, 0x01, 0x00, 0x00, 0x00, 0xAA, 0xBB, 0xCC,
            ])
    }

    @Test(
        "basic header forms",
        arguments: [
            (UInt32(2), [UInt8(0x02)]), (63, [0x3F]), (64, [0x00, 0x00]), (319, [0x00, 0xFF]),
            (320, [0x01, 0x00, 0x01]), (65599, [0x01, 0xFF, 0xFF]),
        ] as [(UInt32, [UInt8])])
    func basicHeaders(csid: UInt32, header: [UInt8]) throws {
        let message = ChunkTest.message(csid: csid, length: 129, seed: 1)
        let bytes = RTMPChunkSerializer.serialize(message, chunkSize: 128)
        #expect(bytes.getBytes(at: 0, length: header.count) == header)
        // The continuation header is the same form with format 3.
        let continuation = header.count + 11 + 128
        var expectedContinuation = header
        expectedContinuation[0] |= 0xC0
        #expect(bytes.getBytes(at: continuation, length: header.count) == expectedContinuation)
        #expect(bytes.readableBytes == continuation + header.count + 1)
        let decoded = try #require(try ChunkTest.decodeAll(bytes).first)
        #expect(ChunkTestMessage(decoded) == ChunkTestMessage(message))
    }

    @Test("an extended timestamp is repeated on every continuation chunk")
    func extendedTimestampBytes() {
        let message = ChunkTest.message(csid: 6, timestamp: 0xFF_FFFF, length: 300, seed: 2)
        let bytes = RTMPChunkSerializer.serialize(message, chunkSize: 128)
        #expect(bytes.getBytes(at: 1, length: 3) == [0xFF, 0xFF, 0xFF])
        #expect(bytes.getBytes(at: 12, length: 4) == [0x00, 0xFF, 0xFF, 0xFF])
        #expect(bytes.getBytes(at: 16 + 128, length: 5) == [0xC6, 0x00, 0xFF, 0xFF, 0xFF])
        #expect(bytes.getBytes(at: 16 + 128 + 5 + 128, length: 5) == [0xC6, 0x00, 0xFF, 0xFF, 0xFF])
        #expect(bytes.readableBytes == 16 + 300 + 2 * 5)

        let below = RTMPChunkSerializer.serialize(
            ChunkTest.message(csid: 6, timestamp: 0xFF_FFFE, length: 300), chunkSize: 128)
        #expect(below.getBytes(at: 1, length: 3) == [0xFF, 0xFF, 0xFE])
        #expect(below.readableBytes == 12 + 300 + 2)
    }

    @Test("serializedSize matches what is written, and the payload is left untouched")
    func sizes() {
        for chunkSize in [1, 2, 127, 128, 4096, 65536] {
            for length in [0, 1, 127, 128, 129, 4096, 10_000] {
                for csid: UInt32 in [2, 64, 320] {
                    for timestamp: UInt32 in [0, 0xFF_FFFF] {
                        var message = ChunkTest.message(csid: csid, timestamp: timestamp, length: length + 3)
                        message.payload.moveReaderIndex(forwardBy: 3)
                        let before = message.payload
                        var out = ByteBuffer(string: "prefix")
                        let written = out.writeRTMPChunks(message, chunkSize: chunkSize)
                        let size = RTMPChunkSerializer.serializedSize(
                            payloadLength: length, chunkSize: chunkSize, timestamp: timestamp, chunkStreamID: csid)
                        #expect(written == size)
                        #expect(out.readableBytes == 6 + size)
                        #expect(message.payload == before && message.payload.readerIndex == 3)
                    }
                }
            }
        }
    }

    @Test("the encoder writes what the serializer writes and follows its own Set Chunk Size")
    func encoderHandler() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(RTMPChunkEncoder()))
        let first = ChunkTest.message(csid: 3, type: 20, streamID: 0, length: 300, seed: 1)
        let setSize = ChunkTest.control(.setChunkSize, 4096)
        let second = ChunkTest.message(csid: 6, timestamp: 0x100_0000, length: 5000, seed: 2)
        try channel.writeOutbound(first)
        try channel.writeOutbound(setSize)
        try channel.writeOutbound(second)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == RTMPChunkSerializer.serialize(first, chunkSize: 128))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == RTMPChunkSerializer.serialize(setSize, chunkSize: 128))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == RTMPChunkSerializer.serialize(second, chunkSize: 4096))
        #expect(try channel.finish().isClean)
    }

    @Test("the encoder refuses messages it cannot put on the wire")
    func encoderErrors() throws {
        let encoder = RTMPChunkEncoder()
        var out = ByteBuffer()
        #expect(throws: RTMPChunkEncoderError.invalidChunkStreamID) {
            try encoder.encode(data: ChunkTest.message(csid: 1, length: 1), out: &out)
        }
        #expect(throws: RTMPChunkEncoderError.invalidChunkStreamID) {
            try encoder.encode(data: ChunkTest.message(csid: 65600, length: 1), out: &out)
        }
        #expect(throws: RTMPChunkEncoderError.messageTooLarge) {
            let huge = RTMPMessage(
                typeID: 9, streamID: 1, timestamp: 0, chunkStreamID: 6,
                payload: ByteBuffer(repeating: 0, count: 0x100_0000))
            try encoder.encode(data: huge, out: &out)
        }
        for size: UInt32 in [0, 0x8000_0000] {
            #expect(throws: RTMPChunkEncoderError.invalidChunkSize) {
                try encoder.encode(data: ChunkTest.control(.setChunkSize, size), out: &out)
            }
        }
        #expect(out.readableBytes == 0)
        #expect(encoder.chunkSize == 128)
    }
}
