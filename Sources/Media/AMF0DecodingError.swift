/// A malformed or over-limit AMF0 encoding. Incomplete input is never an error: the readers
/// return `nil` for it instead.
///
/// Errors compare equal by kind only, so `#expect(throws: AMF0DecodingError.unknownMarker)`
/// matches whatever the context fields hold.
public struct AMF0DecodingError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case unknownMarker
        case unsupportedMarker
        case unexpectedObjectEnd
        case invalidReference
        case nestingTooDeep
        case lengthTooLarge
        case referencesTooLarge
        case truncated
    }

    private var base: Base
    /// The offending marker byte, when the error is about one.
    public private(set) var marker: UInt8?
    /// The reader index at which the offending item starts.
    public private(set) var offset: Int?

    private init(_ base: Base, marker: UInt8? = nil, offset: Int? = nil) {
        self.base = base
        self.marker = marker
        self.offset = offset
    }

    /// A marker byte that AMF0 does not define.
    public static let unknownMarker = AMF0DecodingError(.unknownMarker)
    /// A defined marker that this codec refuses: the reserved movie clip (0x04) and record set (0x0E),
    /// and the AMF3 switch (0x11, "avmplus-object"), since AMF3 values are not supported.
    public static let unsupportedMarker = AMF0DecodingError(.unsupportedMarker)
    /// An object-end marker (0x09) where a value was expected.
    public static let unexpectedObjectEnd = AMF0DecodingError(.unexpectedObjectEnd)
    /// A reference (0x07) to an index not yet decoded, or to an object still being decoded.
    public static let invalidReference = AMF0DecodingError(.invalidReference)
    /// Objects and arrays nested deeper than ``AMF0Limits/maximumNestingDepth``.
    public static let nestingTooDeep = AMF0DecodingError(.nestingTooDeep)
    /// A long string or array length larger than any RTMP message could carry.
    public static let lengthTooLarge = AMF0DecodingError(.lengthTooLarge)
    /// References that would copy in more than ``AMF0Limits/maximumReferencedValues`` values.
    public static let referencesTooLarge = AMF0DecodingError(.referencesTooLarge)
    /// The buffer ended inside a value, where the caller said the buffer is complete.
    public static let truncated = AMF0DecodingError(.truncated)

    static func unknownMarker(_ marker: UInt8, at offset: Int) -> Self {
        Self(.unknownMarker, marker: marker, offset: offset)
    }
    static func unsupportedMarker(_ marker: UInt8, at offset: Int) -> Self {
        Self(.unsupportedMarker, marker: marker, offset: offset)
    }
    static func unexpectedObjectEnd(at offset: Int) -> Self { Self(.unexpectedObjectEnd, offset: offset) }
    static func invalidReference(at offset: Int) -> Self { Self(.invalidReference, offset: offset) }
    static func nestingTooDeep(at offset: Int) -> Self { Self(.nestingTooDeep, offset: offset) }
    static func lengthTooLarge(at offset: Int) -> Self { Self(.lengthTooLarge, offset: offset) }
    static func referencesTooLarge(at offset: Int) -> Self { Self(.referencesTooLarge, offset: offset) }
    static func truncated(at offset: Int) -> Self { Self(.truncated, offset: offset) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    public var description: String {
        var text = "AMF0DecodingError.\(base)"
        if let marker { text += " marker=0x" + String(marker, radix: 16) }
        if let offset { text += " at=\(offset)" }
        return text
    }
}
