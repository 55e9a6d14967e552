public import NIOCore

/// The FLV file header (FLV 10.1 §E.2). Players ignore the audio/video flags in practice, but
/// writers should still set them truthfully.
public struct FLVHeader: Sendable, Hashable {
    public var version: UInt8
    public var hasAudio: Bool
    public var hasVideo: Bool

    /// The header as written by this module: 9 bytes.
    public static let length = 9
    /// The header plus PreviousTagSize0, i.e. the offset of the first tag.
    public static let encodedLength = length + FLVTag.previousTagSizeLength
    /// The largest DataOffset accepted; version 1 files always use 9, and anything far beyond is not an FLV.
    public static let maximumDataOffset: UInt32 = 1024

    static let signature: UInt32 = 0x46_4C_56  // "FLV"
    static let audioFlag: UInt8 = 0x04
    static let videoFlag: UInt8 = 0x01

    public init(version: UInt8 = 1, hasAudio: Bool, hasVideo: Bool) {
        self.version = version
        self.hasAudio = hasAudio
        self.hasVideo = hasVideo
    }
}

extension ByteBuffer {
    /// Reads the FLV header and the PreviousTagSize0 field after it (FLV 10.1 §E.2, §E.3), skipping
    /// any extra header bytes announced by DataOffset.
    ///
    /// - Returns: The header, or `nil` (reader index unchanged) when more bytes are needed.
    /// - Throws: ``FLVDecodingError/invalidSignature`` or ``FLVDecodingError/invalidDataOffset``.
    public mutating func readFLVHeader() throws(FLVDecodingError) -> FLVHeader? {
        guard let (signatureAndVersion, flags, dataOffset) =
            getMultipleIntegers(at: readerIndex, as: (UInt32, UInt8, UInt32).self)
        else { return nil }
        guard signatureAndVersion >> 8 == FLVHeader.signature else {
            throw .invalidSignature(signatureAndVersion >> 8)
        }
        guard dataOffset >= FLVHeader.length, dataOffset <= FLVHeader.maximumDataOffset else {
            throw .invalidDataOffset(dataOffset)
        }
        let total = Int(dataOffset) + FLVTag.previousTagSizeLength
        guard readableBytes >= total else { return nil }
        moveReaderIndex(forwardBy: total)
        // PreviousTagSize0 should be 0; files that get it wrong still play, so it is not checked.
        return FLVHeader(
            version: UInt8(truncatingIfNeeded: signatureAndVersion),
            hasAudio: flags & FLVHeader.audioFlag != 0,
            hasVideo: flags & FLVHeader.videoFlag != 0)
    }

    /// Writes the 9-byte FLV header followed by PreviousTagSize0 (FLV 10.1 §E.2, §E.3).
    ///
    /// - Returns: The number of bytes written (``FLVHeader/encodedLength``).
    @discardableResult
    public mutating func writeFLVHeader(_ header: FLVHeader) -> Int {
        var flags: UInt8 = 0
        if header.hasAudio { flags |= FLVHeader.audioFlag }
        if header.hasVideo { flags |= FLVHeader.videoFlag }
        return writeMultipleIntegers(
            FLVHeader.signature << 8 | UInt32(header.version), flags, UInt32(FLVHeader.length), UInt32(0))
    }
}
