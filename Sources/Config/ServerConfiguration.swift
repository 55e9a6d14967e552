/// The whole server configuration: validated, typed, with SRS's names and defaults where Headwater follows
/// SRS and its own where noted. Build one with `load(path:)` or `parse(text:file:)`.
public struct ServerConfiguration: Sendable, Hashable {
    /// RTMP chunk sizes SRS accepts (SRS_CONSTS_RTMP_MIN_CHUNK_SIZE...SRS_CONSTS_RTMP_MAX_CHUNK_SIZE).
    public static let chunkSizeRange: ClosedRange<Int> = 128...65_536
    /// Bounds of `maxConnections`.
    public static let maxConnectionsRange: ClosedRange<Int> = 1...1_000_000
    /// Bounds of `rtmpMaxMessageSize`: at least one large video frame, at most what the 24-bit message
    /// length field can say (RTMP 1.0 §5.3.1.2.1).
    public static let rtmpMaxMessageSizeRange: ClosedRange<Int> = 65_536...16_777_215
    /// Bounds of `handshakeTimeout` in seconds.
    public static let handshakeTimeoutRange: ClosedRange<Int> = 1...600

    /// Where RTMP is served (SRS `listen`, one or more entries; default 1935 on every interface).
    public var listen = [ListenAddress(port: 1935)]
    /// Connections beyond this are refused (SRS `max_connections`, default 1000).
    public var maxConnections = 1_000
    /// The RTMP chunk size the server sends with (SRS `chunk_size`, default 60000); vhosts may override it.
    public var chunkSize = 60_000
    /// The pid file (SRS `pid`; SRS's default is ./objs/srs.pid).
    public var pidFile = "./objs/headwater.pid"
    /// Where logs go (SRS `srs_log_tank`; Headwater defaults to the console).
    public var logTank = LogTank.console
    /// How much is logged (SRS `srs_log_level`, default SRS "trace", which is our `.info`).
    public var logLevel = LogLevel.info
    /// The log file when `logTank` is `.file` (SRS `srs_log_file`; SRS's default is ./objs/srs.log).
    public var logFile = "./objs/headwater.log"
    /// The largest RTMP message a peer may send, in bytes (Headwater's `rtmp_max_message_size`, 8 MiB).
    public var rtmpMaxMessageSize = 8 << 20
    /// How long a client has to complete the RTMP handshake, and then to start publishing or playing
    /// (Headwater's `handshake_timeout`, 10 s).
    public var handshakeTimeout: Duration = .seconds(10)
    /// Per-address, per-connection and HTTP limits (Headwater's own top-level directives).
    public var limits = LimitsConfiguration()
    /// The HTTP server for HLS and DVR files (SRS `http_server { }`).
    public var httpServer = HTTPServerConfiguration()
    /// The HTTP API (SRS `http_api { }`).
    public var httpAPI = HTTPAPIConfiguration()
    /// The vhosts by name; `__defaultVhost__` is always present.
    public var vhosts: [String: VhostConfiguration] = [
        VhostConfiguration.defaultName: VhostConfiguration(name: VhostConfiguration.defaultName)
    ]
    /// The top-level directives as written, for later features' root sections (`http_api`...).
    /// Compared by content, not by line.
    public var raw: [ConfigDirective] = []

    /// Creates SRS's defaults, with no `raw` directives. `builtInDefaultText` spells these out, except that it
    /// turns on the HTTP server, HLS and DVR, which SRS leaves off.
    public init() {}

    /// The vhost a client asked for, or `__defaultVhost__` when the name is unknown (SRS `get_vhost`).
    /// A vhost that is configured but disabled is returned as it is, with `enabled == false`.
    /// - Parameter name: The vhost the client named.
    /// - Returns: The vhost configuration to use.
    public func vhost(named name: String) -> VhostConfiguration {
        self.vhosts[name]
            ?? self.vhosts[VhostConfiguration.defaultName]
            ?? VhostConfiguration(name: VhostConfiguration.defaultName)
    }

    /// The chunk size to use for a vhost: its own `chunk_size`, else the global one (SRS `get_chunk_size`).
    /// - Parameter name: The vhost name, resolved as `vhost(named:)` does.
    /// - Returns: The chunk size in bytes.
    public func chunkSize(forVhost name: String) -> Int {
        self.vhost(named: name).chunkSize ?? self.chunkSize
    }

    /// The vhosts that differ between `old` and `self`, for logging a reload.
    /// - Parameter old: The configuration in use before the reload.
    /// - Returns: Names of vhosts added, removed or changed, sorted.
    public func vhostChanges(from old: ServerConfiguration) -> [String] {
        let names = Set(old.vhosts.keys).union(self.vhosts.keys)
        return names.filter { old.vhosts[$0] != self.vhosts[$0] }.sorted()
    }
}
