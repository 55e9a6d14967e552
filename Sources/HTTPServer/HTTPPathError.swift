/// Why a request path cannot name anything under the served root; the file server answers 400.
public struct HTTPPathError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case notAbsolute
        case tooLong
        case invalidPercentEncoding
        case encodedSeparator
        case backslash
        case nulByte
        case controlCharacter
        case dotDotSegment
        case invalidUTF8
    }

    private let base: Base

    private init(_ base: Base) {
        self.base = base
    }

    /// The path does not start with `/` (for example the `*` of `OPTIONS *`).
    public static let notAbsolute = Self(.notAbsolute)
    /// The path is longer than the resolver's limit.
    public static let tooLong = Self(.tooLong)
    /// A `%` is not followed by two hexadecimal digits (RFC 3986 §2.1).
    public static let invalidPercentEncoding = Self(.invalidPercentEncoding)
    /// `%2F` or `%5C`: a separator hidden inside one segment.
    public static let encodedSeparator = Self(.encodedSeparator)
    /// A literal `\`, which some file systems and proxies treat as a separator.
    public static let backslash = Self(.backslash)
    /// A NUL byte, literal or `%00`: C file APIs would cut the name there.
    public static let nulByte = Self(.nulByte)
    /// Another control character (C0, DEL or C1), literal or encoded.
    public static let controlCharacter = Self(.controlCharacter)
    /// A `..` segment, before or after percent-decoding.
    public static let dotDotSegment = Self(.dotDotSegment)
    /// A decoded segment is not valid UTF-8.
    public static let invalidUTF8 = Self(.invalidUTF8)

    public var description: String {
        switch base {
        case .notAbsolute: "the path does not start with '/'"
        case .tooLong: "the path is too long"
        case .invalidPercentEncoding: "invalid percent-encoding"
        case .encodedSeparator: "an encoded '/' or '\\' in a segment"
        case .backslash: "a '\\' in the path"
        case .nulByte: "a NUL byte in the path"
        case .controlCharacter: "a control character in the path"
        case .dotDotSegment: "a '..' segment"
        case .invalidUTF8: "a segment that is not UTF-8"
        }
    }
}
