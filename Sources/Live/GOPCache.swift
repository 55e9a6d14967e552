import DequeModule
import Media
import NIOCore

/// The packets since the last video keyframe, so a new player starts decoding at once.
///
/// Bounded by frame count and bytes: a GOP that outgrows either bound is dropped whole (a
/// partial GOP cannot be decoded). Streams without video keep a short tail of audio instead.
struct GOPCache {
    static let audioOnlyFrames = 64

    private(set) var entries: Deque<EncodedPacket> = []
    private var bytes = 0
    private var hasVideo = false
    private var startsWithKeyframe = false
    var maxFrames: Int
    var maxBytes: Int

    init(maxFrames: Int, maxBytes: Int) {
        self.maxFrames = maxFrames
        self.maxBytes = maxBytes
    }

    var count: Int { entries.count }

    mutating func append(_ entry: EncodedPacket) {
        let packet = entry.packet
        if packet.kind == .video && packet.isKeyframe {
            clear()
            hasVideo = true
            startsWithKeyframe = true
        } else if hasVideo {
            // After an overflow only the next keyframe restarts the cache: a GOP that does not
            // begin with one decodes as grey or smeared video.
            guard startsWithKeyframe else { return }
        } else if packet.kind == .video {
            return  // no keyframe seen yet: an inter frame is useless to a new player
        } else if entries.count >= Self.audioOnlyFrames {
            bytes -= entries.removeFirst().packet.payload.readableBytes
        }
        if hasVideo && (entries.count >= maxFrames || bytes + packet.payload.readableBytes > maxBytes) {
            clear()
            startsWithKeyframe = false
            return
        }
        entries.append(entry)
        bytes += packet.payload.readableBytes
    }

    mutating func clear() {
        entries.removeAll(keepingCapacity: true)
        bytes = 0
    }

    mutating func reset() {
        clear()
        hasVideo = false
        startsWithKeyframe = false
    }

    /// Fills in the encoding of `slot` for every cached packet that lacks it.
    mutating func encodeAll(slot: Int, format: LiveFormat) {
        for index in entries.indices where entries[index][slot] == nil {
            _ = entries[index].encoded(slot: slot, format: format)
        }
    }
}
