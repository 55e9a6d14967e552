import Media
import NIOCore

/// A publisher's packets, in timestamp order, with the payload bytes handed out so far.
protocol PacketSource: AnyObject {
    /// Packets in one GOP: what the harness publishes before measuring.
    var gopPackets: Int { get }
    /// Packets per second of media, to bound how many a merged-writes span holds.
    var packetsPerSecond: Int { get }
    /// The payload bytes of every packet `next()` has returned.
    var payloadBytes: Int { get }
    func next() -> MediaPacket
}

/// 64 KiB video frames at 30 fps with a keyframe every 2 s, all sharing one payload buffer
/// (as the GOP cache and every player share a packet's payload).
final class VideoSource: PacketSource {
    static let frameSize = 64 * 1024
    static let frameDuration: Int64 = 33
    static let gopLength = 60

    private let keyframe: ByteBuffer
    private let interframe: ByteBuffer
    private var index = 0
    private(set) var payloadBytes = 0

    init() {
        keyframe = AVCPayload.make(frameType: AVCPayload.keyframe, size: Self.frameSize)
        interframe = AVCPayload.make(frameType: AVCPayload.interframe, size: Self.frameSize)
    }

    var gopPackets: Int { Self.gopLength }
    var packetsPerSecond: Int { Int(1000 / Self.frameDuration) + 1 }

    func next() -> MediaPacket {
        defer { index += 1 }
        let isKey = index % Self.gopLength == 0
        let payload = isKey ? keyframe : interframe
        payloadBytes += payload.readableBytes
        return MediaPacket(
            kind: .video, timestamp: Int64(index) * Self.frameDuration,
            flags: isKey ? [.keyframe] : [], payload: payload)
    }
}

/// A small live stream as an encoder sends it: 1,500-byte video frames at 30 fps (keyframe every 2 s)
/// interleaved in timestamp order with 372-byte AAC frames (1,024 samples at 48 kHz, 21.3 ms apart).
final class MediaMixSource: PacketSource {
    static let videoFrameSize = 1_500
    static let audioFrameSize = 372
    static let gopLength = 60
    /// Frame durations as fractions of a millisecond, so the timestamps do not drift: 1000/30 and 1024000/48000.
    private static let videoDuration = (numerator: Int64(1_000), denominator: Int64(30))
    private static let audioDuration = (numerator: Int64(1_024_000), denominator: Int64(48_000))

    private let keyframe: ByteBuffer
    private let interframe: ByteBuffer
    private let audio: ByteBuffer
    private var videoIndex: Int64 = 0
    private var audioIndex: Int64 = 0
    private(set) var payloadBytes = 0

    init() {
        keyframe = AVCPayload.make(frameType: AVCPayload.keyframe, size: Self.videoFrameSize)
        interframe = AVCPayload.make(frameType: AVCPayload.interframe, size: Self.videoFrameSize)
        var audio = ByteBufferAllocator().buffer(capacity: Self.audioFrameSize)
        // AAC, 44 kHz flag, 16-bit, stereo; AACPacketType 1 (raw frame), FLV spec §E.4.2.1.
        audio.writeInteger(UInt8(0xAF))
        audio.writeInteger(UInt8(1))
        audio.writeRepeatingByte(0x5A, count: Self.audioFrameSize - 2)
        self.audio = audio
    }

    /// Two seconds of both tracks.
    var gopPackets: Int { Self.gopLength + 94 }
    var packetsPerSecond: Int { 30 + 47 }  // 46.9 AAC frames, rounded up

    func next() -> MediaPacket {
        let videoTime = videoIndex * Self.videoDuration.numerator / Self.videoDuration.denominator
        let audioTime = audioIndex * Self.audioDuration.numerator / Self.audioDuration.denominator
        let packet: MediaPacket
        if audioTime < videoTime {
            packet = MediaPacket(kind: .audio, timestamp: audioTime, flags: [], payload: audio)
            audioIndex += 1
        } else {
            let isKey = videoIndex % Int64(Self.gopLength) == 0
            packet = MediaPacket(
                kind: .video, timestamp: videoTime, flags: isKey ? [.keyframe] : [],
                payload: isKey ? keyframe : interframe)
            videoIndex += 1
        }
        payloadBytes += packet.payload.readableBytes
        return packet
    }
}

/// AVC video tag bodies: frame type and codec id, NALU packet type, composition time 0, then filler
/// standing in for the NAL units (FLV spec §E.4.3.1).
enum AVCPayload {
    static let keyframe: UInt8 = 0x17
    static let interframe: UInt8 = 0x27
    private static let naluPacketType: UInt8 = 1

    static func make(frameType: UInt8, size: Int) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeInteger(frameType)
        buffer.writeInteger(naluPacketType)
        buffer.writeRepeatingByte(0, count: 3)
        buffer.writeRepeatingByte(0xA5, count: size - 5)
        return buffer
    }
}
