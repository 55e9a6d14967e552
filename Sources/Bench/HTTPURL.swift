/// The parts of an `http://host[:port]/path` URL the FLV players need.
public struct HTTPURL: Sendable, Hashable {
    public static let defaultPort = 80

    public var host: String
    public var port: Int
    /// The path and query, starting with `/`.
    public var path: String

    public init?(_ string: String) {
        let scheme = "http://"
        guard string.hasPrefix(scheme) else { return nil }
        let rest = string.dropFirst(scheme.count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        path = slash == rest.endIndex ? "/" : String(rest[slash...])
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else {
                return nil
            }
            self.port = port
            host = String(authority[..<colon])
        } else {
            port = Self.defaultPort
            host = String(authority)
        }
        guard !host.isEmpty else { return nil }
    }

    /// The Host header value.
    public var hostHeader: String { port == Self.defaultPort ? host : "\(host):\(port)" }
}
