public import Live
public import NIOCore

/// The edge side of the hub: what the RTMP and HTTP-FLV servers ask when a client plays or publishes on a
/// vhost in `mode remote`. The Edge module implements it; an origin-only server uses ``NoUpstreams``.
public protocol StreamUpstreams: Sendable {
    /// Whether `vhost` (a resolved vhost name) is an edge.
    func isEdge(vhost: String) -> Bool

    /// A player is about to play `key`: make sure the stream is pulled from an origin. Call before the
    /// player subscribes, from any loop. Returns `nil` when the vhost is not an edge; otherwise the
    /// player's lease, released exactly once when it leaves (the last release starts the idle delay).
    /// - Parameters:
    ///   - client: the player's request (its param is passed upstream).
    ///   - configuration: the vhost's stream settings, which the pull publishes with.
    ///   - eventLoop: the player's loop; a new pull runs its upstream connection there.
    func retainPull(
        _ key: StreamKey, client: ClientInfo, configuration: LiveStreamConfiguration, on eventLoop: any EventLoop
    ) -> (any UpstreamLease)?

    /// A publisher on an edge vhost: pushes its stream to an origin. The future completes on `eventLoop`
    /// once an origin accepted the publish (then the publisher gets NetStream.Publish.Start), or fails
    /// when none did.
    /// - Parameter disconnect: closes the publisher's connection (the push gave up for good).
    func push(
        _ key: StreamKey, client: ClientInfo, on eventLoop: any EventLoop,
        disconnect: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any LivePublishing>

    /// Every upstream connection now (pulls, pushes, forwards), for the API and metrics.
    func statuses() -> [UpstreamStatus]
}

/// A player's hold on an edge's pull; `release()` is idempotent.
public protocol UpstreamLease: Sendable {
    func release()
}

/// One upstream as the API and metrics show it.
public struct UpstreamStatus: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        /// An edge playing a stream from an origin for its players.
        case pull
        /// An edge publishing its publisher's stream to an origin.
        case push
        /// An origin pushing a published stream to a `forward` destination.
        case forward
    }

    public enum State: String, Sendable, Hashable {
        /// Opening the TCP connection or running connect/createStream/play|publish.
        case connecting
        /// Playing or publishing.
        case active
        /// The origin reported the stream unpublished; waiting on the same connection for a republish.
        case unpublished
        /// Every server failed; waiting before the next round.
        case backoff
        /// No player left: the upstream closes when the idle delay ends unless a player comes.
        case idle
    }

    public var role: Role
    public var key: StreamKey
    /// `host:port` of the server in use (or being tried).
    public var server: String
    public var state: State
    /// How many times the upstream moved to another server or reconnected.
    public var reconnects: Int
    public var receivedBytes: Int
    public var sentBytes: Int
    /// Players holding a pull; 0 for pushes and forwards.
    public var players: Int

    public init(
        role: Role, key: StreamKey, server: String, state: State, reconnects: Int = 0, receivedBytes: Int = 0,
        sentBytes: Int = 0, players: Int = 0
    ) {
        self.role = role
        self.key = key
        self.server = server
        self.state = state
        self.reconnects = reconnects
        self.receivedBytes = receivedBytes
        self.sentBytes = sentBytes
        self.players = players
    }
}

/// An origin-only server: no vhost is an edge.
public struct NoUpstreams: StreamUpstreams {
    public init() {}

    public func isEdge(vhost: String) -> Bool { false }
    public func retainPull(
        _ key: StreamKey, client: ClientInfo, configuration: LiveStreamConfiguration, on eventLoop: any EventLoop
    ) -> (any UpstreamLease)? { nil }
    public func push(
        _ key: StreamKey, client: ClientInfo, on eventLoop: any EventLoop, disconnect: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any LivePublishing> {
        eventLoop.makeFailedFuture(NoUpstreamsError())
    }
    public func statuses() -> [UpstreamStatus] { [] }
}

struct NoUpstreamsError: Error, CustomStringConvertible {
    var description: String { "this server has no edge vhost" }
}
