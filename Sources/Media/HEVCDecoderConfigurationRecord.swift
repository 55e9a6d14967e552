public import NIOCore

/// The H.265 decoder configuration record carried by an HEVC sequence header
/// (ISO/IEC 14496-15 §8.3.3.1).
public struct HEVCDecoderConfigurationRecord: Sendable, Hashable {
    /// One array of NAL units of the same type (VPS, SPS, PPS or SEI).
    public struct NALUnitArray: Sendable, Hashable {
        /// Whether all NAL units of this type are in the array (none in the stream).
        public var arrayCompleteness: Bool
        /// The H.265 nal_unit_type (6 bits), see ``HEVCNALUnitType``.
        public var nalUnitType: UInt8
        /// The NAL units, each including its two-byte NAL header.
        public var nalUnits: [ByteBuffer]

        public init(arrayCompleteness: Bool = true, nalUnitType: UInt8, nalUnits: [ByteBuffer]) {
            self.arrayCompleteness = arrayCompleteness
            self.nalUnitType = nalUnitType & 0x3F
            self.nalUnits = nalUnits
        }
    }

    /// The fixed part of the record: 23 bytes before the arrays.
    static let fixedLength = 23
    public static let configurationVersion: UInt8 = 1

    public var generalProfileSpace: UInt8
    public var generalTierFlag: Bool
    public var generalProfileIDC: UInt8
    public var generalProfileCompatibilityFlags: UInt32
    /// The 48-bit general_constraint_indicator_flags.
    public var generalConstraintIndicatorFlags: UInt64
    public var generalLevelIDC: UInt8
    public var minSpatialSegmentationIDC: UInt16
    public var parallelismType: UInt8
    public var chromaFormatIDC: UInt8
    public var bitDepthLumaMinus8: UInt8
    public var bitDepthChromaMinus8: UInt8
    /// Frames per 256 seconds; 0 when unspecified.
    public var averageFrameRate: UInt16
    public var constantFrameRate: UInt8
    public var numTemporalLayers: UInt8
    public var temporalIDNested: Bool
    /// The size of each NAL unit length prefix in coded frames, minus one (0, 1 or 3).
    public var lengthSizeMinusOne: UInt8
    public var arrays: [NALUnitArray]

    public init(
        generalProfileSpace: UInt8 = 0, generalTierFlag: Bool = false, generalProfileIDC: UInt8,
        generalProfileCompatibilityFlags: UInt32, generalConstraintIndicatorFlags: UInt64 = 0, generalLevelIDC: UInt8,
        minSpatialSegmentationIDC: UInt16 = 0, parallelismType: UInt8 = 0, chromaFormatIDC: UInt8 = 1,
        bitDepthLumaMinus8: UInt8 = 0, bitDepthChromaMinus8: UInt8 = 0, averageFrameRate: UInt16 = 0,
        constantFrameRate: UInt8 = 0, numTemporalLayers: UInt8 = 1, temporalIDNested: Bool = true,
        lengthSizeMinusOne: UInt8 = 3, arrays: [NALUnitArray]
    ) {
        self.generalProfileSpace = generalProfileSpace
        self.generalTierFlag = generalTierFlag
        self.generalProfileIDC = generalProfileIDC
        self.generalProfileCompatibilityFlags = generalProfileCompatibilityFlags
        self.generalConstraintIndicatorFlags = generalConstraintIndicatorFlags
        self.generalLevelIDC = generalLevelIDC
        self.minSpatialSegmentationIDC = minSpatialSegmentationIDC
        self.parallelismType = parallelismType
        self.chromaFormatIDC = chromaFormatIDC
        self.bitDepthLumaMinus8 = bitDepthLumaMinus8
        self.bitDepthChromaMinus8 = bitDepthChromaMinus8
        self.averageFrameRate = averageFrameRate
        self.constantFrameRate = constantFrameRate
        self.numTemporalLayers = numTemporalLayers
        self.temporalIDNested = temporalIDNested
        self.lengthSizeMinusOne = lengthSizeMinusOne
        self.arrays = arrays
    }

    /// Bytes in each NAL unit length prefix of coded frames.
    public var nalUnitLengthSize: Int { Int(lengthSizeMinusOne) + 1 }

    /// All NAL units of one type, across arrays, in order.
    public func nalUnits(ofType type: UInt8) -> [ByteBuffer] {
        arrays.filter { $0.nalUnitType == type }.flatMap(\.nalUnits)
    }

    public var videoParameterSets: [ByteBuffer] { nalUnits(ofType: HEVCNALUnitType.videoParameterSet) }
    public var sequenceParameterSets: [ByteBuffer] { nalUnits(ofType: HEVCNALUnitType.sequenceParameterSet) }
    public var pictureParameterSets: [ByteBuffer] { nalUnits(ofType: HEVCNALUnitType.pictureParameterSet) }

    /// The first SPS, parsed; `nil` when the record has none.
    ///
    /// - Throws: ``CodecConfigurationError`` when the SPS is malformed.
    public func firstSequenceParameterSet() throws(CodecConfigurationError) -> HEVCSequenceParameterSet? {
        guard let sps = sequenceParameterSets.first else { return nil }
        return try HEVCSequenceParameterSet(parsing: sps)
    }
}

/// H.265 NAL unit types that appear in configuration records (ITU-T H.265 Table 7-1).
public enum HEVCNALUnitType {
    public static let videoParameterSet: UInt8 = 32
    public static let sequenceParameterSet: UInt8 = 33
    public static let pictureParameterSet: UInt8 = 34
    public static let prefixSEI: UInt8 = 39
    public static let suffixSEI: UInt8 = 40
}

extension ByteBuffer {
    /// Reads an HEVC decoder configuration record (ISO/IEC 14496-15 §8.3.3.1). NAL units are slices
    /// of this buffer. Version 0, written by some early muxers with the same layout, is accepted.
    ///
    /// - Returns: The record, or `nil` (reader index unchanged) when the bytes end inside it.
    /// - Throws: ``CodecConfigurationError/unsupportedVersion`` for a version above 1,
    ///   ``CodecConfigurationError/invalidValue`` for a 3-byte NAL length size.
    public mutating func readHEVCDecoderConfigurationRecord()
        throws(CodecConfigurationError) -> HEVCDecoderConfigurationRecord?
    {
        var cursor = self
        guard let (version, profileByte, compatibility, constraintHigh, constraintLow, level) =
            cursor.readMultipleIntegers(as: (UInt8, UInt8, UInt32, UInt32, UInt16, UInt8).self),
            let (segmentation, parallelism, chroma, luma, chromaDepth, frameRate, layersByte, arrayCount) =
                cursor.readMultipleIntegers(as: (UInt16, UInt8, UInt8, UInt8, UInt8, UInt16, UInt8, UInt8).self)
        else { return nil }
        guard version <= HEVCDecoderConfigurationRecord.configurationVersion else {
            throw .unsupportedVersion("configurationVersion \(version)")
        }
        let lengthSizeMinusOne = layersByte & 0x03
        guard lengthSizeMinusOne != 2 else { throw .invalidValue("lengthSizeMinusOne") }
        var arrays: [HEVCDecoderConfigurationRecord.NALUnitArray] = []
        for _ in 0..<arrayCount {
            guard let (typeByte, count) = cursor.readMultipleIntegers(as: (UInt8, UInt16).self),
                let nalUnits = cursor.readParameterSets(count: Int(count))
            else { return nil }
            arrays.append(.init(arrayCompleteness: typeByte & 0x80 != 0, nalUnitType: typeByte, nalUnits: nalUnits))
        }
        self = cursor
        return HEVCDecoderConfigurationRecord(
            generalProfileSpace: profileByte >> 6, generalTierFlag: profileByte & 0x20 != 0,
            generalProfileIDC: profileByte & 0x1F, generalProfileCompatibilityFlags: compatibility,
            generalConstraintIndicatorFlags: UInt64(constraintHigh) << 16 | UInt64(constraintLow),
            generalLevelIDC: level, minSpatialSegmentationIDC: segmentation & 0x0FFF, parallelismType: parallelism & 0x03,
            chromaFormatIDC: chroma & 0x03, bitDepthLumaMinus8: luma & 0x07, bitDepthChromaMinus8: chromaDepth & 0x07,
            averageFrameRate: frameRate, constantFrameRate: layersByte >> 6, numTemporalLayers: layersByte >> 3 & 0x07,
            temporalIDNested: layersByte & 0x04 != 0, lengthSizeMinusOne: lengthSizeMinusOne, arrays: arrays)
    }

    /// Writes an HEVC decoder configuration record (ISO/IEC 14496-15 §8.3.3.1), reserved bits set.
    ///
    /// - Returns: The number of bytes written.
    @discardableResult
    public mutating func writeHEVCDecoderConfigurationRecord(_ record: HEVCDecoderConfigurationRecord) -> Int {
        let profileByte = record.generalProfileSpace << 6 | (record.generalTierFlag ? 0x20 : 0)
            | record.generalProfileIDC & 0x1F
        let layersByte = record.constantFrameRate << 6 | (record.numTemporalLayers & 0x07) << 3
            | (record.temporalIDNested ? 0x04 : 0) | record.lengthSizeMinusOne & 0x03
        var written = writeMultipleIntegers(
            HEVCDecoderConfigurationRecord.configurationVersion, profileByte, record.generalProfileCompatibilityFlags,
            UInt32(truncatingIfNeeded: record.generalConstraintIndicatorFlags >> 16),
            UInt16(truncatingIfNeeded: record.generalConstraintIndicatorFlags), record.generalLevelIDC)
        written += writeMultipleIntegers(
            0xF000 | record.minSpatialSegmentationIDC, 0xFC | record.parallelismType, 0xFC | record.chromaFormatIDC,
            0xF8 | record.bitDepthLumaMinus8, 0xF8 | record.bitDepthChromaMinus8, record.averageFrameRate, layersByte,
            UInt8(truncatingIfNeeded: record.arrays.count))
        for array in record.arrays {
            written += writeMultipleIntegers(
                (array.arrayCompleteness ? 0x80 : 0) | array.nalUnitType & 0x3F,
                UInt16(truncatingIfNeeded: array.nalUnits.count))
            written += writeParameterSets(array.nalUnits)
        }
        return written
    }
}
