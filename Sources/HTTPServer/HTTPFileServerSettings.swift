public import Config

/// What the static file server serves and how (SRS `http_server { dir; crossdomain; }` plus the playlist age).
public struct HTTPFileServerSettings: Sendable, Hashable {
    /// The default bytes read from disk per step of a response body (NIO's default chunk size).
    public static let defaultReadChunkSize = 128 * 1024

    /// The folder served at `/`. It may not exist yet: HLS and DVR create it on their first write.
    public var root: String
    /// Whether every response carries CORS headers and answers preflights, for web players on other origins.
    public var crossdomain: Bool
    /// Seconds a `.m3u8` may be cached (`Cache-Control: public, max-age=N`); about half a segment.
    public var playlistMaxAge: Int
    /// Bytes read from disk per step of a response body; bounds the memory one download holds.
    public var readChunkSize: Int

    /// Creates settings.
    /// - Parameters:
    ///   - root: The folder served at `/`.
    ///   - crossdomain: Whether CORS headers are sent.
    ///   - playlistMaxAge: Seconds a playlist may be cached.
    ///   - readChunkSize: Bytes read from disk per step.
    public init(
        root: String,
        crossdomain: Bool = true,
        playlistMaxAge: Int = 1,
        readChunkSize: Int = Self.defaultReadChunkSize
    ) {
        self.root = root
        self.crossdomain = crossdomain
        self.playlistMaxAge = playlistMaxAge
        self.readChunkSize = max(readChunkSize, 1)
    }

    /// Takes `dir` and `crossdomain` from the `http_server` configuration.
    /// - Parameters:
    ///   - configuration: The `http_server` block.
    ///   - playlistMaxAge: Seconds a playlist may be cached.
    public init(configuration: HTTPServerConfiguration, playlistMaxAge: Int = 1) {
        self.init(root: configuration.dir, crossdomain: configuration.crossdomain, playlistMaxAge: playlistMaxAge)
    }
}
