public import NIOCore

/// Tells `RTMPControlHandler` how many raw bytes arrived from the peer. Fire it from a handler in
/// front of the handshake handler (see `RTMPByteCountingHandler`) to make acknowledgements exact.
public struct RTMPBytesReceivedEvent: Sendable, Hashable {
    /// Raw bytes read from the socket in one read.
    public var count: Int

    /// Creates the event for `count` bytes.
    public init(count: Int) { self.count = count }
}

/// The protocol-control layer of the RTMP pipeline, placed after the chunk decoder.
///
/// Inbound it:
/// - records the peer's Window Acknowledgement Size and sends an Acknowledgement (RTMP 1.0 §5.4.3)
///   carrying the total byte count each time that many bytes arrived since the last one;
/// - answers Ping Request with Ping Response (§7.1.7);
/// - swallows Acknowledgement, Window Acknowledgement Size, Set Peer Bandwidth and pings;
/// - splits aggregate messages (type 22) into their audio/video/data sub-messages;
/// - passes every other message up unchanged. Outbound `RTMPOutbound` writes pass through.
///
/// Byte counting: peers such as FMLE and Flash throttle when acknowledgements stop, so acks must
/// track the bytes on the wire. Until an `RTMPBytesReceivedEvent` arrives the handler estimates
/// them from each message: payload, an 11-byte type-0 message header plus basic header for the
/// first chunk, one basic header per further chunk at the peer's chunk size (128 until a Set Chunk
/// Size passes by), and 4 bytes per chunk for extended timestamps. That overcounts peers that
/// compress headers by a few bytes per message, so acks come slightly early, never late. Once an
/// `RTMPBytesReceivedEvent` is seen the handler counts only those events.
public final class RTMPControlHandler: ChannelDuplexHandler {
    public typealias InboundIn = RTMPMessage
    public typealias InboundOut = RTMPMessage
    public typealias OutboundIn = RTMPOutbound
    public typealias OutboundOut = RTMPOutbound

    private var state = RTMPControlState()
    private var needsFlush = false

    /// The window the peer asked for in its Window Acknowledgement Size, if it sent one.
    public var peerWindowAcknowledgementSize: UInt32? { state.peerWindowAcknowledgementSize }
    /// Bytes received from the peer so far (measured or estimated, see the type's documentation).
    public var bytesReceived: UInt64 { state.bytesReceived }

    /// Creates a handler with no acknowledgement window until the peer sends one.
    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        let disposition: RTMPControlState.Disposition
        let ack: RTMPMessage?
        do {
            (disposition, ack) = try state.handle(message)
        } catch {
            context.fireErrorCaught(error)
            return
        }
        if disposition.apply(to: message, ack: ack, context: context) { needsFlush = true }
    }

    /// Ping answers are flushed once per read batch, not once each: a burst of pings
    /// costs one syscall, and a peer that does not read cannot make flushes pile up.
    public func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let received = event as? RTMPBytesReceivedEvent {
            // Triggered outside a read batch too (by the byte counter's event), so flushed at once.
            if let ack = state.received(rawBytes: received.count) {
                context.writeAndFlush(wrapOutboundOut(.message(ack)), promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension RTMPControlHandler: Sendable {}

/// Counts raw inbound bytes for `RTMPControlHandler`: put it first in the pipeline; for every read it
/// fires an `RTMPBytesReceivedEvent` and then passes the bytes on unchanged.
public final class RTMPByteCountingHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    /// Creates the counter.
    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = unwrapInboundIn(data).readableBytes
        context.fireUserInboundEventTriggered(RTMPBytesReceivedEvent(count: count))
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension RTMPByteCountingHandler: Sendable {}
