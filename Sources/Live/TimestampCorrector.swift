/// Turns one track's 32-bit RTMP timestamps into the stream's 64-bit clock.
///
/// One corrector per track: audio and video never share a clock, so a jump on one track cannot
/// shift the other (SRS corrects both with one `SrsRtmpJitter`, which skews A/V after a jump).
public struct TimestampCorrector: Sendable {
    /// The largest delta (either way) still taken as real; beyond it the step is replaced.
    public static let maximumJitter: Int64 = 250
    /// The step used in place of a jump, about one frame.
    public static let replacementStep: Int64 = 10

    public var mode: TimeJitter
    private var lastInput: UInt32?
    private var unwrapped: Int64 = 0
    private var lastOutput: Int64?
    private var zeroBase: Int64?

    public init(mode: TimeJitter) {
        self.mode = mode
    }

    /// Starts a new publish: `full` carries on from the last output; `zero` re-bases to zero.
    public mutating func publisherDidRestart() {
        lastInput = nil
        if mode != .full {
            lastOutput = nil
            unwrapped = 0
            zeroBase = nil
        }
    }

    /// - Parameter zeroBase: for `.zero`, the stream-wide first timestamp (shared by tracks so they stay in sync).
    /// - Returns: the corrected timestamp in milliseconds.
    public mutating func correct(_ input: UInt32, zeroBase sharedBase: inout Int64?) -> Int64 {
        defer { lastInput = input }
        switch mode {
        case .off, .zero:
            unwrapped = Self.unwrap(input, previous: lastInput, previousUnwrapped: unwrapped)
            if mode == .off {
                lastOutput = unwrapped
                return unwrapped
            }
            if sharedBase == nil { sharedBase = unwrapped }
            let output = max(0, unwrapped - sharedBase!)
            lastOutput = output
            return output
        case .full:
            guard let previousInput = lastInput, let previousOutput = lastOutput else {
                // First packet of a publish: start at 0, or continue the running clock after a republish.
                let output = lastOutput.map { $0 + Self.replacementStep } ?? 0
                lastOutput = output
                return output
            }
            var delta = Int64(Int32(bitPattern: input &- previousInput))
            if delta < -Self.maximumJitter || delta > Self.maximumJitter {
                delta = Self.replacementStep
            }
            // Never step backwards: players (and muxers) require a monotonic DTS per track.
            let output = previousOutput + max(0, delta)
            lastOutput = output
            return output
        }
    }

    /// Undoes the 32-bit wrap (every ~49.7 days, or at once for encoders that start near 2^32).
    static func unwrap(_ input: UInt32, previous: UInt32?, previousUnwrapped: Int64) -> Int64 {
        guard let previous else { return Int64(input) }
        let delta = Int64(Int32(bitPattern: input &- previous))
        return previousUnwrapped + delta
    }
}
