/// A codec configuration (decoder configuration record, parameter set, AudioSpecificConfig) that is
/// malformed, or one this module cannot represent.
///
/// Errors compare equal by kind only; ``field`` names what was being read, for logs.
public struct CodecConfigurationError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case truncated
        case unsupportedVersion
        case invalidValue
        case unsupported
    }

    private var base: Base
    /// The syntax element being read or written when the error arose.
    public private(set) var field: String?

    private init(_ base: Base, field: String? = nil) {
        self.base = base
        self.field = field
    }

    /// The bytes end before the structure does.
    public static let truncated = Self(.truncated)
    /// A configurationVersion this parser does not know.
    public static let unsupportedVersion = Self(.unsupportedVersion)
    /// A field holds a reserved or impossible value.
    public static let invalidValue = Self(.invalidValue)
    /// A valid configuration this module cannot handle (e.g. one ADTS cannot describe).
    public static let unsupported = Self(.unsupported)

    static func truncated(_ field: String) -> Self { Self(.truncated, field: field) }
    static func unsupportedVersion(_ field: String) -> Self { Self(.unsupportedVersion, field: field) }
    static func invalidValue(_ field: String) -> Self { Self(.invalidValue, field: field) }
    static func unsupported(_ field: String) -> Self { Self(.unsupported, field: field) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    public var description: String {
        "CodecConfigurationError.\(base)" + (field.map { " (\($0))" } ?? "")
    }
}
