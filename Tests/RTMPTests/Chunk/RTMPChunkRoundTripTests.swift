import NIOCore
import NIOTestUtils
import Testing

@testable import RTMP

@Suite("RTMP chunk round trips")
struct RTMPChunkRoundTripTests {
    static let chunkSizes = [128, 4096, 60000, 65536]
    static let chunkStreamIDs: [UInt32] = [2, 3, 4, 5, 6, 63, 64, 319, 320, 65599]
    static let timestamps: [UInt32] = [0, 1000, 0xFF_FFFE, 0xFF_FFFF, 0x100_0000, .max]

    /// One self-contained verifier input: switch to `chunkSize`, send `messages`, switch back to
    /// 128, so the decoder is back in its initial state whatever order the verifier picks.
    static func pair(chunkSize: Int, messages: [RTMPMessage]) -> (ByteBuffer, [ChunkTestMessage]) {
        let enter = ChunkTest.control(.setChunkSize, UInt32(chunkSize))
        let leave = ChunkTest.control(.setChunkSize, 128)
        var input = RTMPChunkSerializer.serialize(enter, chunkSize: 128)
        for message in messages {
            input.writeRTMPChunks(message, chunkSize: chunkSize)
        }
        input.writeRTMPChunks(leave, chunkSize: chunkSize)
        return (input, ([enter] + messages + [leave]).map(ChunkTestMessage.init))
    }

    static func messages(chunkSize: Int, lengths: [Int]) -> [RTMPMessage] {
        var messages: [RTMPMessage] = []
        for (index, length) in lengths.enumerated() {
            let csid = Self.chunkStreamIDs[index % Self.chunkStreamIDs.count]
            let timestamp = Self.timestamps[index % Self.timestamps.count]
            messages.append(
                ChunkTest.message(
                    csid: csid, type: UInt8(8 + index % 2), streamID: UInt32(index % 3),
                    timestamp: timestamp, length: length, seed: index))
        }
        return messages
    }

    @Test("verifier: serializer output decodes to the same messages", arguments: chunkSizes)
    func verifier(chunkSize: Int) throws {
        // Small messages in every csid form and timestamp class, plus (where drip-feeding it stays
        // cheap) one spanning two chunks; `pieceSizes` covers large chunks.
        let small = Self.messages(chunkSize: chunkSize, lengths: [0, 1, 2, 5, 17, 64, 100, 3, 9, 33, 7, 12])
        var pairs = [Self.pair(chunkSize: chunkSize, messages: small)]
        if chunkSize <= 4096 {
            let spanning = [ChunkTest.message(csid: 6, timestamp: 0xFF_FFFF, length: 2 * chunkSize + 3, seed: 99)]
            pairs.append(Self.pair(chunkSize: chunkSize, messages: spanning))
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { ChunkTestDecoder() }
    }

    @Test("every piece size decodes larger messages identically", arguments: chunkSizes)
    func pieceSizes(chunkSize: Int) throws {
        let lengths = [0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 2 * chunkSize + 5, 200_000, 3, 70_000, 129]
        let (input, expected) = Self.pair(
            chunkSize: chunkSize, messages: Self.messages(chunkSize: chunkSize, lengths: lengths))
        for pieceSize in [127, 1000, 65536, Int.max] {
            let decoded = try ChunkTest.decodeAll(input, pieceSize: pieceSize).map(ChunkTestMessage.init)
            #expect(decoded == expected, "piece size \(pieceSize)")
        }
        // The ends of the large messages byte by byte: every header and extended-timestamp split.
        let tails = Self.messages(chunkSize: chunkSize, lengths: [chunkSize + 1, 0, 1, 2 * chunkSize + 2])
            .map { message -> RTMPMessage in
                var message = message
                message.timestamp = 0xFF_FFFF
                return message
            }
        let (small, smallExpected) = Self.pair(chunkSize: chunkSize, messages: chunkSize <= 4096 ? tails : [])
        for pieceSize in [1, 2, 5] {
            let decoded = try ChunkTest.decodeAll(small, pieceSize: pieceSize).map(ChunkTestMessage.init)
            #expect(decoded == smallExpected, "piece size \(pieceSize)")
        }
    }

    @Test("encoder output decodes to the same messages, following its own Set Chunk Size")
    func encoderToDecoder() throws {
        let encoder = RTMPChunkEncoder()
        var wire = ByteBuffer()
        var sent: [RTMPMessage] = []
        for (index, chunkSize) in [4096, 60000, 128, 65536, 1].enumerated() {
            let control = ChunkTest.control(.setChunkSize, UInt32(chunkSize))
            let media = ChunkTest.message(
                csid: 4 + UInt32(index), timestamp: Self.timestamps[index], length: 70_000 + index, seed: index)
            for message in [control, media] {
                try encoder.encode(data: message, out: &wire)
                sent.append(message)
            }
            #expect(encoder.chunkSize == chunkSize)
        }
        let decoded = try ChunkTest.decodeAll(wire, pieceSize: 4000).map(ChunkTestMessage.init)
        #expect(decoded == sent.map(ChunkTestMessage.init))
    }
}
