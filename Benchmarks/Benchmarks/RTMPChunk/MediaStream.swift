import NIOCore
import RTMP

/// A publisher's media as it arrives on the wire: Set Chunk Size, then groups of one 64 KiB
/// video message and three AAC frames, timestamped as 30 fps video with 48 kHz audio.
///
/// Messages are written whole, one after another, as ffmpeg and librtmp send them; the chunk
/// headers are type 0 then type 3, as ``RTMPChunkEncoder`` writes them.
struct MediaStream {
    static let videoSize = 64 * 1024
    /// A typical AAC-LC frame at 128 kbit/s, plus the 2-byte FLV audio tag header.
    static let audioSize = 2 + 370
    static let messagesPerGroup = 4

    let chunkSize: Int
    /// The media messages, without the leading Set Chunk Size.
    let messages: [RTMPMessage]
    /// Set Chunk Size followed by every message, chunked.
    let wire: ByteBuffer

    init(chunkSize: Int, messageCount: Int) throws {
        precondition(messageCount % Self.messagesPerGroup == 0, "whole groups only")
        self.chunkSize = chunkSize
        let video = Self.payload(header: [0x27, 0x01, 0, 0, 0], size: Self.videoSize)
        let audio = Self.payload(header: [0xAF, 0x01], size: Self.audioSize)
        var messages: [RTMPMessage] = []
        messages.reserveCapacity(messageCount)
        for group in 0..<(messageCount / Self.messagesPerGroup) {
            let videoTime = UInt32(group) * 33
            messages.append(RTMPMessage(type: .video, streamID: 1, timestamp: videoTime, payload: video))
            for frame in 0..<3 {
                // 1024 samples at 48 kHz: 21.3 ms per AAC frame.
                let audioTime = UInt32((group * 3 + frame) * 1024 / 48)
                messages.append(RTMPMessage(type: .audio, streamID: 1, timestamp: audioTime, payload: audio))
            }
        }
        self.messages = messages

        let encoder = RTMPChunkEncoder()
        var wire = ByteBuffer()
        try encoder.encode(data: Self.setChunkSize(chunkSize), out: &wire)
        for message in messages {
            try encoder.encode(data: message, out: &wire)
        }
        self.wire = wire
    }

    /// The wire bytes cut into socket reads of `readSize` bytes (slices, no copies).
    func reads(of readSize: Int) -> [ByteBuffer] {
        stride(from: wire.readerIndex, to: wire.writerIndex, by: readSize).map { start in
            wire.getSlice(at: start, length: min(readSize, wire.writerIndex - start))!
        }
    }

    static func setChunkSize(_ size: Int) -> RTMPMessage {
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(size))
        return RTMPMessage(type: .setChunkSize, streamID: 0, payload: payload)
    }

    private static func payload(header: [UInt8], size: Int) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeBytes(header)
        buffer.writeRepeatingByte(0x5A, count: size - header.count)
        return buffer
    }
}
