/// How a stream fixes publisher timestamps (SRS `play.time_jitter`).
public enum TimeJitter: String, Sendable, Hashable {
    /// Per track: replace a jump (backwards, or forwards by more than a frame's allowance) with a small
    /// step, so every consumer sees a monotonic clock that keeps going across republishes.
    case full
    /// Shift the clock so the stream starts at zero; otherwise as received (32-bit wrap undone).
    case zero
    /// As received (32-bit wrap undone).
    case off
}

/// The per-stream policy captured when a stream is created or (re)published.
public struct LiveStreamConfiguration: Sendable, Hashable {
    /// Cache the current GOP so a new player starts at the last keyframe (SRS `play.gop_cache`).
    public var gopCache: Bool
    /// Upper bound on cached packets (SRS `play.gop_cache_max_frames`).
    public var gopCacheMaxFrames: Int
    /// Upper bound on cached payload bytes; a GOP beyond it is dropped rather than kept partially.
    public var gopCacheMaxBytes: Int
    /// Seconds of media a player may lag before it is dropped to the next keyframe (SRS `play.queue_length`).
    public var queueLength: Double
    public var timeJitter: TimeJitter
    /// How players flush (SRS `play.mw_latency`, `play.mw_msgs`; off with `min_latency on`).
    public var mergedWrites: LiveMergedWrites

    public init(
        gopCache: Bool = true,
        gopCacheMaxFrames: Int = 2500,
        gopCacheMaxBytes: Int = 64 << 20,
        queueLength: Double = 10,
        timeJitter: TimeJitter = .full,
        mergedWrites: LiveMergedWrites = .off
    ) {
        self.mergedWrites = mergedWrites
        self.gopCache = gopCache
        self.gopCacheMaxFrames = gopCacheMaxFrames
        self.gopCacheMaxBytes = gopCacheMaxBytes
        self.queueLength = queueLength
        self.timeJitter = timeJitter
    }
}
