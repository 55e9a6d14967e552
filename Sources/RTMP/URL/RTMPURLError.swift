/// Why an RTMP URL, tcUrl or stream name could not be parsed.
///
/// Equality compares the kind only, so tests and callers can match on `RTMPURLError.invalidPort`
/// while the thrown value still carries the offending input for logs.
public struct RTMPURLError: Error, Hashable, CustomStringConvertible {
    private enum Base: String, Hashable {
        case missingScheme = "missing scheme"
        case unsupportedScheme = "scheme is not rtmp"
        case missingHost = "missing host"
        case invalidHost = "invalid host"
        case invalidPort = "invalid port"
        case missingApp = "missing app"
        case missingStreamName = "missing stream name"
    }

    private let base: Base
    /// The text that failed to parse.
    public private(set) var input: String

    private init(_ base: Base, input: String = "") {
        self.base = base
        self.input = input
    }

    /// No `scheme://` prefix.
    public static let missingScheme = RTMPURLError(.missingScheme)
    /// A scheme other than the rtmp family (rtmp, rtmps, rtmpt, rtmpe, rtmpte, rtmpts).
    public static let unsupportedScheme = RTMPURLError(.unsupportedScheme)
    /// Nothing between `://` and the path.
    public static let missingHost = RTMPURLError(.missingHost)
    /// An unterminated IPv6 bracket, or several colons without brackets.
    public static let invalidHost = RTMPURLError(.invalidHost)
    /// A port that is not a number in 1...65535.
    public static let invalidPort = RTMPURLError(.invalidPort)
    /// No application path after the host.
    public static let missingApp = RTMPURLError(.missingApp)
    /// The publish/play name is empty and none can be derived from the app.
    public static let missingStreamName = RTMPURLError(.missingStreamName)

    func with(input: String) -> RTMPURLError {
        var copy = self
        copy.input = input
        return copy
    }

    public static func == (lhs: RTMPURLError, rhs: RTMPURLError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    public var description: String { "RTMPURLError: \(base.rawValue) in \"\(input)\"" }
}
