import NIOCore
import Testing

@testable import Remux

@Suite struct CRC32MPEG2Tests {
    @Test func checkValueOfTheCatalogue() {
        // The standard check input "123456789" for CRC-32/MPEG-2.
        #expect(CRC32MPEG2.checksum(Array("123456789".utf8)) == 0x0376_E6E7)
        #expect(CRC32MPEG2.checksum([UInt8]()) == 0xFFFF_FFFF)
    }

    @Test func matchesFFmpegsPATAndLeavesNoRemainder() {
        // The PAT section FFmpeg writes for program 1 at PID 0x1000, CRC included.
        let section = [UInt8](hex: "00b00d0001c100000001f0002ab104b2")
        #expect(CRC32MPEG2.checksum(section.dropLast(4)) == 0x2AB1_04B2)
        #expect(CRC32MPEG2.checksum(section) == 0)
    }

    @Test func incrementalUpdateEqualsOneShot() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 31) }
        var crc = CRC32MPEG2()
        crc.update(bytes[..<100])
        crc.update(bytes[100...])
        #expect(crc.value == CRC32MPEG2.checksum(bytes))
    }
}

@Suite struct PSITablesTests {
    /// The first PAT and PMT packets of `ffmpeg -c copy -f mpegts` for samples/sample.flv.
    static let ffmpegPAT = [UInt8](hex: "474000100000b00d0001c100000001f0002ab104b2")
    static let ffmpegPMT = [UInt8](hex: "475000100002b0170001c10000e100f0001be100f0000fe101f0002f44b99b")
    static let ffmpegVideoOnlyPMT = [UInt8](hex: "475000100002b0120001c10000e100f0001be100f00015bd4d56")

    private func tables(_ remuxer: inout TSRemuxer) throws -> [[UInt8]] {
        var output = ByteBuffer()
        remuxer.writeProgramTables(into: &output)
        let bytes = Array(output.readableBytesView)
        try #require(bytes.count == 2 * 188)
        return [Array(bytes[0..<188]), Array(bytes[188...])]
    }

    private func expectPacket(_ packet: [UInt8], startsWith prefix: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Array(packet.prefix(prefix.count)) == prefix, sourceLocation: sourceLocation)
        #expect(packet[prefix.count...].allSatisfy { $0 == 0xFF }, "stuffing after the section", sourceLocation: sourceLocation)
    }

    @Test func patAndPMTMatchFFmpegByteForByte() throws {
        var remuxer = TSRemuxer()
        var ignored = ByteBuffer()
        #expect(try remuxer.append(TestMedia.avcSequenceHeader(), into: &ignored) == .configurationChanged)
        #expect(try remuxer.append(TestMedia.aacSequenceHeader(), into: &ignored) == .configurationChanged)
        #expect(ignored.readableBytes == 0)
        let packets = try tables(&remuxer)
        expectPacket(packets[0], startsWith: Self.ffmpegPAT)
        expectPacket(packets[1], startsWith: Self.ffmpegPMT)
    }

    @Test func videoOnlyPMTMatchesFFmpeg() throws {
        var remuxer = TSRemuxer()
        var ignored = ByteBuffer()
        _ = try remuxer.append(TestMedia.avcSequenceHeader(), into: &ignored)
        let packets = try tables(&remuxer)
        expectPacket(packets[1], startsWith: Self.ffmpegVideoOnlyPMT)
    }

    @Test func audioOnlyPMTPutsThePCROnTheAudioPID() throws {
        var remuxer = TSRemuxer()
        var ignored = ByteBuffer()
        _ = try remuxer.append(TestMedia.avcSequenceHeader(), into: &ignored)
        _ = try remuxer.append(TestMedia.aacSequenceHeader(), into: &ignored)
        remuxer.excludesVideo = true
        let section = Array(try tables(&remuxer)[1][5...])
        let sectionLength = Int(section[1] & 0x0F) << 8 | Int(section[2])
        try #require(sectionLength == 9 + 5 + 4)
        #expect(UInt16(section[8] & 0x1F) << 8 | UInt16(section[9]) == 0x101, "PCR_PID")
        #expect(Array(section[12..<17]) == [0x0F, 0xE1, 0x01, 0xF0, 0x00])
        #expect(CRC32MPEG2.checksum(section[..<(3 + sectionLength)]) == 0)
        #expect(remuxer.tracks == TSTracks(video: nil, audio: .aac))
        #expect(remuxer.codecs == ["mp4a.40.2"])
    }

    @Test func pmtVersionChangesWithItsContent() throws {
        var remuxer = TSRemuxer()
        var ignored = ByteBuffer()
        _ = try remuxer.append(TestMedia.avcSequenceHeader(), into: &ignored)
        let first = try tables(&remuxer)[1]
        let repeated = try tables(&remuxer)[1]
        _ = try remuxer.append(TestMedia.aacSequenceHeader(), into: &ignored)
        let changed = try tables(&remuxer)[1]
        let version: ([UInt8]) -> UInt8 = { $0[10] >> 1 & 0x1F }
        #expect(version(first) == 0)
        #expect(version(repeated) == 0)
        #expect(version(changed) == 1)
        #expect(changed[10] & 0x01 == 1, "current_next_indicator")
        // Only the continuity counter differs between the two identical tables.
        #expect(Array(first[4...]) == Array(repeated[4...]))
    }

    @Test func continuityCountersOfPATAndPMTIncrementAndWrap() throws {
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        for _ in 0..<20 { remuxer.writeProgramTables(into: &output) }
        let packets = try parsePackets(output)
        #expect(packets.count == 40)
        let pat = packets.filter { $0.pid == 0 }.map(\.continuityCounter)
        let pmt = packets.filter { $0.pid == 0x1000 }.map(\.continuityCounter)
        let expected = (0..<20).map { UInt8($0 % 16) }
        #expect(pat == expected)
        #expect(pmt == expected)
        #expect(packets.allSatisfy { $0.payloadUnitStart })
    }

    @Test func emptyProgramHasNoPCRPID() throws {
        var remuxer = TSRemuxer()
        let pmt = try tables(&remuxer)[1]
        #expect(Array(pmt[5..<8]) == [0x02, 0xB0, 0x0D])
        #expect(UInt16(pmt[13] & 0x1F) << 8 | UInt16(pmt[14]) == 0x1FFF)
    }
}
