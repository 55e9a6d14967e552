import HummingbirdCore
import Live
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Sessions

/// Takes HTTP-FLV requests out of an HTTP/1 connection before Hummingbird sees them and serves the
/// stream on the event loop, as a `ChannelHandler`: no `async` code runs per packet.
///
/// Sits right after the request decoder. A `GET` or `HEAD` whose path names a live stream under a mount
/// is swallowed, with everything after it on the connection, and answered here: register the client
/// (`max_connections`, else 503), ask the policy (else 403), send the head, the FLV header and the
/// stream. Every other request, and every response Hummingbird writes, passes through untouched.
/// A request that arrives while Hummingbird still answers an earlier one waits for that answer's end.
///
/// Also answers request heads over the decoder's limits with 431 (other parse errors 400) and closes.
final class HTTPFLVInterceptor: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The largest part of the write buffer a player may fill before it counts as not writable.
    static let writeBufferWaterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 256 << 10, high: 1 << 20)
    /// SO_SNDBUF for a live player, as on RTMP connections: the kernel would autotune it up to 4 MiB, minutes of
    /// media a slow reader hides from `queue_length`. Set only once a request plays live, so file downloads
    /// keep the autotuned buffer.
    static let socketSendBuffer = 256 << 10

    private enum State {
        /// Requests go to Hummingbird.
        case passing
        /// An HTTP-FLV request waits for Hummingbird to finish the responses before it.
        case waiting(HTTPRequestHead, HTTPFLVMatch)
        /// Registered; the policy is deciding.
        case authorizing(HTTPRequestHead, HTTPFLVMatch)
        case streaming(HTTPFLVPlayer, LiveSubscription)
        /// Answered or ending: the connection closes; nothing more is read or served.
        case closing
    }

    private let settings: HTTPLiveSettings?
    private let crossdomain: Bool
    private var logger: Logger
    private var state = State.passing
    /// Requests passed to Hummingbird whose response has not ended.
    private var responsesInFlight = 0
    private var session: ClientSession?
    private var isPlaying = false
    /// The player's hold on the edge's pull, when the vhost is an edge.
    private var pullLease: (any UpstreamLease)?
    private var context: ChannelHandlerContext?
    private let refusedCounter = Counter(
        label: MetricLabel.refusedClients, dimensions: [("reason", "max_connections")])

    /// - Parameters:
    ///   - settings: The hub, mounts, clients and policy; `nil` serves no streams (limits still apply).
    ///   - crossdomain: Whether responses carry `Access-Control-Allow-Origin: *`.
    init(settings: HTTPLiveSettings?, crossdomain: Bool, logger: Logger) {
        self.settings = settings
        self.crossdomain = crossdomain
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        tearDown(reason: "handler removed")
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        tearDown(reason: "peer closed")
        context.fireChannelInactive()
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .passing = state else { return }  // the connection is ours: swallow everything
        if case .head(let head) = unwrapInboundIn(data), let settings, let match = liveMatch(head, settings) {
            logger[metadataKey: "stream.key"] = "\(match.key)"
            state = .waiting(head, match)
            if responsesInFlight == 0 { start(context: context) }
            return
        }
        if case .head = unwrapInboundIn(data) { responsesInFlight += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        guard case .end = unwrapOutboundIn(data) else { return }
        responsesInFlight = max(0, responsesInFlight - 1)
        if responsesInFlight == 0, case .waiting = state { start(context: context) }
    }

    private func liveMatch(_ head: HTTPRequestHead, _ settings: HTTPLiveSettings) -> HTTPFLVMatch? {
        guard head.method == .GET || head.method == .HEAD else { return nil }
        let table = settings.mounts.current
        guard !table.isEmpty, let match = table.match(head.uri), settings.isAvailable(match.key) else { return nil }
        return match
    }

    /// Registers the client and asks the policy; the answer comes back on this loop.
    private func start(context: ChannelHandlerContext) {
        guard case .waiting(let head, let match) = state, let settings else { return }
        let channel = context.channel
        let info = ClientInfo(
            kind: .flvPlayer, ip: channel.remoteAddress?.ipAddress ?? "", vhost: match.key.vhost, app: match.key.app,
            stream: match.key.stream, param: match.param,
            tcUrl: "http://\(head.headers.first(name: "host") ?? "localhost")\(head.uri)")
        guard let session = settings.clients.register(info, kick: { channel.close(promise: nil) }) else {
            refusedCounter.increment()
            LimitReporter.count(.maxConnections)
            respond(
                .serviceUnavailable, "max_connections (\(settings.clients.maxConnections)) reached",
                head: head, context: context)
            return
        }
        self.session = session
        logger[metadataKey: "client.id"] = "\(session.id)"
        state = .authorizing(head, match)
        // Hummingbird never saw this request, so its idle timer would run through the policy's answer
        // (hooks are bounded by their own timeout) and then through the stream, which never ends by itself.
        if let idle = try? context.pipeline.syncOperations.context(handlerType: HTTPConnectionStateHandler.self) {
            context.pipeline.syncOperations.removeHandler(context: idle, promise: nil)
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        // The FLV header announces the tracks the stream has had; a stream with none yet announces both.
        let statistics =
            settings.registry.stream(for: match.key)?.statisticsSnapshot().hop(to: loop)
            ?? loop.makeSucceededFuture(LiveStreamStatistics())
        settings.policy.authorize(.play, client: session.snapshot, on: loop).hop(to: loop).and(statistics)
            .whenComplete { result in
                let handler = handler.value
                guard let context = handler.context, case .authorizing(let head, let match) = handler.state else { return }
                switch result {
                case .success((.allow, let statistics)):
                    let known = statistics.audioPackets > 0 || statistics.videoPackets > 0
                    let tracks = (audio: !known || statistics.audioPackets > 0, video: !known || statistics.videoPackets > 0)
                    handler.startStreaming(head: head, match: match, tracks: tracks, context: context)
                case .success((.deny(let reason), _)):
                    handler.respond(.forbidden, reason, head: head, context: context)
                case .failure(let error):
                    handler.respond(.forbidden, "play not authorized: \(error)", head: head, context: context)
                }
            }
    }

    // MARK: Streaming

    private func startStreaming(
        head: HTTPRequestHead, match: HTTPFLVMatch, tracks: (audio: Bool, video: Bool), context: ChannelHandlerContext
    ) {
        guard let settings, let session, context.channel.isActive,
            let mediaContext = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        else {
            close(context, reason: "connection gone before the stream started")
            return
        }
        try? context.channel.syncOptions?.setOption(ChannelOptions.writeBufferWaterMark, value: Self.writeBufferWaterMark)
        try? context.channel.syncOptions?.setOption(
            ChannelOptions.socketOption(.so_sndbuf), value: SocketOptionValue(Self.socketSendBuffer))
        let chunked = head.version.major > 1 || (head.version.major == 1 && head.version.minor >= 1)
        var headers = HTTPHeaders([
            ("Content-Type", "video/x-flv"), ("Cache-Control", "no-cache"), ("Connection", "close"),
        ])
        // No Content-Length: NIO's encoder adds `transfer-encoding: chunked` for HTTP/1.1 and frames nothing
        // for HTTP/1.0, where the body ends with the connection.
        if crossdomain { headers.add(name: "Access-Control-Allow-Origin", value: "*") }
        guard let socketHead = Self.socketHead(of: context.pipeline, counting: session.traffic) else {
            close(context, reason: "connection closed")
            return
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
        guard head.method != .HEAD else {
            close(context, reason: "HEAD answered")
            return
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let player = HTTPFLVPlayer(
            context: context, mediaContext: mediaContext, format: chunked ? HTTPFLVFormat.chunked : HTTPFLVFormat.raw,
            queueLength: match.mount.live.queueLength, mergedWrites: match.mount.live.mergedWrites,
            republishTimeout: match.mount.republishTimeout, socketHead: socketHead, logger: logger
        ) { ending in
            handler.value.playerDidEnd(ending)
        }
        player.start(header: HTTPFLVFormat.header(hasAudio: tracks.audio, hasVideo: tracks.video, chunked: chunked))
        pullLease = settings.upstreams.retainPull(
            match.key, client: session.info, configuration: match.mount.live, on: context.eventLoop)
        let subscription = settings.registry.subscribe(player, to: match.key, configuration: match.mount.live)
        state = .streaming(player, subscription)
        isPlaying = true
        logger.info("play started", metadata: ["http.version": "\(head.version)"])
    }

    /// The connection's `ClientTrafficHandler`, counting into `traffic` from now on. One is added first in
    /// the pipeline, without a descriptor (every byte then goes through NIO), when the connection has none.
    private static func socketHead(
        of pipeline: ChannelPipeline, counting traffic: ClientTraffic
    ) -> ClientTrafficHandler? {
        let operations = pipeline.syncOperations
        if let existing = try? operations.handler(type: ClientTrafficHandler.self) {
            existing.count(into: traffic)
            return existing
        }
        let added = ClientTrafficHandler(traffic: traffic)
        guard (try? operations.addHandler(added, position: .first)) != nil else { return nil }
        return added
    }

    private func playerDidEnd(_ ending: HTTPFLVPlayer.Ending) {
        guard let context else { return }
        switch ending {
        case .noPublisher:
            finish(context, reason: "no publisher within the republish timeout")
        case .tooSlow:
            close(context, reason: "player too slow")
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .streaming(let player, _) = state {
            player.channelWritabilityChanged(isWritable: context.channel.isWritable)
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch state {
        case .passing:
            context.fireUserInboundEventTriggered(event)
        case .streaming:
            // Hummingbird thinks a request is still being read and would wait for it forever.
            finish(context, reason: "server shutting down")
        case .waiting, .authorizing:
            close(context, reason: "server shutting down")
        case .closing:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .passing = state, responsesInFlight == 0, let parseError = error as? HTTPParserError {
            // Answered here: Hummingbird would say 400 to everything, and too large a head deserves 431.
            let status: HTTPResponseStatus = parseError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
            logger.debug("bad request head", metadata: ["error": "\(parseError)"])
            respond(status, "\(parseError)", head: nil, context: context)
            return
        }
        guard case .passing = state else {
            close(context, reason: "\(error)")
            return
        }
        context.fireErrorCaught(error)
    }

    // MARK: Endings

    /// A short JSON error and the end of the connection.
    private func respond(
        _ status: HTTPResponseStatus, _ message: String, head: HTTPRequestHead?, context: ChannelHandlerContext
    ) {
        state = .closing
        logger.info("play refused", metadata: ["status": "\(status.code)", "reason": "\(message)"])
        let body = ByteBuffer(string: HTTPFLVErrorBody(code: Int(status.code), message: message).json)
        var headers = HTTPHeaders([
            ("Content-Type", "application/json"), ("Content-Length", "\(body.readableBytes)"), ("Connection", "close"),
        ])
        if crossdomain { headers.add(name: "Access-Control-Allow-Origin", value: "*") }
        let version = head?.version ?? .http1_1
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        if head?.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Ends a streaming response cleanly (the terminating chunk for HTTP/1.1), then closes.
    private func finish(_ context: ChannelHandlerContext, reason: String) {
        guard case .streaming = state else { return }
        tearDown(reason: reason)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    private func close(_ context: ChannelHandlerContext, reason: String) {
        tearDown(reason: reason)
        context.flush()
        context.close(promise: nil)
    }

    /// Unsubscribes, tells the policy and leaves the client registry; idempotent.
    private func tearDown(reason: String) {
        if case .streaming(let player, let subscription) = state {
            player.close()
            subscription.cancel()
            pullLease?.release()
            pullLease = nil
            logger.info(
                "play stopped",
                metadata: [
                    "reason": "\(reason)", "sent": "\(player.sentPackets)", "direct_bytes": "\(player.directBytes)",
                ])
        }
        if case .passing = state { return }
        state = .closing
        guard let session, let settings else { return }
        self.session = nil
        let snapshot = session.snapshot
        if isPlaying { settings.policy.sessionDidEnd(.stop, client: snapshot) }
        settings.policy.sessionDidEnd(.close, client: snapshot)
        session.end()
    }
}

@available(*, unavailable)
extension HTTPFLVInterceptor: Sendable {}

/// The body of an HTTP-FLV refusal, in the `{"code":…}` shape of SRS's API errors.
struct HTTPFLVErrorBody {
    var code: Int
    var message: String

    var json: String {
        var escaped = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "{\"code\":\(code),\"message\":\"\(escaped)\"}"
    }
}
