import Media
import NIOCore
import Testing

@testable import Remux

@Suite struct HEVCRemuxTests {
    static let aud: [UInt8] = [0x46, 0x01, 0x50]

    @Test(arguments: [VideoTagHeader.Codec.fourCC(.hvc1), .legacy(.hevc)])
    func irapGetsDelimiterAndParameterSets(codec: VideoTagHeader.Codec) throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        #expect(try remuxer.append(TestMedia.hevcSequenceHeader(codec: codec), into: &output) == .configurationChanged)
        #expect(remuxer.tracks == TSTracks(video: .h265))
        #expect(remuxer.codecs == ["hvc1.1.6.L60.90"])
        #expect(remuxer.videoSize?.width == 320)
        #expect(remuxer.videoSize?.height == 240)

        remuxer.writeProgramTables(into: &output)
        let keyframe = TestMedia.videoFrame(
            [TestMedia.hevcIDRSlice()], codec: codec, keyframe: true, timestamp: 0, compositionTime: 40)
        #expect(try remuxer.append(keyframe, into: &output) == .wroteVideo(keyframe: true))
        let trailing = TestMedia.videoFrame([TestMedia.hevcSlice()], codec: codec, keyframe: false, timestamp: 40)
        #expect(try remuxer.append(trailing, into: &output) == .wroteVideo(keyframe: false))

        let packets = try parsePackets(output)
        let pmt = try #require(packets.first { $0.pid == 0x1000 })
        #expect(Array(pmt.payload[13..<18]) == [0x24, 0xE1, 0x00, 0xF0, 0x00], "stream_type 0x24 on PID 0x100")
        let pes = try parsePES(packets, pid: 0x100)
        try #require(pes.count == 2)
        #expect(annexBNALUnits(pes[0].data) == [Self.aud, TestMedia.hevcVPS, TestMedia.hevcSPS, TestMedia.hevcPPS, TestMedia.hevcIDRSlice()])
        #expect(pes[0].pts == ticks(40))
        #expect(pes[0].dts == ticks(0))
        #expect(pes[0].packets[0].randomAccess)
        #expect(annexBNALUnits(pes[1].data) == [Self.aud, TestMedia.hevcSlice()])
    }

    @Test func enhancedCodedFramesWithoutCompositionTime() throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        _ = try remuxer.append(TestMedia.hevcSequenceHeader(), into: &output)
        var payload = ByteBuffer()
        payload.writeVideoTagHeader(VideoTagHeader(codec: .fourCC(.hvc1), frameType: .interframe, packetType: .codedFramesX))
        payload.writeInteger(UInt32(TestMedia.hevcSlice().count))
        payload.writeBytes(TestMedia.hevcSlice())
        #expect(try remuxer.append(TestMedia.packet(.video, 120, payload), into: &output) == .wroteVideo(keyframe: false))
        let pes = try parsePES(parsePackets(output), pid: 0x100)
        #expect(pes.first?.pts == ticks(120))
        #expect(pes.first?.dts == nil)
    }

    @Test func switchingCodecIsAConfigurationChangeAndOldFramesAreIgnored() throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        _ = try remuxer.append(TestMedia.avcSequenceHeader(), into: &output)
        #expect(try remuxer.append(TestMedia.hevcSequenceHeader(), into: &output) == .configurationChanged)
        #expect(remuxer.tracks.video == .h265)
        let avcFrame = TestMedia.videoFrame([TestMedia.idrSlice()], keyframe: true, timestamp: 0)
        #expect(try remuxer.append(avcFrame, into: &output) == .ignored)
        #expect(output.readableBytes == 0)
    }
}
