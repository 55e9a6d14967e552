/// Maps a publisher's per-track 32-bit RTMP timestamps onto the stream's 64-bit clock.
///
/// One offset per publish is shared by the tracks, so the encoder's A/V offset survives (audio at
/// 0 and video at 120 ms stay 120 ms apart). Jumps are detected per track and only for what is
/// really a discontinuity, a step backwards beyond `maximumBackwardStep` or forwards beyond
/// `maximumForwardStep`; sparse tracks (1 fps video, slides) keep their real spacing. A jump on
/// one track never moves the other (SRS corrects both with one jitter, and 250 ms, which slows
/// sparse tracks and skews A/V).
public struct StreamClock: Sendable {
    public enum Track: Int, Sendable {
        case audio = 0
        case video = 1
    }

    /// A step backwards larger than this is a discontinuity (DTS is monotonic per track).
    public static let maximumBackwardStep: Int64 = 250
    /// A step forwards larger than this is a discontinuity (an encoder clock jump, a wrap bug).
    public static let maximumForwardStep: Int64 = 10_000
    /// The step that replaces a discontinuity, about one frame.
    public static let replacementStep: Int64 = 10

    private struct TrackState {
        var lastInput: UInt32?
        var unwrapped: Int64 = 0
        var offset: Int64 = 0
        var lastOutput: Int64?
    }

    public var mode: TimeJitter
    private var tracks = [TrackState(), TrackState()]
    /// Shared by both tracks of one publish; set by its first packet.
    private var publishOffset: Int64?
    /// The largest timestamp given out, so `full` continues after a republish.
    private var highWater: Int64?

    public init(mode: TimeJitter) {
        self.mode = mode
    }

    /// A new publish starts: `full` continues after the last timestamp; `zero` re-bases to zero.
    public mutating func publisherDidRestart() {
        publishOffset = nil
        for index in tracks.indices {
            tracks[index].lastInput = nil
            if mode != .full { tracks[index].lastOutput = nil }
        }
        if mode != .full { highWater = nil }
    }

    /// - Returns: the timestamp of this packet on the stream's clock, in milliseconds.
    public mutating func correct(_ input: UInt32, track: Track) -> Int64 {
        var state = tracks[track.rawValue]
        defer { tracks[track.rawValue] = state }
        let isFirstOfPublish = state.lastInput == nil
        var delta: Int64 = 0
        if let last = state.lastInput {
            // Signed 32-bit difference: undoes the wrap every ~49.7 days (and at the 0xFFFFFF
            // extended-timestamp boundary nothing special happens).
            delta = Int64(Int32(bitPattern: input &- last))
            state.unwrapped += delta
        } else {
            state.unwrapped = Int64(input)
        }
        state.lastInput = input

        var output: Int64
        switch mode {
        case .off:
            output = state.unwrapped
        case .zero:
            if publishOffset == nil { publishOffset = -state.unwrapped }
            output = max(0, state.unwrapped + publishOffset!)
        case .full:
            if publishOffset == nil {
                publishOffset = (highWater.map { $0 + Self.replacementStep } ?? 0) - state.unwrapped
            }
            if isFirstOfPublish {
                state.offset = publishOffset!
            } else if delta < -Self.maximumBackwardStep || delta > Self.maximumForwardStep {
                state.offset += Self.replacementStep - delta  // continue one step after the last
            }
            output = state.unwrapped + state.offset
            // Never backwards within a track: players and muxers need a monotonic DTS.
            if let last = state.lastOutput, output < last { output = last }
        }
        state.lastOutput = output
        highWater = max(highWater ?? output, output)
        return output
    }
}
