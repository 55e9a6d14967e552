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

    /// Chunk size before any Set Chunk Size (RTMP 1.0 §5.4.1).
    static let defaultChunkSize: UInt32 = 128
    /// Basic header (1 byte for chunk streams 2–63) plus type-0 message header (11 bytes) (§5.3.1).
    static let firstChunkHeaderSize = 12
    /// Timestamps from this value on use the 4-byte extended timestamp field (§5.3.1.3).
    static let extendedTimestampThreshold: UInt32 = 0xFF_FFFF

    /// The window the peer asked for in its Window Acknowledgement Size, if it sent one.
    public private(set) var peerWindowAcknowledgementSize: UInt32?
    /// Bytes received from the peer so far (measured or estimated, see the type's documentation).
    public private(set) var bytesReceived: UInt64 = 0
    private var bytesAcknowledged: UInt64 = 0
    private var peerChunkSize: UInt32 = RTMPControlHandler.defaultChunkSize
    private var countsRawBytes = false
    private var needsFlush = false

    /// Creates a handler with no acknowledgement window until the peer sends one.
    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        if !countsRawBytes { addBytes(estimatedWireSize(of: message), context: context) }
        switch message.type {
        case .aggregate:
            do {
                for subMessage in try message.aggregateSubMessages() {
                    context.fireChannelRead(wrapInboundOut(subMessage))
                }
            } catch {
                context.fireErrorCaught(error)
            }
        case .setChunkSize, .abort, .acknowledgement, .userControl, .windowAcknowledgementSize, .setPeerBandwidth:
            handleControl(message, context: context)
        default:
            context.fireChannelRead(data)
        }
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
            if !countsRawBytes {
                // Switch to measured counting; estimates made so far are replaced.
                countsRawBytes = true
                bytesReceived = bytesAcknowledged
            }
            addBytes(received.count, context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func handleControl(_ message: RTMPMessage, context: ChannelHandlerContext) {
        let control: RTMPControlMessage?
        do {
            control = try RTMPControlMessage(message)
        } catch {
            context.fireErrorCaught(error)
            return
        }
        switch control {
        case .windowAcknowledgementSize(let size):
            peerWindowAcknowledgementSize = size
            addBytes(0, context: context)
        case .acknowledgement, .setPeerBandwidth, .userControl(.pingResponse):
            break
        case .userControl(.pingRequest(let timestamp)):
            let pong = RTMPControlMessage.userControl(.pingResponse(timestamp: timestamp)).message()
            context.write(wrapOutboundOut(.message(pong)), promise: nil)
            needsFlush = true
        case .setChunkSize(let size):
            peerChunkSize = max(1, size)
            context.fireChannelRead(wrapInboundOut(message))
        default:
            context.fireChannelRead(wrapInboundOut(message))
        }
    }

    private func addBytes(_ count: Int, context: ChannelHandlerContext) {
        bytesReceived &+= UInt64(count)
        guard let window = peerWindowAcknowledgementSize, window > 0,
            bytesReceived - bytesAcknowledged >= UInt64(window)
        else { return }
        bytesAcknowledged = bytesReceived
        // The sequence number is the byte count so far, wrapping at 32 bits (§5.4.3).
        let ack = RTMPControlMessage.acknowledgement(sequenceNumber: UInt32(truncatingIfNeeded: bytesReceived))
        // Once per window: flushed at once, it may be triggered outside a read (by the byte counter's event).
        context.writeAndFlush(wrapOutboundOut(.message(ack.message())), promise: nil)
    }

    private func estimatedWireSize(of message: RTMPMessage) -> Int {
        let length = message.payload.readableBytes
        let chunkSize = Int(peerChunkSize)
        let chunks = max(1, (length + chunkSize - 1) / chunkSize)
        let extendedTimestamp = message.timestamp >= Self.extendedTimestampThreshold ? 4 * chunks : 0
        return length + Self.firstChunkHeaderSize + (chunks - 1) + extendedTimestamp
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
