import Media
import NIOCore
import Testing

@testable import Remux

@Suite struct AudioRemuxTests {
    private func remuxer(aggregation: Int64 = 100, video: Bool = false) throws -> TSRemuxer {
        var remuxer = TSRemuxer(configuration: .init(audioAggregation: aggregation))
        var output = ByteBuffer()
        if video { _ = try remuxer.append(TestMedia.avcSequenceHeader(), into: &output) }
        #expect(try remuxer.append(TestMedia.aacSequenceHeader(), into: &output) == .configurationChanged)
        #expect(output.readableBytes == 0)
        return remuxer
    }

    /// The ADTS frames a PES carries: Media's ADTS header for each raw frame, then the frame.
    private func adts(_ frames: [[UInt8]], config: [UInt8] = TestMedia.aacConfig) throws -> [UInt8] {
        let asc = try AudioSpecificConfig(parsing: ByteBuffer(bytes: config))
        var buffer = ByteBuffer()
        for frame in frames {
            try buffer.writeADTSHeader(asc, frameLength: frame.count)
            buffer.writeBytes(frame)
        }
        return Array(buffer.readableBytesView)
    }

    @Test func framesShareOnePESUntilFlushed() throws {
        var remuxer = try remuxer(video: true)
        var output = ByteBuffer()
        let frames = (0..<4).map { TestMedia.aacPayload($0, size: 30 + $0) }
        for (index, frame) in frames.enumerated() {
            #expect(try remuxer.append(TestMedia.aacFrame(frame, timestamp: Int64(index) * 23), into: &output) == .wroteAudio)
        }
        #expect(output.readableBytes == 0, "92 ms are pending (the last frame lasts 23 ms), less than 100 ms")
        remuxer.flush(into: &output)
        let pes = try parsePES(parsePackets(output), pid: 0x101)
        try #require(pes.count == 1)
        #expect(pes[0].streamID == 0xC0)
        #expect(pes[0].pts == ticks(0))
        #expect(pes[0].dts == nil)
        #expect(pes[0].packetLength == 3 + 5 + pes[0].data.count)
        #expect(pes[0].data == (try adts(frames)))
        #expect(pes[0].packets[0].pcrBase == nil, "the PCR is on the video PID in a program with video")

        let afterFlush = output.readableBytes
        remuxer.flush(into: &output)
        #expect(output.readableBytes == afterFlush, "nothing left to flush")
    }

    @Test func aggregationSpanWritesThePES() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        let frames = (0..<7).map { TestMedia.aacPayload($0) }
        for (index, frame) in frames.enumerated() {
            _ = try remuxer.append(TestMedia.aacFrame(frame, timestamp: Int64(index) * 23), into: &output)
            // The frame at 92 ms ends at 115 ms (1024 samples at 44.1 kHz): 100 ms are pending.
            #expect((output.readableBytes > 0) == (index >= 4))
        }
        remuxer.flush(into: &output)
        let pes = try parsePES(parsePackets(output), pid: 0x101)
        try #require(pes.count == 2)
        #expect(pes[0].data == (try adts(Array(frames[0..<5]))))
        #expect(pes[1].data == (try adts(Array(frames[5...]))))
        #expect(pes[1].pts == ticks(115))
    }

    @Test func zeroAggregationWritesEveryFrame() throws {
        var remuxer = try remuxer(aggregation: 0)
        var output = ByteBuffer()
        for index in 0..<3 {
            _ = try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(index), timestamp: Int64(index) * 21), into: &output)
        }
        let packets = try parsePackets(output)
        let pes = try parsePES(packets, pid: 0x101)
        #expect(pes.map(\.pts) == [ticks(0), ticks(21), ticks(42)])
        expectContinuity(packets)
    }

    @Test func timestampGoingBackStartsANewPES() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        _ = try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(0), timestamp: 500), into: &output)
        _ = try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(1), timestamp: 10), into: &output)
        remuxer.flush(into: &output)
        #expect(try parsePES(parsePackets(output), pid: 0x101).map(\.pts) == [ticks(500), ticks(10)])
    }

    @Test func pesStaysWithinSixteenBitLength() throws {
        var remuxer = try remuxer(aggregation: 10_000)
        var output = ByteBuffer()
        for index in 0..<40 {
            _ = try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(index, size: 4000), timestamp: Int64(index)), into: &output)
        }
        remuxer.flush(into: &output)
        let pes = try parsePES(parsePackets(output), pid: 0x101)
        #expect(pes.count == 3)
        #expect(pes.allSatisfy { $0.packetLength > 0 && $0.packetLength <= 0xFFFF })
        #expect(pes.map { $0.data.count / 4007 } == [16, 16, 8])
    }

    @Test func newConfigurationWritesPendingFramesWithTheOldHeaders() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        let frames = [TestMedia.aacPayload(0), TestMedia.aacPayload(1)]
        for (index, frame) in frames.enumerated() {
            _ = try remuxer.append(TestMedia.aacFrame(frame, timestamp: Int64(index) * 23), into: &output)
        }
        #expect(try remuxer.append(TestMedia.aacSequenceHeader(), into: &output) == .configurationUnchanged)
        #expect(output.readableBytes == 0)
        let config48kHz: [UInt8] = [0x11, 0x90]
        #expect(try remuxer.append(TestMedia.aacSequenceHeader(config48kHz), into: &output) == .configurationChanged)
        let pes = try parsePES(parsePackets(output), pid: 0x101)
        #expect(pes.map(\.data) == [try adts(frames)])
        _ = try remuxer.append(TestMedia.aacFrame(frames[0], timestamp: 46), into: &output)
        remuxer.flush(into: &output)
        let all = try parsePES(parsePackets(output), pid: 0x101)
        #expect(all.last?.data == (try adts([frames[0]], config: config48kHz)))
    }

    @Test func audioOnlyProgramCarriesPCROnTheAudioPID() throws {
        var remuxer = try remuxer(aggregation: 0)
        var output = ByteBuffer()
        remuxer.writeProgramTables(into: &output)
        _ = try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(0), timestamp: 300), into: &output)
        let pes = try parsePES(parsePackets(output), pid: 0x101)
        #expect(pes.first?.packets.first?.pcrBase == ticks(200))
        #expect(pes.first?.packets.first?.randomAccess == true)
    }

    @Test func framesBeforeTheirConfigurationOrTooLongAreRejected() throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        #expect(try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(0), timestamp: 0), into: &output) == .ignored)
        _ = try remuxer.append(TestMedia.aacSequenceHeader(), into: &output)
        #expect(throws: RemuxError.invalidAudioFrame) {
            try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(0, size: 8185), timestamp: 0), into: &output)
        }
        #expect(throws: RemuxError.truncatedTagHeader) {
            try remuxer.append(TestMedia.packet(.audio, 0, ByteBuffer(bytes: [0xAF])), into: &output)
        }
        #expect(throws: RemuxError.invalidSequenceHeader) {
            try remuxer.append(TestMedia.aacSequenceHeader([0x12]), into: &output)
        }
        #expect(try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(0, size: 8184), timestamp: 0), into: &output) == .wroteAudio)
        remuxer.flush(into: &output)
        #expect(try parsePES(parsePackets(output), pid: 0x101).first?.data.count == 8191)
    }

    @Test func configurationADTSCannotCarryRemovesTheTrack() throws {
        var remuxer = try remuxer()
        var output = ByteBuffer()
        // AAC-ELD (object type 39), 44.1 kHz stereo.
        let eld: [UInt8] = [0xF8, 0xE8, 0x40]
        #expect(try AudioSpecificConfig(parsing: ByteBuffer(bytes: eld)).objectType.rawValue == 39)
        #expect(try remuxer.append(TestMedia.aacSequenceHeader(eld), into: &output) == .configurationChanged)
        #expect(remuxer.tracks.audio == nil)
        #expect(try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(0), timestamp: 0), into: &output) == .ignored)
        #expect(try remuxer.append(TestMedia.aacSequenceHeader(eld), into: &output) == .ignored)
    }

    @Test func heAACIsAdvertisedAsSuch() throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        // Explicit SBR signalling: object type 5, 22.05 kHz core, 44.1 kHz extension, AAC-LC core.
        _ = try remuxer.append(TestMedia.aacSequenceHeader([0x2B, 0x92, 0x08, 0x00]), into: &output)
        #expect(remuxer.codecs == ["mp4a.40.5"])
    }

    @Test(arguments: [(TestMedia.mpeg1FrameHeader, UInt8(0x03)), (TestMedia.mpeg2FrameHeader, UInt8(0x04))])
    func mp3PassesThrough(header: [UInt8], streamType: UInt8) throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        let first = TestMedia.mp3Frame(header: header, timestamp: 0)
        #expect(try remuxer.append(first, into: &output) == .configurationChanged)
        #expect(remuxer.tracks == TSTracks(audio: .mp3))
        #expect(remuxer.codecs == ["mp4a.40.34"])
        let second = TestMedia.mp3Frame(header: header, timestamp: 26)
        #expect(try remuxer.append(second, into: &output) == .wroteAudio)
        var tables = ByteBuffer()
        remuxer.writeProgramTables(into: &tables)
        #expect(Array(tables.readableBytesView)[188 + 17] == streamType)
        remuxer.flush(into: &output)
        let pes = try parsePES(parsePackets(output), pid: 0x101)
        try #require(pes.count == 1)
        var expected = first.payload
        expected.moveReaderIndex(forwardBy: 1)
        var secondData = second.payload
        secondData.moveReaderIndex(forwardBy: 1)
        #expect(pes[0].data == Array(expected.readableBytesView) + Array(secondData.readableBytesView))
    }

    @Test func mp3WithoutFrameSyncFallsBackToTheFLVSoundRate() throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        _ = try remuxer.append(TestMedia.mp3Frame(header: [0x00, 0x00], soundRate: 2, timestamp: 0), into: &output)
        #expect(remuxer.audio?.streamType == .mpeg2Audio)
    }

    @Test func excludedAudioIsIgnoredAndNotListed() throws {
        var remuxer = try remuxer(video: true)
        var output = ByteBuffer()
        _ = try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(0), timestamp: 0), into: &output)
        remuxer.excludesAudio = true
        remuxer.flush(into: &output)
        #expect(output.readableBytes == 0, "pending audio of an excluded track is dropped")
        #expect(try remuxer.append(TestMedia.aacFrame(TestMedia.aacPayload(1), timestamp: 23), into: &output) == .ignored)
        #expect(try remuxer.append(TestMedia.aacSequenceHeader([0x11, 0x90]), into: &output) == .ignored)
        #expect(remuxer.tracks == TSTracks(video: .h264))
        #expect(remuxer.codecs == ["avc1.64001e"])
        remuxer.writeProgramTables(into: &output)
        #expect(Array(output.readableBytesView)[188 + 7] == 0x12, "PMT section_length for one stream")
    }
}
