import NIOCore
import Testing

@testable import Media

@Suite("FLV header and tag reading and writing")
struct FLVTagTests {
    @Test func headerRoundTripAndWireImage() throws {
        var buffer = ByteBuffer()
        let written = buffer.writeFLVHeader(FLVHeader(hasAudio: true, hasVideo: true))
        #expect(written == FLVHeader.encodedLength)
        #expect(Array(buffer.readableBytesView) == [0x46, 0x4C, 0x56, 0x01, 0x05, 0, 0, 0, 9, 0, 0, 0, 0])
        #expect(try buffer.readFLVHeader() == FLVHeader(version: 1, hasAudio: true, hasVideo: true))
        #expect(buffer.readableBytes == 0)

        var videoOnly = ByteBuffer()
        videoOnly.writeFLVHeader(FLVHeader(hasAudio: false, hasVideo: true))
        #expect(try videoOnly.readFLVHeader() == FLVHeader(hasAudio: false, hasVideo: true))
    }

    @Test func headerWithLargerDataOffsetSkipsExtraBytes() throws {
        var buffer = ByteBuffer(bytes: [0x46, 0x4C, 0x56, 0x01, 0x04, 0, 0, 0, 12, 0xAA, 0xBB, 0xCC, 0, 0, 0, 0, 0x12])
        #expect(try buffer.readFLVHeader() == FLVHeader(hasAudio: true, hasVideo: false))
        #expect(buffer.readableBytesView.first == 0x12)
    }

    @Test func headerNeedsMoreDataAtEveryCut() throws {
        var whole = ByteBuffer()
        whole.writeFLVHeader(FLVHeader(hasAudio: true, hasVideo: true))
        for cut in 0..<whole.readableBytes {
            var prefix = whole.getSlice(at: 0, length: cut)!
            #expect(try prefix.readFLVHeader() == nil)
            #expect(prefix.readerIndex == 0)
        }
    }

    @Test func malformedHeadersThrow() {
        var notFLV = ByteBuffer(bytes: [0x46, 0x4C, 0x57, 0x01, 0x05, 0, 0, 0, 9, 0, 0, 0, 0])
        #expect(throws: FLVDecodingError.invalidSignature) { try notFLV.readFLVHeader() }
        var shortOffset = ByteBuffer(bytes: [0x46, 0x4C, 0x56, 0x01, 0x05, 0, 0, 0, 8, 0, 0, 0, 0])
        #expect(throws: FLVDecodingError.invalidDataOffset) { try shortOffset.readFLVHeader() }
        var hugeOffset = ByteBuffer(bytes: [0x46, 0x4C, 0x56, 0x01, 0x05, 0x7F, 0, 0, 0])
        #expect(throws: FLVDecodingError.invalidDataOffset) { try hugeOffset.readFLVHeader() }
    }

    @Test("tags round-trip, including the extended timestamp byte",
          arguments: [UInt32(0), 40, 0x00FF_FFFF, 0x0100_0000, 0x1234_5678, UInt32.max])
    func tagRoundTrip(timestamp: UInt32) throws {
        let tag = FLVTag(kind: .video, timestamp: timestamp, data: ByteBuffer(bytes: [0x17, 0x01, 0, 0, 0, 0xAB]))
        var buffer = ByteBuffer()
        let written = buffer.writeFLVTag(tag)
        #expect(written == tag.encodedLength && written == 11 + 6 + 4)
        #expect(try buffer.readFLVTag() == tag)
        #expect(buffer.readableBytes == 0)
    }

    @Test func tagWireImage() {
        var buffer = ByteBuffer()
        buffer.writeFLVTag(FLVTag(kind: .audio, timestamp: 0x1234_5678, data: ByteBuffer(bytes: [0xAF, 0x01])))
        #expect(Array(buffer.readableBytesView) == [
            0x08, 0x00, 0x00, 0x02, 0x34, 0x56, 0x78, 0x12, 0x00, 0x00, 0x00, 0xAF, 0x01, 0x00, 0x00, 0x00, 0x0D,
        ])
    }

    @Test func splitWritesEqualWholeTag() {
        let data = ByteBuffer(bytes: Array(0..<200))
        var whole = ByteBuffer()
        whole.writeFLVTag(FLVTag(kind: .data, timestamp: 7, data: data))
        var split = ByteBuffer()
        #expect(split.writeFLVTagHeader(kind: .data, timestamp: 7, dataSize: 200) == FLVTag.headerLength)
        split.writeImmutableBuffer(data)
        #expect(split.writeFLVPreviousTagSize(dataSize: 200) == FLVTag.previousTagSizeLength)
        #expect(split == whole)
    }

    @Test func emptyTagBodyRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeFLVTag(FLVTag(kind: .data, timestamp: 0, data: ByteBuffer()))
        #expect(try buffer.readFLVTag()?.data.readableBytes == 0)
    }

    @Test func tagNeedsMoreDataAtEveryCut() throws {
        var whole = ByteBuffer()
        whole.writeFLVTag(FLVTag(kind: .audio, timestamp: 99, data: ByteBuffer(bytes: [0xAF, 0x01, 1, 2, 3])))
        for cut in 0..<whole.readableBytes {
            var prefix = whole.getSlice(at: 0, length: cut)!
            #expect(try prefix.readFLVTag() == nil, "cut at \(cut)")
            #expect(prefix.readerIndex == 0)
        }
    }

    @Test func malformedTagsThrow() {
        func tag(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
        var unknownType = tag([0x07, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0, 12])
        #expect(throws: FLVDecodingError.unknownTagType) { try unknownType.readFLVTag() }
        var encrypted = tag([0x29, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0, 12])
        #expect(throws: FLVDecodingError.encryptedTag) { try encrypted.readFLVTag() }
        var mismatch = tag([0x09, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x17, 0, 0, 0, 13])
        #expect(throws: FLVDecodingError.previousTagSizeMismatch) { try mismatch.readFLVTag() }
        #expect(mismatch.readerIndex == 0)
        // The size check needs only the header, so a huge claimed body fails before it arrives.
        var tooLarge = tag([0x09, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: FLVDecodingError.tagTooLarge) { try tooLarge.readFLVTag(maximumDataSize: 0x0F_FFFF) }
    }

    @Test func mediaPacketConversionSharesPayloadAndClassifies() {
        let payload = ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F])
        let packet = MediaPacket(kind: .video, timestamp: (1 << 32) + 5, flags: [], payload: payload)
        let tag = FLVTag(packet)
        #expect(tag.kind == .video && tag.timestamp == 5 && tag.data == payload)
        let back = MediaPacket(tag)
        #expect(back.timestamp == 5)
        #expect(back.flags == .sequenceHeader)
        #expect(back.payload == payload)
    }
}
