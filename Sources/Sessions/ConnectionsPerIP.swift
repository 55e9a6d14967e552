import NIOConcurrencyHelpers

/// Open TCP connections by peer address, shared by the RTMP and HTTP listeners, bounding what one
/// address may hold (`max_connections_per_ip`; 0 means no bound).
///
/// Every admitted connection is tracked whatever the bound, so that a reload that sets one applies
/// to the connections already open. The table holds only addresses with open connections, so it is
/// bounded by the connections themselves (`max_connections` and the listeners' file descriptors).
public final class ConnectionsPerIP: Sendable {
    private struct State {
        var limit: Int
        var open: [String: Int] = [:]
    }

    private let state: NIOLockedValueBox<State>

    /// - Parameter limit: the most connections one address may hold; 0 for no bound.
    public init(limit: Int) {
        self.state = NIOLockedValueBox(State(limit: max(0, limit)))
    }

    /// The bound in force; 0 for none.
    public var limit: Int { state.withLockedValue { $0.limit } }

    /// Applies a reloaded bound; addresses already over it keep their connections.
    public func setLimit(_ limit: Int) {
        state.withLockedValue { $0.limit = max(0, limit) }
    }

    /// Admits one more connection from `ip`, or returns false when it already holds `limit`.
    /// Every `true` must be matched by one `release(ip)` when the connection closes.
    public func acquire(_ ip: String) -> Bool {
        state.withLockedValue { state in
            let current = state.open[ip, default: 0]
            guard state.limit == 0 || current < state.limit else { return false }
            state.open[ip] = current + 1
            return true
        }
    }

    /// Forgets one connection of `ip` admitted by `acquire`.
    public func release(_ ip: String) {
        state.withLockedValue { state in
            guard let current = state.open[ip] else { return }
            state.open[ip] = current > 1 ? current - 1 : nil
        }
    }

    /// Connections open from `ip` now.
    public func count(for ip: String) -> Int {
        state.withLockedValue { $0.open[ip, default: 0] }
    }

    /// Addresses with at least one open connection.
    public var addressCount: Int { state.withLockedValue { $0.open.count } }
}
