import Media

/// An ingest's output clock: one continuous millisecond timeline across file loops and input
/// reconnects, whose source clocks each restart.
///
/// Each segment (one pass over a file, one connection) is laid after the previous one: its first
/// packet lands one frame after the latest timestamp sent, so the output never goes back.
struct IngestTimeline {
    /// The frame spacing assumed before one has been seen (25 fps).
    static let defaultFrameDuration: Int64 = 40
    /// Deltas above this are gaps, not frame spacing.
    static let maximumFrameDuration: Int64 = 1_000

    /// Output timestamp of the current segment's first packet.
    private var offset: Int64 = 0
    /// Source timestamp of the current segment's first packet; `nil` before it.
    private var origin: Int64?
    /// The greatest output timestamp so far.
    private(set) var latest: Int64?
    private var lastSource: [MediaKind: Int64] = [:]
    private var frameDuration: [MediaKind: Int64] = [:]

    /// Starts a new segment: the next packet's source clock restarts.
    mutating func startSegment() {
        guard origin != nil else { return }
        origin = nil
        lastSource = [:]
        if let latest { offset = latest + (frameDuration[.video] ?? frameDuration[.audio] ?? Self.defaultFrameDuration) }
    }

    /// `packet` with its timestamp moved from the segment's source clock to the output's.
    mutating func map(_ packet: MediaPacket) -> MediaPacket {
        var packet = packet
        let source = packet.timestamp
        if origin == nil { origin = source }
        if !packet.isSequenceHeader, packet.kind != .data {
            if let previous = lastSource[packet.kind], case let delta = source - previous,
                delta > 0, delta <= Self.maximumFrameDuration
            {
                frameDuration[packet.kind] = delta
            }
            lastSource[packet.kind] = source
        }
        // A packet earlier than the segment's first (audio ahead of video) still lands inside it.
        packet.timestamp = offset + max(0, source - origin!)
        latest = max(latest ?? packet.timestamp, packet.timestamp)
        return packet
    }
}

/// Real-time pacing of a file: how long to wait before sending the packet stamped `timestamp` so the
/// output runs at wall-clock speed (ffmpeg's `-re`).
struct IngestPacer {
    /// A wait longer than this is a jump in the file's timestamps, not pacing: restart the clock.
    static let maximumWait: Int64 = 2_000_000_000
    /// Being this far behind (a stalled thread) restarts the clock instead of sending a burst.
    static let maximumLag: Int64 = 1_000_000_000

    private var startNanoseconds: UInt64 = 0
    private var firstTimestamp: Int64?

    /// Nanoseconds to wait, given the monotonic time `now` in nanoseconds.
    mutating func delay(for timestamp: Int64, now: UInt64) -> UInt64 {
        guard let firstTimestamp else {
            restart(timestamp, now: now)
            return 0
        }
        let due = Int64(bitPattern: startNanoseconds) + (timestamp - firstTimestamp) * 1_000_000
        let wait = due - Int64(bitPattern: now)
        if wait > Self.maximumWait || wait < -Self.maximumLag {
            restart(timestamp, now: now)
            return 0
        }
        return wait > 0 ? UInt64(wait) : 0
    }

    private mutating func restart(_ timestamp: Int64, now: UInt64) {
        startNanoseconds = now
        firstTimestamp = timestamp
    }
}

/// The wait before reconnecting an input: 0.5 s doubling to 8 s, back to 0.5 s once a connection
/// has lasted a minute.
struct IngestBackoff {
    static let initial: Duration = .milliseconds(500)
    static let maximum: Duration = .seconds(8)
    static let resetAfter: Duration = .seconds(60)

    private var next = Self.initial

    /// The wait after a failure, given how long the input had been running (`.zero` if it never opened).
    mutating func delay(afterRunningFor uptime: Duration) -> Duration {
        if uptime >= Self.resetAfter { next = Self.initial }
        defer { next = min(next * 2, Self.maximum) }
        return next
    }
}
