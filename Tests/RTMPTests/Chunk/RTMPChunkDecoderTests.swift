import NIOCore
import NIOTestUtils
import Testing

@testable import RTMP

private let audio = RTMPMessageType.audio.rawValue
private let video = RTMPMessageType.video.rawValue

private func expected(
    csid: UInt32, type: UInt8, streamID: UInt32, timestamp: UInt32, _ payload: ByteBuffer
) -> ChunkTestMessage {
    ChunkTestMessage(
        RTMPMessage(typeID: type, streamID: streamID, timestamp: timestamp, chunkStreamID: csid, payload: payload))
}

@Suite("RTMP chunk decoder: hand-built chunk sequences")
struct RTMPChunkDecoderTests {
    @Test("RTMP 1.0 §5.3.2.1: type 0, type 2, then type 3 chunks repeat the delta")
    func specExampleDeltas() throws {
        var writer = RawChunkWriter()
        let payloads = (0..<4).map { ChunkTest.payload(length: 32, seed: $0) }
        writer.type0(csid: 3, timestamp: 1000, length: 32, type: audio, streamID: 12345)
        writer.bytes(payloads[0])
        writer.type2(csid: 3, delta: 20)
        writer.bytes(payloads[1])
        writer.type3(csid: 3)
        writer.bytes(payloads[2])
        writer.type3(csid: 3)
        writer.bytes(payloads[3])
        let outputs = [1000, 1020, 1040, 1060].enumerated().map {
            expected(csid: 3, type: audio, streamID: 12345, timestamp: UInt32($0.element), payloads[$0.offset])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, outputs)]) {
            ChunkTestDecoder()
        }
    }

    @Test("RTMP 1.0 §5.3.2.2: a 307-byte message in three chunks")
    func specExampleSplit() throws {
        var writer = RawChunkWriter()
        let payload = ChunkTest.payload(length: 307, seed: 1)
        writer.type0(csid: 4, timestamp: 1000, length: 307, type: video, streamID: 12346)
        writer.bytes(payload, from: 0, count: 128)
        writer.type3(csid: 4)
        writer.bytes(payload, from: 128, count: 128)
        writer.type3(csid: 4)
        writer.bytes(payload, from: 256, count: 51)
        let output = expected(csid: 4, type: video, streamID: 12346, timestamp: 1000, payload)
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, [output])]) {
            ChunkTestDecoder()
        }
    }

    @Test("type 1 changes length and type; a type 3 new message after type 0 adds the type 0 timestamp")
    func type1AndType3AfterType0() throws {
        var writer = RawChunkWriter()
        let a = ChunkTest.payload(length: 10, seed: 1)
        let b = ChunkTest.payload(length: 10, seed: 2)
        let c = ChunkTest.payload(length: 5, seed: 3)
        let d = ChunkTest.payload(length: 5, seed: 4)
        let e = ChunkTest.payload(length: 5, seed: 5)
        writer.type0(csid: 8, timestamp: 40, length: 10, type: audio, streamID: 1)
        writer.bytes(a)
        writer.type3(csid: 8)  // ffmpeg's writer relies on this meaning "+40"
        writer.bytes(b)
        writer.type1(csid: 8, delta: 30, length: 5, type: video)
        writer.bytes(c)
        writer.type3(csid: 8)
        writer.bytes(d)
        writer.type2(csid: 8, delta: 0)
        writer.bytes(e)
        let outputs = [
            expected(csid: 8, type: audio, streamID: 1, timestamp: 40, a),
            expected(csid: 8, type: audio, streamID: 1, timestamp: 80, b),
            expected(csid: 8, type: video, streamID: 1, timestamp: 110, c),
            expected(csid: 8, type: video, streamID: 1, timestamp: 140, d),
            expected(csid: 8, type: video, streamID: 1, timestamp: 140, e),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, outputs)]) {
            ChunkTestDecoder()
        }
    }

    @Test("timestamp deltas wrap at 32 bits")
    func timestampWraps() throws {
        var writer = RawChunkWriter()
        let payload = ChunkTest.payload(length: 3, seed: 0)
        writer.type0(csid: 5, timestamp: 0, length: 3, type: audio, streamID: 1, extended: 0xFFFF_FFF0)
        writer.bytes(payload)
        writer.type2(csid: 5, delta: 0x20)
        writer.bytes(payload)
        let decoded = try ChunkTest.decodeAll(writer.buffer)
        #expect(decoded.map(\.timestamp) == [0xFFFF_FFF0, 0x10])
    }

    @Test(
        "extended timestamp on type 0, repeated on continuation chunks or not",
        arguments: [UInt32(0xFF_FFFF), 0x100_0000, 0xFFFF_FFFF], [true, false])
    func extendedTimestampContinuations(timestamp: UInt32, peerRepeats: Bool) throws {
        var writer = RawChunkWriter()
        let payload = ChunkTest.payload(length: 300, seed: 7)
        writer.type0(csid: 6, timestamp: 0, length: 300, type: video, streamID: 1, extended: timestamp)
        writer.bytes(payload, from: 0, count: 128)
        writer.type3(csid: 6, extended: peerRepeats ? timestamp : nil)
        writer.bytes(payload, from: 128, count: 128)
        writer.type3(csid: 6, extended: peerRepeats ? timestamp : nil)
        writer.bytes(payload, from: 256, count: 44)
        // A following message proves the decoder is still aligned.
        let next = ChunkTest.payload(length: 4, seed: 8)
        writer.type0(csid: 6, timestamp: 7, length: 4, type: audio, streamID: 1)
        writer.bytes(next)
        let outputs = [
            expected(csid: 6, type: video, streamID: 1, timestamp: timestamp, payload),
            expected(csid: 6, type: audio, streamID: 1, timestamp: 7, next),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, outputs)]) {
            ChunkTestDecoder()
        }
    }

    @Test("a 24-bit timestamp of 0xFFFFFE is not extended")
    func justBelowExtended() throws {
        var writer = RawChunkWriter()
        let payload = ChunkTest.payload(length: 130, seed: 2)
        writer.type0(csid: 4, timestamp: 0xFF_FFFE, length: 130, type: audio, streamID: 1)
        writer.bytes(payload, from: 0, count: 128)
        writer.type3(csid: 4)
        writer.bytes(payload, from: 128, count: 2)
        let decoded = try ChunkTest.decodeAll(writer.buffer, pieceSize: 1)
        #expect(
            decoded.map(ChunkTestMessage.init) == [
                expected(csid: 4, type: audio, streamID: 1, timestamp: 0xFF_FFFE, payload)
            ])
    }

    @Test("extended delta on type 1 and type 2; a type 3 new message carries the extended delta")
    func extendedDeltas() throws {
        var writer = RawChunkWriter()
        let payload = ChunkTest.payload(length: 6, seed: 3)
        writer.type0(csid: 7, timestamp: 100, length: 6, type: video, streamID: 1)
        writer.bytes(payload)
        writer.type1(csid: 7, delta: 0, length: 6, type: video, extended: 0x100_0000)
        writer.bytes(payload)
        writer.type3(csid: 7, extended: 0x100_0000)
        writer.bytes(payload)
        writer.type2(csid: 7, delta: 0, extended: 0xFF_FFFF)
        writer.bytes(payload)
        writer.type2(csid: 7, delta: 5)
        writer.bytes(payload)
        writer.type3(csid: 7)
        writer.bytes(payload)
        let base: UInt32 = 100
        let timestamps: [UInt32] = [
            base, base + 0x100_0000, base + 0x200_0000, base + 0x200_0000 + 0xFF_FFFF,
            base + 0x200_0000 + 0xFF_FFFF + 5, base + 0x200_0000 + 0xFF_FFFF + 10,
        ]
        let outputs = timestamps.map { expected(csid: 7, type: video, streamID: 1, timestamp: $0, payload) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, outputs)]) {
            ChunkTestDecoder()
        }
    }

    @Test("chunks of two chunk streams interleave")
    func interleaved() throws {
        var writer = RawChunkWriter()
        let audioPayload = ChunkTest.payload(length: 300, seed: 4)
        let videoPayload = ChunkTest.payload(length: 257, seed: 5)
        writer.type0(csid: 4, timestamp: 10, length: 300, type: audio, streamID: 1)
        writer.bytes(audioPayload, from: 0, count: 128)
        writer.type0(csid: 320, timestamp: 20, length: 257, type: video, streamID: 1)
        writer.bytes(videoPayload, from: 0, count: 128)
        writer.type3(csid: 4)
        writer.bytes(audioPayload, from: 128, count: 128)
        writer.type3(csid: 320)
        writer.bytes(videoPayload, from: 128, count: 128)
        writer.type3(csid: 320)
        writer.bytes(videoPayload, from: 256, count: 1)
        writer.type3(csid: 4)
        writer.bytes(audioPayload, from: 256, count: 44)
        let outputs = [
            expected(csid: 320, type: video, streamID: 1, timestamp: 20, videoPayload),
            expected(csid: 4, type: audio, streamID: 1, timestamp: 10, audioPayload),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, outputs)]) {
            ChunkTestDecoder()
        }
    }

    @Test("Set Chunk Size applies from the next chunk and is emitted")
    func setChunkSizeMidStream() throws {
        var writer = RawChunkWriter()
        let first = ChunkTest.payload(length: 200, seed: 1)
        let second = ChunkTest.payload(length: 5000, seed: 2)
        var size = ByteBuffer()
        size.writeInteger(UInt32(4096))
        var back = ByteBuffer()
        back.writeInteger(UInt32(128))
        writer.type0(csid: 6, timestamp: 0, length: 200, type: video, streamID: 1)
        writer.bytes(first, from: 0, count: 128)
        writer.type0(csid: 2, timestamp: 0, length: 4, type: 1, streamID: 0)
        writer.bytes(size)
        writer.type3(csid: 6)
        writer.bytes(first, from: 128, count: 72)
        writer.type0(csid: 6, timestamp: 40, length: 5000, type: video, streamID: 1)
        writer.bytes(second, from: 0, count: 4096)
        writer.type3(csid: 6)
        writer.bytes(second, from: 4096, count: 904)
        writer.type0(csid: 2, timestamp: 0, length: 4, type: 1, streamID: 0)
        writer.bytes(back)
        let outputs = [
            expected(csid: 2, type: 1, streamID: 0, timestamp: 0, size),
            expected(csid: 6, type: video, streamID: 1, timestamp: 0, first),
            expected(csid: 6, type: video, streamID: 1, timestamp: 40, second),
            expected(csid: 2, type: 1, streamID: 0, timestamp: 0, back),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, outputs)]) {
            ChunkTestDecoder()
        }
    }

    @Test("Abort drops the partial message; the chunk stream keeps its header for type 3")
    func abortMidMessage() throws {
        var writer = RawChunkWriter()
        let dropped = ChunkTest.payload(length: 300, seed: 1)
        let replacement = ChunkTest.payload(length: 300, seed: 2)
        let small = ChunkTest.payload(length: 10, seed: 3)
        var abortPayload = ByteBuffer()
        abortPayload.writeInteger(UInt32(6))
        writer.type0(csid: 6, timestamp: 100, length: 300, type: video, streamID: 1)
        writer.bytes(dropped, from: 0, count: 128)
        writer.type0(csid: 2, timestamp: 0, length: 4, type: 2, streamID: 0)
        writer.bytes(abortPayload)
        // A type 3 chunk now starts a new 300-byte message, 100 ms later.
        writer.type3(csid: 6)
        writer.bytes(replacement, from: 0, count: 128)
        writer.type3(csid: 6)
        writer.bytes(replacement, from: 128, count: 128)
        writer.type3(csid: 6)
        writer.bytes(replacement, from: 256, count: 44)
        writer.type0(csid: 6, timestamp: 5, length: 10, type: audio, streamID: 1)
        writer.bytes(small)
        let outputs = [
            expected(csid: 2, type: 2, streamID: 0, timestamp: 0, abortPayload),
            expected(csid: 6, type: video, streamID: 1, timestamp: 200, replacement),
            expected(csid: 6, type: audio, streamID: 1, timestamp: 5, small),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, outputs)]) {
            ChunkTestDecoder()
        }
    }

    @Test("a new type 0 header mid-message replaces the partial message")
    func headerMidMessage() throws {
        var writer = RawChunkWriter()
        let partial = ChunkTest.payload(length: 300, seed: 1)
        let whole = ChunkTest.payload(length: 20, seed: 2)
        writer.type0(csid: 9, timestamp: 1, length: 300, type: video, streamID: 1)
        writer.bytes(partial, from: 0, count: 128)
        writer.type0(csid: 9, timestamp: 2, length: 20, type: audio, streamID: 1)
        writer.bytes(whole)
        let decoded = try ChunkTest.decodeAll(writer.buffer)
        #expect(
            decoded.map(ChunkTestMessage.init) == [expected(csid: 9, type: audio, streamID: 1, timestamp: 2, whole)])
    }

    @Test("a zero-length message")
    func emptyMessage() throws {
        var writer = RawChunkWriter()
        writer.type0(csid: 3, timestamp: 9, length: 0, type: 20, streamID: 0)
        writer.type3(csid: 3)
        let outputs = [
            expected(csid: 3, type: 20, streamID: 0, timestamp: 9, ByteBuffer()),
            expected(csid: 3, type: 20, streamID: 0, timestamp: 18, ByteBuffer()),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(writer.buffer, outputs)]) {
            ChunkTestDecoder()
        }
    }

    @Test("each message gets its own right-sized buffer, not a view of the receive buffer")
    func ownBuffers() throws {
        var writer = RawChunkWriter()
        let payload = ChunkTest.payload(length: 1000, seed: 1)
        writer.type0(csid: 6, timestamp: 0, length: 1000, type: video, streamID: 1)
        for offset in stride(from: 0, to: 1000, by: 128) {
            if offset > 0 { writer.type3(csid: 6) }
            writer.bytes(payload, from: offset, count: min(128, 1000 - offset))
        }
        var input = writer.buffer
        var decoder = RTMPChunkDecoder()
        let message = try #require(try decoder.decode(buffer: &input))
        #expect(message.payload == payload)
        // Allocated once for the declared length (NIO rounds capacities up to a power of two).
        #expect(message.payload.capacity == ByteBufferAllocator().buffer(capacity: 1000).capacity)
        #expect(message.payload.readerIndex == 0)
        input.withUnsafeReadableBytes { received in
            message.payload.withUnsafeReadableBytes { own in
                let receivedRange =
                    UInt(bitPattern: received.baseAddress)...UInt(bitPattern: received.baseAddress)
                    + UInt(received.count)
                #expect(!receivedRange.contains(UInt(bitPattern: own.baseAddress)))
            }
        }
    }
}
