/// Something in a configuration that Headwater reads past: a directive it does not implement, or a repeat.
///
/// Its `description` is `file:line: message`. There is exactly one warning per ignored directive; the
/// children of an ignored block are not examined and not warned about.
public struct ConfigWarning: Sendable, Hashable, CustomStringConvertible {
    /// Why the directive is ignored.
    public enum Reason: Sendable, Hashable {
        /// Headwater has no plan to implement the directive (`rtc_server`, `daemon`, `mw_latency`...).
        case unsupported
        /// A section a later Headwater release will implement (`http_api`, `cluster`, `hls_keys`...).
        case notImplementedYet
        /// A second occurrence of a directive that may appear once; the first one is used, as in SRS.
        case duplicate(first: SourceLocation)
    }

    /// Where the ignored directive is.
    public var location: SourceLocation
    /// The name of the ignored directive.
    public var directive: String
    /// Why it is ignored.
    public var reason: Reason

    /// Creates a warning.
    /// - Parameters:
    ///   - location: Where the ignored directive is.
    ///   - directive: Its name.
    ///   - reason: Why it is ignored.
    public init(location: SourceLocation, directive: String, reason: Reason) {
        self.location = location
        self.directive = directive
        self.reason = reason
    }

    /// What is ignored and why, without the location.
    public var message: String {
        switch self.reason {
        case .unsupported:
            "directive '\(self.directive)' is not supported by headwater and is ignored"
        case .notImplementedYet:
            "directive '\(self.directive)' is not implemented yet by headwater and is ignored"
        case .duplicate(let first):
            "directive '\(self.directive)' is repeated and ignored; the one at \(first) is used"
        }
    }

    /// `file:line: message`.
    public var description: String {
        "\(self.location): \(self.message)"
    }
}
