import Config
import Live
import Logging
import NIOCore
import Sessions

/// Pushes of edge publishers to origins (to be built).
final class EdgePushes: Sendable {
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func push(
        _ key: StreamKey, client: ClientInfo, cluster: ClusterConfiguration, on eventLoop: any EventLoop,
        disconnect: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any LivePublishing> {
        eventLoop.makeFailedFuture(EdgeError.notImplemented("edge push"))
    }

    func statuses() -> [UpstreamStatus] { [] }

    func shutdown() {}
}
