/// Who answers: the `server`, `service` and `pid` fields of every SRS API answer, and the version.
public struct HTTPAPIIdentity: Sendable, Hashable {
    /// Identifies the server (SRS `server_id`).
    public var server: String
    /// Identifies this run of the process (SRS `service_id`: random per start).
    public var service: String
    /// The process id, as a string (as SRS sends it).
    public var pid: String
    /// `major.minor.revision`.
    public var version: String

    /// - Parameters:
    ///   - server: Identifies the server.
    ///   - service: Identifies this run; a random 8-character id when omitted.
    ///   - pid: The process id.
    ///   - version: `major.minor.revision`.
    public init(server: String, service: String? = nil, pid: Int, version: String) {
        self.server = server
        self.service = service ?? Self.randomID(length: 8)
        self.pid = String(pid)
        self.version = version
    }

    /// The numeric parts of `version`, 0 where missing.
    var versionParts: (major: Int, minor: Int, revision: Int) {
        let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        return (parts.count > 0 ? parts[0] : 0, parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
    }

    static func randomID(length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<length).map { _ in alphabet.randomElement()! })
    }
}

/// A vhost as `/api/v1/vhosts` describes it, from the configuration in force.
public struct HTTPAPIVhost: Sendable, Hashable {
    public var name: String
    public var enabled: Bool
    /// Seconds per HLS segment, or `nil` when HLS is off.
    public var hlsFragment: Double?

    public init(name: String, enabled: Bool, hlsFragment: Double?) {
        self.name = name
        self.enabled = enabled
        self.hlsFragment = hlsFragment
    }
}
