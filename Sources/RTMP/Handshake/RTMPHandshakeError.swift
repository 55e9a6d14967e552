/// A handshake the peer got wrong. Extensible: new cases are added as static members.
public struct RTMPHandshakeError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case unsupportedVersion(UInt8)
    }

    private let base: Base

    private init(_ base: Base) {
        self.base = base
    }

    /// The C0/S0 byte was not RTMP version 3 (RTMP 1.0 §5.2.2): for example an HTTP request
    /// (`G`), an RTMPE handshake (6, 8) or random bytes.
    ///
    /// - Parameter version: The byte received instead of 3.
    public static func unsupportedVersion(_ version: UInt8) -> Self {
        Self(.unsupportedVersion(version))
    }

    public var description: String {
        switch self.base {
        case .unsupportedVersion(let version):
            return "RTMPHandshakeError.unsupportedVersion(\(version))"
        }
    }
}
