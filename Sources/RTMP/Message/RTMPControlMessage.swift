import NIOCore

/// The limit type of Set Peer Bandwidth (RTMP 1.0 §5.4.5).
public enum RTMPPeerBandwidthLimitType: UInt8, Sendable, Hashable {
    case hard = 0
    case soft = 1
    case dynamic = 2
}

/// Protocol control messages (RTMP 1.0 §5.4) and user control messages (§7.1.7), which travel on
/// chunk stream 2 and message stream 0.
public enum RTMPControlMessage: Sendable, Hashable {
    /// The sender's new maximum chunk size (§5.4.1).
    case setChunkSize(UInt32)
    /// Discard the partly received message on this chunk stream (§5.4.2).
    case abort(chunkStreamID: UInt32)
    /// Total bytes received so far (§5.4.3).
    case acknowledgement(sequenceNumber: UInt32)
    /// Send an acknowledgement after this many bytes (§5.4.4).
    case windowAcknowledgementSize(UInt32)
    /// Limit the peer's output bandwidth (§5.4.5).
    case setPeerBandwidth(UInt32, limitType: RTMPPeerBandwidthLimitType)
    case userControl(RTMPUserControlEvent)

    /// The message type this control message is sent as.
    public var messageType: RTMPMessageType {
        switch self {
        case .setChunkSize: return .setChunkSize
        case .abort: return .abort
        case .acknowledgement: return .acknowledgement
        case .windowAcknowledgementSize: return .windowAcknowledgementSize
        case .setPeerBandwidth: return .setPeerBandwidth
        case .userControl: return .userControl
        }
    }

    /// Decodes a protocol or user control message.
    /// - Returns: `nil` when `message` is not of type 1–6.
    /// - Throws: `RTMPMessageError` when the payload is too short or holds an invalid value.
    public init?(_ message: RTMPMessage) throws(RTMPMessageError) {
        guard let type = message.type else { return nil }
        var payload = message.payload
        func u32() throws(RTMPMessageError) -> UInt32 {
            guard let value = payload.readInteger(as: UInt32.self) else {
                throw RTMPMessageError.truncatedPayload.with(
                    typeID: message.typeID,
                    detail: "\(message.payload.readableBytes) bytes"
                )
            }
            return value
        }
        switch type {
        case .setChunkSize:
            // The top bit is reserved and must be ignored (§5.4.1).
            self = .setChunkSize(try u32() & 0x7FFF_FFFF)
        case .abort:
            self = .abort(chunkStreamID: try u32())
        case .acknowledgement:
            self = .acknowledgement(sequenceNumber: try u32())
        case .windowAcknowledgementSize:
            self = .windowAcknowledgementSize(try u32())
        case .setPeerBandwidth:
            let size = try u32()
            guard let raw = payload.readInteger(as: UInt8.self) else {
                throw RTMPMessageError.truncatedPayload.with(typeID: message.typeID, detail: "no limit type")
            }
            guard let limit = RTMPPeerBandwidthLimitType(rawValue: raw) else {
                throw RTMPMessageError.invalidValue.with(typeID: message.typeID, detail: "limit type \(raw)")
            }
            self = .setPeerBandwidth(size, limitType: limit)
        case .userControl:
            self = .userControl(try RTMPUserControlEvent(payload: message.payload))
        default:
            return nil
        }
    }

    /// Encodes the message on chunk stream 2, message stream 0 (RTMP 1.0 §5.4, §6.2).
    public func message(timestamp: UInt32 = 0) -> RTMPMessage {
        // Every control payload fits (at most 10 bytes); an empty buffer would be copied on the first write.
        var payload = ByteBufferAllocator().buffer(capacity: 16)
        switch self {
        case .setChunkSize(let size): payload.writeInteger(size & 0x7FFF_FFFF)
        case .abort(let chunkStreamID): payload.writeInteger(chunkStreamID)
        case .acknowledgement(let sequenceNumber): payload.writeInteger(sequenceNumber)
        case .windowAcknowledgementSize(let size): payload.writeInteger(size)
        case .setPeerBandwidth(let size, let limitType):
            payload.writeInteger(size)
            payload.writeInteger(limitType.rawValue)
        case .userControl(let event): event.write(to: &payload)
        }
        return RTMPMessage(type: messageType, streamID: 0, timestamp: timestamp, payload: payload)
    }
}
