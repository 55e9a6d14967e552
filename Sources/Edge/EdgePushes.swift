import Config
import Live
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import Sessions

/// Pushes of edge publishers to origins: each publisher's stream goes up over one RTMP publish, to the
/// first origin that accepts, and fails over to the next origin while the publisher stays connected.
final class EdgePushes: Sendable {
    private struct State {
        var statuses: [UInt64: @Sendable () -> UpstreamStatus] = [:]
        var stops: [UInt64: @Sendable () -> Void] = [:]
        var nextID: UInt64 = 1
        var isShutDown = false
    }

    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(logger: Logger) {
        self.logger = logger
    }

    /// Starts pushing `key` to the cluster's origins.
    /// - Returns: a future (on `eventLoop`) that succeeds once an origin sent Publish.Start, or fails with
    ///   `EdgeError.noOrigin` when every origin failed once.
    func push(
        _ key: StreamKey, client: ClientInfo, cluster: ClusterConfiguration, on eventLoop: any EventLoop,
        disconnect: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any LivePublishing> {
        guard !cluster.origins.isEmpty else {
            return eventLoop.makeFailedFuture(EdgeError.noOrigin("the vhost names no origin"))
        }
        let id: UInt64? = state.withLockedValue { state in
            guard !state.isShutDown else { return nil }
            defer { state.nextID += 1 }
            return state.nextID
        }
        guard let id else { return eventLoop.makeFailedFuture(EdgeError.noOrigin("the server is stopping")) }
        let target = RTMPPushClient.Target(
            role: .push, key: key, servers: cluster.origins, param: client.param, vhost: cluster.vhost,
            debugUpnode: cluster.debugUpnode, timeout: cluster.upstreamTimeout.timeAmount)
        let promise = eventLoop.makePromise(of: (any LivePublishing).self)
        let logger = self.logger
        eventLoop.execute {
            let pushClient = RTMPPushClient(target: target, on: eventLoop, logger: logger, givesUpAfterFirstRound: true)
            let session = EdgePushSession(client: pushClient) { [weak self] in self?.remove(id) }
            let bound = NIOLoopBound(session, eventLoop: eventLoop)
            self.state.withLockedValue { state in
                state.statuses[id] = pushClient.statusReader
                state.stops[id] = { eventLoop.execute { bound.value.finish() } }
            }
            pushClient.onStart = { promise.succeed(session) }
            pushClient.onGiveUp = { [weak self] reason in
                self?.remove(id)
                promise.fail(EdgeError.noOrigin(reason))
            }
            pushClient.start()
        }
        return promise.futureResult
    }

    func statuses() -> [UpstreamStatus] {
        let readers = state.withLockedValue { Array($0.statuses.values) }
        return readers.map { $0() }
    }

    /// Ends every push (the publishers are closed by their server).
    func shutdown() {
        let stops = state.withLockedValue { state in
            state.isShutDown = true
            return Array(state.stops.values)
        }
        for stop in stops { stop() }
    }

    private func remove(_ id: UInt64) {
        state.withLockedValue { state in
            state.statuses[id] = nil
            state.stops[id] = nil
        }
    }
}

/// An edge publisher's handle on its push: what `RTMPSessionHandler` feeds like a local publish.
/// Confined to the publisher's loop (checked); `Sendable` only so futures can carry it.
final class EdgePushSession: LivePublishing, @unchecked Sendable {
    private let client: RTMPPushClient
    private let onFinish: @Sendable () -> Void
    private var finished = false

    init(client: RTMPPushClient, onFinish: @escaping @Sendable () -> Void) {
        self.client = client
        self.onFinish = onFinish
    }

    func append(_ packet: MediaPacket) {
        client.append(packet)
    }

    func flush() {
        client.flush()
    }

    func finish() {
        client.eventLoop.preconditionInEventLoop()
        guard !finished else { return }
        finished = true
        client.stop()
        onFinish()
    }
}
