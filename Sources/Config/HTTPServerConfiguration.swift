/// The HTTP server for HLS, DVR files and HTTP-FLV: SRS's top-level `http_server { }` block.
public struct HTTPServerConfiguration: Sendable, Hashable {
    /// Whether the HTTP server runs (SRS `enabled`, default off).
    public var enabled = false
    /// Where it listens (SRS `listen`, 8080 on every interface).
    public var listen = ListenAddress(port: 8080)
    /// The folder served at `/` (SRS `dir`, ./objs/nginx/html).
    public var dir = "./objs/nginx/html"
    /// Whether CORS headers are sent, so web players on other origins can fetch (SRS `crossdomain`, on).
    public var crossdomain = true

    /// Creates SRS's defaults.
    public init() {}
}
