public import Media
public import NIOCore

/// What the tool keeps per player: counters and a few instants, no media. Lives in a
/// ``PlayerShard`` and is touched only on that shard's event loop.
public struct PlayerState: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        case connecting
        case playing
        /// Refused, or the connection or handshake failed, before playing.
        case failed
        /// Closed after playing.
        case closed
    }

    public private(set) var phase: Phase = .connecting
    public let startedAt: NIODeadline
    /// Raw bytes read from the socket.
    public private(set) var bytes = 0
    public private(set) var firstVideoAt: NIODeadline?
    public private(set) var lastMediaAt: NIODeadline?
    public private(set) var endedAt: NIODeadline?
    /// Whether the player went without media for the stall interval while the publisher was live.
    public private(set) var stalled = false
    /// The timestamp of the first video keyframe (not a sequence header), where frame counting starts.
    public private(set) var firstKeyTimestamp: UInt32?
    /// Video frames (not sequence headers) from the first keyframe on.
    public private(set) var framesReceived = 0
    /// Whether a second keyframe arrived: frames from then on are live, not the GOP cache's burst
    /// at join (whose latency is the cached GOP's age, not the server's delay).
    public private(set) var isPastJoinGOP = false
    /// Whether the player stopped parsing after its first video frame (`--parse-every`): its frame
    /// counts stop there and are left out of the report; bytes stand for media in the stall check.
    public private(set) var countsBytesOnly = false
    /// Set by an unpublish notice; a gap that spans one is the publisher's, not a stall.
    private var unpublishedSinceMedia = false

    public init(startedAt: NIODeadline) {
        self.startedAt = startedAt
    }

    private var reachedPlaying = false

    public mutating func received(bytes count: Int) {
        bytes += count
    }

    public mutating func startedPlaying() {
        guard phase == .connecting else { return }
        phase = .playing
        reachedPlaying = true
    }

    /// The connection ended: a failure before playing, a close after.
    public mutating func ended(at now: NIODeadline) {
        switch phase {
        case .connecting: phase = .failed
        case .playing: phase = .closed
        case .failed, .closed: return
        }
        endedAt = now
    }

    /// A stall seen by the client itself (an HLS client that found no new segment in time).
    public mutating func markStalled() {
        stalled = true
    }

    public mutating func upstreamUnpublished() {
        unpublishedSinceMedia = true
    }

    /// Records one media message.
    /// - Returns: whether it is a video frame (not a sequence header), the ones latency is taken on.
    @discardableResult
    public mutating func media(
        kind: MediaKind, timestamp: UInt32, flags: MediaPacket.Flags, at now: NIODeadline, stallAfter: TimeAmount
    ) -> Bool {
        if let last = lastMediaAt, !unpublishedSinceMedia, now - last > stallAfter { stalled = true }
        lastMediaAt = now
        unpublishedSinceMedia = false
        guard kind == .video, !flags.contains(.sequenceHeader) else { return false }
        if firstVideoAt == nil { firstVideoAt = now }
        if firstKeyTimestamp != nil {
            framesReceived += 1
            if flags.contains(.keyframe) { isPastJoinGOP = true }
        } else if flags.contains(.keyframe) {
            firstKeyTimestamp = timestamp
            framesReceived = 1
        }
        return true
    }

    public mutating func countBytesOnly() {
        countsBytesOnly = true
    }

    /// Bytes arrived at a player that counts bytes only: they stand for media.
    public mutating func bytesArrived(at now: NIODeadline, stallAfter: TimeAmount) {
        if let last = lastMediaAt, !unpublishedSinceMedia, now - last > stallAfter { stalled = true }
        lastMediaAt = now
        unpublishedSinceMedia = false
    }

    /// Marks an ongoing stall (no media for `stallAfter` while the publisher is live).
    public mutating func checkStall(at now: NIODeadline, publisherLive: Bool, stallAfter: TimeAmount) {
        guard phase == .playing, publisherLive, !unpublishedSinceMedia else { return }
        let since = lastMediaAt ?? startedAt
        if now - since > stallAfter, lastMediaAt != nil { stalled = true }
    }

    /// Received kilobits per second from the connect start to the end (or `now`).
    public func kilobitsPerSecond(at now: NIODeadline) -> Double? {
        guard reachedPlaying else { return nil }
        let elapsed = Double(((endedAt ?? now) - startedAt).nanoseconds) / 1e9
        guard elapsed > 0 else { return nil }
        return Double(bytes) * 8 / 1000 / elapsed
    }

    /// Connect start to the first video frame, in milliseconds.
    public var timeToFirstFrameMilliseconds: Double? {
        firstVideoAt.map { Double(($0 - startedAt).nanoseconds) / 1e6 }
    }

    public var everPlayed: Bool { reachedPlaying }
}
