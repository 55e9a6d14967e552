/// Turns a request path into a safe path relative to the served root, with no I/O.
///
/// The query and fragment are dropped, empty segments (`//`) collapse and `.` segments vanish. Each segment is
/// percent-decoded exactly once (RFC 3986 §2.1), so `%252e%252e` stays the literal name `%2e%2e`. Anything that
/// could step outside the root or confuse a file API is refused: `..` before or after decoding, `%2F`/`%5C`,
/// `\`, NUL, control characters, invalid encoding or UTF-8, and paths over `maximumLength`.
///
/// Symlinks are not this type's business: the file server checks the real path of what it opens.
public struct HTTPPathResolver: Sendable {
    /// The default limit on the raw path, in bytes.
    public static let defaultMaximumLength = 4096

    /// The longest raw path (before decoding, without the query) that is accepted, in bytes.
    public var maximumLength: Int

    /// Creates a resolver.
    /// - Parameter maximumLength: The longest raw path accepted, in bytes.
    public init(maximumLength: Int = Self.defaultMaximumLength) {
        self.maximumLength = maximumLength
    }

    /// Resolves a request path.
    /// - Parameter target: The request path as received (origin-form, RFC 9112 §3.2.1), possibly with a query.
    /// - Returns: The decoded segments under the root.
    /// - Throws: `HTTPPathError` when the path is malformed or tries to leave the root.
    public func resolve(_ target: String) throws(HTTPPathError) -> HTTPResolvedPath {
        let bytes = target.utf8
        let end = bytes.firstIndex { $0 == ASCII.questionMark || $0 == ASCII.numberSign } ?? bytes.endIndex
        let raw = bytes[..<end]
        guard raw.count <= maximumLength else { throw .tooLong }
        guard raw.first == ASCII.slash else { throw .notAbsolute }

        var components: [String] = []
        for segment in raw.split(separator: ASCII.slash, omittingEmptySubsequences: true) {
            try Self.checkRaw(segment)
            let name = try Self.decode(segment)
            switch name {
            case ".": continue
            case "..": throw .dotDotSegment
            default: components.append(name)
            }
        }
        return HTTPResolvedPath(components: components, hasTrailingSlash: raw.last == ASCII.slash)
    }

    /// Whether a file or folder name may be served: not hidden (`.name`) and not a file still being written
    /// (`name.tmp`, any case), which HLS and DVR rename into place when complete.
    /// - Parameter name: One path segment.
    /// - Returns: `false` for hidden and temporary names.
    public static func isServableName(_ name: some StringProtocol) -> Bool {
        guard let first = name.utf8.first, first != ASCII.period else { return false }
        return !name.lowercased().hasSuffix(temporarySuffix)
    }

    private static let temporarySuffix = ".tmp"

    /// Refuses what must not appear literally in a segment, before any decoding.
    private static func checkRaw(_ segment: Substring.UTF8View.SubSequence) throws(HTTPPathError) {
        if segment.elementsEqual("..".utf8) { throw .dotDotSegment }
        for byte in segment {
            switch byte {
            case 0: throw .nulByte
            case ASCII.backslash: throw .backslash
            case ..<ASCII.space, ASCII.delete: throw .controlCharacter
            default: continue
            }
        }
    }

    /// Percent-decodes one segment once and checks what the decoding revealed.
    private static func decode(_ segment: Substring.UTF8View.SubSequence) throws(HTTPPathError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(segment.count)
        var index = segment.startIndex
        while index != segment.endIndex {
            let byte = segment[index]
            index = segment.index(after: index)
            guard byte == ASCII.percent else {
                decoded.append(byte)
                continue
            }
            guard index != segment.endIndex, let high = hexValue(segment[index]) else { throw .invalidPercentEncoding }
            index = segment.index(after: index)
            guard index != segment.endIndex, let low = hexValue(segment[index]) else { throw .invalidPercentEncoding }
            index = segment.index(after: index)
            let value = high << 4 | low
            switch value {
            case 0: throw .nulByte
            case ASCII.slash, ASCII.backslash: throw .encodedSeparator
            default: decoded.append(value)
            }
        }
        let name = String(decoding: decoded, as: UTF8.self)
        // Decoding replaces invalid sequences with U+FFFD, so a changed byte count means the bytes were not UTF-8.
        guard name.utf8.elementsEqual(decoded) else { throw .invalidUTF8 }
        // C0, DEL and C1 controls, whether they arrived literally or encoded.
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .controlCharacter
        }
        return name
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private enum ASCII {
        static let space = UInt8(ascii: " ")
        static let delete: UInt8 = 0x7F
        static let percent = UInt8(ascii: "%")
        static let period = UInt8(ascii: ".")
        static let slash = UInt8(ascii: "/")
        static let backslash = UInt8(ascii: "\\")
        static let questionMark = UInt8(ascii: "?")
        static let numberSign = UInt8(ascii: "#")
    }
}
