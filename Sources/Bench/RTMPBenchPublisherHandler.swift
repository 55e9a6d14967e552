import Media
public import NIOCore
public import RTMP

/// Publishes an FLV file over RTMP in real time: runs the client session to Publish.Start, then
/// every tick sends the tags the ``FLVPacer`` says are due and flushes once.
public final class RTMPBenchPublisherHandler: ChannelInboundHandler {
    public typealias InboundIn = RTMPMessage
    public typealias OutboundOut = RTMPOutbound

    /// How often due tags are sent: 10 ms keeps the pacing within a frame at 100 fps.
    public static let tick: TimeAmount = .milliseconds(10)

    private let url: RTMPURL
    private var session = RTMPClientSessionStateMachine()
    private var pacer: FLVPacer
    private let control: PublisherControl
    private let sendClock: SendClock?
    private var streamID: UInt32 = 1
    private var startedAt: NIODeadline?
    private var task: RepeatedTask?

    /// - Parameter sendClock: where sent video frames are recorded for latency and frame counts.
    public init(url: RTMPURL, pacer: FLVPacer, control: PublisherControl, sendClock: SendClock?) {
        self.url = url
        self.pacer = pacer
        self.control = control
        self.sendClock = sendClock
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? RTMPHandshakeEvent == .completed {
            execute(session.start(url: url, mode: .publish), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard message.type == .amf0Command || message.type == .amf3Command,
            let command = try? RTMPCommand(message)
        else { return }
        execute(session.received(command), context: context)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    private func finish() {
        task?.cancel()
        task = nil
        if !control.isPublishing && startedAt == nil { control.setFailed() }
        control.setPublishing(false)
        sendClock?.setLive(false)
    }

    private func execute(_ actions: [RTMPClientSessionStateMachine.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let messages):
                for message in messages { context.write(wrapOutboundOut(.message(message)), promise: nil) }
                context.flush()
            case .publishing(let messageStreamID):
                streamID = messageStreamID
                startedAt = .now()
                control.setPublishing(true)
                sendClock?.setLive(true)
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                task = context.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: Self.tick) { _ in
                    let (handler, context) = loopBound.value
                    handler.sendDue(context: context)
                }
            case .failed, .stopped:
                control.setFailed()
                context.close(promise: nil)
            case .playing, .upstreamPublished, .upstreamUnpublished, .connected:
                break
            }
        }
    }

    private func sendDue(context: ChannelHandlerContext) {
        guard let startedAt else { return }
        if control.stopRequested {
            task?.cancel()
            task = nil
            control.setPublishing(false)
            sendClock?.setLive(false)
            execute(session.stop(), context: context)
            return
        }
        let now = NIODeadline.now()
        let elapsed = (now - startedAt).nanoseconds / 1_000_000
        let due = pacer.due(atMilliseconds: elapsed)
        guard !due.isEmpty else { return }
        var bytes = 0
        for tag in due {
            let type: RTMPMessageType
            switch tag.kind {
            case .audio: type = .audio
            case .video: type = .video
            case .data: type = .amf0Data
            }
            bytes += tag.data.readableBytes
            let message = RTMPMessage(type: type, streamID: streamID, timestamp: tag.timestamp, payload: tag.data)
            context.write(wrapOutboundOut(.message(message)), promise: nil)
            if tag.kind == .video,
                !MediaPacket.Flags.classify(kind: .video, payload: tag.data).contains(.sequenceHeader)
            {
                sendClock?.record(timestamp: tag.timestamp, at: now)
            }
        }
        context.flush()
        control.addBytes(bytes)
    }
}

@available(*, unavailable)
extension RTMPBenchPublisherHandler: Sendable {}
