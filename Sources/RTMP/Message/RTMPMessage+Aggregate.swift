import NIOCore

extension RTMPMessage {
    /// FLV tag header size inside an aggregate: type, 24-bit size, 24-bit timestamp + 8-bit
    /// extension, 24-bit stream id (FLV spec §E.4.1).
    static let aggregateTagHeaderSize = 11
    /// The back pointer (previous tag size) after each sub-message.
    static let aggregateBackPointerSize = 4

    /// The sub-messages of an aggregate message (RTMP 1.0 §7.1.6), as slices of its payload.
    ///
    /// The first sub-message takes the aggregate's timestamp and each later one keeps its offset
    /// from the first, so a sequence `t0, t0+20, t0+40` inside an aggregate stamped `T` becomes
    /// `T, T+20, T+40` (wrapping like every RTMP timestamp). Sub-messages get the aggregate's
    /// message stream and chunk stream; the stream id in each tag header is ignored, as SRS does.
    /// A missing back pointer after the last sub-message is tolerated.
    ///
    /// - Throws: `RTMPMessageError.malformedAggregate` when a tag header or body overruns the
    ///   payload, or a sub-message is itself an aggregate.
    public func aggregateSubMessages() throws(RTMPMessageError) -> [RTMPMessage] {
        var payload = self.payload
        var messages: [RTMPMessage] = []
        var firstTimestamp: UInt32?
        while payload.readableBytes > 0 {
            guard payload.readableBytes >= Self.aggregateTagHeaderSize,
                let typeID = payload.readInteger(as: UInt8.self),
                let size = Self.readUInt24(&payload),
                let lowerBits = Self.readUInt24(&payload),
                let upperBits = payload.readInteger(as: UInt8.self),
                Self.readUInt24(&payload) != nil
            else {
                throw Self.malformed("tag header at offset \(self.payload.readableBytes - payload.readableBytes)")
            }
            // The 24-bit timestamp is followed by the byte holding bits 24-31 (FLV spec §E.4.1).
            let timestamp = UInt32(upperBits) << 24 | lowerBits
            guard typeID != RTMPMessageType.aggregate.rawValue else { throw Self.malformed("nested aggregate") }
            guard let body = payload.readSlice(length: Int(size)) else {
                throw Self.malformed("tag of \(size) bytes overruns the payload")
            }
            if payload.readableBytes >= Self.aggregateBackPointerSize {
                payload.moveReaderIndex(forwardBy: Self.aggregateBackPointerSize)
            } else if payload.readableBytes > 0 {
                throw Self.malformed("truncated back pointer")
            }
            let base = firstTimestamp ?? timestamp
            firstTimestamp = base
            messages.append(
                RTMPMessage(
                    typeID: typeID,
                    streamID: streamID,
                    timestamp: self.timestamp &+ (timestamp &- base),
                    chunkStreamID: chunkStreamID,
                    payload: body
                )
            )
        }
        return messages
    }

    /// Reads a big-endian 24-bit unsigned integer.
    private static func readUInt24(_ buffer: inout ByteBuffer) -> UInt32? {
        guard let (high, low) = buffer.readMultipleIntegers(as: (UInt8, UInt16).self) else { return nil }
        return UInt32(high) << 16 | UInt32(low)
    }

    private static func malformed(_ detail: String) -> RTMPMessageError {
        RTMPMessageError.malformedAggregate.with(typeID: RTMPMessageType.aggregate.rawValue, detail: detail)
    }
}
