public import Live

/// What the server knows about one client, as the API, hooks and access rules see it.
public struct ClientInfo: Sendable, Hashable {
    public var kind: ClientKind
    /// The peer address without port (`127.0.0.1`, `::1`).
    public var ip: String
    /// The resolved vhost (a configured name or `__defaultVhost__`), once known.
    public var vhost: String
    public var app: String
    public var stream: String
    /// The client's query string with its leading `?` (SRS `param`), or empty.
    public var param: String
    /// RTMP `connect`'s tcUrl, or the URL an HTTP player asked for.
    public var tcUrl: String
    public var pageUrl: String
    public var swfUrl: String

    public init(
        kind: ClientKind, ip: String, vhost: String = "", app: String = "", stream: String = "", param: String = "",
        tcUrl: String = "", pageUrl: String = "", swfUrl: String = ""
    ) {
        self.kind = kind
        self.ip = ip
        self.vhost = vhost
        self.app = app
        self.stream = stream
        self.param = param
        self.tcUrl = tcUrl
        self.pageUrl = pageUrl
        self.swfUrl = swfUrl
    }

    /// The stream the client publishes or plays, once it names one.
    public var streamKey: StreamKey? {
        stream.isEmpty ? nil : StreamKey(vhost: vhost, app: app, stream: stream)
    }

    /// `/app/stream`, SRS's `url` field.
    public var url: String { "/\(app)/\(stream)" }
}
