public import Media
public import NIOCore
public import RTMP

/// The header fields of one inbound RTMP message (RTMP 1.0 §6.1).
public struct LightMessageHead: Sendable, Hashable {
    public var typeID: UInt8
    /// The message stream id.
    public var streamID: UInt32
    /// The absolute timestamp in milliseconds.
    public var timestamp: UInt32
    /// The payload length in bytes.
    public var length: Int
    public var chunkStreamID: UInt32
}

/// One whole message as ``LightChunkReader`` reports it.
public enum LightChunkEvent: Sendable {
    /// Audio or video: the payload was skipped; `flags` come from its first bytes (the tag header).
    case media(LightMessageHead, kind: MediaKind, flags: MediaPacket.Flags)
    /// A message the player does not need (metadata, shared objects, unknown types): skipped.
    case skipped(LightMessageHead)
    /// Protocol control, user control, command and aggregate messages, with their whole payload.
    case message(RTMPMessage)
}

/// A player-side RTMP chunk stream parser (RTMP 1.0 §5.3) that does not reassemble media.
///
/// `RTMPChunkDecoder` copies every payload into its own buffer, which a server needs for its GOP
/// cache but a load-test player does not. This reader tracks chunk headers exactly as the decoder
/// does (fmt 0–3, extended timestamps, Set Chunk Size and Abort applied before the next chunk,
/// interleaved chunk streams) and, per message:
/// - for audio and video, keeps only the first ``prefixLength`` bytes to classify the tag header and
///   skips the rest by moving the reader index;
/// - for control, command and aggregate messages, keeps the body (bounded by `maximumBodySize`);
/// - skips everything else.
///
/// It consumes its whole input: when a read ends inside a chunk header, the few header bytes are
/// carried to the next call, so the caller needs no cumulation buffer.
public struct LightChunkReader {
    /// Enough bytes for the longest video or audio tag header (enhanced RTMP: 1 + FourCC + 3).
    public static let prefixLength = 16
    /// The longest chunk header: 3-byte basic header, type 0 message header, extended timestamp.
    static let maximumHeaderLength = 3 + 11 + 4

    /// The largest kept (control or command) message accepted.
    public let maximumBodySize: Int
    /// How many distinct chunk stream ids the peer may use.
    public let maximumChunkStreams: Int
    /// The peer's chunk size: 128 until it sends Set Chunk Size.
    public private(set) var chunkSize = RTMPChunkSerializer.defaultChunkSize

    private var streams: [LightChunkStream] = []
    private var lastStreamIndex = 0
    /// The chunk whose payload is still arriving: its stream and the payload bytes still due.
    private var partialChunk: (streamIndex: Int, remaining: Int)?
    /// The start of a chunk header cut off at the end of the previous input.
    private var carry = ByteBuffer()

    /// - Parameters:
    ///   - maximumBodySize: Default 1 MiB, far above any command a server sends.
    ///   - maximumChunkStreams: Default 64; servers use about six.
    public init(maximumBodySize: Int = 1 << 20, maximumChunkStreams: Int = 64) {
        self.maximumBodySize = maximumBodySize
        self.maximumChunkStreams = maximumChunkStreams
    }

    /// Reads chunks until a message is complete.
    ///
    /// - Parameter buffer: Received bytes. When the call returns `nil` they have all been consumed.
    /// - Returns: The next whole message, or `nil` when more bytes are needed.
    /// - Throws: ``LightChunkReaderError`` on a protocol violation or an exceeded limit.
    public mutating func next(from buffer: inout ByteBuffer) throws(LightChunkReaderError) -> LightChunkEvent? {
        while true {
            let streamIndex: Int
            let remaining: Int
            if let partial = partialChunk {
                (streamIndex, remaining) = partial
            } else {
                guard let chunk = try readChunkHeader(from: &buffer) else { return nil }
                (streamIndex, remaining) = chunk
            }
            let count = min(remaining, buffer.readableBytes)
            if count > 0 { consumePayload(count, streamIndex: streamIndex, from: &buffer) }
            guard count == remaining else {
                partialChunk = (streamIndex, remaining - count)
                return nil
            }
            partialChunk = nil
            if let event = try takeEventIfComplete(streamIndex: streamIndex) { return event }
        }
    }

    private mutating func consumePayload(_ count: Int, streamIndex: Int, from buffer: inout ByteBuffer) {
        switch streams[streamIndex].disposition {
        case .media:
            let wanted = min(Self.prefixLength - streams[streamIndex].prefix.readableBytes, count)
            if wanted > 0 {
                streams[streamIndex].prefix.writeImmutableBuffer(buffer.getSlice(at: buffer.readerIndex, length: wanted)!)
            }
            buffer.moveReaderIndex(forwardBy: count)
        case .keep:
            streams[streamIndex].body!.writeImmutableBuffer(buffer.readSlice(length: count)!)
        case .skip:
            buffer.moveReaderIndex(forwardBy: count)
        }
        streams[streamIndex].received! += count
    }

    /// Reads one chunk header, joining it with bytes carried from the previous input.
    ///
    /// - Returns: The stream's index and this chunk's payload length, or `nil` once the rest of
    ///   `buffer` (shorter than a header) has been carried over.
    private mutating func readChunkHeader(from buffer: inout ByteBuffer) throws(LightChunkReaderError) -> (Int, Int)? {
        guard carry.readableBytes > 0 else {
            if let chunk = try parseChunkHeader(from: &buffer) { return chunk }
            carry.clear()
            carry.writeBuffer(&buffer)
            return nil
        }
        let carried = carry.readableBytes
        let taken = min(Self.maximumHeaderLength, buffer.readableBytes)
        carry.writeImmutableBuffer(buffer.getSlice(at: buffer.readerIndex, length: taken)!)
        buffer.moveReaderIndex(forwardBy: taken)
        // Parsed out of `self` (exclusive access); at most once per input, so the swap is cheap.
        var joined = ByteBuffer()
        swap(&joined, &carry)
        defer { swap(&joined, &carry) }
        guard let chunk = try parseChunkHeader(from: &joined) else { return nil }
        // Give back the taken bytes the header did not use.
        let unused = joined.readableBytes
        precondition(unused <= taken && carried > 0)
        buffer.moveReaderIndex(to: buffer.readerIndex - unused)
        joined.clear()
        return chunk
    }

    /// Parses a chunk header from `buffer` if all of it is there (otherwise consumes nothing),
    /// applies it to its chunk stream and starts a message when none is in progress.
    private mutating func parseChunkHeader(from buffer: inout ByteBuffer) throws(LightChunkReaderError) -> (Int, Int)? {
        guard var header = RTMPChunkHeader(basicHeaderIn: buffer) else { return nil }
        let chunkStreamID = header.chunkStreamID
        let format = header.format
        let existing = streamIndex(for: chunkStreamID)
        // fmt 1 may open a chunk stream, as the server's decoder accepts; fmt 2 and 3 cannot.
        guard existing != nil || format == .full || format == .sameStream else {
            throw .missingPreviousHeader(chunkStreamID: chunkStreamID)
        }
        guard header.readMessageHeader(from: buffer, stream: existing.map { streams[$0].headerState }) else {
            return nil
        }

        let index: Int
        if let existing { index = existing } else { index = try addStream(chunkStreamID) }
        buffer.moveReaderIndex(forwardBy: header.length)
        if format != .continuation {
            // A new header in the middle of a message: the peer gave up on it without an Abort.
            discardPartialMessage(streamIndex: index)
        }
        streams[index].applyHeader(
            format: format, timestampField: header.timestampField, extendedTimestamp: header.extendedTimestamp,
            messageLength: header.messageLength, typeID: header.typeID, messageStreamID: header.messageStreamID)
        if streams[index].received == nil { try startMessage(streamIndex: index) }
        let received = streams[index].received!
        return (index, min(chunkSize, streams[index].messageLength - received))
    }

    private mutating func addStream(_ chunkStreamID: UInt32) throws(LightChunkReaderError) -> Int {
        guard streams.count < maximumChunkStreams else {
            throw .tooManyChunkStreams(chunkStreamID: chunkStreamID)
        }
        streams.append(LightChunkStream(chunkStreamID: chunkStreamID, prefixCapacity: Self.prefixLength))
        lastStreamIndex = streams.count - 1
        return lastStreamIndex
    }

    private mutating func startMessage(streamIndex: Int) throws(LightChunkReaderError) {
        streams[streamIndex].received = 0
        let length = streams[streamIndex].messageLength
        switch RTMPMessageType(rawValue: streams[streamIndex].typeID) {
        case .audio:
            streams[streamIndex].disposition = .media(.audio)
            streams[streamIndex].prefix.clear()
        case .video:
            streams[streamIndex].disposition = .media(.video)
            streams[streamIndex].prefix.clear()
        case .setChunkSize, .abort, .acknowledgement, .userControl, .windowAcknowledgementSize, .setPeerBandwidth,
            .amf0Command, .amf3Command, .aggregate:
            guard length <= maximumBodySize else {
                throw .messageTooLarge(chunkStreamID: streams[streamIndex].chunkStreamID, length: length)
            }
            streams[streamIndex].disposition = .keep
            streams[streamIndex].body = ByteBufferAllocator().buffer(capacity: length)
        default:
            streams[streamIndex].disposition = .skip
        }
    }

    private mutating func takeEventIfComplete(streamIndex: Int) throws(LightChunkReaderError) -> LightChunkEvent? {
        guard streams[streamIndex].received == streams[streamIndex].messageLength else { return nil }
        streams[streamIndex].received = nil
        let head = streams[streamIndex].head
        switch streams[streamIndex].disposition {
        case .media(let kind):
            let flags = MediaPacket.Flags.classify(kind: kind, payload: streams[streamIndex].prefix)
            return .media(head, kind: kind, flags: flags)
        case .skip:
            return .skipped(head)
        case .keep:
            let body = streams[streamIndex].body.take()!
            let message = RTMPMessage(
                typeID: head.typeID, streamID: head.streamID, timestamp: head.timestamp,
                chunkStreamID: head.chunkStreamID, payload: body)
            try applyProtocolControl(message)
            return .message(message)
        }
    }

    /// Applies Set Chunk Size and Abort before the next chunk is read (RTMP 1.0 §5.4.1, §5.4.2).
    private mutating func applyProtocolControl(_ message: RTMPMessage) throws(LightChunkReaderError) {
        switch message.type {
        case .setChunkSize:
            guard let size = message.payload.getInteger(at: message.payload.readerIndex, as: UInt32.self),
                RTMPChunkSerializer.validChunkSizes.contains(Int(size))
            else { throw .invalidChunkSize(chunkStreamID: message.chunkStreamID) }
            chunkSize = Int(size)
        case .abort:
            guard let aborted = message.payload.getInteger(at: message.payload.readerIndex, as: UInt32.self) else {
                throw .malformedControlMessage(chunkStreamID: message.chunkStreamID)
            }
            if let index = streamIndex(for: aborted) { discardPartialMessage(streamIndex: index) }
        default:
            break
        }
    }

    private mutating func discardPartialMessage(streamIndex: Int) {
        streams[streamIndex].received = nil
        streams[streamIndex].body = nil
    }

    private mutating func streamIndex(for chunkStreamID: UInt32) -> Int? {
        if lastStreamIndex < streams.count, streams[lastStreamIndex].chunkStreamID == chunkStreamID {
            return lastStreamIndex
        }
        guard let index = streams.firstIndex(where: { $0.chunkStreamID == chunkStreamID }) else { return nil }
        lastStreamIndex = index
        return index
    }
}
