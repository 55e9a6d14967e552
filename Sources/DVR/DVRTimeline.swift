public import Config
import Live
public import Media

/// Maps the live stream's timestamps onto one file's timestamps, per the DVR `time_jitter`.
///
/// The stream's clock is corrected per vhost (`play.time_jitter`), but a vhost may pass the publisher's
/// clock through (`off`), so here `full` corrects too: each file starts at 0 (FLV players expect it, and
/// a segment must play alone), a jump on one track (as `StreamClock` defines it) becomes one short step,
/// and every track stays monotonic, as FLV demuxers require of DTS. `zero` only re-bases.
public struct DVRTimeline: Sendable, Hashable {
    private struct Track: Sendable, Hashable {
        var lastInput: Int64?
        var lastOutput: Int64 = 0
        /// Added to `timestamp - base` on this track: the sum of the jumps taken out.
        var offset: Int64 = 0
    }

    public let mode: Config.TimeJitter
    /// The stream timestamp that is 0 in the current file.
    public private(set) var base: Int64 = 0
    private var video = Track()
    private var audio = Track()

    public init(mode: Config.TimeJitter) {
        self.mode = mode
    }

    /// Starts a new file whose first tag has the stream timestamp `timestamp`.
    public mutating func startFile(at timestamp: Int64) {
        base = timestamp
        video = Track()
        audio = Track()
    }

    /// The file timestamp of a packet with the stream timestamp `timestamp`; never negative.
    public mutating func fileTimestamp(_ timestamp: Int64, kind: MediaKind) -> Int64 {
        switch mode {
        case .off:
            return max(0, timestamp)
        case .zero:
            return max(0, timestamp - base)
        case .full:
            switch kind {
            case .video: return Self.correct(timestamp - base, track: &video)
            case .audio: return Self.correct(timestamp - base, track: &audio)
            case .data: return max(0, timestamp - base)
            }
        }
    }

    private static func correct(_ input: Int64, track: inout Track) -> Int64 {
        if let last = track.lastInput {
            let step = input - last
            if step < -StreamClock.maximumBackwardStep || step > StreamClock.maximumForwardStep {
                // Continue one short step after the last tag instead of leaving a gap of hours in the file.
                track.offset = track.lastOutput + StreamClock.replacementStep - input
            }
        }
        track.lastInput = input
        let output = max(0, input + track.offset, track.lastOutput)
        track.lastOutput = output
        return output
    }
}
