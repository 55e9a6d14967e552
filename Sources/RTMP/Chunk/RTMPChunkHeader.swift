public import NIOCore

/// One chunk header as it stands on the wire (RTMP 1.0 §5.3.1), before its fields are merged with its
/// chunk stream's (`RTMPChunkHeaderInheritance.applyHeader`). Read in two steps because the second needs
/// the stream: the basic header names it, and a type 3 chunk repeats an extended timestamp only if the
/// stream's last header had one. Shared by the server's chunk decoder and the load tool's light reader.
public struct RTMPChunkHeader: Sendable, Hashable {
    public let format: RTMPChunkFormat
    public let chunkStreamID: UInt32
    public private(set) var timestampField: UInt32 = 0
    public private(set) var messageLength = 0
    public private(set) var typeID: UInt8 = 0
    public private(set) var messageStreamID: UInt32 = 0
    public private(set) var extendedTimestamp: UInt32?
    /// The bytes read so far from the reader index: the basic header, then the whole header.
    public private(set) var length: Int

    /// The basic header at `buffer`'s reader index, or `nil` when it is incomplete. Moves nothing.
    public init?(basicHeaderIn buffer: ByteBuffer) {
        var cursor = buffer.readerIndex
        guard let first = buffer.getInteger(at: cursor, as: UInt8.self) else { return nil }
        cursor += 1
        format = RTMPChunkFormat(rawValue: first >> RTMPChunkWire.formatShift)!
        switch first & RTMPChunkWire.chunkStreamIDMask {
        case RTMPChunkWire.twoByteMarker:
            guard let low = buffer.getInteger(at: cursor, as: UInt8.self) else { return nil }
            chunkStreamID = RTMPChunkWire.multiByteOffset + UInt32(low)
            cursor += 1
        case RTMPChunkWire.threeByteMarker:
            guard let value = buffer.getInteger(at: cursor, endianness: .little, as: UInt16.self) else { return nil }
            chunkStreamID = RTMPChunkWire.multiByteOffset + UInt32(value)
            cursor += 2
        case let id:
            chunkStreamID = UInt32(id)
        }
        length = cursor - buffer.readerIndex
    }

    /// What a type 3 chunk needs of its stream's state to tell a repeated extended timestamp from payload.
    public struct StreamState: Sendable, Hashable {
        public var usesExtendedTimestamp: Bool
        public var isBetweenMessages: Bool
        public var extendedTimestamp: UInt32
        public var timestamp: UInt32
    }

    /// Reads the message header and extended timestamp that follow the basic header.
    /// - Parameter stream: the chunk stream's state (`RTMPChunkHeaderInheritance.headerState`), when it exists.
    /// - Returns: `false` when they have not all arrived (read again later, from the same reader index).
    public mutating func readMessageHeader(from buffer: ByteBuffer, stream: StreamState?) -> Bool {
        var cursor = buffer.readerIndex + length
        guard buffer.writerIndex - cursor >= format.messageHeaderLength else { return false }
        if format != .continuation {
            timestampField = Self.uint24(buffer, at: cursor)
            if format != .timestampOnly {
                messageLength = Int(Self.uint24(buffer, at: cursor + 3))
                typeID = buffer.getInteger(at: cursor + 6, as: UInt8.self)!
            }
            if format == .full {
                messageStreamID = buffer.getInteger(at: cursor + 7, endianness: .little, as: UInt32.self)!
            }
            cursor += format.messageHeaderLength
            if timestampField == RTMPChunkWire.extendedTimestampMarker {
                guard let value = buffer.getInteger(at: cursor, as: UInt32.self) else { return false }
                extendedTimestamp = value
                cursor += RTMPChunkWire.extendedTimestampLength
            }
        } else if let stream, stream.usesExtendedTimestamp {
            guard let value = buffer.getInteger(at: cursor, as: UInt32.self) else { return false }
            // A continuation carries the field only when it repeats the stream's (§5.3.1.3); otherwise the
            // four bytes are already payload.
            if stream.isBetweenMessages || value == stream.extendedTimestamp || value == stream.timestamp {
                extendedTimestamp = value
                cursor += RTMPChunkWire.extendedTimestampLength
            }
        }
        length = cursor - buffer.readerIndex
        return true
    }

    private static func uint24(_ buffer: ByteBuffer, at index: Int) -> UInt32 {
        let high = UInt32(buffer.getInteger(at: index, as: UInt16.self)!)
        return high << 8 | UInt32(buffer.getInteger(at: index + 2, as: UInt8.self)!)
    }
}
