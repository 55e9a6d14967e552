import NIOCore
import Testing

@testable import Media

@Suite("AVC and HEVC decoder configuration records and parameter sets")
struct VideoConfigurationTests {
    /// SPS of x264 `-x264-params interlaced=1:cqm=jvt -profile:v high`, 176x144 (contains emulation prevention).
    static let interlacedSPS: [UInt8] = hex("67640015acd942cafcb80880000003008000000a0f8a14cb")
    /// SPS of x264 `-pix_fmt yuv444p -profile:v high444`, 150x90 (cropped).
    static let yuv444SPS: [UInt8] = hex("67f4000a919b2851bc5cf80880000003008000000a078912cb")

    static func hex(_ string: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = string.startIndex
        while index < string.endIndex {
            let next = string.index(index, offsetBy: 2)
            bytes.append(UInt8(string[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// The body of the first video tag of the tiny fixture, after its 5-byte AVC header.
    static func tinyAVCSequenceHeader() throws -> ByteBuffer {
        var file = try Fixture.load("tiny-h264-aac.flv")
        var decoder = FLVTagDecoder()
        while let tag = try decoder.decode(buffer: &file) {
            guard tag.kind == .video else { continue }
            var body = tag.data
            let header = try #require(try body.readVideoTagHeader())
            #expect(header.isSequenceHeader)
            return body
        }
        throw FLVDecodingError.truncated
    }

    @Test func avcRecordFromFFmpegFLV() throws {
        let original = try Self.tinyAVCSequenceHeader()
        var buffer = original
        let record = try #require(try buffer.readAVCDecoderConfigurationRecord())
        #expect(buffer.readableBytes == 0)
        #expect(record.profileIndication == 66)
        #expect(record.nalUnitLengthSize == 4)
        #expect(record.sequenceParameterSets.count == 1 && record.pictureParameterSets.count == 1)
        #expect(record.highProfileExtension == nil)
        let sps = try #require(try record.firstSequenceParameterSet())
        #expect(sps.profileIDC == 66 && sps.frameMBsOnly)
        #expect(sps.width == 98 && sps.height == 58)
        #expect(sps.widthInMacroblocks == 7 && sps.heightInMapUnits == 4)
        var reencoded = ByteBuffer()
        reencoded.writeAVCDecoderConfigurationRecord(record)
        #expect(reencoded == original)
    }

    @Test func avcRecordNeedsMoreDataAtEveryCut() throws {
        let whole = try Self.tinyAVCSequenceHeader()
        for cut in 0..<whole.readableBytes {
            var prefix = whole.getSlice(at: whole.readerIndex, length: cut)!
            #expect(try prefix.readAVCDecoderConfigurationRecord() == nil, "cut at \(cut)")
            #expect(prefix.readerIndex == 0)
        }
    }

    @Test func avcRecordWithHighProfileExtensionRoundTrips() throws {
        let record = AVCDecoderConfigurationRecord(
            profileIndication: 100, profileCompatibility: 0, levelIndication: 21, lengthSizeMinusOne: 3,
            sequenceParameterSets: [ByteBuffer(bytes: Self.interlacedSPS)],
            pictureParameterSets: [ByteBuffer(bytes: [0x68, 0xEB, 0xE3, 0xCB]), ByteBuffer(bytes: [0x68, 0x01])],
            highProfileExtension: .init(chromaFormat: 1, bitDepthLumaMinus8: 2, bitDepthChromaMinus8: 2,
                                        sequenceParameterSetExtensions: [ByteBuffer(bytes: [0x6D, 0x00])]))
        var buffer = ByteBuffer()
        let written = buffer.writeAVCDecoderConfigurationRecord(record)
        #expect(written == buffer.readableBytes)
        #expect(Array(buffer.readableBytesView.prefix(6)) == [1, 100, 0, 21, 0xFF, 0xE1])
        #expect(try buffer.readAVCDecoderConfigurationRecord() == record)
        // Without its (optional) extension bytes, a high-profile record still parses.
        var truncatedExtension = ByteBuffer()
        var plain = record
        plain.highProfileExtension = nil
        truncatedExtension.writeAVCDecoderConfigurationRecord(plain)
        truncatedExtension.writeBytes([0xFD, 0xFA])
        #expect(try truncatedExtension.readAVCDecoderConfigurationRecord() == plain)
        #expect(truncatedExtension.readableBytes == 2)
    }

    @Test func malformedAVCRecordsThrow() throws {
        var version0 = ByteBuffer(bytes: [0, 66, 0, 30, 0xFF, 0xE0, 0])
        #expect(throws: CodecConfigurationError.unsupportedVersion) { try version0.readAVCDecoderConfigurationRecord() }
        var threeByteLengths = ByteBuffer(bytes: [1, 66, 0, 30, 0xFE, 0xE0, 0])
        #expect(throws: CodecConfigurationError.invalidValue) { try threeByteLengths.readAVCDecoderConfigurationRecord() }
    }

    @Test func interlacedSPSWithScalingMatrices() throws {
        let sps = try AVCSequenceParameterSet(parsing: ByteBuffer(bytes: Self.interlacedSPS))
        #expect(sps.profileIDC == 100 && sps.levelIDC == 21)
        #expect(!sps.frameMBsOnly)
        #expect(sps.chromaFormatIDC == 1 && sps.bitDepthLuma == 8)
        #expect(sps.width == 176 && sps.height == 144)
    }

    @Test func yuv444SPSWithCropping() throws {
        let sps = try AVCSequenceParameterSet(parsing: ByteBuffer(bytes: Self.yuv444SPS))
        #expect(sps.profileIDC == 244)
        #expect(sps.chromaFormatIDC == 3 && !sps.separateColourPlane)
        #expect(sps.frameCropping != AVCSequenceParameterSet.FrameCropping())
        #expect(sps.width == 150 && sps.height == 90)
    }

    @Test func malformedSPSThrows() {
        #expect(throws: CodecConfigurationError.invalidValue) {
            try AVCSequenceParameterSet(parsing: ByteBuffer(bytes: [0x68, 0xEB, 0xE3, 0xCB]))
        }
        // The fields read end inside the tenth byte; VUI after them is not read.
        for cut in 1..<10 {
            #expect(throws: CodecConfigurationError.truncated, "cut at \(cut)") {
                try AVCSequenceParameterSet(parsing: ByteBuffer(bytes: Self.interlacedSPS.prefix(cut)))
            }
        }
        // 33 leading zero bits cannot start an Exp-Golomb code of any syntax element.
        #expect(throws: CodecConfigurationError.invalidValue) {
            try AVCSequenceParameterSet(parsing: ByteBuffer(bytes: [0x67, 0x42, 0x00, 0x1E, 0, 0, 0, 0, 0, 0x80]))
        }
    }

    @Test func emulationPreventionBytesAreRemoved() {
        let rbsp = BitReader.rbsp(ByteBuffer(bytes: [0x67, 0, 0, 3, 1, 0, 0, 3, 0, 0, 3, 0, 3]))
        #expect(rbsp == [0x67, 0, 0, 1, 0, 0, 0, 0, 0, 3])
    }

    @Test func expGolombCodes() throws {
        // 1 | 010 | 011 | 00100 | 00101 → ue 0, 1, 2, 3 then se -2? (00101 = code 4 → se -2)
        var bits = BitReader([0b1010_0110, 0b0100_0010, 0b1000_0000])
        #expect(try bits.readUE("a") == 0)
        #expect(try bits.readUE("b") == 1)
        #expect(try bits.readUE("c") == 2)
        #expect(try bits.readUE("d") == 3)
        #expect(try bits.readSE("e") == -2)
    }

    @Test func hevcRecordFromX265() throws {
        let original = try Fixture.load("x265-202x122.hvcc")
        var buffer = original
        let record = try #require(try buffer.readHEVCDecoderConfigurationRecord())
        #expect(buffer.readableBytes == 0)
        #expect(record.generalProfileIDC == 1 && !record.generalTierFlag && record.generalLevelIDC == 30)
        #expect(record.chromaFormatIDC == 1 && record.bitDepthLumaMinus8 == 0)
        #expect(record.nalUnitLengthSize == 4 && record.numTemporalLayers == 1 && record.temporalIDNested)
        #expect(record.arrays.map(\.nalUnitType) == [32, 33, 34, 39])
        #expect(record.arrays.map(\.arrayCompleteness) == [true, true, true, false])
        #expect(record.videoParameterSets.count == 1)
        #expect(record.sequenceParameterSets.first?.readableBytes == 42)
        #expect(record.pictureParameterSets.count == 1)
        let sps = try #require(try record.firstSequenceParameterSet())
        #expect(sps.generalProfileIDC == 1 && sps.chromaFormatIDC == 1)
        #expect(sps.width == 202 && sps.height == 122)
        #expect(sps.codedWidth >= 202 && sps.codedHeight >= 122)
        var reencoded = ByteBuffer()
        reencoded.writeHEVCDecoderConfigurationRecord(record)
        #expect(reencoded == original)
    }

    @Test func hevcRecordNeedsMoreDataAtEveryCut() throws {
        let whole = try Fixture.load("x265-202x122.hvcc")
        for cut in 0..<whole.readableBytes {
            var prefix = whole.getSlice(at: 0, length: cut)!
            #expect(try prefix.readHEVCDecoderConfigurationRecord() == nil, "cut at \(cut)")
        }
    }

    @Test func malformedHEVCRecordsThrow() throws {
        var record = try Fixture.load("x265-202x122.hvcc")
        record.setInteger(UInt8(2), at: 0)
        #expect(throws: CodecConfigurationError.unsupportedVersion) { try record.readHEVCDecoderConfigurationRecord() }
        record.setInteger(UInt8(1), at: 0)
        record.setInteger(UInt8(0x0E), at: 21)
        #expect(throws: CodecConfigurationError.invalidValue) { try record.readHEVCDecoderConfigurationRecord() }
        #expect(throws: CodecConfigurationError.invalidValue) {
            try HEVCSequenceParameterSet(parsing: ByteBuffer(bytes: [0x40, 0x01, 0x0C]))
        }
    }
}
