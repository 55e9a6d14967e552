/// How a vhost timestamps outgoing media (SRS `play { time_jitter }`).
public enum TimeJitter: String, Sendable, Hashable, CaseIterable {
    /// Start at zero and keep timestamps monotonic, correcting jumps.
    case full
    /// Start at zero, otherwise keep the publisher's deltas.
    case zero
    /// Pass the publisher's timestamps through unchanged.
    case off
}

/// Settings for players of a vhost: SRS's `vhost { play { } }` block.
public struct PlayConfiguration: Sendable, Hashable {
    /// Upper bound of `gopCacheMaxFrames`; SRS's 0 ("no limit") is refused because every buffer is bounded.
    public static let gopCacheMaxFramesRange: ClosedRange<Int> = 1...100_000
    /// Bounds of `gopCacheMaxBytes`: a few seconds of a high-bitrate stream at least, 1 GiB at most.
    public static let gopCacheMaxBytesRange: ClosedRange<Int> = (1 << 20)...(1 << 30)
    /// Bounds of `queueLength` in seconds.
    public static let queueLengthRange: ClosedRange<Int> = 1...3_600

    /// Whether the last GOP is kept so a new player starts at once (SRS `gop_cache`, default on).
    public var gopCache = true
    /// The most messages the GOP cache holds, audio and video together (SRS `gop_cache_max_frames`, 2500).
    public var gopCacheMaxFrames = 2_500
    /// The most media bytes the GOP cache holds (Headwater's `gop_cache_max_bytes`, 64 MiB); a GOP over
    /// it is not cached, so new players then wait for the next keyframe.
    public var gopCacheMaxBytes = 64 << 20
    /// How much media a player may lag behind before it is dropped to the next keyframe
    /// (SRS `queue_length` in seconds; default 30, SRS_PERF_PLAY_QUEUE).
    public var queueLength: Duration = .seconds(30)
    /// Timestamp correction (SRS `time_jitter`, default full).
    public var timeJitter: TimeJitter = .full
    /// Merged writes: a player's socket is flushed once per this much media (SRS `mw_latency`, 350 ms);
    /// 0 flushes after every message batch. The vhost's `min_latency on` turns merging off.
    public var mwLatency: Duration = .milliseconds(350)
    /// The fewest messages per merged write (SRS `mw_msgs`, 8).
    public var mwMessages = 8

    /// Bounds of `mw_latency` in milliseconds.
    public static let mwLatencyRange: ClosedRange<Int> = 0...10_000
    /// Bounds of `mw_msgs`.
    public static let mwMessagesRange: ClosedRange<Int> = 0...1_024

    /// Creates the SRS defaults.
    public init() {}
}

/// Settings for publishers of a vhost: SRS's `vhost { publish { } }` block.
public struct PublishConfiguration: Sendable, Hashable {
    /// Bounds of both timeouts in milliseconds.
    public static let timeoutRange: ClosedRange<Int> = 1...3_600_000

    /// How long a publisher may take to send its first media packet (SRS `firstpkt_timeout`, 20000 ms).
    public var firstPacketTimeout: Duration = .milliseconds(20_000)
    /// How long a publishing stream may stay silent afterwards (SRS `normal_timeout`, 5000 ms).
    public var normalTimeout: Duration = .milliseconds(5_000)

    /// Creates the SRS defaults.
    public init() {}
}
