/// The HTTP API: SRS's top-level `http_api { }` block.
public struct HTTPAPIConfiguration: Sendable, Hashable {
    /// HTTP Basic authentication of every `/api/` request (SRS `http_api { auth { } }`).
    public struct Authentication: Sendable, Hashable {
        /// Whether requests must authenticate (SRS `enabled`, default off).
        public var enabled = false
        /// The user name (SRS `username`); required when `enabled`.
        public var username = ""
        /// The password (SRS `password`); required when `enabled`. Never logged nor echoed.
        public var password = ""

        /// Creates SRS's defaults: no authentication.
        public init() {}
    }

    /// SRS's default API port.
    public static let defaultPort = 1985

    /// Whether the API is served (SRS `enabled`, default off).
    public var enabled = false
    /// Where it listens (SRS `listen`, 1985). When it equals `http_server.listen` and the HTTP server runs,
    /// the API shares that server's port.
    public var listen = ListenAddress(port: HTTPAPIConfiguration.defaultPort)
    /// Whether CORS headers are sent on API answers (SRS `crossdomain`, on).
    public var crossdomain = true
    /// HTTP Basic authentication (SRS `auth { }`).
    public var auth = Authentication()

    /// Creates SRS's defaults.
    public init() {}
}

extension HTTPAPIConfiguration.Authentication: CustomStringConvertible {
    /// Leaves the password out, so a logged configuration never shows it.
    public var description: String {
        "Authentication(enabled: \(enabled), username: \(username), password: <redacted>)"
    }
}
