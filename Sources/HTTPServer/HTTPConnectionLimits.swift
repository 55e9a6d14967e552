public import Sessions

/// The per-address limits of the HTTP server: connections (`max_connections_per_ip`, shared with RTMP),
/// request rate (`http_max_requests_per_ip`) and request head size (`http_max_header_size`).
public struct HTTPConnectionLimits: Sendable {
    /// Open connections by address; the RTMP server's table, so that the bound covers both protocols.
    public var connectionsPerIP: ConnectionsPerIP
    /// Requests per second by address.
    public var requestRate: RequestRateLimiter
    /// The largest request head (request line and header fields), in bytes.
    public var maxHeaderSize: Int

    /// - Parameters:
    ///   - connectionsPerIP: `nil`: a private table with no bound.
    ///   - requestRate: `nil`: no rate bound.
    public init(
        connectionsPerIP: ConnectionsPerIP? = nil, requestRate: RequestRateLimiter? = nil,
        maxHeaderSize: Int = HTTPServerService.maximumRequestHeadSize
    ) {
        self.connectionsPerIP = connectionsPerIP ?? ConnectionsPerIP(limit: 0)
        self.requestRate = requestRate ?? RequestRateLimiter(ratePerSecond: 0)
        self.maxHeaderSize = maxHeaderSize
    }
}
