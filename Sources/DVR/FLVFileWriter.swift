public import Media
public import NIOCore

/// Lays out one FLV file (FLV 10.1 §E.2–§E.5) without doing any I/O: the header, an `onMetaData`, the
/// sequence headers and then whole tags, appended to the caller's buffer; it counts what it wrote and
/// indexes keyframes so that the final `onMetaData` makes the file seekable.
///
/// The recorded file (`.tmp`) plays on its own from the first byte. When the recording ends,
/// ``finalHead()`` gives the FLV header and the complete `onMetaData` that replace the first
/// ``bodyOffset`` bytes: the final file is that head followed by the recorded bytes from
/// ``bodyOffset`` on, and every `filepositions` entry already accounts for the new head's size.
public struct FLVFileWriter: Sendable {
    /// The default bound of the keyframe index (about 1.8 MB of `onMetaData`).
    public static let defaultMaximumIndexedKeyframes = 100_000
    /// The value of `metadatacreator`.
    public static let creator = "Headwater"
    /// The most publisher metadata entries copied into the file, and the longest string kept.
    static let maximumPublisherProperties = 32
    static let maximumPublisherStringLength = 256

    let initialHeader: FLVHeader
    /// Publisher `onMetaData` entries carried over (encoder name and the like), scalars only.
    let publisherMetadata: [AMF0Property]
    /// The publisher's frame rate, used when the file's own timestamps cannot tell it.
    let publisherFrameRate: Double?
    public private(set) var statistics = FLVFileStatistics()
    public private(set) var keyframeIndex: FLVKeyframeIndex
    /// Bytes laid out so far: the size of the file being recorded.
    public private(set) var position = 0
    /// Where the tags after the initial `onMetaData` start.
    public private(set) var bodyOffset = 0

    /// - Parameters:
    ///   - hasVideo: Whether the stream is known to carry video (the header flag of the recorded file).
    ///   - hasAudio: Whether the stream is known to carry audio.
    ///   - publisherMetadata: The publisher's `onMetaData` entries; only scalars that the writer does not
    ///     compute itself are kept, and at most ``maximumPublisherProperties`` of them.
    ///   - maximumIndexedKeyframes: The bound of the keyframe index.
    public init(
        hasVideo: Bool, hasAudio: Bool, publisherMetadata: [AMF0Property] = [],
        maximumIndexedKeyframes: Int = FLVFileWriter.defaultMaximumIndexedKeyframes
    ) {
        self.initialHeader = FLVHeader(hasAudio: hasAudio, hasVideo: hasVideo)
        self.publisherMetadata = Self.carriedOver(publisherMetadata)
        self.publisherFrameRate = Self.announcedFrameRate(in: publisherMetadata)
        self.keyframeIndex = FLVKeyframeIndex(maximumCount: maximumIndexedKeyframes)
    }

    /// Lays out the start of the file: the FLV header, an `onMetaData` with what is known so far (no
    /// duration, so a player of a crashed recording measures the file instead) and the sequence headers.
    /// - Parameters:
    ///   - sequenceHeaders: The codec configuration tags; written at timestamp 0.
    ///   - buffer: Receives the bytes.
    public mutating func writeStart(sequenceHeaders: [MediaPacket], into buffer: inout ByteBuffer) {
        precondition(position == 0, "writeStart must come first")
        // What the sequence headers tell (codecs, picture size) goes into the first metadata already.
        var known = FLVFileStatistics()
        for header in sequenceHeaders { known.record(header, timestamp: 0, position: 0) }
        position += buffer.writeFLVHeader(initialHeader)
        position += Self.writeMetadataTag(initialProperties(known), into: &buffer)
        bodyOffset = position
        for header in sequenceHeaders {
            var packet = header
            packet.timestamp = 0
            write(packet, into: &buffer)
        }
    }

    /// Appends one tag for `packet`, whose `timestamp` is already the file's timestamp.
    /// - Parameters:
    ///   - packet: An audio, video or data packet; its payload is the tag body.
    ///   - buffer: Receives the tag header, body and PreviousTagSize.
    public mutating func write(_ packet: MediaPacket, into buffer: inout ByteBuffer) {
        let timestamp = max(0, packet.timestamp)
        statistics.record(packet, timestamp: timestamp, position: position)
        if packet.kind == .video && packet.isKeyframe && !packet.isSequenceHeader {
            keyframeIndex.append(time: timestamp, position: position)
        }
        let size = packet.payload.readableBytes
        position += buffer.writeFLVTagHeader(
            kind: packet.kind, timestamp: UInt32(truncatingIfNeeded: timestamp), dataSize: size)
        position += buffer.writeImmutableBuffer(packet.payload)
        position += buffer.writeFLVPreviousTagSize(dataSize: size)
    }

    /// The FLV header and complete `onMetaData` of the final file; the recorded bytes from
    /// ``bodyOffset`` on follow it unchanged.
    public func finalHead() -> ByteBuffer {
        // Every value in the metadata is a fixed-size number or boolean, so a first rendering with
        // placeholder offsets has the final length, which in turn fixes the offsets.
        let headLength = FLVHeader.encodedLength + Self.metadataTagLength(finalProperties(shift: 0, fileSize: 0))
        let shift = headLength - bodyOffset
        let fileSize = headLength + position - bodyOffset
        var buffer = ByteBufferAllocator().buffer(capacity: headLength)
        buffer.writeFLVHeader(finalHeader)
        Self.writeMetadataTag(finalProperties(shift: shift, fileSize: fileSize), into: &buffer)
        assert(buffer.readableBytes == headLength, "the metadata changed size")
        return buffer
    }

    /// The size of the final file: ``finalHead()`` plus the recorded bytes after ``bodyOffset``.
    public var finalFileSize: Int {
        FLVHeader.encodedLength + Self.metadataTagLength(finalProperties(shift: 0, fileSize: 0)) + position - bodyOffset
    }

    /// The header of the final file, flagging the kinds of tag it really holds.
    var finalHeader: FLVHeader {
        guard statistics.hasVideo || statistics.hasAudio else { return initialHeader }
        return FLVHeader(hasAudio: statistics.hasAudio, hasVideo: statistics.hasVideo)
    }

    // MARK: Metadata tags

    /// Writes a script data tag `onMetaData` with `properties` at timestamp 0.
    /// - Returns: The number of bytes written.
    @discardableResult
    static func writeMetadataTag(_ properties: [AMF0Property], into buffer: inout ByteBuffer) -> Int {
        var body = ByteBufferAllocator().buffer(capacity: 64 + properties.count * 24)
        body.writeAMF0Value(.string(FLVMetadataKey.onMetaData))
        body.writeAMF0Value(.ecmaArray(properties))
        let size = body.readableBytes
        return buffer.writeFLVTagHeader(kind: .data, timestamp: 0, dataSize: size)
            + buffer.writeImmutableBuffer(body)
            + buffer.writeFLVPreviousTagSize(dataSize: size)
    }

    static func metadataTagLength(_ properties: [AMF0Property]) -> Int {
        var scratch = ByteBuffer()
        return writeMetadataTag(properties, into: &scratch)
    }

    private static func carriedOver(_ properties: [AMF0Property]) -> [AMF0Property] {
        var kept: [AMF0Property] = []
        for property in properties where !FLVMetadataKey.computed.contains(property.key) {
            guard kept.count < maximumPublisherProperties, !kept.contains(where: { $0.key == property.key }) else {
                continue
            }
            switch property.value {
            case .number, .boolean:
                kept.append(property)
            case .string(let text) where text.utf8.count <= maximumPublisherStringLength:
                kept.append(property)
            default:
                continue
            }
        }
        return kept
    }
}
