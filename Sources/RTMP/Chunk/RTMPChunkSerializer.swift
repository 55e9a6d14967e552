public import NIOCore

/// Serializes one ``RTMPMessage`` into chunks (RTMP 1.0 §5.3): a type 0 header on the first
/// chunk, type 3 headers on the rest, the extended timestamp repeated on every chunk when the
/// timestamp is at least 0xFFFFFF.
///
/// The output depends only on the message and the chunk size, never on what was sent before,
/// so one serialization of a media message can be written to every player that uses the same
/// chunk size (DESIGN.md, zero-copy fan-out).
public enum RTMPChunkSerializer {
    /// The chunk size both directions start with (RTMP 1.0 §5.4.1).
    public static let defaultChunkSize = RTMPChunkWire.defaultChunkSize
    /// The chunk sizes Set Chunk Size can announce (RTMP 1.0 §5.4.1).
    public static let validChunkSizes = 1...RTMPChunkWire.maximumChunkSize
    /// The chunk stream ids the basic header can carry (RTMP 1.0 §5.3.1.1).
    public static let validChunkStreamIDs = RTMPChunkWire.minimumChunkStreamID...RTMPChunkWire.maximumChunkStreamID
    /// The largest payload a message header can describe (24-bit length, RTMP 1.0 §5.3.1.2.1).
    public static let maximumPayloadLength = RTMPChunkWire.maximumMessageLength

    /// The number of bytes ``serialize(_:chunkSize:)`` produces.
    ///
    /// - Parameters:
    ///   - payloadLength: The message payload length in bytes.
    ///   - chunkSize: The chunk size in force on the connection.
    ///   - timestamp: The message timestamp; at or above 0xFFFFFF every chunk grows by 4 bytes.
    ///   - chunkStreamID: The chunk stream id; it sets the basic header length (1, 2 or 3).
    /// - Returns: The serialized length.
    public static func serializedSize(
        payloadLength: Int, chunkSize: Int, timestamp: UInt32, chunkStreamID: UInt32
    )
        -> Int
    {
        let chunkCount = max(1, (payloadLength + chunkSize - 1) / chunkSize)
        let extendedLength =
            timestamp >= RTMPChunkWire.extendedTimestampMarker ? RTMPChunkWire.extendedTimestampLength : 0
        let perChunk = RTMPChunkWire.basicHeaderLength(chunkStreamID: chunkStreamID) + extendedLength
        return payloadLength + RTMPChunkFormat.full.messageHeaderLength + chunkCount * perChunk
    }

    /// Serializes `message` into a new buffer of exactly its serialized size.
    ///
    /// - Parameters:
    ///   - message: The message; `chunkStreamID` must be in ``validChunkStreamIDs`` and the
    ///     payload at most ``maximumPayloadLength`` bytes.
    ///   - chunkSize: The chunk size in force on the connection, in ``validChunkSizes``.
    /// - Returns: The chunk bytes.
    public static func serialize(_ message: RTMPMessage, chunkSize: Int) -> ByteBuffer {
        let size = Self.serializedSize(
            payloadLength: message.payload.readableBytes, chunkSize: chunkSize,
            timestamp: message.timestamp, chunkStreamID: message.chunkStreamID)
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeRTMPChunks(message, chunkSize: chunkSize)
        return buffer
    }
}

extension ByteBuffer {
    /// Appends `message` as chunks: type 0 first, type 3 after (RTMP 1.0 §5.3).
    ///
    /// The payload is read in a single pass and copied once; the message is not modified.
    ///
    /// - Parameters:
    ///   - message: The message; `chunkStreamID` must be in
    ///     ``RTMPChunkSerializer/validChunkStreamIDs`` and the payload at most
    ///     ``RTMPChunkSerializer/maximumPayloadLength`` bytes (checked by precondition).
    ///   - chunkSize: The chunk size in force, in ``RTMPChunkSerializer/validChunkSizes``.
    /// - Returns: The number of bytes written.
    @discardableResult
    public mutating func writeRTMPChunks(_ message: RTMPMessage, chunkSize: Int) -> Int {
        precondition(RTMPChunkSerializer.validChunkSizes.contains(chunkSize), "invalid RTMP chunk size \(chunkSize)")
        precondition(
            RTMPChunkSerializer.validChunkStreamIDs.contains(message.chunkStreamID),
            "invalid RTMP chunk stream id \(message.chunkStreamID)")
        let payloadLength = message.payload.readableBytes
        precondition(payloadLength <= RTMPChunkWire.maximumMessageLength, "RTMP message payload too large")

        let start = self.writerIndex
        self.reserveCapacity(
            minimumWritableBytes: RTMPChunkSerializer.serializedSize(
                payloadLength: payloadLength, chunkSize: chunkSize,
                timestamp: message.timestamp, chunkStreamID: message.chunkStreamID))
        let extended = message.timestamp >= RTMPChunkWire.extendedTimestampMarker
        self.writeRTMPBasicHeader(format: .full, chunkStreamID: message.chunkStreamID)
        self.writeRTMPUInt24(extended ? RTMPChunkWire.extendedTimestampMarker : message.timestamp)
        self.writeRTMPUInt24(UInt32(payloadLength))
        self.writeInteger(message.typeID)
        self.writeInteger(message.streamID, endianness: .little)
        if extended {
            self.writeInteger(message.timestamp)
        }
        message.payload.withUnsafeReadableBytes { payload in
            var offset = 0
            repeat {
                if offset > 0 {
                    self.writeRTMPBasicHeader(format: .continuation, chunkStreamID: message.chunkStreamID)
                    if extended {
                        self.writeInteger(message.timestamp)
                    }
                }
                let end = min(offset + chunkSize, payload.count)
                self.writeBytes(UnsafeRawBufferPointer(rebasing: payload[offset..<end]))
                offset = end
            } while offset < payload.count
        }
        return self.writerIndex - start
    }

    /// The 1-, 2- or 3-byte basic header (RTMP 1.0 §5.3.1.1).
    private mutating func writeRTMPBasicHeader(format: RTMPChunkFormat, chunkStreamID: UInt32) {
        let formatBits = format.rawValue << RTMPChunkWire.formatShift
        if chunkStreamID <= RTMPChunkWire.oneByteLimit {
            self.writeInteger(formatBits | UInt8(chunkStreamID))
        } else if chunkStreamID <= RTMPChunkWire.twoByteLimit {
            self.writeInteger(formatBits | RTMPChunkWire.twoByteMarker)
            self.writeInteger(UInt8(chunkStreamID - RTMPChunkWire.multiByteOffset))
        } else {
            self.writeInteger(formatBits | RTMPChunkWire.threeByteMarker)
            self.writeInteger(UInt16(chunkStreamID - RTMPChunkWire.multiByteOffset), endianness: .little)
        }
    }

    private mutating func writeRTMPUInt24(_ value: UInt32) {
        self.writeInteger(UInt8(truncatingIfNeeded: value >> 16))
        self.writeInteger(UInt16(truncatingIfNeeded: value))
    }
}
