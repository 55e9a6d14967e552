public import Media
public import NIOCore

/// Keeps what an edge's players see continuous while the edge moves from one upstream connection to another
/// within one local publish: timestamps keep increasing, and sequence headers and metadata are passed on
/// only when they differ from what the players already have.
///
/// Each upstream connection starts its own timeline (another origin, or the same one after a reconnect, has
/// other timestamps and replays its GOP cache). The first frame of a new connection is placed where the
/// previous connection's last packet was plus the wall-clock time that passed, and the rest of that
/// connection follows with the same offset.
public struct EdgeTimeline: Sendable {
    /// The offset of the current connection, once its first frame arrived.
    private var offset: Int64?
    /// The largest timestamp handed to the players, and when.
    private var lastTimestamp: Int64?
    private var lastWallTime: NIODeadline?
    private var metadata: ByteBuffer?
    private var videoHeader: ByteBuffer?
    private var audioHeader: ByteBuffer?

    public init() {}

    /// A new upstream connection starts (failover or reconnect): its timestamps are rebased from its first frame.
    public mutating func connectionDidChange() {
        offset = nil
    }

    /// A new local publish starts (the origin's stream was republished): players start afresh.
    public mutating func publishDidRestart() {
        self = EdgeTimeline()
    }

    /// The packet as players must get it, or `nil` when it repeats what they already have.
    /// - Parameter packet: with the upstream's raw 32-bit timestamp.
    public mutating func place(_ packet: MediaPacket, now: NIODeadline) -> MediaPacket? {
        if packet.flags.contains(.metadata) {
            guard packet.payload != metadata else { return nil }
            metadata = packet.payload
            return restamped(packet, to: lastTimestamp ?? packet.timestamp)
        }
        if packet.isSequenceHeader {
            switch packet.kind {
            case .video:
                guard packet.payload != videoHeader else { return nil }
                videoHeader = packet.payload
            case .audio:
                guard packet.payload != audioHeader else { return nil }
                audioHeader = packet.payload
            case .data:
                break
            }
            // Before the connection's first frame its offset is unknown: a changed header goes out at the
            // current end of the timeline, which never moves it backwards.
            guard let offset else { return restamped(packet, to: lastTimestamp ?? packet.timestamp) }
            return advance(packet, to: packet.timestamp + offset, now: now)
        }
        // Other data messages carry no clock of their own (the hub stamps them with the stream's time).
        if packet.kind == .data { return restamped(packet, to: lastTimestamp ?? packet.timestamp) }
        let raw = packet.timestamp
        let offset =
            self.offset
            ?? {
                guard let lastTimestamp, let lastWallTime else { return 0 }
                let gap = max(1, (now - lastWallTime).nanoseconds / 1_000_000)
                return lastTimestamp + gap - raw
            }()
        self.offset = offset
        return advance(packet, to: raw + offset, now: now)
    }

    private mutating func advance(_ packet: MediaPacket, to timestamp: Int64, now: NIODeadline) -> MediaPacket {
        if timestamp >= lastTimestamp ?? .min {
            lastTimestamp = timestamp
            lastWallTime = now
        }
        return restamped(packet, to: timestamp)
    }

    /// The hub reads 32-bit RTMP timestamps and unwraps them itself.
    private func restamped(_ packet: MediaPacket, to timestamp: Int64) -> MediaPacket {
        var packet = packet
        packet.timestamp = Int64(UInt32(truncatingIfNeeded: timestamp))
        return packet
    }
}
