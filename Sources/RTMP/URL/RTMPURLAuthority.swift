/// The `scheme://host[:port]` prefix of an RTMP URL or tcUrl, split off the path.
///
/// Shared by `RTMPURL` (client side) and `RTMPStreamRequest` (server side, from `connect`'s tcUrl).
struct RTMPURLAuthority: Hashable, Sendable {
    /// Default TCP port of plain RTMP (RTMP 1.0 §1.1 of the Adobe docs; what every client assumes).
    static let defaultPort = 1935

    var scheme: String
    /// Lower-cased host name or address, without IPv6 brackets.
    var host: String
    var port: Int
    /// Everything after the first `/` following the authority (no leading slash), possibly empty.
    var path: Substring

    /// Parses `scheme://[userinfo@]host[:port][/path]`.
    static func parse(_ url: String) throws(RTMPURLError) -> RTMPURLAuthority {
        guard let schemeEnd = url.firstRange(of: "://") else { throw RTMPURLError.missingScheme.with(input: url) }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard let defaultPort = defaultPort(forScheme: scheme) else {
            throw RTMPURLError.unsupportedScheme.with(input: url)
        }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var path = rest[authorityEnd...]
        if path.first == "/" { path = path.dropFirst() }
        // ffmpeg accepts rtmp://user:pass@host/...; the credentials are not ours to interpret.
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }

        let (host, portText) = try splitHostPort(authority, url: url)
        guard !host.isEmpty else { throw RTMPURLError.missingHost.with(input: url) }
        var port = defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw RTMPURLError.invalidPort.with(input: url)
            }
            port = value
        }
        return RTMPURLAuthority(scheme: scheme, host: host.lowercased(), port: port, path: path)
    }

    /// The default port of each scheme of the RTMP family; `nil` for anything else.
    static func defaultPort(forScheme scheme: String) -> Int? {
        switch scheme {
        case "rtmp", "rtmpe": return defaultPort
        case "rtmps", "rtmpts": return 443
        case "rtmpt", "rtmpte": return 80
        default: return nil
        }
    }

    private static func splitHostPort(
        _ authority: Substring,
        url: String
    ) throws(RTMPURLError) -> (Substring, Substring?) {
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { throw RTMPURLError.invalidHost.with(input: url) }
            let host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.first == ":" else { throw RTMPURLError.invalidHost.with(input: url) }
            return (host, after.dropFirst())
        }
        let colons = authority.filter { $0 == ":" }.count
        guard colons <= 1 else { throw RTMPURLError.invalidHost.with(input: url) }
        guard let colon = authority.firstIndex(of: ":") else { return (authority, nil) }
        return (authority[..<colon], authority[authority.index(after: colon)...])
    }

    /// `host` or `[host]` for IPv6 literals, plus `:port` unless it is the scheme's default.
    var hostForURL: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        if port == RTMPURLAuthority.defaultPort(forScheme: scheme) { return bracketed }
        return "\(bracketed):\(port)"
    }
}
