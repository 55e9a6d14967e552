public import Media

/// Decides which packets an upstream publish sends: it caches the last metadata and sequence headers,
/// resends them first after every (re)connect, and drops media until the next video keyframe after a
/// (re)connect or while the socket is not writable, so an origin or forward destination only ever sees
/// decodable video and the local stream is never held up (audio-only streams wait for no keyframe).
public struct PushMediaStateMachine: Sendable {
    /// The last `onMetaData`.
    public private(set) var metadata: MediaPacket?
    /// The last AAC AudioSpecificConfig (or another audio codec's header).
    public private(set) var audioHeader: MediaPacket?
    /// The last AVC/HEVC decoder configuration record.
    public private(set) var videoHeader: MediaPacket?
    /// Whether the stream has video (then media waits for keyframes).
    public private(set) var hasVideo = false
    /// Whether the upstream accepted the publish and media may go.
    public private(set) var isConnected = false
    /// Whether media is held back until the next video keyframe.
    public private(set) var awaitsKeyframe = true
    /// Media dropped while connected: waiting for a keyframe, or not writable.
    public private(set) var droppedPackets = 0

    /// Cached headers still to be sent before the next media packet (after a reconnect).
    private var resend: (metadata: Bool, video: Bool, audio: Bool) = (false, false, false)

    public init() {}

    /// The upstream accepted the publish: cached headers go out before the first media, which waits for a
    /// keyframe.
    public mutating func connected() {
        isConnected = true
        awaitsKeyframe = true
        resend = (metadata != nil, videoHeader != nil, audioHeader != nil)
    }

    /// The upstream is gone: nothing is sent until `connected()`, but headers are still cached.
    public mutating func disconnected() {
        isConnected = false
    }

    /// One packet from the stream, in order.
    /// - Parameter writable: whether the socket takes more now.
    /// - Returns: what to send now, in order (cached headers first after a reconnect); empty to drop.
    public mutating func admit(_ packet: MediaPacket, writable: Bool) -> [MediaPacket] {
        if packet.kind == .data {
            if packet.flags.contains(.metadata) {
                metadata = packet
                if isConnected { resend.metadata = false }
            }
            return isConnected ? [packet] : []
        }
        if packet.kind == .video { hasVideo = true }
        if packet.isSequenceHeader {
            // Small, and a decoder needs them: they go even while congested.
            if packet.kind == .video {
                videoHeader = packet
                if isConnected { resend.video = false }
            } else {
                audioHeader = packet
                if isConnected { resend.audio = false }
            }
            return isConnected ? [packet] : []
        }
        guard isConnected else { return [] }
        guard writable else {
            droppedPackets += 1
            awaitsKeyframe = true
            return []
        }
        if awaitsKeyframe {
            if packet.kind == .video && packet.isKeyframe {
                awaitsKeyframe = false
            } else if packet.kind == .video || hasVideo {
                droppedPackets += 1
                return []
            }
        }
        return pendingHeaders(at: packet.timestamp) + [packet]
    }

    /// The cached headers not yet sent since the last connect, stamped `timestamp` so the upstream sees no
    /// jump backwards.
    private mutating func pendingHeaders(at timestamp: Int64) -> [MediaPacket] {
        var out: [MediaPacket] = []
        if resend.metadata, var packet = metadata {
            packet.timestamp = timestamp
            out.append(packet)
        }
        if resend.video, var packet = videoHeader {
            packet.timestamp = timestamp
            out.append(packet)
        }
        if resend.audio, var packet = audioHeader {
            packet.timestamp = timestamp
            out.append(packet)
        }
        resend = (false, false, false)
        return out
    }
}
