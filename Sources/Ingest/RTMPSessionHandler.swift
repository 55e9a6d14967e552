import Live
import Logging
import Media
import NIOCore
import RTMP
import Sessions

/// Binds one RTMP connection to the live hub: runs the server session state machine, feeds a
/// publisher's media into its stream, and plays streams out to a player.
///
/// Media messages bypass the state machine: while publishing they go straight to the stream's
/// publish session and are handed over once per read batch (`channelReadComplete`).
///
/// `connect`, `publish` and `play` are put to the `SessionPolicy` (access rules, HTTP hooks) first.
/// Its answer comes on this loop but possibly turns later, after the client withdrew or moved on:
/// attempt counters make sure only the current request's answer is applied. Media pipelined behind a
/// `publish` waits in the bounded pending buffer until both the policy and the hub accepted, and is
/// dropped on a refusal, so a refused publisher never reaches the hub.
final class RTMPSessionHandler: ChannelInboundHandler {
    typealias InboundIn = RTMPMessage
    typealias OutboundOut = RTMPOutbound

    private enum Role {
        case idle
        /// Into the local hub, or (on an edge vhost) up to an origin.
        case publishing(any LivePublishing)
        /// With the player's hold on the edge's pull when the vhost is an edge.
        case playing(RTMPPlayer, LiveSubscription, (any UpstreamLease)?)
        case closed
    }

    private let registry: StreamRegistry
    /// Pulls and pushes for edge vhosts.
    private let upstreams: any StreamUpstreams
    let settings: RTMPServerSettings
    let policy: any SessionPolicy
    /// The registry entry (API, kicks, traffic); `nil` only in tests that run the handler alone.
    let session: ClientSession?
    /// What the policy and hooks are told about this client.
    var info: ClientInfo
    /// Whether `connect` reached the policy, so the end of the connection is reported (on_close).
    var connectAttempted = false
    /// Whether the client is a Headwater edge (its `connect` says so): it merges writes for its own players,
    /// so its play is flushed at once rather than adding a second `mw_latency` per hop.
    var clientIsEdge = false
    var sessionEnded = false
    /// Identifies the latest `play`, whose policy answer alone may be applied.
    private var playAttempt: UInt64 = 0
    var logger: Logger
    var machine: RTMPServerSessionStateMachine
    private var role: Role = .idle
    var context: ChannelHandlerContext?
    private var publishStarted: NIODeadline = .now()
    private var lastMediaReceived: NIODeadline?
    private var publishWatchdog: RepeatedTask?
    /// Identifies the latest `publish` handed to the registry, whose answer alone may be applied.
    private var publishAttempt: UInt64 = 0
    /// Media that arrived behind `publish` before the hub accepted it (clients may pipeline it).
    private var pendingMedia: [RTMPMessage] = []
    private var pendingMediaBytes = 0
    /// The bound on `pendingMedia`, in messages; its bytes are bounded by `settings.maxMessageSize`.
    static let maximumPendingMedia = 256
    /// Closes a connection that has not started publishing or playing within the handshake
    /// timeout after the handshake, so a finished handshake cannot hold a connection slot forever.
    private var sessionStartDeadline: Scheduled<Void>?
    /// The play replies wait for the player's join to flush them (see `beginPlaying`).
    private var holdsFlushForJoin = false
    /// The chunk size our encoder sends with (announced in the connect reply, changed per vhost at play).
    private var outboundChunkSize: Int

    init(
        registry: StreamRegistry, settings: RTMPServerSettings, logger: Logger,
        session: ClientSession? = nil, policy: any SessionPolicy = AllowAllPolicy(),
        upstreams: any StreamUpstreams = NoUpstreams()
    ) {
        self.registry = registry
        self.upstreams = upstreams
        self.settings = settings
        self.logger = logger
        self.session = session
        self.policy = policy
        self.info = session?.info ?? ClientInfo(kind: .rtmpConnection, ip: "")
        let chunkSize = settings.vhost(named: RTMPServerSettings.defaultVhostName).chunkSize
        self.outboundChunkSize = chunkSize
        self.machine = RTMPServerSessionStateMachine(configuration: .init(chunkSize: UInt32(chunkSize)))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelSessionStartDeadline()
        endRole(reason: "handler removed")
        endSession()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        endRole(reason: "peer closed")
        endSession()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RTMPHandshakeEvent { armSessionStartDeadline(context: context, afterHandshake: true) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard let type = message.type else {
            close(context, reason: "unknown RTMP message type \(message.typeID) on chunk stream \(message.chunkStreamID)")
            return
        }
        switch type {
        case .audio, .video, .amf0Data, .amf3Data:
            ingest(message, type: type, context: context)
        case .amf0Command, .amf3Command:
            handleCommand(message, context: context)
        case .amf0SharedObject, .amf3SharedObject:
            logger.debug("ignoring shared-object message")
        case .setChunkSize, .abort, .acknowledgement, .userControl, .windowAcknowledgementSize, .setPeerBandwidth,
            .aggregate:
            break  // applied by the chunk decoder and control handler
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .publishing(let session) = role {
            session.flush()
        }
        if !holdsFlushForJoin { context.flush() }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        // A peer that does not read what we send (ping answers, acks, command replies) stops
        // being read until it does: nothing it makes us send can pile up without bound.
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: writable)
        if case .playing(let player, _, _) = role {
            player.channelWritabilityChanged(isWritable: writable)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let limit = RTMPChunkDecoderError.limit(of: error) { LimitReporter.count(limit) }
        close(context, reason: "\(error)")
    }

    // MARK: Commands

    private func handleCommand(_ message: RTMPMessage, context: ChannelHandlerContext) {
        let command: RTMPCommand
        do {
            command = try RTMPCommand(message)
        } catch {
            close(context, reason: "malformed command: \(error)")
            return
        }
        logger.trace("command", metadata: ["command": "\(command)"])
        perform(machine.received(command, messageStreamID: message.streamID), context: context)
        if machine.state == .connected, case .idle = role, !pendingMedia.isEmpty || session?.info.kind != .rtmpConnection {
            // A publish or play withdrawn while pending (deleteStream): its media and its kind go with it,
            // so a later publish cannot replay them into another stream.
            discardPendingMedia()
            resetInfoKind()
        }
    }

    func perform(_ actions: [RTMPServerSessionStateMachine.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let messages):
                // Replies come in groups (connect's four, play's five): one pipeline write and one buffer each.
                if messages.count == 1 {
                    context.write(wrapOutboundOut(.message(messages[0])), promise: nil)
                } else if !messages.isEmpty {
                    context.write(wrapOutboundOut(.messages(messages)), promise: nil)
                }
            case .requestConnect(let connect, let target):
                requestConnect(connect, target: target, context: context)
            case .requestPublish(let request, let streamID):
                startPublishing(request, streamID: streamID, context: context)
            case .requestPlay(let request, _, let streamID):
                startPlaying(request, streamID: streamID, context: context)
            case .stopPublishing:
                endRole(reason: "unpublish")
                armSessionStartDeadline(context: context)  // an idle connection may not hold a slot
            case .stopPlaying:
                endRole(reason: "stop")
                armSessionStartDeadline(context: context)
            case .pause(let paused):
                if case .playing(let player, _, _) = role { player.setPaused(paused) }
            case .close(let reason):
                close(context, reason: "\(reason)")
                return
            }
        }
        if !holdsFlushForJoin { context.flush() }
    }

    private func startPublishing(_ request: RTMPStreamRequest, streamID: UInt32, context: ChannelHandlerContext) {
        let key = streamKey(for: request)
        let vhost = settings.vhost(named: key.vhost)
        logger[metadataKey: "stream.key"] = .stringConvertible(key)
        guard vhost.enabled else {
            logger.info("publish refused: vhost disabled")
            perform(machine.publishRejected(.publishBadName, description: "vhost \(key.vhost) is disabled"), context: context)
            return
        }
        applySocketSettings(vhost, context: context)
        publishAttempt &+= 1
        let attempt = publishAttempt
        updateInfo(kind: .rtmpPublisher, request: request, key: key)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        policy.decide(.publish, client: snapshot, on: context.eventLoop) { result in
            let handler = loopBound.value
            guard let context = handler.context, attempt == handler.publishAttempt,
                handler.machine.state == .publishPending, case .idle = handler.role
            else { return }
            switch result {
            case .success(.allow):
                handler.publishToHub(request, key: key, vhost: vhost, attempt: attempt, context: context)
            case .success(.deny(let reason)):
                handler.refusePublish(reason: reason, context: context)
            case .failure(let error):
                handler.refusePublish(reason: "\(error)", context: context)
            }
        }
    }

    private func refusePublish(reason: String, context: ChannelHandlerContext) {
        discardPendingMedia()
        resetInfoKind()
        logger.warning("publish denied", metadata: ["reason": "\(reason)"])
        perform(machine.publishRejected(.publishBadName, description: reason), context: context)
    }

    /// The policy allowed the publish: ask the hub for the stream (it may be taken).
    private func publishToHub(
        _ request: RTMPStreamRequest, key: StreamKey, vhost: RTMPServerSettings.Vhost, attempt: UInt64,
        context: ChannelHandlerContext
    ) {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        let disconnect: @Sendable () -> Void = { channel.close(promise: nil) }
        let published: EventLoopFuture<any LivePublishing>
        if upstreams.isEdge(vhost: key.vhost) {
            // An edge keeps no local copy: the stream goes up, and the edge's players pull it back down.
            published = upstreams.push(key, client: info, on: context.eventLoop, disconnect: disconnect)
        } else {
            published = registry.publish(
                key, configuration: vhost.live, on: context.eventLoop, disconnect: disconnect, clientID: session?.id
            ).map { $0 as any LivePublishing }
        }
        published.whenComplete { result in
            let handler = loopBound.value
            // The answer comes a loop turn later: the client may have withdrawn this publish and
            // started another, or a play, meanwhile. Only the current attempt may take the role.
            guard let context = handler.context, attempt == handler.publishAttempt,
                handler.machine.state == .publishPending, case .idle = handler.role
            else {
                if case .success(let session) = result { session.finish() }
                return
            }
            switch result {
            case .success(let session):
                handler.cancelSessionStartDeadline()
                handler.role = .publishing(session)
                handler.publishStarted = context.eventLoop.now
                // A republish on this connection starts its first-packet clock afresh.
                handler.lastMediaReceived = nil
                handler.startWatchdog(vhost: vhost, context: context)
                handler.logger.info("publish started", metadata: ["tcUrl": "\(request.tcUrl)"])
                handler.perform(handler.machine.publishAccepted(), context: context)
                handler.replayPendingMedia(context: context)
            case .failure(let error):
                handler.discardPendingMedia()
                // The policy allowed it: tell the hooks it ended (SRS calls on_unpublish after a failed publish
                // too), naming the stream before the client's info forgets it.
                handler.policy.sessionDidEnd(.unpublish, client: handler.snapshot)
                handler.resetInfoKind()
                handler.logger.warning("publish refused", metadata: ["reason": "\(error)"])
                handler.perform(handler.machine.publishRejected(.publishBadName, description: "\(error)"), context: context)
            }
        }
    }

    private func startPlaying(_ request: RTMPStreamRequest, streamID: UInt32, context: ChannelHandlerContext) {
        let key = streamKey(for: request)
        let vhost = settings.vhost(named: key.vhost)
        logger[metadataKey: "stream.key"] = .stringConvertible(key)
        guard vhost.enabled else {
            perform(machine.playRejected(.playStreamNotFound, description: "vhost \(key.vhost) is disabled"), context: context)
            return
        }
        playAttempt &+= 1
        let attempt = playAttempt
        updateInfo(kind: .rtmpPlayer, request: request, key: key)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        policy.decide(.play, client: snapshot, on: context.eventLoop) { result in
            let handler = loopBound.value
            guard let context = handler.context, attempt == handler.playAttempt,
                handler.machine.state == .playPending, case .idle = handler.role
            else { return }
            let reason: String
            switch result {
            case .success(.allow):
                handler.beginPlaying(key: key, vhost: vhost, streamID: streamID, context: context)
                return
            case .success(.deny(let why)): reason = why
            case .failure(let error): reason = "\(error)"
            }
            handler.resetInfoKind()
            handler.logger.warning("play denied", metadata: ["reason": "\(reason)"])
            handler.perform(handler.machine.playRejected(.playFailed, description: reason), context: context)
        }
    }

    /// The policy allowed the play: send the play replies and subscribe.
    private func beginPlaying(
        key: StreamKey, vhost: RTMPServerSettings.Vhost, streamID: UInt32, context: ChannelHandlerContext
    ) {
        applySocketSettings(vhost, context: context)
        if vhost.chunkSize != outboundChunkSize {
            // The vhost's chunk size applies from here on; shared media bytes are cut at it.
            outboundChunkSize = vhost.chunkSize
            let setChunkSize = RTMPControlMessage.setChunkSize(UInt32(vhost.chunkSize)).message()
            context.write(wrapOutboundOut(.message(setChunkSize)), promise: nil)
        }
        // The replies wait for the join: a stream on this loop joins in the task `subscribe` queues, and
        // its first flush sends them with the GOP, one write and one wake-up of the player instead of
        // two. Otherwise (another loop, nothing cached) they go alone, a moment later.
        holdsFlushForJoin = true
        perform(machine.playAccepted(), context: context)
        let player = RTMPPlayer(
            context: context, streamID: streamID, chunkSize: vhost.chunkSize, queueLength: vhost.live.queueLength,
            mergedWrites: clientIsEdge ? .off : vhost.live.mergedWrites,
            notices: machine.playNotices(),
            logger: logger)
        // On an edge the pull starts (or is kept) before the player joins, so it never waits on a closing upstream.
        let lease = upstreams.retainPull(key, client: info, configuration: vhost.live, on: context.eventLoop)
        let subscription = registry.subscribe(player, to: key, configuration: vhost.live)
        context.eventLoop.assumeIsolated().execute { [self] in
            holdsFlushForJoin = false
            self.context?.flush()
        }
        cancelSessionStartDeadline()
        role = .playing(player, subscription, lease)
        logger.info("play started")
    }

    /// Arms the deadline after the handshake, and again whenever a publish or play ends.
    private func armSessionStartDeadline(context: ChannelHandlerContext, afterHandshake: Bool = false) {
        cancelSessionStartDeadline()
        guard context.channel.isActive else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timeout = settings.handshakeTimeout
        let since = afterHandshake ? "the handshake" : "the last stream ended"
        sessionStartDeadline = context.eventLoop.scheduleTask(in: timeout) {
            let handler = loopBound.value
            guard let context = handler.context, context.channel.isActive, case .idle = handler.role else { return }
            switch handler.machine.state {
            case .connectPending, .publishPending, .playPending:
                // The policy is deciding (hooks have their own timeout): that is not idleness.
                handler.armSessionStartDeadline(context: context, afterHandshake: afterHandshake)
                return
            default:
                break
            }
            LimitReporter.count(.handshakeTimeout)
            handler.close(
                context, reason: "no publish or play within \(timeout.nanoseconds / 1_000_000) ms after \(since)")
        }
    }

    private func cancelSessionStartDeadline() {
        sessionStartDeadline?.cancel()
        sessionStartDeadline = nil
    }

    // MARK: Media

    private func ingest(_ message: RTMPMessage, type: RTMPMessageType, context: ChannelHandlerContext) {
        if case .idle = role, machine.state == .publishPending || machine.state == .connectPending {
            // Held until the policy and the hub answer (a publish may be queued behind a pending
            // connect); a client that overruns the bound loses the excess.
            let bytes = pendingMediaBytes + message.payload.readableBytes
            guard pendingMedia.count < Self.maximumPendingMedia, bytes <= settings.maxMessageSize else { return }
            pendingMedia.append(message)
            pendingMediaBytes = bytes
            return
        }
        switch type {
        case .audio: ingestMedia(message, kind: .audio, context: context)
        case .video: ingestMedia(message, kind: .video, context: context)
        default: ingestData(message)
        }
    }

    /// Feeds what arrived while the publish was pending, now that it is accepted (or drops it if withdrawn).
    private func replayPendingMedia(context: ChannelHandlerContext) {
        let pending = pendingMedia
        discardPendingMedia()
        guard case .publishing(let session) = role, !pending.isEmpty else { return }
        for message in pending {
            if let type = message.type { ingest(message, type: type, context: context) }
        }
        session.flush()
    }

    func discardPendingMedia() {
        pendingMedia.removeAll()
        pendingMediaBytes = 0
    }

    private func ingestMedia(_ message: RTMPMessage, kind: MediaKind, context: ChannelHandlerContext) {
        guard case .publishing(let session) = role else { return }
        // The loop's clock, which the watchdog also reads (and tests can advance).
        lastMediaReceived = context.eventLoop.now
        guard message.payload.readableBytes > 0 else { return }
        let flags = MediaPacket.Flags.classify(kind: kind, payload: message.payload)
        session.append(MediaPacket(kind: kind, timestamp: Int64(message.timestamp), flags: flags, payload: message.payload))
    }

    private func ingestData(_ message: RTMPMessage) {
        guard case .publishing(let session) = role else { return }
        do {
            let body = try RTMPDataMessage.scriptBody(of: message)
            session.append(
                MediaPacket(
                    kind: .data, timestamp: Int64(message.timestamp), flags: body.isMetadata ? [.metadata] : [],
                    payload: body.payload))
        } catch {
            logger.debug("ignoring undecodable data message", metadata: ["error": "\(error)"])
        }
    }

    private func startWatchdog(vhost: RTMPServerSettings.Vhost, context: ChannelHandlerContext) {
        publishWatchdog?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        publishWatchdog = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            let handler = loopBound.value
            guard let context = handler.context, case .publishing = handler.role else { return }
            let now = context.eventLoop.now
            if let last = handler.lastMediaReceived {
                if now - last > vhost.normalTimeout {
                    handler.close(context, reason: "publisher sent no media for \(vhost.normalTimeout.nanoseconds / 1_000_000) ms")
                }
            } else if now - handler.publishStarted > vhost.firstPacketTimeout {
                handler.close(context, reason: "publisher sent no media within \(vhost.firstPacketTimeout.nanoseconds / 1_000_000) ms")
            }
        }
    }

    // MARK: Teardown

    private func endRole(reason: String) {
        publishWatchdog?.cancel()
        publishWatchdog = nil
        switch role {
        case .publishing(let session):
            session.finish()
            logger.info("publish stopped", metadata: ["reason": "\(reason)"])
            policy.sessionDidEnd(.unpublish, client: snapshot)
            resetInfoKind()
        case .playing(let player, let subscription, let lease):
            player.close()
            subscription.cancel()
            lease?.release()
            logger.info(
                "play stopped",
                metadata: [
                    "reason": "\(reason)", "sent": "\(player.sentPackets)", "direct_bytes": "\(player.directBytes)",
                ])
            policy.sessionDidEnd(.stop, client: snapshot)
            resetInfoKind()
        case .idle, .closed:
            break
        }
        if case .closed = role { return }  // closed stays closed
        role = .idle
    }

    private func close(_ context: ChannelHandlerContext, reason: String) {
        if case .closed = role { return }
        logger.warning("closing connection", metadata: ["reason": "\(reason)"])
        endRole(reason: reason)
        role = .closed
        context.flush()
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension RTMPSessionHandler: Sendable {}
