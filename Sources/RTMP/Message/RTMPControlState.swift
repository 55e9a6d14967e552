public import NIOCore

/// The protocol-control layer's bookkeeping and decisions, with no pipeline: ``RTMPControlHandler`` runs it
/// in a client's pipeline, the server's inbound handler runs it itself.
///
/// It acknowledges what the peer sent (RTMP 1.0 §5.4.3), answers pings (§7.1.7), splits aggregates and says
/// which messages go on. See ``RTMPControlHandler`` for the byte-counting rules.
public struct RTMPControlState: Sendable {
    /// What to do with a message from the chunk decoder.
    public enum Disposition: Sendable {
        /// Hand it to the session.
        case pass
        /// Nothing: the control layer dealt with it.
        case swallow
        /// Hand these on instead (an aggregate's sub-messages).
        case split([RTMPMessage])
        /// Write this answer (a Ping Response), flushed with the read batch.
        case answer(RTMPMessage)
    }

    /// Chunk size before any Set Chunk Size (RTMP 1.0 §5.4.1).
    static let defaultChunkSize: UInt32 = 128
    /// Basic header (1 byte for chunk streams 2–63) plus type-0 message header (11 bytes) (§5.3.1).
    static let firstChunkHeaderSize = 12
    /// Timestamps from this value on use the 4-byte extended timestamp field (§5.3.1.3).
    static let extendedTimestampThreshold: UInt32 = 0xFF_FFFF

    /// The window the peer asked for in its Window Acknowledgement Size, if it sent one.
    public private(set) var peerWindowAcknowledgementSize: UInt32?
    /// Bytes received from the peer so far (measured or estimated).
    public private(set) var bytesReceived: UInt64 = 0
    private var bytesAcknowledged: UInt64 = 0
    private var peerChunkSize = RTMPControlState.defaultChunkSize
    private var countsRawBytes = false

    public init() {}

    /// Raw bytes read from the socket. The first call switches from estimates to measured counts.
    /// - Returns: an Acknowledgement to send at once, when a window is full.
    public mutating func received(rawBytes count: Int) -> RTMPMessage? {
        if !countsRawBytes {
            // Estimates made so far are replaced.
            countsRawBytes = true
            bytesReceived = bytesAcknowledged
        }
        return add(count)
    }

    /// A message from the chunk decoder.
    /// - Returns: what to do with it, and an Acknowledgement to send at once when a window is full.
    /// - Throws: `RTMPMessageError` for a malformed control message or aggregate.
    public mutating func handle(_ message: RTMPMessage) throws(RTMPMessageError) -> (Disposition, ack: RTMPMessage?) {
        var ack = countsRawBytes ? nil : add(estimatedWireSize(of: message))
        switch message.type {
        case .aggregate:
            return (.split(try message.aggregateSubMessages()), ack)
        case .setChunkSize, .abort, .acknowledgement, .userControl, .windowAcknowledgementSize, .setPeerBandwidth:
            break
        default:
            return (.pass, ack)
        }
        switch try RTMPControlMessage(message) {
        case .windowAcknowledgementSize(let size):
            peerWindowAcknowledgementSize = size
            ack = ack ?? add(0)
            return (.swallow, ack)
        case .acknowledgement, .setPeerBandwidth, .userControl(.pingResponse):
            return (.swallow, ack)
        case .userControl(.pingRequest(let timestamp)):
            return (.answer(RTMPControlMessage.userControl(.pingResponse(timestamp: timestamp)).message()), ack)
        case .setChunkSize(let size):
            peerChunkSize = max(1, size)
            return (.pass, ack)
        default:
            return (.pass, ack)
        }
    }

    private mutating func add(_ count: Int) -> RTMPMessage? {
        bytesReceived &+= UInt64(count)
        guard let window = peerWindowAcknowledgementSize, window > 0,
            bytesReceived - bytesAcknowledged >= UInt64(window)
        else { return nil }
        bytesAcknowledged = bytesReceived
        // The sequence number is the byte count so far, wrapping at 32 bits (§5.4.3).
        return RTMPControlMessage.acknowledgement(sequenceNumber: UInt32(truncatingIfNeeded: bytesReceived)).message()
    }

    private func estimatedWireSize(of message: RTMPMessage) -> Int {
        let length = message.payload.readableBytes
        let chunkSize = Int(peerChunkSize)
        let chunks = max(1, (length + chunkSize - 1) / chunkSize)
        let extendedTimestamp = message.timestamp >= Self.extendedTimestampThreshold ? 4 * chunks : 0
        return length + Self.firstChunkHeaderSize + (chunks - 1) + extendedTimestamp
    }
}

extension RTMPControlState.Disposition {
    /// Carries the decision out for a handler that reads `RTMPMessage`s and writes `RTMPOutbound`s: the
    /// acknowledgement is flushed at once, an answer waits for the read batch's flush.
    /// - Returns: true when an answer was written and the caller owes a flush.
    public func apply(to message: RTMPMessage, ack: RTMPMessage?, context: ChannelHandlerContext) -> Bool {
        if let ack { context.writeAndFlush(NIOAny(RTMPOutbound.message(ack)), promise: nil) }
        switch self {
        case .pass:
            context.fireChannelRead(NIOAny(message))
        case .swallow:
            break
        case .split(let messages):
            for message in messages { context.fireChannelRead(NIOAny(message)) }
        case .answer(let answer):
            context.write(NIOAny(RTMPOutbound.message(answer)), promise: nil)
            return true
        }
        return false
    }
}
