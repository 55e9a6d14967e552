/// What a client asked for, resolved from `connect`'s `tcUrl`/`app` and the `publish`/`play` name
/// with SRS's rules (srs_discovery_tc_url): `vhost/app/stream` plus the query parameters.
///
/// - The vhost is the tcUrl host unless a `vhost=` (or else `domain=`) parameter names one; the
///   stream name's query wins over the tcUrl/app query. A value of `__defaultVhost__` is ignored, as SRS does.
/// - FMLE/OBS put the query in the app (`app?k=v`) and send a plain stream name; the legacy
///   `app...vhost...v` form is accepted too.
/// - `_definst_` segments (FMS/Wowza default instance) are removed from the app and stream path.
/// - A stream name with slashes moves its leading segments into the app (`sub/s` on app `live` is
///   app `live/sub`, stream `s`), so that `rtmp://h/live/sub/s` means the same whoever splits it.
/// - An empty stream name on a multi-segment app takes the app's last segment (OBS with the key in the URL).
/// - The host is kept as the vhost even when it is an IP address or `localhost`: only the caller knows
///   which vhosts are configured, so it maps an unknown vhost to `__defaultVhost__` (SRS does the same
///   lookup, `get_vhost`, after parsing) with `resolvingVhost(_:)`.
public struct RTMPStreamRequest: Sendable, Hashable {
    /// The name SRS gives the vhost used when no configured vhost matches.
    public static let defaultVhost = "__defaultVhost__"
    /// The app used when the tcUrl names none.
    public static let defaultApp = "__defaultApp__"

    /// The tcUrl as the client sent it.
    public var tcUrl: String
    /// The tcUrl scheme (`rtmp`, …).
    public var scheme: String
    /// The host of the tcUrl (lower-cased, no IPv6 brackets).
    public var host: String
    /// The tcUrl port (1935 when absent).
    public var port: Int
    /// The virtual host: a `vhost=`/`domain=` parameter, else the host (see the type's documentation).
    public var vhost: String
    /// The application path, one or more segments joined by `/`, without `_definst_` and queries.
    public var app: String
    /// The stream name without its query.
    public var stream: String
    /// Query items of the tcUrl/app, then of the stream name, in wire order.
    public var queryItems: [RTMPQueryItem]

    /// Creates a request from resolved parts.
    public init(
        tcUrl: String,
        scheme: String = "rtmp",
        host: String,
        port: Int = 1935,
        vhost: String,
        app: String,
        stream: String,
        queryItems: [RTMPQueryItem] = []
    ) {
        self.tcUrl = tcUrl
        self.scheme = scheme
        self.host = host
        self.port = port
        self.vhost = vhost
        self.app = app
        self.stream = stream
        self.queryItems = queryItems
    }

    /// Resolves a request the way a server does after `publish`/`play`.
    /// - Parameters:
    ///   - tcUrl: `connect`'s `tcUrl`.
    ///   - connectApp: `connect`'s `app`, used only when the tcUrl has no path or no query.
    ///   - streamName: the `publish`/`play` name, possibly with `?query`.
    /// - Throws: `RTMPURLError` for an unparsable tcUrl, or `.missingStreamName`.
    public init(tcUrl: String, connectApp: String? = nil, streamName: String) throws(RTMPURLError) {
        try self.init(target: RTMPConnectTarget(tcUrl: tcUrl, connectApp: connectApp), streamName: streamName)
    }

    /// Resolves a `publish`/`play` name against what the connection's `connect` named.
    /// - Throws: `.missingStreamName` when neither the name nor the app gives a stream.
    public init(target: RTMPConnectTarget, streamName: String) throws(RTMPURLError) {
        let (namePath, nameQuery) = Self.splitQuery(Substring(streamName))
        var appSegments = target.appSegments
        var nameSegments = Self.segments(namePath)
        var stream = nameSegments.popLast() ?? ""
        appSegments += nameSegments
        if stream.isEmpty, appSegments.count > 1 { stream = appSegments.removeLast() }
        guard !stream.isEmpty else { throw RTMPURLError.missingStreamName.with(input: streamName) }

        let appItems = target.appItems
        let nameItems = nameQuery.isEmpty ? [] : RTMPQueryItem.parse(nameQuery)
        self.tcUrl = target.tcUrl
        self.scheme = target.authority.scheme
        self.host = target.authority.host
        self.port = target.authority.port
        self.app = appSegments.isEmpty ? Self.defaultApp : appSegments.joined(separator: "/")
        self.stream = stream
        self.queryItems = appItems + nameItems
        self.vhost = Self.vhost(in: [nameItems, appItems]) ?? target.authority.host
    }

    /// Resolves the request for a client URL (what an edge or forwarder asks of its upstream).
    public init(url: RTMPURL) throws(RTMPURLError) {
        try self.init(tcUrl: url.tcUrl, streamName: url.streamName)
    }

    /// `vhost/app/stream`, the key of the stream in the hub.
    public var streamKey: String { "\(vhost)/\(app)/\(stream)" }

    /// The raw query, items joined by `&` (no leading `?`); empty when there are none.
    public var query: String {
        queryItems.map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The value of the first query item named `name`.
    public func parameter(_ name: String) -> String? { queryItems.value(named: name) }

    /// This request with `vhost` replaced by `__defaultVhost__` unless `isConfigured(vhost)`.
    public func resolvingVhost(_ isConfigured: (String) -> Bool) -> RTMPStreamRequest {
        var copy = self
        if !isConfigured(vhost) { copy.vhost = Self.defaultVhost }
        return copy
    }

    static func splitQuery(_ text: Substring) -> (Substring, Substring) {
        guard let mark = text.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (text, "") }
        return (text[..<mark], text[text.utf8.index(after: mark)...])
    }

    /// Path segments without whitespace, empty segments and `_definst_`.
    static func segments(_ path: Substring) -> [String] {
        // One pass, one array: a split, a map and a filter were 4 % of a player's join.
        var segments: [String] = []
        let bytes = path.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            if start < end {
                let segment = Substring(bytes[start..<end])
                // Printable ASCII, nearly every name, needs no look-up of Unicode properties per scalar.
                let cleaned =
                    segment.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
                    ? String(segment)
                    : String(segment.unicodeScalars.filter { !$0.properties.isWhitespace && $0.value >= 0x20 })
                if !cleaned.isEmpty, cleaned != "_definst_" { segments.append(cleaned) }
            }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
        return segments
    }

    private static func vhost(in itemLists: [[RTMPQueryItem]]) -> String? {
        for key in ["vhost", "domain"] {
            for items in itemLists {
                if let value = items.value(named: key), !value.isEmpty, value != defaultVhost {
                    return value.lowercased()
                }
            }
        }
        return nil
    }
}

/// What a connection's `connect` names, parsed once: the tcUrl's scheme, host and port, and the app path
/// and query (from the tcUrl, or `connect`'s `app` where the tcUrl has none). Every `publish` and `play` on
/// the connection resolves against it (`RTMPStreamRequest(target:streamName:)`).
public struct RTMPConnectTarget: Sendable, Hashable {
    /// The tcUrl as the client sent it.
    public let tcUrl: String
    let authority: RTMPURLAuthority
    /// The app path's segments and the app query's items, which every `publish` and `play` starts from.
    let appSegments: [String]
    let appItems: [RTMPQueryItem]

    /// - Throws: `RTMPURLError` for a tcUrl that is not an RTMP URL with a host.
    public init(tcUrl: String, connectApp: String? = nil) throws(RTMPURLError) {
        let authority = try RTMPURLAuthority.parse(tcUrl)
        // Flash clients that could not send a query wrote `app...vhost...name`.
        let path =
            authority.path.utf8.contains(UInt8(ascii: "."))
            ? Substring(String(authority.path).replacing("...vhost...", with: "?vhost=")) : authority.path
        let (appPath, pathQuery) = RTMPStreamRequest.splitQuery(path)
        var appQuery = pathQuery
        var appSegments = RTMPStreamRequest.segments(appPath)
        if let connectApp {
            let (connectPath, connectQuery) = RTMPStreamRequest.splitQuery(Substring(connectApp))
            if appSegments.isEmpty { appSegments = RTMPStreamRequest.segments(connectPath) }
            if appQuery.isEmpty { appQuery = connectQuery }
        }
        self.tcUrl = tcUrl
        self.authority = authority
        self.appSegments = appSegments
        self.appItems = appQuery.isEmpty ? [] : RTMPQueryItem.parse(appQuery)
    }
}
