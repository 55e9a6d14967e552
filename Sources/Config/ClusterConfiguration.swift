/// A vhost's place in a cluster: SRS's `cluster { }` block (or SRS 1.x's `mode` and `origin` directly in
/// the vhost), plus Headwater's own upstream timeouts.
///
/// `mode local` (the default) is an origin: publishers publish here and players play what is here.
/// `mode remote` is an edge: a player's stream is pulled on demand from the first origin that works, and a
/// publisher is pushed to an origin.
public struct ClusterConfiguration: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case local
        case remote
    }

    /// `local` (origin, the default) or `remote` (edge).
    public var mode: Mode = .local
    /// The origins, tried in order; the edge stays on the one that works (SRS `origin`).
    public var origins: [UpstreamAddress] = []
    /// Whether each client's `connect` is first checked by the origin (SRS `token_traverse`, default off).
    public var tokenTraverse = false
    /// The vhost asked of the origin instead of the client's (SRS `vhost`); `nil` keeps the client's.
    public var vhost: String?
    /// Whether the edge names itself in its upstream `connect` (SRS `debug_srs_upnode`, default on).
    public var debugUpnode = true
    /// Headwater's own `idle_timeout`: how long an upstream stays open after its last player left (default 3 s).
    public var idleTimeout: Duration = .seconds(3)
    /// Headwater's own `upstream_timeout`: how long an upstream may go without media before the edge
    /// moves to the next origin (default 5 s); also bounds connecting and the `connect`/`play` exchange.
    public var upstreamTimeout: Duration = .seconds(5)

    public static let idleTimeoutRange: ClosedRange<Duration> = .zero ... .seconds(3600)
    public static let upstreamTimeoutRange: ClosedRange<Duration> = .milliseconds(100) ... .seconds(300)

    public init() {}

    /// Whether the vhost is an edge.
    public var isEdge: Bool { mode == .remote }
}

/// A vhost's forwarding: SRS's `forward { enabled; destination ...; }` (or SRS 1.x's `forward HOST:PORT ...;`).
public struct ForwardConfiguration: Sendable, Hashable {
    /// Whether each published stream is pushed to the destinations (default off).
    public var enabled = false
    /// The servers each stream is pushed to, with the same app and stream.
    public var destinations: [UpstreamAddress] = []

    public init() {}

    /// Whether there is anything to forward to.
    public var isActive: Bool { enabled && !destinations.isEmpty }
}

/// Another RTMP server: `HOST`, `HOST:PORT` or `[IPv6]:PORT` (the port defaults to 1935).
public struct UpstreamAddress: Sendable, Hashable, CustomStringConvertible {
    public static let defaultPort = 1935

    /// A host name or address, without IPv6 brackets.
    public var host: String
    public var port: Int

    public init(host: String, port: Int = UpstreamAddress.defaultPort) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST`, `HOST:PORT`, `[IPv6]` or `[IPv6]:PORT`; `nil` when malformed.
    public init?(_ text: String) {
        var host = Substring(text)
        var port = Self.defaultPort
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Self.port(rest.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = text.firstIndex(of: ":") {
            guard text.lastIndex(of: ":") == colon, let value = Self.port(text[text.index(after: colon)...]) else {
                return nil
            }
            host = text[..<colon]
            port = value
        }
        guard !host.isEmpty, ListenAddress.validPorts.contains(port),
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._:".contains($0)) })
        else { return nil }
        self.host = host.lowercased()
        self.port = port
    }

    /// Digits only: `Int` alone would also take `+1935`.
    private static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
