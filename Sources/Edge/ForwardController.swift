import Config
public import Live
import Logging
import NIOCore
import Sessions

/// Forwards every stream published on a vhost with `forward` to its destinations (to be built).
public final class ForwardController: LivePublishObserver {
    private let registry: StreamRegistry
    private let logger: Logger
    private let vhost: EdgeUpstreams.VhostLookup

    init(registry: StreamRegistry, logger: Logger, vhost: @escaping EdgeUpstreams.VhostLookup) {
        self.registry = registry
        self.logger = logger
        self.vhost = vhost
    }

    public func liveStreamDidStartPublishing(_ stream: LiveStream) {}

    func statuses() -> [UpstreamStatus] { [] }

    func shutdown() {}
}
