import DequeModule
import Media
import NIOCore

/// The bounded queue between a source stream's loop and an engine's thread (no lock here; the engine
/// holds one). When full it drops everything queued and then the input up to the next video key frame,
/// keeping the latest sequence headers, so an engine that falls behind never slows the source.
struct TranscodeInputQueue {
    /// About 2 s of a typical stream.
    static let defaultPacketLimit = 200
    static let defaultByteLimit = 4 << 20

    let packetLimit: Int
    let byteLimit: Int
    private(set) var packets: Deque<MediaPacket> = []
    private(set) var bytes = 0
    /// Set while input is dropped until a video key frame.
    private(set) var isDropping = false
    private var sawVideo = false
    private var videoHeader: MediaPacket?
    private var audioHeader: MediaPacket?

    init(packetLimit: Int = Self.defaultPacketLimit, byteLimit: Int = Self.defaultByteLimit) {
        self.packetLimit = packetLimit
        self.byteLimit = byteLimit
    }

    var isEmpty: Bool { packets.isEmpty }

    /// Queues `packet`. Returns how many packets were dropped (queued ones and this one).
    @discardableResult
    mutating func push(_ packet: MediaPacket) -> Int {
        if packet.kind == .video { sawVideo = true }
        if packet.isSequenceHeader {
            if packet.kind == .video { videoHeader = packet } else if packet.kind == .audio { audioHeader = packet }
            append(packet)
            return 0
        }
        var dropped = 0
        if isDropping {
            let resumes = packet.isKeyframe || (!sawVideo && packet.kind == .audio)
            guard resumes else { return 1 }
            isDropping = false
        }
        if packets.count >= packetLimit || bytes + packet.payload.readableBytes > byteLimit {
            dropped = packets.count
            packets.removeAll()
            bytes = 0
            // The consumer may not have seen the latest headers yet: they are kept.
            if let videoHeader { append(videoHeader) }
            if let audioHeader { append(audioHeader) }
            if !packet.isKeyframe && (sawVideo || packet.kind != .audio) {
                isDropping = true
                return dropped + 1
            }
        }
        append(packet)
        return dropped
    }

    /// Takes everything queued.
    mutating func takeAll() -> [MediaPacket] {
        let taken = Array(packets)
        packets.removeAll(keepingCapacity: true)
        bytes = 0
        return taken
    }

    /// The latest sequence headers, for a restarted pipeline.
    var sequenceHeaders: [MediaPacket] { [videoHeader, audioHeader].compactMap { $0 } }

    private mutating func append(_ packet: MediaPacket) {
        packets.append(packet)
        bytes += packet.payload.readableBytes
    }
}
