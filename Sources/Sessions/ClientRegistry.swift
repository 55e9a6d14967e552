import NIOConcurrencyHelpers
public import NIOCore

/// Every client connection of the process (RTMP and HTTP-FLV), for the API, metrics, kicks and
/// the `max_connections` bound shared by all protocols.
///
/// Registration happens once per connection; the lock is never taken per packet.
public final class ClientRegistry: Sendable {
    private struct State {
        var maxConnections: Int
        var sessions: [UInt64: ClientSession] = [:]
        var nextID: UInt64 = 1
        var refused = 0
        /// Traffic of clients already gone, so totals never go down.
        var closedReceived = 0
        var closedSent = 0
    }

    private let state: NIOLockedValueBox<State>

    public init(maxConnections: Int) {
        self.state = NIOLockedValueBox(State(maxConnections: maxConnections))
    }

    /// Applies a reloaded `max_connections` (connections over a lowered bound stay).
    public func setMaxConnections(_ value: Int) {
        state.withLockedValue { $0.maxConnections = value }
    }

    public var maxConnections: Int { state.withLockedValue { $0.maxConnections } }

    /// Registers a client, or returns `nil` when `max_connections` is reached (counted in `refusedCount`).
    /// - Parameter kick: closes the client's connection; called from any thread.
    public func register(_ info: ClientInfo, kick: @escaping @Sendable () -> Void) -> ClientSession? {
        state.withLockedValue { state in
            guard state.sessions.count < state.maxConnections else {
                state.refused += 1
                return nil
            }
            let id = state.nextID
            state.nextID += 1
            let session = ClientSession(id: id, info: info, connectedAt: .now(), registry: self, kick: kick)
            state.sessions[id] = session
            return session
        }
    }

    func remove(_ session: ClientSession) {
        state.withLockedValue { state in
            guard state.sessions.removeValue(forKey: session.id) != nil else { return }
            state.closedReceived += session.traffic.receivedBytes
            state.closedSent += session.traffic.sentBytes
        }
    }

    /// The clients connected now, oldest first.
    public var sessions: [ClientSession] {
        state.withLockedValue { $0.sessions.values.sorted { $0.id < $1.id } }
    }

    public func session(id: UInt64) -> ClientSession? {
        state.withLockedValue { $0.sessions[id] }
    }

    public var count: Int { state.withLockedValue { $0.sessions.count } }

    /// Connections refused because `max_connections` was reached, since start.
    public var refusedCount: Int { state.withLockedValue { $0.refused } }

    /// Bytes received from and sent to all clients since start, including those gone.
    public var totalTraffic: (received: Int, sent: Int) {
        state.withLockedValue { state in
            state.sessions.values.reduce((state.closedReceived, state.closedSent)) {
                ($0.0 + $1.traffic.receivedBytes, $0.1 + $1.traffic.sentBytes)
            }
        }
    }
}
