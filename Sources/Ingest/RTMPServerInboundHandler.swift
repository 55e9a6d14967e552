import NIOCore
import RTMP
import Sessions

/// The inbound side of a server connection in one handler: it runs the handshake under its deadline, decodes
/// chunks into messages and keeps the protocol-control layer (acknowledgements of the raw bytes read, ping
/// answers, aggregates split; `RTMPControlState`). It sits behind `RTMPOutboundHandler`, so it writes
/// `RTMPOutbound`: the handshake's bytes as `.chunks`, acknowledgements and pongs as `.message`.
///
/// These were five handlers (`RTMPByteCountingHandler`, `RTMPHandshakeHandler`, a timeout handler, a
/// `ByteToMessageHandler` and `RTMPControlHandler`), as the client pipeline still has them. A join is a few
/// small reads on a loop busy with other work, so what it costs is mostly code met cold: every handler is a
/// context allocated, added, removed and passed through, two of them left the pipeline mid-connection, and
/// every read was a user event and a dynamic cast.
///
/// It fires `RTMPHandshakeEvent.completed` before the first message, then the messages the session needs.
/// A handshake, chunk or control error goes through `errorCaught` (the session closes); a handshake failure
/// also closes the channel. Input after an error is dropped.
final class RTMPServerInboundHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = RTMPMessage
    typealias OutboundOut = RTMPOutbound

    private enum Phase {
        case handshaking(RTMPHandshakeStateMachine)
        case messages
        case failed
    }

    private var phase = Phase.handshaking(RTMPHandshakeStateMachine(role: .server))
    private var decoder: RTMPChunkDecoder
    private var control = RTMPControlState()
    /// A ping answer waits for the end of the read batch: a burst of pings costs one flush.
    private var needsFlush = false
    /// A chunk header cut off at the end of a read. The decoder takes payload bytes as they come, so this is
    /// never more than one header (at most 18 bytes).
    private var partialHeader: ByteBuffer?
    /// Set while messages are being fired, so that a read delivered meanwhile waits in `arrivedWhileDecoding`.
    private var isDecoding = false
    private var arrivedWhileDecoding: ByteBuffer?
    private let handshakeTimeout: TimeAmount
    private let limits: LimitReporter
    private let peer: String
    private var handshakeDeadline: Scheduled<Void>?

    /// - Parameters:
    ///   - limits: reports a handshake timeout: one rate-limited line for all connections, and the metric.
    ///   - peer: the client's address, for that line.
    init(
        decoder: RTMPChunkDecoder.Configuration, handshakeTimeout: TimeAmount, limits: LimitReporter,
        peer: String
    ) {
        self.decoder = RTMPChunkDecoder(configuration: decoder)
        self.handshakeTimeout = handshakeTimeout
        self.limits = limits
        self.peer = peer
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armHandshakeDeadline(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armHandshakeDeadline(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelHandshakeDeadline()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelHandshakeDeadline()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        // Acknowledgements count every byte on the wire, the handshake's included.
        if let ack = control.received(rawBytes: bytes.readableBytes) {
            context.writeAndFlush(wrapOutboundOut(.message(ack)), promise: nil)
        }
        switch phase {
        case .messages:
            decode(&bytes, context: context)
        case .handshaking(var machine):
            // The machine leaves `phase` while it runs, so the state is not copied on write.
            phase = .failed
            let actions = machine.receive(bytes)
            phase = .handshaking(machine)
            for action in actions { perform(action, context: context) }
        case .failed:
            break  // the channel is closing; what a non-RTMP peer still sends is dropped
        }
    }

    private func perform(_ action: RTMPHandshakeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let reply):
            context.writeAndFlush(wrapOutboundOut(.chunks(reply)), promise: nil)
        case .complete(var leftover):
            cancelHandshakeDeadline()
            phase = .messages
            context.fireUserInboundEventTriggered(RTMPHandshakeEvent.completed)
            // Often the first chunks of `connect`, sent right behind C2.
            if leftover.readableBytes > 0 { decode(&leftover, context: context) }
        case .fail(let error):
            phase = .failed
            cancelHandshakeDeadline()
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }

    private func decode(_ bytes: inout ByteBuffer, context: ChannelHandlerContext) {
        guard !isDecoding else {
            // A read delivered while a message below is handled: it goes behind the bytes being decoded.
            if arrivedWhileDecoding == nil {
                arrivedWhileDecoding = bytes
            } else {
                arrivedWhileDecoding!.writeBuffer(&bytes)
            }
            return
        }
        if var pending = partialHeader {
            // As `ByteToMessageHandler` did: the read is appended to the header's start, a copy.
            partialHeader = nil
            pending.writeBuffer(&bytes)
            bytes = pending
        }
        isDecoding = true
        defer { isDecoding = false }
        while case .messages = phase {
            let message: RTMPMessage?
            do {
                message = try decoder.decode(buffer: &bytes)
                if let message { try deliver(message, context: context) }
            } catch {
                phase = .failed
                arrivedWhileDecoding = nil
                context.fireErrorCaught(error)
                return
            }
            if message != nil { continue }
            guard var arrived = arrivedWhileDecoding else { break }
            arrivedWhileDecoding = nil
            bytes.writeBuffer(&arrived)
        }
        if case .messages = phase, bytes.readableBytes > 0 { partialHeader = bytes }
    }

    /// The control layer's part, then the session's.
    private func deliver(_ message: RTMPMessage, context: ChannelHandlerContext) throws(RTMPMessageError) {
        let (disposition, ack) = try control.handle(message)
        if disposition.apply(to: message, ack: ack, context: context) { needsFlush = true }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    private func armHandshakeDeadline(_ context: ChannelHandlerContext) {
        guard handshakeDeadline == nil, case .handshaking = phase else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let limits = self.limits
        let peer = self.peer
        let timeout = handshakeTimeout
        handshakeDeadline = context.eventLoop.scheduleTask(in: timeout) {
            // A half-open flood must not log a line per connection.
            limits.hit(.handshakeTimeout, value: Int(timeout.nanoseconds / 1_000_000_000), peer: peer)
            loopBound.value.close(promise: nil)
        }
    }

    private func cancelHandshakeDeadline() {
        handshakeDeadline?.cancel()
        handshakeDeadline = nil
    }
}

@available(*, unavailable)
extension RTMPServerInboundHandler: Sendable {}
