import NIOCore
import Testing

@testable import Media

@Suite("FLV video and audio tag headers, and packet classification")
struct TagHeaderTests {
    static func read(_ bytes: [UInt8]) throws -> (VideoTagHeader?, ByteBuffer) {
        var buffer = ByteBuffer(bytes: bytes)
        let header = try buffer.readVideoTagHeader()
        return (header, buffer)
    }

    @Test func legacyAVCSequenceHeader() throws {
        let (header, rest) = try Self.read([0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64])
        let parsed = try #require(header)
        #expect(parsed.codec == .legacy(.avc) && parsed.codec.isAVC)
        #expect(parsed.frameType == .keyframe && parsed.packetType == .sequenceStart)
        #expect(parsed.isSequenceHeader && !parsed.isKeyframe && !parsed.isExHeader)
        #expect(parsed.headerLength == 5)
        #expect(rest.readableBytesView.first == 0x01)
    }

    @Test func legacyAVCNegativeCompositionTime() throws {
        let (header, _) = try Self.read([0x27, 0x01, 0xFF, 0xFF, 0xD8, 0x00])
        #expect(header?.compositionTime == -40)
        #expect(header?.frameType == .interframe)
        let (positive, _) = try Self.read([0x17, 0x01, 0x00, 0x00, 0x50, 0x00])
        #expect(positive?.compositionTime == 80)
        #expect(positive?.isKeyframe == true)
    }

    @Test func legacyHEVCChinaExtension() throws {
        let (header, _) = try Self.read([0x1C, 0x00, 0, 0, 0, 0x01])
        #expect(header?.codec == .legacy(.hevc))
        #expect(header?.codec.isHEVC == true)
        #expect(header?.isSequenceHeader == true)
    }

    @Test func legacyNonAVCCodecsHaveOneByteHeader() throws {
        let (header, rest) = try Self.read([0x12, 0xAB])
        #expect(header == VideoTagHeader(codec: .legacy(.sorensonH263), frameType: .keyframe, packetType: .codedFrames))
        #expect(header?.isKeyframe == true && header?.isSequenceHeader == false)
        #expect(rest.readableBytes == 1)
    }

    @Test func enhancedHEVCCodedFramesCarryCompositionTime() throws {
        // IsExHeader | keyframe | CodedFrames, "hvc1", SI24 = 33
        let (header, rest) = try Self.read([0x91, 0x68, 0x76, 0x63, 0x31, 0x00, 0x00, 0x21, 0xEE])
        let parsed = try #require(header)
        #expect(parsed.codec == .fourCC(.hvc1) && parsed.isExHeader && parsed.codec.isHEVC)
        #expect(parsed.compositionTime == 33 && parsed.headerLength == 8)
        #expect(parsed.isKeyframe)
        #expect(Array(rest.readableBytesView) == [0xEE])
    }

    @Test func enhancedCodedFramesXAndSequenceStart() throws {
        let (framesX, rest) = try Self.read([0xA3, 0x68, 0x76, 0x63, 0x31, 0xEE])
        #expect(framesX?.packetType == .codedFramesX && framesX?.frameType == .interframe)
        #expect(framesX?.compositionTime == 0 && framesX?.headerLength == 5)
        #expect(rest.readableBytes == 1)
        let (av1Start, _) = try Self.read([0x90, 0x61, 0x76, 0x30, 0x31, 0x81])
        #expect(av1Start?.codec == .fourCC(.av01))
        #expect(av1Start?.isSequenceHeader == true && av1Start?.isKeyframe == false)
        let (vp9Frame, _) = try Self.read([0x91, 0x76, 0x70, 0x30, 0x39, 0x00])
        #expect(vp9Frame?.headerLength == 5 && vp9Frame?.isKeyframe == true)
        let (metadata, _) = try Self.read([0xD4, 0x68, 0x76, 0x63, 0x31, 0x02])
        #expect(metadata?.packetType == .metadata && metadata?.frameType == .command)
    }

    @Test func incompleteHeadersNeedMoreData() throws {
        for bytes: [UInt8] in [[], [0x17], [0x17, 0x01, 0x00], [0x91, 0x68, 0x76], [0x91, 0x68, 0x76, 0x63, 0x31, 0x00]] {
            var buffer = ByteBuffer(bytes: bytes)
            #expect(try buffer.readVideoTagHeader() == nil, "\(bytes)")
            #expect(buffer.readerIndex == 0)
        }
        for bytes: [UInt8] in [[], [0xAF], [0x90, 0x4F, 0x70]] {
            var buffer = ByteBuffer(bytes: bytes)
            #expect(try buffer.readAudioTagHeader() == nil, "\(bytes)")
        }
    }

    @Test func malformedVideoHeadersThrow() {
        let cases: [([UInt8], FLVDecodingError)] = [
            ([0x1F, 0x00], .unknownCodec),
            ([0x0C, 0x00, 0, 0, 0], .unknownFrameType),
            ([0x77, 0x00, 0, 0, 0], .unknownFrameType),
            ([0x17, 0x03, 0, 0, 0], .unsupportedPacketType),
            ([0x91, 0x61, 0x62, 0x63, 0x64], .unknownCodec),
            ([0x96, 0x00, 0x68, 0x76, 0x63, 0x31], .unsupportedPacketType),
            ([0x97, 0x68, 0x76, 0x63, 0x31], .unsupportedPacketType),
            ([0xD1, 0x01], .unsupportedPacketType),
            ([0x81, 0x68, 0x76, 0x63, 0x31], .unknownFrameType),
        ]
        for (bytes, error) in cases {
            var buffer = ByteBuffer(bytes: bytes)
            #expect(throws: error, "\(bytes)") { try buffer.readVideoTagHeader() }
        }
    }

    @Test("video headers round-trip", arguments: [
        VideoTagHeader(codec: .legacy(.avc), frameType: .keyframe, packetType: .sequenceStart),
        VideoTagHeader(codec: .legacy(.avc), frameType: .interframe, packetType: .codedFrames, compositionTime: -8_388_608),
        VideoTagHeader(codec: .legacy(.hevc), frameType: .keyframe, packetType: .codedFrames, compositionTime: 8_388_607),
        VideoTagHeader(codec: .legacy(.on2VP6), frameType: .disposableInterframe, packetType: .codedFrames),
        VideoTagHeader(codec: .fourCC(.hvc1), frameType: .keyframe, packetType: .codedFrames, compositionTime: 120),
        VideoTagHeader(codec: .fourCC(.avc1), frameType: .interframe, packetType: .codedFramesX),
        VideoTagHeader(codec: .fourCC(.av01), frameType: .keyframe, packetType: .sequenceStart),
        VideoTagHeader(codec: .fourCC(.vp09), frameType: .keyframe, packetType: .sequenceEnd),
    ])
    func videoRoundTrip(_ header: VideoTagHeader) throws {
        var buffer = ByteBuffer()
        #expect(buffer.writeVideoTagHeader(header) == header.headerLength)
        #expect(try buffer.readVideoTagHeader() == header)
        #expect(buffer.readableBytes == 0)
    }

    @Test func audioHeaders() throws {
        var aacConfig = ByteBuffer(bytes: [0xAF, 0x00, 0x12, 0x10])
        let aac = try #require(try aacConfig.readAudioTagHeader())
        #expect(aac.codec == .legacy(.aac) && aac.codec.isAAC && aac.isSequenceHeader)
        #expect(aac.soundFlags == AudioTagHeader.aacSoundFlags && aac.headerLength == 2)
        #expect(aacConfig.readableBytes == 2)

        var mp3 = ByteBuffer(bytes: [0x2E, 0xFF, 0xFB])
        let mp3Header = try #require(try mp3.readAudioTagHeader())
        #expect(mp3Header.codec == .legacy(.mp3) && mp3Header.packetType == .codedFrames && !mp3Header.isSequenceHeader)
        #expect(mp3Header.soundFlags == 0x0E && mp3.readableBytes == 2)

        var opus = ByteBuffer(bytes: [0x90, 0x4F, 0x70, 0x75, 0x73, 0x4F])
        let opusHeader = try #require(try opus.readAudioTagHeader())
        #expect(opusHeader.codec == .fourCC(.opus) && opusHeader.isSequenceHeader && opusHeader.headerLength == 5)

        var unknownFourCC = ByteBuffer(bytes: [0x91, 0x61, 0x62, 0x63, 0x64])
        #expect(throws: FLVDecodingError.unknownCodec) { try unknownFourCC.readAudioTagHeader() }
        var multitrack = ByteBuffer(bytes: [0x95, 0x00])
        #expect(throws: FLVDecodingError.unsupportedPacketType) { try multitrack.readAudioTagHeader() }
        var reservedFormat = ByteBuffer(bytes: [0xCF])
        #expect(throws: FLVDecodingError.unknownCodec) { try reservedFormat.readAudioTagHeader() }
        var badAACPacket = ByteBuffer(bytes: [0xAF, 0x02])
        #expect(throws: FLVDecodingError.unsupportedPacketType) { try badAACPacket.readAudioTagHeader() }
    }

    @Test("audio headers round-trip", arguments: [
        AudioTagHeader(codec: .legacy(.aac), packetType: .sequenceStart, soundFlags: AudioTagHeader.aacSoundFlags),
        AudioTagHeader(codec: .legacy(.aac), packetType: .codedFrames, soundFlags: AudioTagHeader.aacSoundFlags),
        AudioTagHeader(codec: .legacy(.mp3), packetType: .codedFrames, soundFlags: 0x0E),
        AudioTagHeader(codec: .legacy(.g711ALaw), packetType: .codedFrames, soundFlags: 0x06),
        AudioTagHeader(codec: .fourCC(.opus), packetType: .codedFrames),
        AudioTagHeader(codec: .fourCC(.aac), packetType: .sequenceStart),
    ])
    func audioRoundTrip(_ header: AudioTagHeader) throws {
        var buffer = ByteBuffer()
        #expect(buffer.writeAudioTagHeader(header) == header.headerLength)
        #expect(try buffer.readAudioTagHeader() == header)
        #expect(buffer.readableBytes == 0)
    }

    @Test func classification() {
        func flags(_ kind: MediaKind, _ bytes: [UInt8]) -> MediaPacket.Flags {
            MediaPacket.Flags.classify(kind: kind, payload: ByteBuffer(bytes: bytes))
        }
        #expect(flags(.video, [0x17, 0x00, 0, 0, 0, 0x01]) == .sequenceHeader)
        #expect(flags(.video, [0x17, 0x01, 0, 0, 0, 0x00]) == .keyframe)
        #expect(flags(.video, [0x27, 0x01, 0, 0, 0, 0x00]) == [])
        #expect(flags(.video, [0x17, 0x02, 0, 0, 0]) == [])
        #expect(flags(.video, [0x90, 0x68, 0x76, 0x63, 0x31, 0x01]) == .sequenceHeader)
        #expect(flags(.video, [0x93, 0x68, 0x76, 0x63, 0x31, 0x00]) == .keyframe)
        #expect(flags(.video, [0x12, 0x00]) == .keyframe)
        #expect(flags(.audio, [0xAF, 0x00, 0x12, 0x10]) == .sequenceHeader)
        #expect(flags(.audio, [0xAF, 0x01, 0x21]) == [])
        #expect(flags(.audio, [0x2E, 0xFF]) == [])
        #expect(flags(.data, [0x02, 0x00, 0x0A]) == [])
        // Unparseable payloads get no flags rather than a crash or a guess.
        #expect(flags(.video, []) == [])
        #expect(flags(.video, [0x1F]) == [])
        #expect(flags(.audio, [0xAF]) == [])
    }
}
