public import NIOCore

/// Decodes an FLV byte stream (a file, or an HTTP-FLV response body) into tags: the header first,
/// then tags with their PreviousTagSize checked (FLV 10.1 §E.2–§E.4).
///
/// Run it over any byte source with `NIOSingleStepByteToMessageProcessor`, or in a pipeline with
/// `ByteToMessageHandler`. Each emitted tag owns a right-sized copy of its body, so keeping tags
/// (a GOP cache) never pins the larger read buffers they arrived in.
public struct FLVTagDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = FLVTag

    public struct Configuration: Sendable, Hashable {
        /// Whether the stream starts with the FLV header; `false` for a bare sequence of tags.
        public var expectsHeader: Bool
        /// The largest tag body accepted; bigger tags fail with ``FLVDecodingError/tagTooLarge``.
        public var maximumTagDataSize: Int

        /// - Parameters:
        ///   - expectsHeader: Whether the stream starts with the FLV header.
        ///   - maximumTagDataSize: The largest tag body accepted, at most ``FLVTag/maximumDataSize``.
        public init(expectsHeader: Bool = true, maximumTagDataSize: Int = 8 << 20) {
            self.expectsHeader = expectsHeader
            self.maximumTagDataSize = min(maximumTagDataSize, FLVTag.maximumDataSize)
        }
    }

    public let configuration: Configuration
    /// The header, once decoded.
    public private(set) var header: FLVHeader?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> FLVTag? {
        if configuration.expectsHeader, header == nil {
            guard let header = try buffer.readFLVHeader() else { return nil }
            self.header = header
        }
        guard let tag = try buffer.readFLVTag(maximumDataSize: configuration.maximumTagDataSize) else { return nil }
        var owned = ByteBufferAllocator().buffer(capacity: tag.data.readableBytes)
        owned.writeImmutableBuffer(tag.data)
        return FLVTag(kind: tag.kind, timestamp: tag.timestamp, data: owned)
    }

    /// Decodes what remains at the end of the stream.
    ///
    /// - Throws: ``FLVDecodingError/truncated`` when the stream ends inside a tag (as a file does
    ///   after a crash while recording); all complete tags before it have been returned already.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FLVTag? {
        if let tag = try decode(buffer: &buffer) { return tag }
        if seenEOF, buffer.readableBytes > 0 {
            throw FLVDecodingError.truncated(remaining: buffer.readableBytes)
        }
        return nil
    }
}
