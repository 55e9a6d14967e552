import NIOCore
import NIOEmbedded
import Testing

@testable import RTMP

@Suite("RTMP chunk decoder: errors and limits")
struct RTMPChunkDecoderErrorTests {
    private func setChunkSize(_ value: UInt32) -> ByteBuffer {
        RTMPChunkSerializer.serialize(ChunkTest.control(.setChunkSize, value), chunkSize: 128)
    }

    @Test("Set Chunk Size must be 1...0x7FFFFFFF", arguments: [UInt32(0), 0x8000_0000, 0xFFFF_FFFF])
    func invalidChunkSize(value: UInt32) throws {
        let error = try #require(throws: RTMPChunkDecoderError.self) {
            _ = try ChunkTest.decodeAll(self.setChunkSize(value))
        }
        #expect(error == .invalidChunkSize)
        #expect(error.chunkStreamID == 2)
        #expect(error.messageType == RTMPMessageType.setChunkSize.rawValue)
        #expect(error.value == UInt64(value))
    }

    @Test("Set Chunk Size accepts 1 and 0x7FFFFFFF", arguments: [UInt32(1), 0x7FFF_FFFF])
    func extremeChunkSizes(value: UInt32) throws {
        var input = self.setChunkSize(value)
        let message = ChunkTest.message(csid: 6, length: 300, seed: 1)
        input.writeRTMPChunks(message, chunkSize: Int(value))
        var decoder = RTMPChunkDecoder()
        _ = try decoder.decode(buffer: &input)
        #expect(decoder.chunkSize == Int(value))
        let decoded = try #require(try decoder.decode(buffer: &input))
        #expect(ChunkTestMessage(decoded) == ChunkTestMessage(message))
    }

    @Test("a Set Chunk Size or Abort shorter than 4 bytes", arguments: [RTMPMessageType.setChunkSize, .abort])
    func shortControl(type: RTMPMessageType) throws {
        let message = RTMPMessage(type: type, streamID: 0, payload: ByteBuffer(bytes: [0, 1]))
        #expect(throws: RTMPChunkDecoderError.malformedControlMessage) {
            _ = try ChunkTest.decodeAll(RTMPChunkSerializer.serialize(message, chunkSize: 128))
        }
    }

    @Test("a message longer than maxMessageSize is refused at its header")
    func messageTooLarge() throws {
        var writer = RawChunkWriter()
        writer.type0(csid: 6, timestamp: 0, length: 1001, type: 9, streamID: 1)
        let error = try #require(throws: RTMPChunkDecoderError.self) {
            _ = try ChunkTest.decodeAll(writer.buffer, configuration: .init(maxMessageSize: 1000))
        }
        #expect(error == .messageTooLarge)
        #expect(error.chunkStreamID == 6)
        #expect(error.messageType == 9)
        #expect(error.value == 1001)
        // Exactly the limit is fine.
        var ok = RawChunkWriter()
        ok.type0(csid: 6, timestamp: 0, length: 100, type: 9, streamID: 1)
        ok.bytes(ChunkTest.payload(length: 100, seed: 0))
        #expect(try ChunkTest.decodeAll(ok.buffer, configuration: .init(maxMessageSize: 100)).count == 1)
    }

    @Test("more chunk streams than maxChunkStreams")
    func tooManyChunkStreams() throws {
        var writer = RawChunkWriter()
        for csid: UInt32 in [3, 4, 5, 300] {
            writer.type0(csid: csid, timestamp: 0, length: 1, type: 8, streamID: 1)
            writer.bytes(ByteBuffer(bytes: [1]))
        }
        // Three streams, reused freely, are fine.
        var firstThree = writer.buffer
        firstThree.moveWriterIndex(to: firstThree.readerIndex + 3 * 13)
        #expect(try ChunkTest.decodeAll(firstThree, configuration: .init(maxChunkStreams: 3)).count == 3)
        let error = try #require(throws: RTMPChunkDecoderError.self) {
            _ = try ChunkTest.decodeAll(writer.buffer, configuration: .init(maxChunkStreams: 3))
        }
        #expect(error == .tooManyChunkStreams)
        #expect(error.chunkStreamID == 300)
    }

    @Test("type 1 may open a chunk stream: message stream 0, timestamp counted from 0")
    func typeOneOpensChunkStream() throws {
        var writer = RawChunkWriter()
        writer.type1(csid: 5, delta: 40, length: 2, type: 9)
        writer.bytes(ByteBuffer(bytes: [0x17, 1]))
        var decoder = RTMPChunkDecoder()
        var input = writer.buffer
        let message = try #require(try decoder.decode(buffer: &input))
        #expect(message.typeID == 9 && message.streamID == 0 && message.timestamp == 40)
        #expect(message.payload == ByteBuffer(bytes: [0x17, 1]))
    }

    @Test("type 2 or 3 on a chunk stream that never had a type 0 or 1 header", arguments: [UInt8(2), 3])
    func missingPreviousHeader(format: UInt8) throws {
        var writer = RawChunkWriter()
        writer.type0(csid: 4, timestamp: 0, length: 1, type: 8, streamID: 1)
        writer.bytes(ByteBuffer(bytes: [1]))
        switch format {
        case 2: writer.type2(csid: 5, delta: 1)
        default: writer.type3(csid: 5)
        }
        writer.bytes(ByteBuffer(bytes: [1]))
        var decoder = RTMPChunkDecoder()
        var input = writer.buffer
        #expect(try decoder.decode(buffer: &input) != nil)
        let error = try #require(throws: RTMPChunkDecoderError.self) { _ = try decoder.decode(buffer: &input) }
        #expect(error == .missingPreviousHeader)
        #expect(error.chunkStreamID == 5)
    }

    @Test("incomplete messages across chunk streams may not declare more than maxPendingBytes")
    func pendingBytes() throws {
        var writer = RawChunkWriter()
        writer.type0(csid: 4, timestamp: 0, length: 600, type: 9, streamID: 1)
        writer.bytes(ChunkTest.payload(length: 128, seed: 0))
        writer.type0(csid: 6, timestamp: 0, length: 600, type: 9, streamID: 1)
        let configuration = RTMPChunkDecoder.Configuration(maxMessageSize: 1000, maxPendingBytes: 1000)
        #expect(throws: RTMPChunkDecoderError.pendingBytesLimitExceeded) {
            _ = try ChunkTest.decodeAll(writer.buffer, configuration: configuration)
        }
        // Completed messages no longer count.
        var sequential = RawChunkWriter()
        for _ in 0..<3 {
            sequential.type0(csid: 4, timestamp: 0, length: 600, type: 9, streamID: 1)
            for offset in stride(from: 0, to: 600, by: 128) {
                if offset > 0 { sequential.type3(csid: 4) }
                sequential.bytes(ChunkTest.payload(length: min(128, 600 - offset), seed: offset))
            }
        }
        #expect(try ChunkTest.decodeAll(sequential.buffer, configuration: configuration).count == 3)
    }

    @Test("errors compare by kind and describe their context")
    func errorIdentity() {
        let error = RTMPChunkDecoderError.messageTooLarge.with(chunkStreamID: 6, messageType: 9, value: 10)
        #expect(error == .messageTooLarge)
        #expect(error != .invalidChunkSize)
        #expect(error.description == "RTMPChunkDecoderError.messageTooLarge chunkStreamID=6 messageType=9 value=10")
    }

    @Test("in a pipeline the error reaches errorCaught")
    func pipelineError() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RTMPChunkDecoder()))
        #expect(throws: RTMPChunkDecoderError.invalidChunkSize) {
            try channel.writeInbound(self.setChunkSize(0))
        }
        _ = try? channel.finish()
    }
}
