/// Input the remuxer cannot turn into MPEG-TS: a truncated or malformed tag, a bad sequence header
/// or coded frame. The remuxer stays usable after throwing; the packet is simply not written.
///
/// Errors compare equal by kind only, so callers can match on the static values while logs get
/// ``detail``.
public struct RemuxError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case truncatedTagHeader
        case malformedTagHeader
        case invalidSequenceHeader
        case invalidNALUnitLength
        case invalidAudioFrame
    }

    private var base: Base
    /// What was being parsed and what was wrong, for logs.
    public private(set) var detail: String?

    private init(_ base: Base, detail: String? = nil) {
        self.base = base
        self.detail = detail
    }

    /// The payload ends inside its audio or video tag header.
    public static let truncatedTagHeader = Self(.truncatedTagHeader)
    /// The tag header has an undefined field (a video frame type, for example).
    public static let malformedTagHeader = Self(.malformedTagHeader)
    /// An AVC/HEVC decoder configuration record or AudioSpecificConfig that does not parse.
    public static let invalidSequenceHeader = Self(.invalidSequenceHeader)
    /// A NAL unit length prefix that is cut off or runs past the end of the frame (ISO/IEC 14496-15 §5.3.2).
    public static let invalidNALUnitLength = Self(.invalidNALUnitLength)
    /// An audio frame that cannot be framed for MPEG-TS (e.g. longer than ADTS allows).
    public static let invalidAudioFrame = Self(.invalidAudioFrame)

    static func truncatedTagHeader(_ detail: String) -> Self { Self(.truncatedTagHeader, detail: detail) }
    static func malformedTagHeader(_ detail: String) -> Self { Self(.malformedTagHeader, detail: detail) }
    static func invalidSequenceHeader(_ detail: String) -> Self { Self(.invalidSequenceHeader, detail: detail) }
    static func invalidNALUnitLength(_ detail: String) -> Self { Self(.invalidNALUnitLength, detail: detail) }
    static func invalidAudioFrame(_ detail: String) -> Self { Self(.invalidAudioFrame, detail: detail) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    public var description: String {
        "RemuxError.\(base)" + (detail.map { " (\($0))" } ?? "")
    }
}
