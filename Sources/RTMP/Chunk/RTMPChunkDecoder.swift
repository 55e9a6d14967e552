public import NIOCore

/// Decodes an inbound RTMP chunk stream (RTMP 1.0 §5.3) into whole ``RTMPMessage``s.
///
/// Each message is reassembled into its own buffer, allocated once for the declared length when
/// the first chunk arrives (NIO rounds the capacity up to a power of two), and every chunk's
/// payload is copied in once; no output buffer references the receive buffer, so a cached
/// message never pins it. Set Chunk Size
/// (type 1) and Abort (type 2) take effect before the next chunk is read, and are also emitted
/// so the session can see them.
///
/// Chunk payloads are consumed as they arrive, so the receive buffer never has to hold more
/// than one chunk header, whatever chunk size the peer chose.
///
/// Extended timestamps on type 3 chunks: a type 3 chunk that starts a message reads the 4-byte
/// field whenever the stream's last type 0/1/2 header had one (the rule of §5.3.1.3). On a
/// continuation chunk the field is consumed only if it repeats the extended value (or the
/// message timestamp); otherwise the peer is taken not to repeat it and the bytes are payload.
///
/// Use it as `ByteToMessageHandler(RTMPChunkDecoder(configuration:))`, or step it directly with
/// `decode(buffer:)`.
public struct RTMPChunkDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = RTMPMessage

    /// Limits that bound the memory one peer can make the decoder hold.
    public struct Configuration: Sendable, Hashable {
        /// The largest message accepted, in bytes. The wire allows up to 16 MiB - 1.
        public var maxMessageSize: Int
        /// How many distinct chunk stream ids a peer may use.
        public var maxChunkStreams: Int
        /// The sum of the declared lengths of all messages being reassembled at once.
        public var maxPendingBytes: Int

        /// - Parameters:
        ///   - maxMessageSize: Default 8 MiB: room for a large 4K keyframe.
        ///   - maxChunkStreams: Default 64; encoders use about six.
        ///   - maxPendingBytes: Default 16 MiB, so a peer cannot reserve `maxChunkStreams`
        ///     maximum-size buffers with a few headers.
        public init(maxMessageSize: Int = 8 << 20, maxChunkStreams: Int = 64, maxPendingBytes: Int = 16 << 20) {
            self.maxMessageSize = maxMessageSize
            self.maxChunkStreams = maxChunkStreams
            self.maxPendingBytes = maxPendingBytes
        }
    }

    /// The limits in force.
    public let configuration: Configuration
    /// The peer's current chunk size: 128 until it sends Set Chunk Size.
    public private(set) var chunkSize = RTMPChunkWire.defaultChunkSize

    private var streams: [RTMPChunkStreamState] = []
    private var lastStreamIndex = 0
    private var pendingBytes = 0
    /// The chunk whose payload is still arriving: its stream and the payload bytes still due.
    private var partialChunk: (streamIndex: Int, remaining: Int)?
    private let allocator = ByteBufferAllocator()

    /// - Parameter configuration: Limits; the defaults suit a live server.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Decodes chunks until a message is complete.
    ///
    /// - Parameter buffer: The received bytes; consumed chunk by chunk.
    /// - Returns: The next complete message, or `nil` when more bytes are needed.
    /// - Throws: ``RTMPChunkDecoderError`` on a protocol violation or an exceeded limit.
    public mutating func decode(buffer: inout ByteBuffer) throws -> RTMPMessage? {
        while true {
            let streamIndex: Int
            let remaining: Int
            if let partial = self.partialChunk {
                (streamIndex, remaining) = partial
            } else {
                guard let chunk = try self.readChunkHeader(from: &buffer) else { return nil }
                (streamIndex, remaining) = chunk
            }
            let count = min(remaining, buffer.readableBytes)
            if count > 0 {
                buffer.withUnsafeReadableBytes { bytes in
                    _ = self.streams[streamIndex].payload!.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[..<count]))
                }
                buffer.moveReaderIndex(forwardBy: count)
            }
            guard count == remaining else {
                self.partialChunk = (streamIndex, remaining - count)
                return nil
            }
            self.partialChunk = nil
            if let message = self.takeMessageIfComplete(streamIndex: streamIndex) {
                try self.applyProtocolControl(message)
                return message
            }
        }
    }

    /// Decodes what is left at end of input; a message cut off by the close is dropped.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RTMPMessage? {
        try self.decode(buffer: &buffer)
    }

    /// Reads one chunk header if all of it has arrived, applies it to its chunk stream, and
    /// starts a message there when none is in progress.
    ///
    /// - Returns: The stream's index and the length of this chunk's payload, or `nil` (nothing
    ///   consumed) when the header is incomplete.
    private mutating func readChunkHeader(from buffer: inout ByteBuffer) throws -> (Int, Int)? {
        guard var header = RTMPChunkHeader(basicHeaderIn: buffer) else { return nil }
        let chunkStreamID = header.chunkStreamID
        let format = header.format
        let existingIndex = self.streamIndex(for: chunkStreamID)
        // fmt 1 carries all but the message stream id, so it may open a chunk stream (id 0,
        // timestamp as a delta from 0): some librtmp-based encoders start that way, and SRS
        // accepts it too. fmt 2 and 3 lack the length and type and cannot.
        guard existingIndex != nil || format == .full || format == .sameStream else {
            throw RTMPChunkDecoderError.missingPreviousHeader.with(
                chunkStreamID: chunkStreamID, value: UInt64(format.rawValue))
        }
        guard header.readMessageHeader(from: buffer, stream: existingIndex.map { self.streams[$0].headerState }) else {
            return nil
        }

        let index = try existingIndex ?? self.addStream(chunkStreamID)
        buffer.moveReaderIndex(forwardBy: header.length)
        if format != .continuation {
            // A new header in the middle of a message: the peer gave up on it without an Abort.
            self.discardPartialMessage(streamIndex: index)
        }
        self.streams[index].applyHeader(
            format: format, timestampField: header.timestampField, extendedTimestamp: header.extendedTimestamp,
            messageLength: header.messageLength, typeID: header.typeID, messageStreamID: header.messageStreamID)
        if self.streams[index].payload == nil {
            try self.startMessage(streamIndex: index)
        }
        let received = self.streams[index].payload!.readableBytes
        return (index, min(self.chunkSize, self.streams[index].messageLength - received))
    }

    private mutating func addStream(_ chunkStreamID: UInt32) throws -> Int {
        guard self.streams.count < self.configuration.maxChunkStreams else {
            throw RTMPChunkDecoderError.tooManyChunkStreams.with(
                chunkStreamID: chunkStreamID, value: UInt64(self.configuration.maxChunkStreams))
        }
        self.streams.append(RTMPChunkStreamState(chunkStreamID: chunkStreamID))
        self.lastStreamIndex = self.streams.count - 1
        return self.lastStreamIndex
    }

    /// Allocates the message's own buffer, exactly its length, after checking the limits.
    private mutating func startMessage(streamIndex: Int) throws {
        let length = self.streams[streamIndex].messageLength
        guard length <= self.configuration.maxMessageSize else {
            throw RTMPChunkDecoderError.messageTooLarge.with(
                chunkStreamID: self.streams[streamIndex].chunkStreamID,
                messageType: self.streams[streamIndex].typeID, value: UInt64(length))
        }
        guard self.pendingBytes + length <= self.configuration.maxPendingBytes else {
            throw RTMPChunkDecoderError.pendingBytesLimitExceeded.with(
                chunkStreamID: self.streams[streamIndex].chunkStreamID,
                messageType: self.streams[streamIndex].typeID, value: UInt64(self.pendingBytes + length))
        }
        self.pendingBytes += length
        self.streams[streamIndex].payload = self.allocator.buffer(capacity: length)
    }

    private mutating func takeMessageIfComplete(streamIndex: Int) -> RTMPMessage? {
        let stream = self.streams[streamIndex]
        guard let payload = stream.payload, payload.readableBytes == stream.messageLength else { return nil }
        self.streams[streamIndex].payload = nil
        self.pendingBytes -= stream.messageLength
        return RTMPMessage(
            typeID: stream.typeID, streamID: stream.messageStreamID, timestamp: stream.timestamp,
            chunkStreamID: stream.chunkStreamID, payload: payload)
    }

    /// Applies Set Chunk Size and Abort before the next chunk is read (RTMP 1.0 §5.4.1, §5.4.2).
    private mutating func applyProtocolControl(_ message: RTMPMessage) throws {
        switch message.type {
        case .setChunkSize:
            guard let requested = message.payload.getInteger(at: message.payload.readerIndex, as: UInt32.self) else {
                throw RTMPChunkDecoderError.malformedControlMessage.with(
                    chunkStreamID: message.chunkStreamID, messageType: message.typeID)
            }
            guard requested > 0, requested <= RTMPChunkWire.maximumChunkSize else {
                throw RTMPChunkDecoderError.invalidChunkSize.with(
                    chunkStreamID: message.chunkStreamID, messageType: message.typeID, value: UInt64(requested))
            }
            self.chunkSize = Int(requested)
        case .abort:
            guard let aborted = message.payload.getInteger(at: message.payload.readerIndex, as: UInt32.self) else {
                throw RTMPChunkDecoderError.malformedControlMessage.with(
                    chunkStreamID: message.chunkStreamID, messageType: message.typeID)
            }
            if let index = self.streamIndex(for: aborted) {
                self.discardPartialMessage(streamIndex: index)
            }
        default:
            break
        }
    }

    private mutating func discardPartialMessage(streamIndex: Int) {
        guard self.streams[streamIndex].payload != nil else { return }
        self.streams[streamIndex].payload = nil
        self.pendingBytes -= self.streams[streamIndex].messageLength
    }

    private mutating func streamIndex(for chunkStreamID: UInt32) -> Int? {
        if self.lastStreamIndex < self.streams.count,
            self.streams[self.lastStreamIndex].chunkStreamID == chunkStreamID
        {
            return self.lastStreamIndex
        }
        guard let index = self.streams.firstIndex(where: { $0.chunkStreamID == chunkStreamID }) else {
            return nil
        }
        self.lastStreamIndex = index
        return index
    }
}
