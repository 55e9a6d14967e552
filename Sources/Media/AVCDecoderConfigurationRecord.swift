public import NIOCore

/// The H.264 decoder configuration record carried by an AVC sequence header
/// (ISO/IEC 14496-15 §5.3.3.1).
public struct AVCDecoderConfigurationRecord: Sendable, Hashable {
    /// The fields present only for the high profiles (profile_idc 100, 110, 122, 144).
    public struct HighProfileExtension: Sendable, Hashable {
        public var chromaFormat: UInt8
        public var bitDepthLumaMinus8: UInt8
        public var bitDepthChromaMinus8: UInt8
        public var sequenceParameterSetExtensions: [ByteBuffer]

        public init(
            chromaFormat: UInt8, bitDepthLumaMinus8: UInt8, bitDepthChromaMinus8: UInt8,
            sequenceParameterSetExtensions: [ByteBuffer] = []
        ) {
            self.chromaFormat = chromaFormat
            self.bitDepthLumaMinus8 = bitDepthLumaMinus8
            self.bitDepthChromaMinus8 = bitDepthChromaMinus8
            self.sequenceParameterSetExtensions = sequenceParameterSetExtensions
        }
    }

    public static let configurationVersion: UInt8 = 1
    static let highProfiles: Set<UInt8> = [100, 110, 122, 144]

    public var profileIndication: UInt8
    public var profileCompatibility: UInt8
    public var levelIndication: UInt8
    /// The size of each NAL unit length prefix in coded frames, minus one (0, 1 or 3).
    public var lengthSizeMinusOne: UInt8
    /// SPS NAL units, each including its NAL header byte.
    public var sequenceParameterSets: [ByteBuffer]
    /// PPS NAL units, each including its NAL header byte.
    public var pictureParameterSets: [ByteBuffer]
    /// Present for high profiles when the sender wrote it (many omit it; it is optional in practice).
    public var highProfileExtension: HighProfileExtension?

    public init(
        profileIndication: UInt8, profileCompatibility: UInt8, levelIndication: UInt8, lengthSizeMinusOne: UInt8 = 3,
        sequenceParameterSets: [ByteBuffer], pictureParameterSets: [ByteBuffer],
        highProfileExtension: HighProfileExtension? = nil
    ) {
        self.profileIndication = profileIndication
        self.profileCompatibility = profileCompatibility
        self.levelIndication = levelIndication
        self.lengthSizeMinusOne = lengthSizeMinusOne
        self.sequenceParameterSets = sequenceParameterSets
        self.pictureParameterSets = pictureParameterSets
        self.highProfileExtension = highProfileExtension
    }

    /// Bytes in each NAL unit length prefix of coded frames.
    public var nalUnitLengthSize: Int { Int(lengthSizeMinusOne) + 1 }

    /// The first SPS, parsed; `nil` when the record has none.
    ///
    /// - Throws: ``CodecConfigurationError`` when the SPS is malformed.
    public func firstSequenceParameterSet() throws(CodecConfigurationError) -> AVCSequenceParameterSet? {
        guard let sps = sequenceParameterSets.first else { return nil }
        return try AVCSequenceParameterSet(parsing: sps)
    }
}

extension ByteBuffer {
    /// Reads an AVC decoder configuration record (ISO/IEC 14496-15 §5.3.3.1). The high-profile
    /// extension is read only when all of it is present. Parameter sets are slices of this buffer.
    ///
    /// - Returns: The record, or `nil` (reader index unchanged) when the bytes end inside it.
    /// - Throws: ``CodecConfigurationError/unsupportedVersion`` for a version other than 1,
    ///   ``CodecConfigurationError/invalidValue`` for a 3-byte NAL length size.
    public mutating func readAVCDecoderConfigurationRecord()
        throws(CodecConfigurationError) -> AVCDecoderConfigurationRecord?
    {
        var cursor = self
        guard let (version, profile, compatibility, level, lengthByte, spsCountByte) =
            cursor.readMultipleIntegers(as: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8).self)
        else { return nil }
        guard version == AVCDecoderConfigurationRecord.configurationVersion else {
            throw .unsupportedVersion("configurationVersion \(version)")
        }
        let lengthSizeMinusOne = lengthByte & 0x03
        guard lengthSizeMinusOne != 2 else { throw .invalidValue("lengthSizeMinusOne") }
        guard let sps = cursor.readParameterSets(count: Int(spsCountByte & 0x1F)),
            let ppsCount = cursor.readInteger(as: UInt8.self),
            let pps = cursor.readParameterSets(count: Int(ppsCount))
        else { return nil }
        var record = AVCDecoderConfigurationRecord(
            profileIndication: profile, profileCompatibility: compatibility, levelIndication: level,
            lengthSizeMinusOne: lengthSizeMinusOne, sequenceParameterSets: sps, pictureParameterSets: pps)
        if AVCDecoderConfigurationRecord.highProfiles.contains(profile) {
            var extensionCursor = cursor
            if let (chroma, luma, chromaDepth, count) =
                extensionCursor.readMultipleIntegers(as: (UInt8, UInt8, UInt8, UInt8).self),
                let extensions = extensionCursor.readParameterSets(count: Int(count))
            {
                record.highProfileExtension = .init(
                    chromaFormat: chroma & 0x03, bitDepthLumaMinus8: luma & 0x07, bitDepthChromaMinus8: chromaDepth & 0x07,
                    sequenceParameterSetExtensions: extensions)
                cursor = extensionCursor
            }
        }
        self = cursor
        return record
    }

    /// Writes an AVC decoder configuration record (ISO/IEC 14496-15 §5.3.3.1), reserved bits set.
    ///
    /// - Returns: The number of bytes written.
    @discardableResult
    public mutating func writeAVCDecoderConfigurationRecord(_ record: AVCDecoderConfigurationRecord) -> Int {
        var written = writeMultipleIntegers(
            AVCDecoderConfigurationRecord.configurationVersion, record.profileIndication, record.profileCompatibility,
            record.levelIndication, 0xFC | record.lengthSizeMinusOne,
            0xE0 | UInt8(truncatingIfNeeded: record.sequenceParameterSets.count) & 0x1F)
        written += writeParameterSets(record.sequenceParameterSets)
        written += writeInteger(UInt8(truncatingIfNeeded: record.pictureParameterSets.count))
        written += writeParameterSets(record.pictureParameterSets)
        if let ext = record.highProfileExtension {
            written += writeMultipleIntegers(
                0xFC | ext.chromaFormat, 0xF8 | ext.bitDepthLumaMinus8, 0xF8 | ext.bitDepthChromaMinus8,
                UInt8(truncatingIfNeeded: ext.sequenceParameterSetExtensions.count))
            written += writeParameterSets(ext.sequenceParameterSetExtensions)
        }
        return written
    }

    /// `count` NAL units, each with a 16-bit length; `nil` if the bytes end first.
    mutating func readParameterSets(count: Int) -> [ByteBuffer]? {
        var sets: [ByteBuffer] = []
        // Each entry takes at least its two length bytes, which bounds what is worth reserving.
        sets.reserveCapacity(Swift.min(count, readableBytes / 2))
        for _ in 0..<count {
            guard let length = getInteger(at: readerIndex, as: UInt16.self),
                let set = getSlice(at: readerIndex + 2, length: Int(length))
            else { return nil }
            moveReaderIndex(forwardBy: 2 + Int(length))
            sets.append(set)
        }
        return sets
    }

    mutating func writeParameterSets(_ sets: [ByteBuffer]) -> Int {
        var written = 0
        for set in sets {
            written += writeInteger(UInt16(truncatingIfNeeded: set.readableBytes)) + writeImmutableBuffer(set)
        }
        return written
    }
}
