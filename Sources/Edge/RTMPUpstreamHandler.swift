import Logging
public import NIOCore
public import RTMP

/// What an upstream connection reports, on its channel's loop.
public protocol RTMPUpstreamDelegate: AnyObject {
    /// Play.Start, Publish.Start, or the accepted `connect` of a `.connectOnly` session.
    func upstreamDidStart(_ handler: RTMPUpstreamHandler, messageStreamID: UInt32)
    /// An audio, video or data message from the server (a pull's media).
    func upstream(_ handler: RTMPUpstreamHandler, didReceive message: RTMPMessage)
    /// The end of one read batch: the moment to hand media over.
    func upstreamDidFinishReading(_ handler: RTMPUpstreamHandler)
    /// NetStream.Play.UnpublishNotify (`false`) or PublishNotify (`true`) on a pull.
    func upstream(_ handler: RTMPUpstreamHandler, publisherPresent: Bool)
    /// The connection is over (called once): refused, stopped by the server, or closed.
    func upstreamDidEnd(_ handler: RTMPUpstreamHandler, reason: RTMPUpstreamEnd)
}

/// Why an upstream connection ended.
public enum RTMPUpstreamEnd: Sendable, CustomStringConvertible {
    /// The server refused connect, play or publish (an error status).
    case refused(RTMPStatus)
    /// The server ended the stream (Play.Stop, Play.Complete, Connect.Closed).
    case stopped(RTMPStatus)
    /// The connection failed or closed (peer, network, our own `close`).
    case closed(String)

    public var description: String {
        switch self {
        case .refused(let status): return "refused: \(status.code.rawValue) \(status.description)"
        case .stopped(let status): return "stopped: \(status.code.rawValue)"
        case .closed(let reason): return "closed: \(reason)"
        }
    }
}

/// Runs the client session of one upstream connection (edge pull, edge push, forward, token check) and
/// reports to its delegate. Media to send goes through `write(_:)`/`flush()` on the channel's loop.
public final class RTMPUpstreamHandler: ChannelInboundHandler {
    public typealias InboundIn = RTMPMessage
    public typealias OutboundOut = RTMPOutbound

    private let url: RTMPURL
    private let mode: RTMPClientSessionStateMachine.Mode
    private let connect: RTMPConnectCommand?
    private var session: RTMPClientSessionStateMachine
    private weak var delegate: (any RTMPUpstreamDelegate)?
    private var context: ChannelHandlerContext?
    private var ended = false
    /// The message stream id media is sent on once publishing.
    public private(set) var messageStreamID: UInt32 = 1

    /// - Parameter connect: the `connect` to send instead of the default one (token traverse, upnode info).
    public init(
        url: RTMPURL, mode: RTMPClientSessionStateMachine.Mode, connect: RTMPConnectCommand? = nil,
        configuration: RTMPClientSessionStateMachine.Configuration = .init(),
        delegate: any RTMPUpstreamDelegate
    ) {
        self.url = url
        self.mode = mode
        self.connect = connect
        self.session = RTMPClientSessionStateMachine(configuration: configuration)
        self.delegate = delegate
    }

    /// The client session's state (`.playing`, `.publishing`...).
    public var state: RTMPClientSessionStateMachine.State { session.state }
    /// Whether the socket takes more without queueing (a pusher drops to keyframes when it does not).
    public var isWritable: Bool { context?.channel.isWritable ?? false }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        end(.closed("connection closed"))
        self.context = nil
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? RTMPHandshakeEvent == .completed {
            execute(session.start(url: url, mode: mode, connect: connect), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch message.type {
        case .audio, .video, .amf0Data, .amf3Data:
            if session.state == .playing { delegate?.upstream(self, didReceive: message) }
        case .amf0Command, .amf3Command:
            guard let command = try? RTMPCommand(message) else { return }
            execute(session.received(command), context: context)
        default:
            break
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.upstreamDidFinishReading(self)
        context.fireChannelReadComplete()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        end(.closed("server closed the connection"))
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end(.closed("\(error)"))
        context.close(promise: nil)
    }

    /// Sends one message (a push's media) without flushing.
    public func write(_ message: RTMPMessage) {
        context?.write(wrapOutboundOut(.message(message)), promise: nil)
    }

    public func flush() {
        context?.flush()
    }

    /// Ends the session politely (deleteStream, FCUnpublish) and closes the connection; the delegate hears
    /// nothing more.
    public func close() {
        ended = true
        guard let context else { return }
        execute(session.stop(), context: context)
        context.close(promise: nil)
    }

    private func execute(_ actions: [RTMPClientSessionStateMachine.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let messages):
                for message in messages { context.write(wrapOutboundOut(.message(message)), promise: nil) }
                context.flush()
            case .playing(let id), .publishing(let id):
                messageStreamID = id
                if !ended { delegate?.upstreamDidStart(self, messageStreamID: id) }
            case .connected:
                if !ended { delegate?.upstreamDidStart(self, messageStreamID: 0) }
            case .upstreamUnpublished:
                if !ended { delegate?.upstream(self, publisherPresent: false) }
            case .upstreamPublished:
                if !ended { delegate?.upstream(self, publisherPresent: true) }
            case .failed(let status):
                end(.refused(status))
                context.close(promise: nil)
            case .stopped(let status):
                end(.stopped(status))
                context.close(promise: nil)
            }
        }
    }

    private func end(_ reason: RTMPUpstreamEnd) {
        guard !ended else { return }
        ended = true
        delegate?.upstreamDidEnd(self, reason: reason)
    }
}

@available(*, unavailable)
extension RTMPUpstreamHandler: Sendable {}
