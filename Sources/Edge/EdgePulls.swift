import Config
import Live
import Logging
import NIOCore
import Sessions

/// Pulls of streams from origins for an edge's players (to be built).
final class EdgePulls: Sendable {
    private let registry: StreamRegistry
    private let logger: Logger

    init(registry: StreamRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    func retain(_ key: StreamKey, client: ClientInfo, cluster: ClusterConfiguration) -> (any UpstreamLease)? {
        nil
    }

    func statuses() -> [UpstreamStatus] { [] }

    func shutdown() {}
}
