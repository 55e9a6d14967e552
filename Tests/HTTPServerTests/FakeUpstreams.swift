import Live
import NIOConcurrencyHelpers
import NIOCore
import Sessions

/// A `StreamUpstreams` that reports what the test sets, for the API and metrics.
final class FakeUpstreams: StreamUpstreams {
    private let current: NIOLockedValueBox<[UpstreamStatus]>

    init(_ statuses: [UpstreamStatus] = []) {
        current = NIOLockedValueBox(statuses)
    }

    func set(_ statuses: [UpstreamStatus]) { current.withLockedValue { $0 = statuses } }

    func isEdge(vhost: String) -> Bool { false }
    func retainPull(
        _ key: StreamKey, client: ClientInfo, configuration: LiveStreamConfiguration, on eventLoop: any EventLoop
    ) -> (any UpstreamLease)? { nil }
    func push(
        _ key: StreamKey, client: ClientInfo, on eventLoop: any EventLoop, disconnect: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any LivePublishing> {
        eventLoop.makeFailedFuture(FakeUpstreamsError())
    }
    func statuses() -> [UpstreamStatus] { current.withLockedValue { $0 } }
}

struct FakeUpstreamsError: Error {}
