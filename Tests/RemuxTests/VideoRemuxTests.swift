import Media
import NIOCore
import Testing

@testable import Remux

@Suite struct VideoRemuxTests {
    static let aud: [UInt8] = [0x09, 0xF0]
    static let sei: [UInt8] = [0x06, 0x05, 0x01, 0xAA, 0x80]

    func remuxer(lengthSizeMinusOne: UInt8 = 3) throws -> TSRemuxer {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        let result = try remuxer.append(
            TestMedia.avcSequenceHeader(TestMedia.avcRecord(lengthSizeMinusOne: lengthSizeMinusOne)), into: &output)
        #expect(result == .configurationChanged)
        #expect(output.readableBytes == 0, "sequence headers write nothing")
        return remuxer
    }

    /// Appends one packet and returns the single video PES it wrote.
    func mux(_ remuxer: inout TSRemuxer, _ packet: MediaPacket) throws -> (RemuxResult, ParsedPES) {
        var output = ByteBuffer()
        let result = try remuxer.append(packet, into: &output)
        let packets = try parsePackets(output)
        #expect(packets.allSatisfy { $0.pid == 0x100 })
        let pes = try parsePES(packets, pid: 0x100)
        try #require(pes.count == 1)
        return (result, pes[0])
    }

    @Test func idrGetsDelimiterAndParameterSetsInFront() throws {
        var remuxer = try remuxer()
        let frame = TestMedia.videoFrame(
            [Self.sei, TestMedia.idrSlice()], keyframe: true, timestamp: 0, compositionTime: 80)
        let (result, pes) = try mux(&remuxer, frame)
        #expect(result == .wroteVideo(keyframe: true))
        #expect(annexBNALUnits(pes.data) == [Self.aud, TestMedia.avcSPS, TestMedia.avcPPS, Self.sei, TestMedia.idrSlice()])
        #expect(pes.streamID == 0xE0)
        #expect(pes.dataAlignment)
        #expect(pes.pts == ticks(80))
        #expect(pes.dts == ticks(0))
        #expect(pes.packetLength == 3 + 10 + pes.data.count)
        let first = pes.packets[0]
        #expect(first.randomAccess)
        #expect(first.pcrBase == ticks(-100), "PCR = DTS - 100 ms")
    }

    @Test func otherFramesGetOnlyTheDelimiter() throws {
        var remuxer = try remuxer()
        let (result, pes) = try mux(&remuxer, TestMedia.videoFrame([TestMedia.slice()], keyframe: false, timestamp: 40))
        #expect(result == .wroteVideo(keyframe: false))
        #expect(annexBNALUnits(pes.data) == [Self.aud, TestMedia.slice()])
        #expect(pes.pts == ticks(40))
        #expect(pes.dts == nil, "DTS is left out when it equals the PTS")
        #expect(!pes.packets[0].randomAccess)
        #expect(pes.packets[0].pcrBase == ticks(-60), "every video PES carries a PCR")
    }

    @Test func delimiterAndParameterSetsAlreadyInTheFrameAreNotDuplicated() throws {
        var remuxer = try remuxer()
        let sourceAUD: [UInt8] = [0x09, 0x10]
        let frame = TestMedia.videoFrame(
            [Self.sei, sourceAUD, TestMedia.avcSPS, TestMedia.avcPPS, TestMedia.idrSlice()], keyframe: true,
            timestamp: 0)
        let (_, pes) = try mux(&remuxer, frame)
        #expect(annexBNALUnits(pes.data) == [Self.aud, Self.sei, TestMedia.avcSPS, TestMedia.avcPPS, TestMedia.idrSlice()])
    }

    @Test(arguments: [UInt8(0), 1, 3])
    func everyNALUnitLengthSizeConverts(lengthSizeMinusOne: UInt8) throws {
        var remuxer = try remuxer(lengthSizeMinusOne: lengthSizeMinusOne)
        let frame = TestMedia.videoFrame(
            [TestMedia.idrSlice(200), [], TestMedia.slice(3)], keyframe: true, timestamp: 0,
            lengthSize: Int(lengthSizeMinusOne) + 1)
        let (_, pes) = try mux(&remuxer, frame)
        // The empty NAL unit is dropped rather than written as a bare start code.
        #expect(annexBNALUnits(pes.data) == [Self.aud, TestMedia.avcSPS, TestMedia.avcPPS, TestMedia.idrSlice(200), TestMedia.slice(3)])
    }

    @Test func largeFrameHasUnboundedLengthAndSpansPackets() throws {
        var remuxer = try remuxer()
        let (_, pes) = try mux(&remuxer, TestMedia.videoFrame([TestMedia.idrSlice(80_000)], keyframe: true, timestamp: 0))
        #expect(pes.packetLength == 0)
        #expect(annexBNALUnits(pes.data).last == TestMedia.idrSlice(80_000))
        expectContinuity(pes.packets)
        #expect(pes.packets.dropLast().allSatisfy { $0.stuffingCount == 0 || $0.pcrBase != nil })
    }

    @Test func negativeCompositionTimeStaysAboveZero() throws {
        var remuxer = try remuxer()
        let (_, pes) = try mux(&remuxer, TestMedia.videoFrame([TestMedia.slice()], keyframe: false, timestamp: 0, compositionTime: -200))
        #expect(pes.pts == ticks(-200))
        #expect(pes.dts == ticks(0))
    }

    @Test func pcrNeverGoesBelowZero() throws {
        var remuxer = TSRemuxer(configuration: .init(timestampOffset: 0))
        var output = ByteBuffer()
        _ = try remuxer.append(TestMedia.avcSequenceHeader(), into: &output)
        let (_, pes) = try mux(&remuxer, TestMedia.videoFrame([TestMedia.idrSlice()], keyframe: true, timestamp: 50))
        #expect(pes.packets[0].pcrBase == 0)
        #expect(pes.dts == nil && pes.pts == 50 * 90)
    }

    @Test func continuityCountersContinueAcrossFramesAndSegments() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        for index in 0..<40 {
            if index % 10 == 0 { remuxer.writeProgramTables(into: &output) }
            _ = try remuxer.append(
                TestMedia.videoFrame([TestMedia.slice(50 + index * 37)], keyframe: index % 10 == 0, timestamp: Int64(index) * 40),
                into: &output)
        }
        let packets = try parsePackets(output)
        expectContinuity(packets)
        #expect(Set(packets.filter { $0.pid == 0x100 }.map(\.continuityCounter)).count == 16, "the counter wraps")
    }

    @Test func frameBeforeSequenceHeaderIsIgnored() throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        #expect(try remuxer.append(TestMedia.videoFrame([TestMedia.idrSlice()], keyframe: true, timestamp: 0), into: &output) == .ignored)
        #expect(output.readableBytes == 0)
        #expect(remuxer.tracks.isEmpty)
    }

    @Test func configurationChangesOnlyWhenTheRecordDiffers() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        #expect(remuxer.codecs == ["avc1.64001e"])
        #expect(try remuxer.append(TestMedia.avcSequenceHeader(timestamp: 5000), into: &output) == .configurationUnchanged)
        var record = TestMedia.avcRecord()
        record.levelIndication = 0x1F
        #expect(try remuxer.append(TestMedia.avcSequenceHeader(record), into: &output) == .configurationChanged)
        #expect(remuxer.codecs == ["avc1.64001f"])
        #expect(output.readableBytes == 0)
    }

    @Test func tracksCodecsAndSizeComeFromTheSequenceHeader() throws {
        let remuxer = try remuxer()
        #expect(remuxer.tracks == TSTracks(video: .h264))
        #expect(remuxer.videoSize?.width == 640)
        #expect(remuxer.videoSize?.height == 360)
    }

    @Test func malformedNALLengthThrowsAndTheNextPacketWorks() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        _ = try remuxer.append(TestMedia.videoFrame([TestMedia.idrSlice()], keyframe: true, timestamp: 0), into: &output)
        let before = output.readableBytes

        var payload = ByteBuffer()
        payload.writeVideoTagHeader(VideoTagHeader(codec: .legacy(.avc), frameType: .interframe, packetType: .codedFrames))
        payload.writeInteger(UInt32(100))  // announces 100 bytes, carries 3
        payload.writeBytes([0x41, 0x00, 0x00])
        #expect(throws: RemuxError.invalidNALUnitLength) {
            try remuxer.append(TestMedia.packet(.video, 40, payload), into: &output)
        }
        var cutPrefix = ByteBuffer()
        cutPrefix.writeVideoTagHeader(VideoTagHeader(codec: .legacy(.avc), frameType: .interframe, packetType: .codedFrames))
        cutPrefix.writeBytes([0x00, 0x00])  // half a length prefix
        #expect(throws: RemuxError.invalidNALUnitLength) {
            try remuxer.append(TestMedia.packet(.video, 40, cutPrefix), into: &output)
        }
        #expect(output.readableBytes == before, "nothing of a rejected frame is written")

        #expect(try remuxer.append(TestMedia.videoFrame([TestMedia.slice()], keyframe: false, timestamp: 80), into: &output) == .wroteVideo(keyframe: false))
        let packets = try parsePackets(output)
        expectContinuity(packets)
        #expect(try parsePES(packets, pid: 0x100).count == 2)
    }

    @Test func truncatedOrBadHeadersThrow() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        #expect(throws: RemuxError.truncatedTagHeader) {
            try remuxer.append(TestMedia.packet(.video, 0, ByteBuffer(bytes: [0x17, 0x01, 0x00])), into: &output)
        }
        #expect(throws: RemuxError.malformedTagHeader) {
            try remuxer.append(TestMedia.packet(.video, 0, ByteBuffer(bytes: [0x07, 0x01, 0, 0, 0])), into: &output)
        }
        // configurationVersion 2 is not a record this parser knows.
        #expect(throws: RemuxError.invalidSequenceHeader) {
            try remuxer.append(TestMedia.packet(.video, 0, ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x02, 0x64, 0, 0x1E, 0xFF, 0xE0, 0])), into: &output)
        }
        #expect(throws: RemuxError.invalidSequenceHeader) {
            try remuxer.append(TestMedia.packet(.video, 0, ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x64])), into: &output)
        }
        #expect(remuxer.codecs == ["avc1.64001e"], "a rejected sequence header keeps the previous one")
        #expect(output.readableBytes == 0)
    }

    @Test func metadataOtherCodecsAndExcludedVideoAreIgnored() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        let metadata = MediaPacket(kind: .data, timestamp: 0, flags: .metadata, payload: ByteBuffer(bytes: [2, 0, 1, 0x41]))
        #expect(try remuxer.append(metadata, into: &output) == .ignored)
        let vp6 = TestMedia.packet(.video, 0, ByteBuffer(bytes: [0x14, 0x00, 0x01, 0x02]))
        #expect(try remuxer.append(vp6, into: &output) == .ignored)
        let endOfSequence = TestMedia.packet(.video, 0, ByteBuffer(bytes: [0x17, 0x02, 0, 0, 0]))
        #expect(try remuxer.append(endOfSequence, into: &output) == .ignored)
        remuxer.excludesVideo = true
        #expect(try remuxer.append(TestMedia.videoFrame([TestMedia.idrSlice()], keyframe: true, timestamp: 0), into: &output) == .ignored)
        #expect(output.readableBytes == 0)
        #expect(remuxer.tracks.isEmpty)
        #expect(remuxer.codecs.isEmpty)
        #expect(remuxer.videoSize == nil)
    }
}

extension VideoRemuxTests {
    @Test func unflaggedIDRIsStillARandomAccessPoint() throws {
        var remuxer = try remuxer()
        let (result, pes) = try mux(&remuxer, TestMedia.videoFrame([TestMedia.idrSlice()], keyframe: false, timestamp: 0))
        #expect(result == .wroteVideo(keyframe: true))
        #expect(pes.packets[0].randomAccess)
        #expect(annexBNALUnits(pes.data) == [Self.aud, TestMedia.avcSPS, TestMedia.avcPPS, TestMedia.idrSlice()])
    }
}
