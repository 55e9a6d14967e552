public import Config
public import Media

/// Maps the live stream's timestamps onto one file's timestamps, per the DVR `time_jitter`.
///
/// The stream's clock is already corrected per vhost (`play.time_jitter`), so here `full` and `zero`
/// only re-base each file to start at 0 (FLV players expect it, and a segment must play alone), and
/// `full` also keeps every track monotonic, as FLV demuxers require of DTS.
public struct DVRTimeline: Sendable, Hashable {
    public let mode: Config.TimeJitter
    /// The stream timestamp that is 0 in the current file.
    public private(set) var base: Int64 = 0
    private var lastVideo: Int64 = 0
    private var lastAudio: Int64 = 0

    public init(mode: Config.TimeJitter) {
        self.mode = mode
    }

    /// Starts a new file whose first tag has the stream timestamp `timestamp`.
    public mutating func startFile(at timestamp: Int64) {
        base = timestamp
        lastVideo = 0
        lastAudio = 0
    }

    /// The file timestamp of a packet with the stream timestamp `timestamp`; never negative.
    public mutating func fileTimestamp(_ timestamp: Int64, kind: MediaKind) -> Int64 {
        switch mode {
        case .off:
            return max(0, timestamp)
        case .zero:
            return max(0, timestamp - base)
        case .full:
            var output = max(0, timestamp - base)
            switch kind {
            case .video:
                output = max(output, lastVideo)
                lastVideo = output
            case .audio:
                output = max(output, lastAudio)
                lastAudio = output
            case .data:
                break
            }
            return output
        }
    }
}
