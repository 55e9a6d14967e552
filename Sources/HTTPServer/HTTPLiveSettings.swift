public import Live
import NIOConcurrencyHelpers
public import Sessions

/// The HTTP-FLV mounts in force, replaced on reload and read once per request head.
public final class HTTPFLVMounts: Sendable {
    private let table: NIOLockedValueBox<HTTPFLVMountTable>

    public init(_ table: HTTPFLVMountTable = HTTPFLVMountTable()) {
        self.table = NIOLockedValueBox(table)
    }

    /// The mounts now.
    public var current: HTTPFLVMountTable { table.withLockedValue { $0 } }

    /// Applies a reloaded configuration's mounts to the requests that follow.
    public func update(_ newTable: HTTPFLVMountTable) {
        table.withLockedValue { $0 = newTable }
    }
}

/// What the HTTP server needs to serve live streams: the hub, the mounts, the clients and the policy.
public struct HTTPLiveSettings: Sendable {
    public var registry: StreamRegistry
    public var mounts: HTTPFLVMounts
    /// Every client connection; `max_connections` is enforced by its `register`.
    public var clients: ClientRegistry
    /// Decides each play and hears when it ends.
    public var policy: any SessionPolicy
    /// Pulls for edge vhosts.
    public var upstreams: any StreamUpstreams

    public init(
        registry: StreamRegistry, mounts: HTTPFLVMounts, clients: ClientRegistry = ClientRegistry(maxConnections: .max),
        policy: any SessionPolicy = AllowAllPolicy(), upstreams: any StreamUpstreams = NoUpstreams()
    ) {
        self.upstreams = upstreams
        self.registry = registry
        self.mounts = mounts
        self.clients = clients
        self.policy = policy
    }

    /// Whether `key` can be played now. On an origin, a stream that is not live is not this mount's business:
    /// the request goes on to the files (DVR recordings share the `[app]/[stream].flv` shape) and is 404 when
    /// there is none. On an edge every stream is live: the play pulls it from an origin.
    func isAvailable(_ key: StreamKey) -> Bool {
        upstreams.isEdge(vhost: key.vhost) || (registry.stream(for: key)?.isPublishing ?? false)
    }
}
