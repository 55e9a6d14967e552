public import Live
public import Media
public import NIOCore

/// The encodings of media for HTTP-FLV players, built once per message and shared by every player.
///
/// Each message becomes one FLV tag: the 11-byte header, the payload and the PreviousTagSize (FLV 10.1
/// §E.3). For HTTP/1.1 the tag is already framed as one chunk (`hex-size CRLF tag CRLF`, RFC 9112 §7.1),
/// so a player writes the shared buffer below the HTTP encoder without any per-player work.
public enum HTTPFLVFormat {
    /// FLV tags framed as HTTP/1.1 chunks.
    public static let chunked = LiveFormat(name: "flv-chunked") { (packet: MediaPacket, buffer: inout ByteBuffer) in
        writeChunk(into: &buffer, length: tagLength(packet)) { writeTag(packet, into: &$0) }
    }

    /// Bare FLV tags, for HTTP/1.0 clients, whose response ends when the connection closes.
    public static let raw = LiveFormat(name: "flv") { (packet: MediaPacket, buffer: inout ByteBuffer) in
        buffer.reserveCapacity(buffer.writerIndex + tagLength(packet))
        writeTag(packet, into: &buffer)
    }

    /// The FLV file header and PreviousTagSize0 (FLV 10.1 §E.2), the first bytes of every response body.
    /// - Parameter chunked: Whether to frame it as an HTTP/1.1 chunk.
    public static func header(hasAudio: Bool, hasVideo: Bool, chunked: Bool) -> ByteBuffer {
        let header = FLVHeader(hasAudio: hasAudio, hasVideo: hasVideo)
        var buffer = ByteBuffer()
        if chunked {
            writeChunk(into: &buffer, length: FLVHeader.encodedLength) { $0.writeFLVHeader(header) }
        } else {
            buffer.writeFLVHeader(header)
        }
        return buffer
    }

    /// The bytes of one tag with its PreviousTagSize.
    static func tagLength(_ packet: MediaPacket) -> Int {
        FLVTag.headerLength + packet.payload.readableBytes + FLVTag.previousTagSizeLength
    }

    private static func writeTag(_ packet: MediaPacket, into buffer: inout ByteBuffer) {
        let size = packet.payload.readableBytes
        // FLV timestamps are 32-bit milliseconds; the stream's clock is wider and wraps here as RTMP's does.
        buffer.writeFLVTagHeader(kind: packet.kind, timestamp: UInt32(truncatingIfNeeded: packet.timestamp), dataSize: size)
        buffer.writeImmutableBuffer(packet.payload)
        buffer.writeFLVPreviousTagSize(dataSize: size)
    }

    private static let crlf: (UInt8, UInt8) = (UInt8(ascii: "\r"), UInt8(ascii: "\n"))
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes `length` bytes produced by `body` as one chunk (RFC 9112 §7.1): the size in hex, CRLF,
    /// the data, CRLF. The size is written without a String per message.
    private static func writeChunk(into buffer: inout ByteBuffer, length: Int, body: (inout ByteBuffer) -> Void) {
        precondition(length > 0, "an empty chunk would end the response")
        var digits = 1
        while length >> (4 * digits) != 0 { digits += 1 }
        buffer.reserveCapacity(buffer.writerIndex + digits + 4 + length)
        for index in stride(from: digits - 1, through: 0, by: -1) {
            buffer.writeInteger(hexDigits[(length >> (4 * index)) & 0xF])
        }
        buffer.writeMultipleIntegers(crlf.0, crlf.1)
        let start = buffer.writerIndex
        body(&buffer)
        assert(buffer.writerIndex - start == length, "chunk length does not match its data")
        buffer.writeMultipleIntegers(crlf.0, crlf.1)
    }
}
