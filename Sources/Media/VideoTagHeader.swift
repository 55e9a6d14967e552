public import NIOCore

/// The header at the start of a video tag body: the legacy FLV form (FLV 10.1 §E.4.3.1) or the
/// enhanced-RTMP ExVideoTagHeader (E-RTMP v1), reduced to what a server needs to route frames.
public struct VideoTagHeader: Sendable, Hashable {
    /// The codec, as signalled by a legacy codec id or an enhanced FourCC.
    public enum Codec: Sendable, Hashable {
        case legacy(FLVVideoCodecID)
        case fourCC(FLVVideoFourCC)

        /// H.264, in either header form.
        public var isAVC: Bool { self == .legacy(.avc) || self == .fourCC(.avc1) }
        /// H.265, in either header form (legacy id 12 is the Chinese extension).
        public var isHEVC: Bool { self == .legacy(.hevc) || self == .fourCC(.hvc1) }
    }

    public var codec: Codec
    public var frameType: FLVVideoFrameType
    /// For legacy codecs other than AVC/HEVC, which have no packet type, this is `.codedFrames`.
    public var packetType: FLVVideoPacketType
    /// Presentation minus decode time in milliseconds (signed 24 bits); 0 where none is sent.
    public var compositionTime: Int32

    /// The first byte flags an enhanced header (E-RTMP v1 IsExHeader).
    static let exHeaderBit: UInt8 = 0x80

    public init(codec: Codec, frameType: FLVVideoFrameType, packetType: FLVVideoPacketType, compositionTime: Int32 = 0) {
        self.codec = codec
        self.frameType = frameType
        self.packetType = packetType
        self.compositionTime = compositionTime
    }

    /// Whether the header is the enhanced-RTMP form.
    public var isExHeader: Bool {
        if case .fourCC = codec { return true }
        return false
    }

    /// Whether the header carries a composition time field: legacy AVC/HEVC always, enhanced
    /// `avc1`/`hvc1` only for ``FLVVideoPacketType/codedFrames``.
    public var hasCompositionTimeField: Bool {
        switch codec {
        case .legacy(let id): return id == .avc || id == .hevc
        case .fourCC(let fourCC): return (fourCC == .avc1 || fourCC == .hvc1) && packetType == .codedFrames
        }
    }

    /// Bytes from the start of the tag body to the codec data (the configuration record, the
    /// length-prefixed NAL units or the codec frame). For VP6 the adjustment byte(s) count as codec data.
    public var headerLength: Int {
        switch codec {
        case .legacy(let id): return id == .avc || id == .hevc ? 5 : 1
        case .fourCC: return 5 + (hasCompositionTimeField ? 3 : 0)
        }
    }

    /// A picture decoders can start from; configuration and end-of-sequence tags are not, even
    /// though senders mark them as key frames.
    public var isKeyframe: Bool {
        frameType == .keyframe && (packetType == .codedFrames || packetType == .codedFramesX)
    }

    /// A decoder configuration record for AVC/HEVC/AV1/VP9 (legacy or enhanced).
    public var isSequenceHeader: Bool {
        guard packetType == .sequenceStart else { return false }
        if case .legacy(let id) = codec { return id == .avc || id == .hevc }
        return true
    }
}

extension ByteBuffer {
    /// Reads a video tag header, leaving the reader at the codec data.
    ///
    /// - Returns: The header, or `nil` (reader index unchanged) when the buffer is shorter than it.
    /// - Throws: ``FLVDecodingError/unknownCodec``, ``FLVDecodingError/unknownFrameType`` or
    ///   ``FLVDecodingError/unsupportedPacketType`` (multitrack, ModEx and enhanced command frames).
    public mutating func readVideoTagHeader() throws(FLVDecodingError) -> VideoTagHeader? {
        var cursor = self
        guard let first = cursor.readInteger(as: UInt8.self) else { return nil }
        var header: VideoTagHeader
        if first & VideoTagHeader.exHeaderBit != 0 {
            let frameType = try Self.videoFrameType(first >> 4 & 0x07)
            let rawPacketType = first & 0x0F
            guard let packetType = FLVVideoPacketType(rawValue: rawPacketType),
                packetType != .multitrack, packetType != .modEx,
                frameType != .command || packetType == .metadata
            else { throw .unsupportedPacketType(rawPacketType) }
            guard let rawFourCC = cursor.readInteger(as: UInt32.self) else { return nil }
            guard let fourCC = FLVVideoFourCC(rawValue: rawFourCC) else { throw .unknownCodec(rawFourCC) }
            header = VideoTagHeader(codec: .fourCC(fourCC), frameType: frameType, packetType: packetType)
        } else {
            let frameType = try Self.videoFrameType(first >> 4)
            guard let id = FLVVideoCodecID(rawValue: first & 0x0F) else { throw .unknownCodec(UInt32(first & 0x0F)) }
            header = VideoTagHeader(codec: .legacy(id), frameType: frameType, packetType: .codedFrames)
            if id == .avc || id == .hevc {
                guard let rawPacketType = cursor.readInteger(as: UInt8.self) else { return nil }
                guard rawPacketType <= FLVVideoPacketType.sequenceEnd.rawValue,
                    let packetType = FLVVideoPacketType(rawValue: rawPacketType)
                else { throw .unsupportedPacketType(rawPacketType) }
                header.packetType = packetType
            }
        }
        if header.hasCompositionTimeField {
            guard let (high, low) = cursor.readMultipleIntegers(as: (UInt16, UInt8).self) else { return nil }
            // SI24: sign-extend the 24-bit field.
            header.compositionTime = Int32(bitPattern: (UInt32(high) << 8 | UInt32(low)) << 8) >> 8
        }
        self = cursor
        return header
    }

    /// Writes a video tag header; ``VideoTagHeader/compositionTime`` is written where the format has the field.
    ///
    /// - Returns: The number of bytes written (``VideoTagHeader/headerLength``).
    @discardableResult
    public mutating func writeVideoTagHeader(_ header: VideoTagHeader) -> Int {
        var written: Int
        switch header.codec {
        case .legacy(let id):
            written = writeInteger(header.frameType.rawValue << 4 | id.rawValue)
            if id == .avc || id == .hevc {
                written += writeInteger(header.packetType.rawValue)
            }
        case .fourCC(let fourCC):
            written = writeInteger(
                VideoTagHeader.exHeaderBit | header.frameType.rawValue << 4 | header.packetType.rawValue)
            written += writeInteger(fourCC.rawValue)
        }
        if header.hasCompositionTimeField {
            // SI24: the low three bytes of the two's-complement value.
            let cts = UInt32(bitPattern: header.compositionTime)
            written += writeMultipleIntegers(UInt16(truncatingIfNeeded: cts >> 8), UInt8(truncatingIfNeeded: cts))
        }
        return written
    }

    private static func videoFrameType(_ raw: UInt8) throws(FLVDecodingError) -> FLVVideoFrameType {
        guard let frameType = FLVVideoFrameType(rawValue: raw) else { throw .unknownFrameType(raw) }
        return frameType
    }
}
