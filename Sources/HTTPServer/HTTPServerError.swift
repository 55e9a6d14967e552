/// Why the HTTP server has no listening port to report.
public struct HTTPServerError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case stopped
    }

    private let base: Base

    /// The service's `run()` returned: the server is not listening any more.
    public static let stopped = Self(base: .stopped)

    public var description: String {
        switch base {
        case .stopped: "the HTTP server has stopped"
        }
    }
}
