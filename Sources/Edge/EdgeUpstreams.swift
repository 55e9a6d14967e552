public import Config
public import Live
public import Logging
public import NIOCore
public import Sessions

/// The edge and forward side of the server (`StreamUpstreams`): pulls for players on edge vhosts,
/// pushes for publishers on edge vhosts, and forwards of streams published on origin vhosts.
public final class EdgeUpstreams: StreamUpstreams {
    /// The current configuration of a vhost, by resolved name (reread on reload).
    public typealias VhostLookup = @Sendable (String) -> VhostConfiguration

    let vhost: VhostLookup
    let pulls: EdgePulls
    let pushes: EdgePushes
    /// Register with the registry (`addPublishObserver`) so published streams are forwarded.
    public let forwards: ForwardController

    public init(
        group: any EventLoopGroup, registry: StreamRegistry, logger: Logger, vhost: @escaping VhostLookup
    ) {
        self.vhost = vhost
        self.pulls = EdgePulls(registry: registry, logger: logger)
        self.pushes = EdgePushes(logger: logger)
        self.forwards = ForwardController(registry: registry, logger: logger, vhost: vhost)
    }

    public func isEdge(vhost name: String) -> Bool {
        vhost(name).cluster.isEdge
    }

    public func retainPull(
        _ key: StreamKey, client: ClientInfo, configuration: LiveStreamConfiguration, on eventLoop: any EventLoop
    ) -> (any UpstreamLease)? {
        let cluster = vhost(key.vhost).cluster
        guard cluster.isEdge else { return nil }
        return pulls.retain(key, client: client, cluster: cluster, configuration: configuration, on: eventLoop)
    }

    public func push(
        _ key: StreamKey, client: ClientInfo, on eventLoop: any EventLoop, disconnect: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any LivePublishing> {
        pushes.push(key, client: client, cluster: vhost(key.vhost).cluster, on: eventLoop, disconnect: disconnect)
    }

    public func statuses() -> [UpstreamStatus] {
        pulls.statuses() + pushes.statuses() + forwards.statuses()
    }

    /// Closes every upstream (at shutdown); players and publishers are closed by their servers.
    public func shutdown() {
        pulls.shutdown()
        pushes.shutdown()
        forwards.shutdown()
    }
}
