import NIOCore
import NIOTestUtils
import Testing

@testable import Media

@Suite("FLVTagDecoder over files and byte streams")
struct FLVTagDecoderTests {
    static let tags: [FLVTag] = [
        FLVTag(kind: .data, timestamp: 0, data: ByteBuffer(bytes: [0x02, 0x00, 0x01, 0x61])),
        FLVTag(kind: .video, timestamp: 0, data: ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 1, 2, 3])),
        FLVTag(kind: .audio, timestamp: 0, data: ByteBuffer(bytes: [0xAF, 0x00, 0x12, 0x10])),
        FLVTag(kind: .video, timestamp: 0x0100_0040, data: ByteBuffer(bytes: Array(repeating: 0x27, count: 300))),
    ]

    @Test func verifierDripFeedsBatchesAndShuffles() throws {
        // The verifier replays and reorders inputs on one decoder, which only a header-less tag
        // stream allows; the file mode is covered by the chunked fixture test below.
        let pairs: [(ByteBuffer, [FLVTag])] = Self.tags.map { tag in
            var bytes = ByteBuffer()
            bytes.writeFLVTag(tag)
            return (bytes, [tag])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            FLVTagDecoder(configuration: .init(expectsHeader: false))
        }
    }

    @Test func processorDecodesFixtureInOddChunks() throws {
        let file = try Fixture.load("tiny-h264-aac.flv")
        for chunkSize in [1, 7, 64, 1000, file.readableBytes] {
            let processor = NIOSingleStepByteToMessageProcessor(FLVTagDecoder(), maximumBufferSize: 1 << 20)
            var tags: [FLVTag] = []
            var offset = 0
            while offset < file.readableBytes {
                let length = min(chunkSize, file.readableBytes - offset)
                try processor.process(buffer: file.getSlice(at: offset, length: length)!) { tags.append($0) }
                offset += length
            }
            try processor.finishProcessing(seenEOF: true) { tags.append($0) }
            #expect(tags.count == 21, "chunk size \(chunkSize)")
            #expect(tags.filter { $0.kind == .video }.count == 7)
            #expect(tags.filter { $0.kind == .audio }.count == 13)
            #expect(tags.first?.kind == .data)
            #expect(tags.map(\.timestamp).last == 446)
            // Each body is its own right-sized buffer (allocations round up), not a view of the read buffer.
            #expect(tags.allSatisfy { $0.data.readerIndex == 0 && $0.data.capacity <= max(2 * $0.data.readableBytes, 64) })
        }
    }

    @Test func decoderReportsTheHeader() throws {
        var decoder = FLVTagDecoder()
        var file = try Fixture.load("tiny-h264-aac.flv")
        #expect(decoder.header == nil)
        #expect(try decoder.decode(buffer: &file)?.kind == .data)
        #expect(decoder.header == FLVHeader(hasAudio: true, hasVideo: true))
    }

    @Test func truncatedFileYieldsCompleteTagsThenThrows() throws {
        let file = try Fixture.load("tiny-h264-aac.flv")
        let processor = NIOSingleStepByteToMessageProcessor(FLVTagDecoder())
        var count = 0
        try processor.process(buffer: file.getSlice(at: 0, length: file.readableBytes - 3)!) { _ in count += 1 }
        #expect(throws: FLVDecodingError.truncated) {
            try processor.finishProcessing(seenEOF: true) { _ in count += 1 }
        }
        #expect(count == 20)
    }

    @Test func emptyStreamIsNotAnError() throws {
        let processor = NIOSingleStepByteToMessageProcessor(FLVTagDecoder())
        try processor.finishProcessing(seenEOF: true) { _ in Issue.record("no tags expected") }
    }

    @Test func oversizedTagIsRejected() throws {
        var stream = ByteBuffer()
        stream.writeFLVHeader(FLVHeader(hasAudio: false, hasVideo: true))
        stream.writeFLVTag(FLVTag(kind: .video, timestamp: 0, data: ByteBuffer(repeating: 0x27, count: 2048)))
        var decoder = FLVTagDecoder(configuration: .init(maximumTagDataSize: 1024))
        #expect(throws: FLVDecodingError.tagTooLarge) { try decoder.decode(buffer: &stream) }
    }

    @Test func notAnFLVFails() {
        var decoder = FLVTagDecoder()
        var http = ByteBuffer(string: "HTTP/1.1 404 Not Found\r\n\r\n")
        #expect(throws: FLVDecodingError.invalidSignature) { try decoder.decode(buffer: &http) }
    }
}
