public import NIOCore

/// User control event types (RTMP 1.0 §7.1.7).
public enum RTMPUserControlEventType: UInt16, Sendable, Hashable {
    case streamBegin = 0
    case streamEOF = 1
    case streamDry = 2
    case setBufferLength = 3
    case streamIsRecorded = 4
    case pingRequest = 6
    case pingResponse = 7
}

/// One user control message (type 4) event (RTMP 1.0 §7.1.7).
public enum RTMPUserControlEvent: Sendable, Hashable {
    /// The server tells the client a stream became functional (sent before play replies).
    case streamBegin(streamID: UInt32)
    /// Playback of the stream is over (also sent on pause).
    case streamEOF(streamID: UInt32)
    /// No more data on the stream for now.
    case streamDry(streamID: UInt32)
    /// The client's buffer length in milliseconds for a stream (sent before/after play).
    case setBufferLength(streamID: UInt32, milliseconds: UInt32)
    /// The stream is a recording, not live.
    case streamIsRecorded(streamID: UInt32)
    /// A liveness check; the peer answers with `pingResponse` carrying the same timestamp.
    case pingRequest(timestamp: UInt32)
    case pingResponse(timestamp: UInt32)
    /// An event type this codec does not know (some servers send 0x1A/0x1B SWF verification); kept raw.
    case unknown(eventType: UInt16, data: ByteBuffer)
}

extension RTMPUserControlEvent {
    /// Decodes the payload of a user control message.
    /// - Throws: `RTMPMessageError.truncatedPayload` when a known event lacks its fields.
    public init(payload: ByteBuffer) throws(RTMPMessageError) {
        var buffer = payload
        guard let rawType = buffer.readInteger(as: UInt16.self) else { throw Self.truncated(payload) }
        guard let type = RTMPUserControlEventType(rawValue: rawType) else {
            self = .unknown(eventType: rawType, data: buffer)
            return
        }
        guard let first = buffer.readInteger(as: UInt32.self) else { throw Self.truncated(payload) }
        switch type {
        case .streamBegin: self = .streamBegin(streamID: first)
        case .streamEOF: self = .streamEOF(streamID: first)
        case .streamDry: self = .streamDry(streamID: first)
        case .streamIsRecorded: self = .streamIsRecorded(streamID: first)
        case .pingRequest: self = .pingRequest(timestamp: first)
        case .pingResponse: self = .pingResponse(timestamp: first)
        case .setBufferLength:
            guard let milliseconds = buffer.readInteger(as: UInt32.self) else { throw Self.truncated(payload) }
            self = .setBufferLength(streamID: first, milliseconds: milliseconds)
        }
    }

    private static func truncated(_ payload: ByteBuffer) -> RTMPMessageError {
        RTMPMessageError.truncatedPayload.with(
            typeID: RTMPMessageType.userControl.rawValue,
            detail: "\(payload.readableBytes) bytes"
        )
    }

    /// Writes the event type and its data.
    /// - Returns: The number of bytes written.
    @discardableResult
    public func write(to buffer: inout ByteBuffer) -> Int {
        switch self {
        case .streamBegin(let id): return Self.write(.streamBegin, id, to: &buffer)
        case .streamEOF(let id): return Self.write(.streamEOF, id, to: &buffer)
        case .streamDry(let id): return Self.write(.streamDry, id, to: &buffer)
        case .streamIsRecorded(let id): return Self.write(.streamIsRecorded, id, to: &buffer)
        case .pingRequest(let timestamp): return Self.write(.pingRequest, timestamp, to: &buffer)
        case .pingResponse(let timestamp): return Self.write(.pingResponse, timestamp, to: &buffer)
        case .setBufferLength(let id, let milliseconds):
            return Self.write(.setBufferLength, id, to: &buffer) + buffer.writeInteger(milliseconds)
        case .unknown(let eventType, var data):
            return buffer.writeInteger(eventType) + buffer.writeBuffer(&data)
        }
    }

    private static func write(_ type: RTMPUserControlEventType, _ value: UInt32, to buffer: inout ByteBuffer) -> Int {
        buffer.writeInteger(type.rawValue) + buffer.writeInteger(value)
    }
}
