import Config
public import Live
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Sessions

/// Forwards every stream published on an origin vhost with an active `forward` block to its destinations
/// (SRS `forward`): the same app and stream, pushed over RTMP, reconnecting with backoff when a destination
/// drops, and never holding up the local stream. Register it with `StreamRegistry.addPublishObserver`.
public final class ForwardController: LivePublishObserver {
    private struct Entry: Sendable {
        let key: StreamKey
        let statuses: [@Sendable () -> UpstreamStatus]
        let sink: NIOLoopBound<ForwardSink>
        let eventLoop: any EventLoop
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 1
        var isShutDown = false
    }

    private let registry: StreamRegistry
    private let logger: Logger
    private let vhost: EdgeUpstreams.VhostLookup
    private let state = NIOLockedValueBox(State())

    init(registry: StreamRegistry, logger: Logger, vhost: @escaping EdgeUpstreams.VhostLookup) {
        self.registry = registry
        self.logger = logger
        self.vhost = vhost
    }

    /// Called on the stream's loop before any media of the publish.
    public func liveStreamDidStartPublishing(_ stream: LiveStream) {
        let key = stream.key
        // A forward of an earlier publish ends now, even if its `unpublished` is still on its way.
        let earlier = state.withLockedValue { $0.entries.values.filter { $0.key == key } }
        for entry in earlier { Self.stop(entry) }

        let configuration = vhost(key.vhost)
        // An edge's streams come from (or go to) its origin: forwarding is for origins only.
        guard !configuration.cluster.isEdge, configuration.forward.isActive else { return }
        let timeout = configuration.cluster.upstreamTimeout.timeAmount
        let sink = ForwardSink(
            key: key, destinations: configuration.forward.destinations, timeout: timeout,
            eventLoop: stream.eventLoop, logger: logger)
        let entry = Entry(
            key: key, statuses: sink.clients.map(\.statusReader), sink: NIOLoopBound(sink, eventLoop: stream.eventLoop),
            eventLoop: stream.eventLoop)
        let id: UInt64? = state.withLockedValue { state in
            guard !state.isShutDown else { return nil }
            defer { state.nextID += 1 }
            state.entries[state.nextID] = entry
            return state.nextID
        }
        guard let id else { return }
        sink.onEnd = { [weak self] in
            _ = self?.state.withLockedValue { $0.entries.removeValue(forKey: id) }
        }
        sink.subscription = registry.subscribe(sink, to: key, configuration: LiveStreamConfiguration())
        sink.start()
        logger.info(
            "forwarding",
            metadata: [
                "stream.key": "\(key)",
                "forward.destinations": "\(configuration.forward.destinations.map(\.description).joined(separator: " "))",
            ])
    }

    func statuses() -> [UpstreamStatus] {
        let readers = state.withLockedValue { $0.entries.values.flatMap(\.statuses) }
        return readers.map { $0() }
    }

    /// Ends every forward; streams published later are not forwarded.
    func shutdown() {
        let entries = state.withLockedValue { state in
            state.isShutDown = true
            return Array(state.entries.values)
        }
        for entry in entries { Self.stop(entry) }
    }

    private static func stop(_ entry: Entry) {
        let sink = entry.sink
        entry.eventLoop.execute { sink.value.stop() }
    }
}
