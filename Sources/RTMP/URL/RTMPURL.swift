/// A client-side RTMP URL, `rtmp://host[:port]/app[/more]/stream[?query]`, split the way clients
/// send it: `tcUrl` (`rtmp://host[:port]/app`) in `connect`, and `streamName` (`stream?query`) in
/// `publish`/`play`.
///
/// Rules (the ones SRS and ffmpeg agree on):
/// - the default port is 1935 (443 for rtmps, 80 for rtmpt); IPv6 literals are written `[::1]`;
/// - the last path segment is the stream and everything before it is the app (`live/sub`);
///   a single segment is an app with no stream (a bare tcUrl);
/// - the legacy FMLE forms `app?k=v/stream` and `app...vhost...v/stream` move the query to the stream:
///   `rtmp://h/live?vhost=v/s` has app `live`, stream `s`, query `vhost=v`;
/// - `_definst_` is kept literally here (Wowza needs it); the server strips it, see `RTMPStreamRequest`.
public struct RTMPURL: Sendable, Hashable, CustomStringConvertible {
    /// The lower-cased scheme: `rtmp`, `rtmps`, `rtmpt`, `rtmpe`, `rtmpte` or `rtmpts`.
    public var scheme: String
    /// The lower-cased host name or address, without IPv6 brackets.
    public var host: String
    /// The TCP port (the scheme's default when the URL has none).
    public var port: Int
    /// The application path, one or more segments joined by `/`, without a query.
    public var app: String
    /// The stream name without its query; empty when the URL names only an app.
    public var stream: String
    /// The raw query carried with the stream name (no leading `?`); empty when none.
    public var query: String

    /// Creates a URL from its parts; `port` defaults to the scheme's default port.
    public init(
        scheme: String = "rtmp",
        host: String,
        port: Int? = nil,
        app: String,
        stream: String,
        query: String = ""
    ) {
        self.scheme = scheme.lowercased()
        self.host = host.lowercased()
        self.port = port ?? RTMPURLAuthority.defaultPort(forScheme: self.scheme) ?? RTMPURLAuthority.defaultPort
        self.app = app
        self.stream = stream
        self.query = query
    }

    /// Parses an RTMP URL.
    /// - Throws: `RTMPURLError` when the scheme, host, port or app is missing or malformed.
    public init(_ string: String) throws(RTMPURLError) {
        let authority = try RTMPURLAuthority.parse(string)
        let path = String(authority.path).replacing("...vhost...", with: "?vhost=")
        let (pathPart, query) = RTMPURL.normalizeLegacyQuery(Substring(path))
        let segments = pathPart.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = segments.last else { throw RTMPURLError.missingApp.with(input: string) }
        self.scheme = authority.scheme
        self.host = authority.host
        self.port = authority.port
        if segments.count == 1 {
            self.app = String(last)
            self.stream = ""
        } else {
            self.app = segments.dropLast().joined(separator: "/")
            self.stream = String(last)
        }
        self.query = query
    }

    /// Splits `path` into the part without queries and the merged query.
    /// `app?k=v/stream?x=y` becomes (`app/stream`, `k=v&x=y`).
    static func normalizeLegacyQuery(_ path: Substring) -> (path: String, query: String) {
        guard let questionMark = path.firstIndex(of: "?") else { return (String(path), "") }
        let head = path[..<questionMark]
        let afterMark = path[path.index(after: questionMark)...]
        guard let slash = afterMark.lastIndex(of: "/") else { return (String(head), String(afterMark)) }
        // FMLE style: the query sits in the app and the stream follows it.
        let appQuery = afterMark[..<slash]
        let tail = afterMark[afterMark.index(after: slash)...]
        var streamPart = tail
        var streamQuery: Substring = ""
        if let mark = tail.firstIndex(of: "?") {
            streamPart = tail[..<mark]
            streamQuery = tail[tail.index(after: mark)...]
        }
        let query = [appQuery, streamQuery].filter { !$0.isEmpty }.joined(separator: "&")
        return (head + "/" + streamPart, query)
    }

    /// `scheme://host[:port]/app`, as sent in `connect`'s `tcUrl` (the port only when not the default).
    public var tcUrl: String { "\(scheme)://\(authority.hostForURL)/\(app)" }

    /// `stream` plus `?query` when there is one, as sent in `publish`/`play`.
    public var streamName: String { query.isEmpty ? stream : "\(stream)?\(query)" }

    /// The query items in order.
    public var queryItems: [RTMPQueryItem] { RTMPQueryItem.parse(query) }

    /// The full URL in standard form.
    public var description: String { stream.isEmpty ? tcUrl : "\(tcUrl)/\(streamName)" }

    private var authority: RTMPURLAuthority {
        RTMPURLAuthority(scheme: scheme, host: host, port: port, path: "")
    }
}
