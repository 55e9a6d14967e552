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
    ///
    /// Every delimiter is ASCII, so the search runs over UTF-8 bytes: a byte below 0x80 is never part of a
    /// longer character, and the indices it finds are valid `String` indices. Once per connect, and
    /// Character-wise searching was a few per cent of a server's CPU while players joined.
    static func parse(_ url: String) throws(RTMPURLError) -> RTMPURLAuthority {
        let bytes = url.utf8
        guard let schemeEnd = firstIndex(of: "://", in: bytes) else {
            throw RTMPURLError.missingScheme.with(input: url)
        }
        let scheme = url[..<schemeEnd].lowercased()
        guard let defaultPort = defaultPort(forScheme: scheme) else {
            throw RTMPURLError.unsupportedScheme.with(input: url)
        }
        let restStart = bytes.index(schemeEnd, offsetBy: 3)
        let rest = bytes[restStart...]
        let authorityEnd =
            rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) ?? rest.endIndex
        var authority = url[restStart..<authorityEnd]
        var path = url[authorityEnd...]
        if path.utf8.first == UInt8(ascii: "/") { path = url[bytes.index(after: authorityEnd)...] }
        // ffmpeg accepts rtmp://user:pass@host/...; the credentials are not ours to interpret.
        if let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) {
            authority = authority[authority.utf8.index(after: at)...]
        }

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

    /// Where `needle` (ASCII) first starts in `bytes`.
    private static func firstIndex(of needle: StaticString, in bytes: String.UTF8View) -> String.Index? {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = pattern.first else { return bytes.startIndex }
        var start = bytes.startIndex
        while let candidate = bytes[start...].firstIndex(of: first) {
            if bytes[candidate...].starts(with: pattern) { return candidate }
            start = bytes.index(after: candidate)
        }
        return nil
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
        let bytes = authority.utf8
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else {
                throw RTMPURLError.invalidHost.with(input: url)
            }
            let host = authority[bytes.index(after: bytes.startIndex)..<close]
            let after = authority[bytes.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.utf8.first == UInt8(ascii: ":") else { throw RTMPURLError.invalidHost.with(input: url) }
            return (host, authority[bytes.index(after: bytes.index(after: close))...])
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return (authority, nil) }
        let portText = authority[bytes.index(after: colon)...]
        guard !portText.utf8.contains(UInt8(ascii: ":")) else { throw RTMPURLError.invalidHost.with(input: url) }
        return (authority[..<colon], portText)
    }

    /// `host` or `[host]` for IPv6 literals, plus `:port` unless it is the scheme's default.
    var hostForURL: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        if port == RTMPURLAuthority.defaultPort(forScheme: scheme) { return bracketed }
        return "\(bracketed):\(port)"
    }
}
