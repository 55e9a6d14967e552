import Config
import Live
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import RTMP
import Sessions

/// One stream pulled from an origin for an edge's players: one upstream connection however many players,
/// moved to the next origin on failure while the players stay, and closed after the idle delay once the
/// last player left (``EdgePulls`` counts the players).
///
/// Everything runs on `eventLoop` (the first player's); other loops read only `status`.
final class EdgePull: RTMPUpstreamDelegate, @unchecked Sendable {
    /// Media buffered while the local publish is being set up (before the hub answered).
    static let maximumPendingPackets = 1024
    /// How often a publish refused because the old one has not detached yet is retried, and how far apart.
    static let publishRetries = 20
    static let publishRetryDelay: TimeAmount = .milliseconds(100)

    let key: StreamKey
    let eventLoop: any EventLoop
    private let cluster: ClusterConfiguration
    private let configuration: LiveStreamConfiguration
    private let param: String
    private let registry: StreamRegistry
    private var logger: Logger
    /// Called when an origin worked, so later pulls of the same origin list start there.
    private let originWorked: @Sendable (Int) -> Void

    private var failover: UpstreamFailover
    private var handler: RTMPUpstreamHandler?
    private var timeline = EdgeTimeline()
    private var publish: LivePublishSession?
    private var publishRequested = false
    private var pending: [MediaPacket] = []
    private var attemptStarted: NIODeadline = .now()
    private var lastMedia: NIODeadline?
    private var upstreamPublishing = true
    private var watchdog: RepeatedTask?
    private var retry: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var closed = false
    private var receivedBytes = 0
    private let statusBox: NIOLockedValueBox<UpstreamStatus>

    init(
        key: StreamKey, param: String, cluster: ClusterConfiguration, configuration: LiveStreamConfiguration,
        firstOrigin: Int, eventLoop: any EventLoop, registry: StreamRegistry, logger: Logger,
        originWorked: @escaping @Sendable (Int) -> Void
    ) {
        self.key = key
        self.configuration = configuration
        self.param = param
        self.cluster = cluster
        self.eventLoop = eventLoop
        self.registry = registry
        self.originWorked = originWorked
        self.failover = UpstreamFailover(servers: cluster.origins, start: firstOrigin)
        var logger = logger
        logger[metadataKey: "stream.key"] = "\(key)"
        self.logger = logger
        self.statusBox = NIOLockedValueBox(
            UpstreamStatus(
                role: .pull, key: key, server: failover.current.description, state: .connecting))
    }

    var status: UpstreamStatus { statusBox.withLockedValue { $0 } }

    private var origin: UpstreamAddress { failover.current }

    // MARK: Life cycle (on eventLoop)

    func start() {
        eventLoop.preconditionInEventLoop()
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let period = TimeAmount.milliseconds(max(100, Int64(cluster.upstreamTimeout.milliseconds / 4)))
        watchdog = eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            loopBound.value.checkProgress()
        }
        connect()
    }

    /// The player count went from 0 to 1 again: stay.
    func playersReturned() {
        eventLoop.preconditionInEventLoop()
        idleTimer?.cancel()
        idleTimer = nil
        updateStatus { $0.state = self.currentState }
    }

    /// The last player left: close after the idle delay unless one comes back (`stillIdle` says, under the
    /// table's lock, whether none did and removes the pull from the table if so).
    func playersLeft(stillIdle: @escaping @Sendable () -> Bool) {
        eventLoop.preconditionInEventLoop()
        guard !closed else { return }
        updateStatus { $0.state = .idle }
        idleTimer?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let delay = cluster.idleTimeout
        idleTimer = eventLoop.scheduleTask(in: delay.timeAmount) {
            guard stillIdle() else { return }
            loopBound.value.close(reason: "no player for \(delay)")
        }
    }

    /// Closes the upstream and ends the local publish.
    func close(reason: String) {
        eventLoop.preconditionInEventLoop()
        guard !closed else { return }
        closed = true
        logger.info("edge pull closed", metadata: ["upstream.server": "\(origin)", "reason": "\(reason)"])
        watchdog?.cancel()
        retry?.cancel()
        idleTimer?.cancel()
        handler?.close()
        handler = nil
        endLocalPublish()
    }

    // MARK: Connecting and failing over

    private func connect() {
        guard !closed else { return }
        let origin = self.origin
        let url = UpstreamRequest.url(server: origin, key: key, param: param, vhost: cluster.vhost)
        let connect = UpstreamRequest.connect(for: url, publishing: false, debugUpnode: cluster.debugUpnode)
        let handler = RTMPUpstreamHandler(url: url, mode: .play, connect: connect, delegate: self)
        self.handler = handler
        attemptStarted = eventLoop.now
        lastMedia = nil
        upstreamPublishing = true
        timeline.connectionDidChange()
        updateStatus {
            $0.server = origin.description
            $0.state = .connecting
        }
        logger.info("edge pull connecting", metadata: ["upstream.server": "\(origin)", "url": "\(url)"])
        let timeout = cluster.upstreamTimeout.timeAmount
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let attempt = NIOLoopBound(handler, eventLoop: eventLoop)
        RTMPUpstreamConnector.connect(to: origin, on: eventLoop, timeout: timeout, handler: handler).whenFailure {
            error in
            let pull = loopBound.value
            guard pull.handler === attempt.value else { return }
            pull.failOver(because: "cannot connect: \(error)")
        }
    }

    /// The current origin failed: move to the next one (at once, or after the backoff once all failed).
    private func failOver(because reason: String) {
        guard !closed else { return }
        handler?.close()
        handler = nil
        let failed = origin
        // A pull never gives up while it has players: it keeps going round with the backoff.
        guard case .retry(_, let pause) = failover.failed() else { return }
        updateStatus {
            $0.reconnects += 1
            $0.server = self.origin.description
            $0.state = pause == .zero ? .connecting : .backoff
        }
        logger.warning(
            "edge pull switching origin",
            metadata: [
                "upstream.server": "\(failed)", "upstream.next": "\(origin)", "reason": "\(reason)",
                "delay_ms": "\(pause.milliseconds)",
            ])
        guard pause > .zero else {
            connect()
            return
        }
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        retry = eventLoop.scheduleTask(in: pause.timeAmount) {
            loopBound.value.connect()
        }
    }

    /// Runs a few times per `upstream_timeout`: an origin that does not answer or sends nothing is left.
    private func checkProgress() {
        guard !closed, let handler else { return }
        let now = eventLoop.now
        let limit = cluster.upstreamTimeout.timeAmount
        switch handler.state {
        case .playing:
            // After UnpublishNotify silence is expected: the origin said the stream is gone.
            guard upstreamPublishing else { return }
            if now - (lastMedia ?? attemptStarted) > limit {
                failOver(because: "no media for \(cluster.upstreamTimeout)")
            }
        default:
            if now - attemptStarted > limit {
                failOver(because: "no Play.Start within \(cluster.upstreamTimeout)")
            }
        }
    }

    // MARK: RTMPUpstreamDelegate

    func upstreamDidStart(_ handler: RTMPUpstreamHandler, messageStreamID: UInt32) {
        guard handler === self.handler else { return }
        logger.info("edge pull playing", metadata: ["upstream.server": "\(origin)"])
        attemptStarted = eventLoop.now
        updateStatus { $0.state = .active }
        startLocalPublish()
    }

    func upstream(_ handler: RTMPUpstreamHandler, didReceive message: RTMPMessage) {
        guard handler === self.handler, let packet = Self.packet(message) else { return }
        receivedBytes += message.payload.readableBytes
        let now = eventLoop.now
        if lastMedia == nil {
            // This origin delivers: stay on it, and start later pulls of this origin list here.
            failover.succeeded()
            originWorked(failover.index)
        }
        lastMedia = now
        guard let placed = timeline.place(packet, now: now) else { return }
        if let publish {
            publish.append(placed)
        } else if pending.count < Self.maximumPendingPackets {
            pending.append(placed)
        }
    }

    func upstreamDidFinishReading(_ handler: RTMPUpstreamHandler) {
        guard handler === self.handler else { return }
        publish?.flush()
        let bytes = receivedBytes
        updateStatus { $0.receivedBytes = bytes }
    }

    func upstream(_ handler: RTMPUpstreamHandler, publisherPresent: Bool) {
        guard handler === self.handler else { return }
        upstreamPublishing = publisherPresent
        if publisherPresent {
            logger.info("edge pull: stream republished at the origin", metadata: ["upstream.server": "\(origin)"])
            attemptStarted = eventLoop.now
            lastMedia = nil
            updateStatus { $0.state = .active }
            startLocalPublish()
        } else {
            // The stream really ended at the origin: players hear it, and the connection waits for a republish
            // (or the idle delay once the players left), never retrying elsewhere.
            logger.info("edge pull: stream unpublished at the origin", metadata: ["upstream.server": "\(origin)"])
            updateStatus { $0.state = .unpublished }
            endLocalPublish()
        }
    }

    func upstreamDidEnd(_ handler: RTMPUpstreamHandler, reason: RTMPUpstreamEnd) {
        guard handler === self.handler else { return }
        self.handler = nil
        failOver(because: "\(reason)")
    }

    // MARK: The local stream

    private func startLocalPublish() {
        guard publish == nil, !publishRequested, !closed else { return }
        publishRequested = true
        timeline.publishDidRestart()
        requestPublish(attempt: 1)
    }

    private func requestPublish(attempt: Int) {
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        registry.publish(key, configuration: configuration, on: eventLoop).whenComplete { result in
            let pull = loopBound.value
            switch result {
            case .success(let session):
                guard !pull.closed, pull.publishRequested, pull.publish == nil else {
                    session.finish()
                    return
                }
                pull.publish = session
                for packet in pull.pending { session.append(packet) }
                pull.pending.removeAll()
                session.flush()
            case .failure(let error):
                // A pull of the same stream that just closed may not have detached yet.
                guard !pull.closed, pull.publishRequested, attempt < Self.publishRetries else {
                    pull.logger.error("edge pull cannot publish locally", metadata: ["error": "\(error)"])
                    pull.publishRequested = false
                    return
                }
                pull.eventLoop.scheduleTask(in: Self.publishRetryDelay) {
                    loopBound.value.requestPublish(attempt: attempt + 1)
                }
            }
        }
    }

    private func endLocalPublish() {
        publishRequested = false
        pending.removeAll()
        publish?.finish()
        publish = nil
    }

    // MARK: Helpers

    private var currentState: UpstreamStatus.State {
        guard let handler else { return retry == nil ? .connecting : .backoff }
        switch handler.state {
        case .playing: return upstreamPublishing ? .active : .unpublished
        default: return .connecting
        }
    }

    private func updateStatus(_ body: (inout UpstreamStatus) -> Void) {
        statusBox.withLockedValue { body(&$0) }
    }

    /// The hub's packet for an upstream message, with the upstream's raw timestamp.
    static func packet(_ message: RTMPMessage) -> MediaPacket? {
        switch message.type {
        case .audio, .video:
            guard message.payload.readableBytes > 0 else { return nil }
            let kind: MediaKind = message.type == .audio ? .audio : .video
            let flags = MediaPacket.Flags.classify(kind: kind, payload: message.payload)
            return MediaPacket(kind: kind, timestamp: Int64(message.timestamp), flags: flags, payload: message.payload)
        case .amf0Data, .amf3Data:
            guard let body = try? RTMPDataMessage.scriptBody(of: message) else { return nil }
            return MediaPacket(
                kind: .data, timestamp: Int64(message.timestamp), flags: body.isMetadata ? [.metadata] : [],
                payload: body.payload)
        default:
            return nil
        }
    }
}
