/// Where the RTMP server listens: SRS's `listen` entry, `port`, `host:port` or `[ipv6]:port`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The valid TCP ports (port 0, "any port", is not a place a client can find).
    public static let validPorts: ClosedRange<Int> = 1...65535

    /// The address to bind, without brackets for IPv6; `nil` means every interface (SRS: `0.0.0.0`).
    public var host: String?
    /// The TCP port, in `validPorts`.
    public var port: Int

    /// Creates an address.
    /// - Parameters:
    ///   - host: The address to bind, or `nil` for every interface.
    ///   - port: The TCP port.
    public init(host: String? = nil, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses a `listen` entry.
    /// - Parameter text: `1935`, `127.0.0.1:1935` or `[::1]:1935`.
    /// - Returns: `nil` when the entry is malformed or the port is out of range.
    public init?(_ text: String) {
        guard case .success(let address) = Self.parse(text) else { return nil }
        self = address
    }

    /// How it is written in a configuration file.
    public var description: String {
        guard let host = self.host else { return "\(self.port)" }
        return host.contains(":") ? "[\(host)]:\(self.port)" : "\(host):\(self.port)"
    }

    /// Why an entry is not an address, for the configuration error message.
    struct Problem: Error {
        var reason: String
    }

    static func parse(_ text: String) -> Result<ListenAddress, Problem> {
        let hostPart: Substring?
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else {
                return .failure(Problem(reason: "expected '[address]:port'"))
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart?.contains(":") == true {
                return .failure(Problem(reason: "an IPv6 address needs brackets, as in '[::1]:1935'"))
            }
        } else {
            hostPart = nil
            portPart = text[...]
        }
        if let hostPart, hostPart.isEmpty {
            return .failure(Problem(reason: "the address before ':' is empty"))
        }
        guard !portPart.isEmpty, portPart.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(Problem(reason: "the port is not a number"))
        }
        // All digits but too long for Int is simply out of range.
        let port = Int(portPart) ?? Int.max
        guard Self.validPorts.contains(port) else {
            return .failure(
                Problem(
                    reason: "the port must be between \(Self.validPorts.lowerBound) and \(Self.validPorts.upperBound)"
                )
            )
        }
        return .success(ListenAddress(host: hostPart.map(String.init), port: port))
    }
}
