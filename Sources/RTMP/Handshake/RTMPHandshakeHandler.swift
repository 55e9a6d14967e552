public import NIOCore

/// Fired inbound (as a user event) by ``RTMPHandshakeHandler`` when the handshake is done,
/// just before the handler leaves the pipeline and forwards the bytes that followed it.
public enum RTMPHandshakeEvent: Sendable, Hashable {
    case completed
}

/// Runs the RTMP handshake (RTMP 1.0 §5.2) at the front of a pipeline, then steps aside.
///
/// It drives an ``RTMPHandshakeStateMachine``: replies are written and flushed as soon as they
/// are known. On completion it fires ``RTMPHandshakeEvent/completed``, removes itself, and then
/// passes any bytes received after the handshake (often the first chunks of `connect`) on to the
/// next handler as one `ByteBuffer`. On a bad version byte it fires the
/// ``RTMPHandshakeError`` through `errorCaught` and closes the channel.
///
/// A client-role handler sends C0+C1 when the channel becomes active (or on `handlerAdded` when
/// it already is).
public final class RTMPHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private var stateMachine: RTMPHandshakeStateMachine
    /// Bytes after the handshake, fired from `handlerRemoved` so they reach the next handler
    /// only once this one is out of the way.
    private var leftover: ByteBuffer?
    private var phase = Phase.handshaking

    private enum Phase {
        case handshaking
        case completed
        case failed
    }

    /// - Parameters:
    ///   - role: Which end of the connection this pipeline is.
    ///   - configuration: Versions and the client's C1 flavour.
    public init(
        role: RTMPHandshakeStateMachine.Role,
        configuration: RTMPHandshakeStateMachine.Configuration = .init()
    ) {
        self.stateMachine = RTMPHandshakeStateMachine(role: role, configuration: configuration)
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.startIfClient(context: context)
        }
    }

    public func channelActive(context: ChannelHandlerContext) {
        self.startIfClient(context: context)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.phase {
        case .handshaking:
            break
        case .completed:
            // Only reachable if removal is still in flight; keep the bytes in order.
            var bytes = Self.unwrapInboundIn(data)
            if self.leftover == nil {
                self.leftover = bytes
            } else {
                self.leftover!.writeBuffer(&bytes)
            }
            return
        case .failed:
            // The channel is closing; whatever a non-RTMP peer sends is dropped.
            return
        }
        for action in self.stateMachine.receive(Self.unwrapInboundIn(data)) {
            self.execute(action, context: context)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        if let leftover = self.leftover, leftover.readableBytes > 0 {
            self.leftover = nil
            context.fireChannelRead(Self.wrapInboundOut(leftover))
        }
    }

    private func startIfClient(context: ChannelHandlerContext) {
        if let action = self.stateMachine.start() {
            self.execute(action, context: context)
        }
    }

    private func execute(_ action: RTMPHandshakeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let bytes):
            context.writeAndFlush(Self.wrapOutboundOut(bytes), promise: nil)
        case .complete(let leftover):
            self.phase = .completed
            self.leftover = leftover
            context.fireUserInboundEventTriggered(RTMPHandshakeEvent.completed)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .fail(let error):
            self.phase = .failed
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension RTMPHandshakeHandler: Sendable {}
