public import NIOCore

extension ByteBuffer {
    /// Reads one FLV tag and the PreviousTagSize after it (FLV 10.1 §E.3, §E.4.1).
    ///
    /// The returned tag's `data` is a slice sharing this buffer's storage; copy it if it must not
    /// keep a large receive buffer alive.
    ///
    /// - Parameter maximumDataSize: The largest tag body accepted.
    /// - Returns: The tag, or `nil` (reader index unchanged) when more bytes are needed.
    /// - Throws: ``FLVDecodingError`` for an unknown or encrypted tag type, a body over
    ///   `maximumDataSize`, or a PreviousTagSize that does not match.
    public mutating func readFLVTag(maximumDataSize: Int = FLVTag.maximumDataSize) throws(FLVDecodingError) -> FLVTag? {
        // type(8) | DataSize(24) Timestamp(bits 16-23) | Timestamp(bits 0-15) | TimestampExtended(8)
        guard let (typeByte, sizeAndTimestampTop, timestampLow, timestampExtended) =
            getMultipleIntegers(at: readerIndex, as: (UInt8, UInt32, UInt16, UInt8).self)
        else { return nil }
        guard typeByte & FLVTagLayout.filterBit == 0 else { throw .encryptedTag }
        let typeID = typeByte & FLVTagLayout.typeMask
        guard let kind = MediaKind(rawValue: typeID) else { throw .unknownTagType(typeID) }
        let dataSize = Int(sizeAndTimestampTop >> 8)
        guard dataSize <= maximumDataSize else { throw .tagTooLarge(dataSize) }
        let timestamp = UInt32(timestampExtended) << 24 | (sizeAndTimestampTop & 0xFF) << 16 | UInt32(timestampLow)
        let total = FLVTag.headerLength + dataSize + FLVTag.previousTagSizeLength
        guard readableBytes >= total else { return nil }
        let previousTagSize = getInteger(at: readerIndex + total - FLVTag.previousTagSizeLength, as: UInt32.self)!
        guard previousTagSize == FLVTag.headerLength + dataSize else {
            throw .previousTagSizeMismatch(previousTagSize)
        }
        moveReaderIndex(forwardBy: FLVTag.headerLength)
        let data = readSlice(length: dataSize)!
        moveReaderIndex(forwardBy: FLVTag.previousTagSizeLength)
        return FLVTag(kind: kind, timestamp: timestamp, data: data)
    }

    /// Writes a tag, its body and the PreviousTagSize after it (FLV 10.1 §E.3, §E.4.1).
    ///
    /// - Returns: The number of bytes written (``FLVTag/encodedLength``).
    @discardableResult
    public mutating func writeFLVTag(_ tag: FLVTag) -> Int {
        let dataSize = tag.data.readableBytes
        return writeFLVTagHeader(kind: tag.kind, timestamp: tag.timestamp, dataSize: dataSize)
            + writeImmutableBuffer(tag.data)
            + writeFLVPreviousTagSize(dataSize: dataSize)
    }

    /// Writes only the 11-byte tag header, for writers that send the body as its own buffer
    /// instead of copying it (follow the body with ``writeFLVPreviousTagSize(dataSize:)``).
    ///
    /// - Precondition: `dataSize <= FLVTag.maximumDataSize`.
    /// - Returns: The number of bytes written (``FLVTag/headerLength``).
    @discardableResult
    public mutating func writeFLVTagHeader(kind: MediaKind, timestamp: UInt32, dataSize: Int) -> Int {
        precondition(dataSize >= 0 && dataSize <= FLVTag.maximumDataSize, "FLV tag body too large: \(dataSize)")
        // StreamID is always 0 in files; its 3 bytes are written as a UInt16 and a UInt8.
        return writeMultipleIntegers(
            kind.rawValue, UInt32(dataSize) << 8 | (timestamp >> 16 & 0xFF), UInt16(truncatingIfNeeded: timestamp),
            UInt8(truncatingIfNeeded: timestamp >> 24), UInt16(0), UInt8(0))
    }

    /// Writes the PreviousTagSize that follows a tag with a body of `dataSize` bytes.
    ///
    /// - Returns: The number of bytes written (``FLVTag/previousTagSizeLength``).
    @discardableResult
    public mutating func writeFLVPreviousTagSize(dataSize: Int) -> Int {
        writeInteger(UInt32(FLVTag.headerLength + dataSize))
    }
}

/// Bit layout of the first tag header byte (FLV 10.1 §E.4.1).
enum FLVTagLayout {
    static let filterBit: UInt8 = 0x20
    static let typeMask: UInt8 = 0x1F
}
