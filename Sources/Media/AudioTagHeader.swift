public import NIOCore

/// The header at the start of an audio tag body: the legacy FLV form (FLV 10.1 §E.4.2.1) or the
/// enhanced-RTMP ExAudioTagHeader (E-RTMP v2).
public struct AudioTagHeader: Sendable, Hashable {
    /// The codec, as signalled by a legacy sound format or an enhanced FourCC.
    public enum Codec: Sendable, Hashable {
        case legacy(FLVAudioFormat)
        case fourCC(FLVAudioFourCC)

        /// AAC, in either header form.
        public var isAAC: Bool { self == .legacy(.aac) || self == .fourCC(.aac) }
    }

    public var codec: Codec
    /// For legacy formats other than AAC, which have no packet type, this is `.codedFrames`.
    public var packetType: FLVAudioPacketType
    /// The legacy SoundRate, SoundSize and SoundType bits (the low nibble of the first byte); 0 for
    /// enhanced headers. For AAC they are fixed and the AudioSpecificConfig is authoritative.
    public var soundFlags: UInt8

    public init(codec: Codec, packetType: FLVAudioPacketType, soundFlags: UInt8 = 0) {
        self.codec = codec
        self.packetType = packetType
        self.soundFlags = soundFlags & 0x0F
    }

    /// The flags every AAC sender uses: 44 kHz, 16-bit, stereo (FLV 10.1 §E.4.2.1).
    public static let aacSoundFlags: UInt8 = 0x0F

    /// Bytes from the start of the tag body to the codec data.
    public var headerLength: Int {
        switch codec {
        case .legacy(let format): return format == .aac ? 2 : 1
        case .fourCC: return 5
        }
    }

    /// Codec configuration: the AAC AudioSpecificConfig, or an enhanced sequence start.
    public var isSequenceHeader: Bool {
        guard packetType == .sequenceStart else { return false }
        if case .legacy(let format) = codec { return format == .aac }
        return true
    }
}

extension ByteBuffer {
    /// Reads an audio tag header, leaving the reader at the codec data.
    ///
    /// - Returns: The header, or `nil` (reader index unchanged) when the buffer is shorter than it.
    /// - Throws: ``FLVDecodingError/unknownCodec`` or ``FLVDecodingError/unsupportedPacketType``
    ///   (enhanced multitrack and ModEx).
    public mutating func readAudioTagHeader() throws(FLVDecodingError) -> AudioTagHeader? {
        var cursor = self
        guard let first = cursor.readInteger(as: UInt8.self) else { return nil }
        let rawFormat = first >> 4
        guard let format = FLVAudioFormat(rawValue: rawFormat) else { throw .unknownCodec(UInt32(rawFormat)) }
        let header: AudioTagHeader
        switch format {
        case .exHeader:
            let rawPacketType = first & 0x0F
            guard let packetType = FLVAudioPacketType(rawValue: rawPacketType),
                packetType != .multitrack, packetType != .modEx
            else { throw .unsupportedPacketType(rawPacketType) }
            guard let rawFourCC = cursor.readInteger(as: UInt32.self) else { return nil }
            guard let fourCC = FLVAudioFourCC(rawValue: rawFourCC) else { throw .unknownCodec(rawFourCC) }
            header = AudioTagHeader(codec: .fourCC(fourCC), packetType: packetType)
        case .aac:
            guard let rawPacketType = cursor.readInteger(as: UInt8.self) else { return nil }
            guard rawPacketType <= FLVAudioPacketType.codedFrames.rawValue,
                let packetType = FLVAudioPacketType(rawValue: rawPacketType)
            else { throw .unsupportedPacketType(rawPacketType) }
            header = AudioTagHeader(codec: .legacy(format), packetType: packetType, soundFlags: first)
        default:
            header = AudioTagHeader(codec: .legacy(format), packetType: .codedFrames, soundFlags: first)
        }
        self = cursor
        return header
    }

    /// Writes an audio tag header.
    ///
    /// - Returns: The number of bytes written (``AudioTagHeader/headerLength``).
    @discardableResult
    public mutating func writeAudioTagHeader(_ header: AudioTagHeader) -> Int {
        switch header.codec {
        case .legacy(let format):
            let written = writeInteger(format.rawValue << 4 | header.soundFlags)
            return format == .aac ? written + writeInteger(header.packetType.rawValue) : written
        case .fourCC(let fourCC):
            return writeInteger(FLVAudioFormat.exHeader.rawValue << 4 | header.packetType.rawValue)
                + writeInteger(fourCC.rawValue)
        }
    }
}
