/// A malformed FLV stream, tag or tag header, or one beyond a configured limit. Incomplete input is
/// never an error: readers return `nil` for it instead.
///
/// Errors compare equal by kind only, so tests and callers can match on the static values while
/// logs get the context fields.
public struct FLVDecodingError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case invalidSignature
        case invalidDataOffset
        case unknownTagType
        case encryptedTag
        case tagTooLarge
        case previousTagSizeMismatch
        case unknownCodec
        case unknownFrameType
        case unsupportedPacketType
        case truncated
    }

    private var base: Base
    /// The offending field value, when there is one (a tag type, a size, a codec id or FourCC).
    public private(set) var value: UInt32?

    private init(_ base: Base, value: UInt32? = nil) {
        self.base = base
        self.value = value
    }

    /// The stream does not start with "FLV".
    public static let invalidSignature = Self(.invalidSignature)
    /// The header's DataOffset is below 9 or implausibly large.
    public static let invalidDataOffset = Self(.invalidDataOffset)
    /// A tag type other than audio (8), video (9) or script data (18).
    public static let unknownTagType = Self(.unknownTagType)
    /// A tag with the Filter bit set (FLV 10.1 §E.4.1): encrypted content is not supported.
    public static let encryptedTag = Self(.encryptedTag)
    /// A tag whose DataSize exceeds the configured maximum.
    public static let tagTooLarge = Self(.tagTooLarge)
    /// A PreviousTagSize that does not equal the size of the tag before it.
    public static let previousTagSizeMismatch = Self(.previousTagSizeMismatch)
    /// A video codec id, audio sound format or FourCC that is not defined.
    public static let unknownCodec = Self(.unknownCodec)
    /// A video frame type that is not defined.
    public static let unknownFrameType = Self(.unknownFrameType)
    /// An enhanced-RTMP packet type this parser does not handle (multitrack, ModEx, command frames).
    public static let unsupportedPacketType = Self(.unsupportedPacketType)
    /// The stream ended inside a tag.
    public static let truncated = Self(.truncated)

    static func invalidSignature(_ value: UInt32) -> Self { Self(.invalidSignature, value: value) }
    static func invalidDataOffset(_ value: UInt32) -> Self { Self(.invalidDataOffset, value: value) }
    static func unknownTagType(_ value: UInt8) -> Self { Self(.unknownTagType, value: UInt32(value)) }
    static func tagTooLarge(_ value: Int) -> Self { Self(.tagTooLarge, value: UInt32(truncatingIfNeeded: value)) }
    static func previousTagSizeMismatch(_ value: UInt32) -> Self { Self(.previousTagSizeMismatch, value: value) }
    static func unknownCodec(_ value: UInt32) -> Self { Self(.unknownCodec, value: value) }
    static func unknownFrameType(_ value: UInt8) -> Self { Self(.unknownFrameType, value: UInt32(value)) }
    static func unsupportedPacketType(_ value: UInt8) -> Self { Self(.unsupportedPacketType, value: UInt32(value)) }
    static func truncated(remaining: Int) -> Self { Self(.truncated, value: UInt32(truncatingIfNeeded: remaining)) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    public var description: String {
        var text = "FLVDecodingError.\(base)"
        if let value { text += " value=\(value) (0x" + String(value, radix: 16) + ")" }
        return text
    }
}
