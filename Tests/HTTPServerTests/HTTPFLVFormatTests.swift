@testable import HTTPServer
import Live
import Media
import NIOCore
import Testing

@Suite struct HTTPFLVFormatTests {
    private static func packet(_ kind: MediaKind, timestamp: Int64, payload: [UInt8]) -> MediaPacket {
        MediaPacket(kind: kind, timestamp: timestamp, flags: [], payload: ByteBuffer(bytes: payload))
    }

    @Test func aTagIsFramedAsOneChunk() {
        let payload: [UInt8] = [0xAF, 0x01] + Array(repeating: 0x55, count: 30)
        let bytes = HTTPFLVFormat.chunked.serialize(Self.packet(.audio, timestamp: 0x0123_4567, payload: payload))
        let tagLength = 11 + payload.count + 4  // 47 = 0x2f
        var expected: [UInt8] = Array("2f\r\n".utf8)
        expected += [8, 0, 0, UInt8(payload.count), 0x23, 0x45, 0x67, 0x01, 0, 0, 0]
        expected += payload
        expected += [0, 0, 0, UInt8(11 + payload.count)]
        expected += Array("\r\n".utf8)
        #expect(Array(bytes.readableBytesView) == expected)
        #expect(tagLength == 0x2f)
    }

    @Test func rawTagsHaveNoFraming() throws {
        let payload: [UInt8] = [0x17, 0x01, 0, 0, 0, 9, 9, 9]
        var bytes = HTTPFLVFormat.raw.serialize(Self.packet(.video, timestamp: 40, payload: payload))
        let decoded = try bytes.readFLVTag()
        let tag = try #require(decoded)
        #expect(tag.kind == .video)
        #expect(tag.timestamp == 40)
        #expect(Array(tag.data.readableBytesView) == payload)
        #expect(bytes.readableBytes == 0)
    }

    @Test(arguments: [1, 15, 16, 255, 4096, 70_000, 1 << 20])
    func chunkSizesAreHexOfTheTagLength(payloadSize: Int) throws {
        let packet = Self.packet(.video, timestamp: 0, payload: Array(repeating: 7, count: payloadSize))
        var bytes = HTTPFLVFormat.chunked.serialize(packet)
        let lineEnd = try #require(bytes.readableBytesView.firstIndex(of: 0x0D))
        let read = bytes.readString(length: lineEnd - bytes.readerIndex)
        let line = try #require(read)
        #expect(Int(line, radix: 16) == 15 + payloadSize)
        #expect(bytes.readString(length: 2) == "\r\n")
        let decoded = try bytes.readFLVTag()
        let tag = try #require(decoded)
        #expect(tag.data.readableBytes == payloadSize)
        #expect(bytes.readString(length: 2) == "\r\n")
        #expect(bytes.readableBytes == 0)
    }

    @Test func theHeaderCarriesTheTrackFlags() throws {
        var chunked = HTTPFLVFormat.header(hasAudio: true, hasVideo: false, chunked: true)
        #expect(chunked.readString(length: 3) == "d\r\n")
        let decodedHeader = try chunked.readFLVHeader()
        let header = try #require(decodedHeader)
        #expect(header.hasAudio && !header.hasVideo)
        #expect(chunked.readString(length: 2) == "\r\n")
        #expect(chunked.readableBytes == 0)

        var raw = HTTPFLVFormat.header(hasAudio: true, hasVideo: true, chunked: false)
        #expect(raw.readableBytes == 13)
        let rawHeader = try raw.readFLVHeader()
        #expect(rawHeader == FLVHeader(hasAudio: true, hasVideo: true))
    }
}
