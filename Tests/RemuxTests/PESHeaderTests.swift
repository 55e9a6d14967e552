import Testing

@testable import Remux

@Suite struct PESHeaderTests {
    @Test func matchesFFmpegsFirstVideoPESHeader() {
        // From `ffmpeg -c copy -f mpegts` of samples/sample.flv: PTS 1.48 s, DTS 1.4 s, length 0, no alignment flag.
        let header = PESHeader(streamID: .video, pts: 133_200, dts: 126_000, payloadLength: 70_000, dataAlignment: false)
        #expect(header.bytes == [UInt8](hex: "000001e0000080c00a31000910a1110007d861"))
    }

    @Test func ptsOnlyWhenDTSEqualsPTS() throws {
        let header = PESHeader(streamID: .audio, pts: 90_000, dts: 90_000, payloadLength: 100, dataAlignment: true)
        let bytes = header.bytes
        #expect(bytes.count == 14)
        #expect(Array(bytes[0..<4]) == [0, 0, 1, 0xC0])
        #expect(Int(bytes[4]) << 8 | Int(bytes[5]) == 3 + 5 + 100, "PES_packet_length")
        #expect(bytes[6] == 0x84, "marker and data_alignment_indicator")
        #expect(bytes[7] == 0x80, "PTS_DTS_flags '10'")
        #expect(bytes[8] == 5)
        #expect(try decodeTimestamp(Array(bytes[9..<14]), prefix: 0x2) == 90_000)
    }

    @Test func ptsAndDTSCarryTheirPrefixesAndMarkers() throws {
        let pts: UInt64 = (1 << 33) - 1
        let dts: UInt64 = 0x1_5555_5555
        let bytes = PESHeader(streamID: .video, pts: pts, dts: dts, payloadLength: 10, dataAlignment: true).bytes
        #expect(bytes.count == 19)
        #expect(bytes[7] == 0xC0)
        #expect(bytes[8] == 10)
        #expect(try decodeTimestamp(Array(bytes[9..<14]), prefix: 0x3) == pts)
        #expect(try decodeTimestamp(Array(bytes[14..<19]), prefix: 0x1) == dts)
        #expect(Array(bytes[9..<14]) == [0x3F, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test func lengthIsZeroOnlyBeyondSixteenBits() {
        let fits = PESHeader(streamID: .video, pts: 0, dts: nil, payloadLength: 0xFFFF - 8, dataAlignment: true).bytes
        #expect(Array(fits[4..<6]) == [0xFF, 0xFF])
        let unbounded = PESHeader(streamID: .video, pts: 0, dts: nil, payloadLength: 0xFFFF - 7, dataAlignment: true).bytes
        #expect(Array(unbounded[4..<6]) == [0, 0])
    }

    @Test func timestampsWrapAtThirtyThreeBits() {
        #expect(TSTimestamp.ticks(milliseconds: 1000) == 90_000)
        let wrapMilliseconds: Int64 = (1 << 33) / 90 + 1
        #expect(TSTimestamp.ticks(milliseconds: wrapMilliseconds) == UInt64(wrapMilliseconds * 90) - (1 << 33))
        #expect(TSTimestamp.ticks(milliseconds: -1) == (1 << 33) - 90)
    }
}

@Suite struct TSPacketWriterTests {
    /// Writes one unit of `length` bytes (counting up) and parses the packets back.
    private func write(length: Int, pcr: UInt64? = nil, randomAccess: Bool = false, counter: UInt8 = 0)
        throws -> (packets: [ParsedPacket], counter: UInt8)
    {
        let unit = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        let count = TSPacketWriter.packetCount(unitLength: length, pcr: pcr != nil, randomAccess: randomAccess)
        var bytes = [UInt8](repeating: 0, count: count * 188)
        let (offset, next) = bytes.withUnsafeMutableBytes { destination in
            var writer = TSPacketWriter(
                destination: destination, pid: 0x100, continuityCounter: counter, unitLength: length, pcr: pcr,
                randomAccess: randomAccess)
            // Uneven pieces cross packet boundaries at arbitrary places.
            var index = 0
            var piece = 1
            unit.withUnsafeBytes { source in
                while index < length {
                    let end = min(length, index + piece)
                    writer.write(UnsafeRawBufferPointer(rebasing: source[index..<end]))
                    index = end
                    piece = piece * 3 % 250 + 1
                }
            }
            #expect(writer.isComplete)
            return (writer.offset, writer.continuityCounter)
        }
        #expect(offset == bytes.count)
        let packets = try stride(from: 0, to: bytes.count, by: 188).map { try parsePacket(Array(bytes[$0..<$0 + 188])) }
        #expect(packets.flatMap(\.payload) == unit, "payload reassembles to the unit")
        #expect(packets.first?.payloadUnitStart == true)
        #expect(packets.dropFirst().allSatisfy { !$0.payloadUnitStart })
        return (packets, next)
    }

    @Test(arguments: [1, 100, 182, 183, 184, 185, 367, 368, 369, 1000])
    func unitsFillWholePacketsWithStuffingInTheLast(length: Int) throws {
        let (packets, _) = try write(length: length)
        #expect(packets.count == (length + 183) / 184)
        for packet in packets.dropLast() { #expect(!packet.hasAdaptationField) }
        let last = try #require(packets.last)
        let shortBy = packets.count * 184 - length
        if shortBy == 0 {
            #expect(!last.hasAdaptationField)
        } else if shortBy == 1 {
            // A single stuffing byte is an adaptation field of length zero.
            #expect(last.adaptationFieldLength == 0)
        } else {
            #expect(last.adaptationFieldLength == shortBy - 1)
            #expect(last.stuffingCount == shortBy - 2)
        }
    }

    @Test(arguments: [1, 170, 176, 177, 500])
    func firstPacketCarriesPCRAndRandomAccess(length: Int) throws {
        let (packets, _) = try write(length: length, pcr: 0x1_2345_6789, randomAccess: true)
        let first = try #require(packets.first)
        #expect(first.pcrBase == 0x1_2345_6789)
        #expect(first.randomAccess)
        #expect(packets.dropFirst().allSatisfy { $0.pcrBase == nil && !$0.randomAccess })
        #expect(packets.count == 1 + max(0, (length - 176 + 183) / 184))
    }

    @Test func randomAccessWithoutPCR() throws {
        let (packets, _) = try write(length: 400, randomAccess: true)
        #expect(packets[0].adaptationFieldLength == 1)
        #expect(packets[0].randomAccess)
        #expect(packets[0].pcrBase == nil)
        #expect(packets[0].payload.count == 182)
    }

    @Test func pcrEncodingMatchesFFmpeg() {
        // FFmpeg's first video packet of samples/sample.flv: adaptation field 07 50 00 00 7b 0c 7e 00 (PCR 0.7 s).
        #expect(PCR.encode(base: 63_000) == 0x0000_7B0C_7E00)
        #expect(PCR.encode(base: (1 << 33) | 5) == 5 << 15 | 0x7E00, "the base wraps at 33 bits")
    }

    @Test func continuityCounterIncrementsPerPacketAndWraps() throws {
        let (packets, next) = try write(length: 184 * 20, counter: 14)
        #expect(packets.map(\.continuityCounter) == (0..<20).map { UInt8((14 + $0) % 16) })
        #expect(next == 2)
    }
}
