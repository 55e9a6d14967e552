public import Config
public import Live
public import Logging
public import Media
import NIOConcurrencyHelpers
public import NIOCore
public import RTMP
public import Sessions

/// Publishes one stream to an upstream RTMP server (an edge's origin, a forward destination) over one
/// client connection at a time, failing over round-robin across `servers` (``UpstreamFailover``) and
/// resending cached headers after each reconnect (``PushMediaStateMachine``).
///
/// Confined to `eventLoop`: the caller appends packets and flushes there, and nothing on that path
/// blocks, waits or takes a lock; when the socket is not writable media is dropped to the next keyframe.
public final class RTMPPushClient: RTMPUpstreamDelegate {
    /// Where and how to publish.
    public struct Target: Sendable {
        public var role: UpstreamStatus.Role
        public var key: StreamKey
        public var servers: [UpstreamAddress]
        /// The client's `?query` passed upstream (empty for none).
        public var param: String
        /// The vhost asked of the server (`nil`: the key's).
        public var vhost: String?
        public var debugUpnode: Bool
        /// Bounds connecting plus the connect/createStream/publish exchange.
        public var timeout: TimeAmount

        public init(
            role: UpstreamStatus.Role, key: StreamKey, servers: [UpstreamAddress], param: String = "",
            vhost: String? = nil, debugUpnode: Bool = false, timeout: TimeAmount = .seconds(5)
        ) {
            self.role = role
            self.key = key
            self.servers = servers
            self.param = param
            self.vhost = vhost
            self.debugUpnode = debugUpnode
            self.timeout = timeout
        }
    }

    /// The socket's write buffer bounds: past `high` the channel is not writable and media drops.
    static let writeBufferWaterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 256 << 10, high: 1 << 20)
    /// At most one drop warning per this interval.
    static let dropLogInterval: TimeAmount = .seconds(10)

    public let eventLoop: any EventLoop
    public let target: Target
    private var logger: Logger
    private var failover: UpstreamFailover
    private var media = PushMediaStateMachine()
    private var handler: RTMPUpstreamHandler?
    private var channel: (any Channel)?
    private var attemptTimeout: Scheduled<Void>?
    private var retryTask: Scheduled<Void>?
    private var stopped = false
    private var pendingFlush = false
    private var sentBytes = 0
    private var lastDropLog: NIODeadline?
    private var loggedDrops = 0
    /// The status as others read it (API, metrics); updated on state changes and per flush.
    private let sharedStatus: NIOLockedValueBox<UpstreamStatus>

    /// Called once, when the first server accepted the publish.
    public var onStart: (() -> Void)?
    /// Called once, when every server failed in the first round and `givesUpAfterFirstRound` was set.
    public var onGiveUp: ((String) -> Void)?

    /// - Parameter givesUpAfterFirstRound: whether to stop (and call `onGiveUp`) when no server accepted
    ///   in the first round; otherwise the client retries with backoff until `stop()`.
    public init(target: Target, on eventLoop: any EventLoop, logger: Logger, givesUpAfterFirstRound: Bool = false) {
        self.target = target
        self.eventLoop = eventLoop
        self.failover = UpstreamFailover(servers: target.servers, givesUpAfterFirstRound: givesUpAfterFirstRound)
        var logger = logger
        logger[metadataKey: "stream.key"] = "\(target.key)"
        logger[metadataKey: "upstream.role"] = "\(target.role.rawValue)"
        self.logger = logger
        self.sharedStatus = NIOLockedValueBox(
            UpstreamStatus(
                role: target.role, key: target.key, server: "\(target.servers[0])", state: .connecting))
    }

    /// The status now; callable from any thread.
    public var status: UpstreamStatus { sharedStatus.withLockedValue { $0 } }
    /// A handle other threads can read the status through.
    var statusReader: @Sendable () -> UpstreamStatus {
        let box = sharedStatus
        return { box.withLockedValue { $0 } }
    }
    /// Media dropped while congested or waiting for a keyframe.
    public var droppedPackets: Int { media.droppedPackets }

    /// Opens the first connection.
    public func start() {
        eventLoop.preconditionInEventLoop()
        connect()
    }

    /// Queues one packet (its timestamp goes upstream as is, truncated to 32 bits).
    public func append(_ packet: MediaPacket) {
        eventLoop.preconditionInEventLoop()
        let before = media.droppedPackets
        let writable = handler?.isWritable ?? false
        let out = media.admit(packet, writable: writable)
        if media.droppedPackets != before { noteDrops() }
        guard let handler, !out.isEmpty else { return }
        for packet in out {
            handler.write(Self.message(for: packet, streamID: handler.messageStreamID))
            sentBytes += packet.payload.readableBytes
        }
        pendingFlush = true
    }

    /// Sends what was queued (once per batch).
    public func flush() {
        guard pendingFlush else { return }
        pendingFlush = false
        handler?.flush()
        let sent = sentBytes
        sharedStatus.withLockedValue { $0.sentBytes = sent }
    }

    /// Ends the publish politely (FCUnpublish, deleteStream) and stops reconnecting.
    public func stop() {
        eventLoop.preconditionInEventLoop()
        guard !stopped else { return }
        stopped = true
        retryTask?.cancel()
        attemptTimeout?.cancel()
        if let handler {
            handler.flush()
            handler.close()
        }
        handler = nil
        channel = nil
        media.disconnected()
        logger.info("upstream publish stopped", metadata: ["upstream.server": "\(failover.current)"])
    }

    // MARK: Connections

    private func connect() {
        guard !stopped else { return }
        let server = failover.current
        let url = UpstreamRequest.url(server: server, key: target.key, param: target.param, vhost: target.vhost)
        let command = UpstreamRequest.connect(for: url, publishing: true, debugUpnode: target.debugUpnode)
        let handler = RTMPUpstreamHandler(url: url, mode: .publish, connect: command, delegate: self)
        self.handler = handler
        updateStatus(server: server, state: .connecting)
        logger.debug("upstream connecting", metadata: ["upstream.server": "\(server)"])
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let handlerBound = NIOLoopBound(handler, eventLoop: eventLoop)
        attemptTimeout = eventLoop.scheduleTask(in: target.timeout) {
            let client = loopBound.value
            guard client.handler === handlerBound.value, client.handler?.state != .publishing else { return }
            client.attemptFailed(handlerBound.value, reason: "no Publish.Start within \(client.target.timeout)")
        }
        RTMPUpstreamConnector.connect(to: server, on: eventLoop, timeout: target.timeout, handler: handler)
            .whenComplete { result in
                let client = loopBound.value
                guard client.handler === handlerBound.value else {
                    // Superseded or stopped while connecting.
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success(let channel):
                    client.channel = channel
                    channel.setOption(ChannelOptions.writeBufferWaterMark, value: Self.writeBufferWaterMark)
                        .whenFailure { _ in }
                case .failure(let error):
                    client.attemptFailed(handlerBound.value, reason: "\(error)")
                }
            }
    }

    /// The current attempt (or live connection) failed: close it and try the next server.
    private func attemptFailed(_ failed: RTMPUpstreamHandler, reason: String) {
        guard failed === handler, !stopped else { return }
        attemptTimeout?.cancel()
        let server = failover.current
        handler = nil
        failed.close()
        channel?.close(promise: nil)
        channel = nil
        media.disconnected()
        switch failover.failed() {
        case .giveUp:
            stopped = true
            updateStatus(server: server, state: .backoff)
            logger.warning(
                "upstream publish failed on every server",
                metadata: ["upstream.server": "\(server)", "reason": "\(reason)"])
            let onGiveUp = self.onGiveUp
            self.onGiveUp = nil
            self.onStart = nil
            onGiveUp?("\(server): \(reason)")
        case .retry(let next, let delay):
            sharedStatus.withLockedValue { $0.reconnects += 1 }
            logger.warning(
                "upstream publish failed, switching server",
                metadata: [
                    "upstream.server": "\(server)", "upstream.next": "\(next)", "reason": "\(reason)",
                    "delay_ms": "\(delay.milliseconds)",
                ])
            guard delay > .zero else {
                connect()
                return
            }
            updateStatus(server: next, state: .backoff)
            let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
            retryTask = eventLoop.scheduleTask(in: delay.timeAmount) {
                loopBound.value.connect()
            }
        }
    }

    public func upstreamDidStart(_ handler: RTMPUpstreamHandler, messageStreamID: UInt32) {
        guard handler === self.handler, !stopped else { return }
        attemptTimeout?.cancel()
        failover.succeeded()
        media.connected()
        updateStatus(server: failover.current, state: .active)
        logger.info("upstream publishing", metadata: ["upstream.server": "\(failover.current)"])
        let onStart = self.onStart
        self.onStart = nil
        self.onGiveUp = nil
        onStart?()
    }

    public func upstream(_ handler: RTMPUpstreamHandler, didReceive message: RTMPMessage) {}

    public func upstreamDidFinishReading(_ handler: RTMPUpstreamHandler) {}

    public func upstream(_ handler: RTMPUpstreamHandler, publisherPresent: Bool) {}

    public func upstreamDidEnd(_ handler: RTMPUpstreamHandler, reason: RTMPUpstreamEnd) {
        attemptFailed(handler, reason: "\(reason)")
    }

    // MARK: Helpers

    private func updateStatus(server: UpstreamAddress, state: UpstreamStatus.State) {
        sharedStatus.withLockedValue {
            $0.server = "\(server)"
            $0.state = state
        }
    }

    /// A warning at most every `dropLogInterval`, with the count since the last one.
    private func noteDrops() {
        let now = NIODeadline.now()
        if let last = lastDropLog, now - last < Self.dropLogInterval { return }
        lastDropLog = now
        let total = media.droppedPackets
        logger.warning(
            "upstream congested or reconnected: dropping media to the next keyframe",
            metadata: [
                "upstream.server": "\(failover.current)", "dropped": "\(total - loggedDrops)", "dropped_total": "\(total)",
            ])
        loggedDrops = total
    }

    /// The RTMP message for `packet`; metadata goes as `@setDataFrame` + `onMetaData`, as encoders publish it.
    static func message(for packet: MediaPacket, streamID: UInt32) -> RTMPMessage {
        let timestamp = UInt32(truncatingIfNeeded: packet.timestamp)
        switch packet.kind {
        case .audio:
            return RTMPMessage(type: .audio, streamID: streamID, timestamp: timestamp, payload: packet.payload)
        case .video:
            return RTMPMessage(type: .video, streamID: streamID, timestamp: timestamp, payload: packet.payload)
        case .data:
            guard packet.flags.contains(.metadata) else {
                return RTMPMessage(type: .amf0Data, streamID: streamID, timestamp: timestamp, payload: packet.payload)
            }
            var payload = ByteBuffer()
            payload.reserveCapacity(packet.payload.readableBytes + 16)
            payload.writeAMF0Value(.string(RTMPDataMessage.Handler.setDataFrame))
            var body = packet.payload
            payload.writeBuffer(&body)
            return RTMPMessage(type: .amf0Data, streamID: streamID, timestamp: timestamp, payload: payload)
        }
    }
}

@available(*, unavailable)
extension RTMPPushClient: Sendable {}
