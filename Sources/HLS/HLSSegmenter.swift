/// Where segments are cut: the policy half of HLS, with no I/O and no clock of its own.
///
/// A segment starts on a random-access point (a video keyframe, or any audio frame when the stream has no
/// video) and ends on the first one after `fragment` (`fragment × aofRatio` for audio-only streams). A
/// timestamp jump, a republish or a codec change closes the segment at once and marks the next one as a
/// discontinuity, so no segment ever spans a jump and no duration is absurd.
///
/// A member of an adaptive ladder (`alignsToGrid`) cuts on the absolute presentation-time grid instead: a
/// segment ends at the first random-access point whose PTS lies in a later `fragment` cell than the PTS that
/// opened it. Renditions whose keyframes sit at the source's keyframe PTS then cut at the same instants as
/// the source whatever keyframe each started on, which is what lets players switch between them.
public struct HLSSegmenter: Sendable {
    public struct Settings: Sendable, Hashable {
        /// Target segment length, milliseconds.
        public var fragment: Int64
        /// Audio-only streams are cut after `fragment × aofRatio`.
        public var aofRatio: Double
        /// Cut only on keyframes (SRS `hls_wait_keyframe`); when off, any video frame past `fragment` cuts.
        public var waitKeyframe: Bool
        /// A forward step larger than this on one track is a jump, milliseconds.
        public var jumpLimit: Int64
        /// No segment grows past this, keyframe or not, so a stream without keyframes cannot make one
        /// unbounded file; milliseconds.
        public var hardLimit: Int64

        public init(fragment: Int64, aofRatio: Double = 2.1, waitKeyframe: Bool = true) {
            self.fragment = fragment
            self.aofRatio = aofRatio
            self.waitKeyframe = waitKeyframe
            // A few seconds is how far a live encoder's clock may legitimately step (a dropped GOP); beyond
            // the fragment length a segment would lie about its duration anyway.
            self.jumpLimit = max(5_000, fragment)
            self.hardLimit = max(60_000, fragment * 6)
        }
    }

    /// One media frame, as far as cutting is concerned.
    public struct Frame: Sendable, Hashable {
        public enum Track: Sendable, Hashable { case video, audio }
        public var track: Track
        /// Decode timestamp, milliseconds.
        public var dts: Int64
        /// A video keyframe (audio frames are always random-access points).
        public var isKeyframe: Bool
        /// Presentation timestamp, milliseconds: DTS plus the composition time offset (FLV 10.1 §E.4.3.1
        /// CompositionTime); only the grid of a ladder member reads it.
        public var pts: Int64

        /// - Parameter pts: the presentation time; `nil` when it equals the decode time (audio, no B-frames).
        public init(track: Track, dts: Int64, isKeyframe: Bool = false, pts: Int64? = nil) {
            self.track = track
            self.dts = dts
            self.isKeyframe = isKeyframe
            self.pts = pts ?? dts
        }
    }

    /// What to do with a frame.
    public enum Action: Sendable, Hashable {
        /// Write it into the open segment.
        case append
        /// Open the first segment (or the first after a break) with it.
        case open(discontinuity: Bool)
        /// Close the open segment (its duration given), then open a new one with this frame.
        case cut(duration: Int64, discontinuity: Bool)
        /// Close the open segment at once (a jump), then wait for a random-access point.
        case closeAndSkip(duration: Int64)
        /// No segment is open and this frame cannot start one: drop it.
        case skip
    }

    public var settings: Settings
    /// Whether the stream has video: decides what a random-access point is and which ratio applies.
    public var hasVideo: Bool
    /// Cut on the absolute PTS grid (an adaptive ladder member) rather than `fragment` after the segment's
    /// start. Only random-access points cut on the grid, whatever `waitKeyframe` says: a cut anywhere else
    /// would not line up with the other renditions.
    public var alignsToGrid = false

    private var segmentStart: Int64?
    private var segmentStartPTS: Int64 = 0
    private var lastVideoDTS: Int64?
    private var lastAudioDTS: Int64?
    private var lastDelta: Int64 = 0
    private var discontinuityPending = false

    public init(settings: Settings, hasVideo: Bool) {
        self.settings = settings
        self.hasVideo = hasVideo
    }

    /// Whether a segment is open.
    public var isOpen: Bool { segmentStart != nil }

    /// The open segment's length if it were closed after its last frame, milliseconds.
    public var openDuration: Int64 {
        guard let start = segmentStart else { return 0 }
        return max(0, lastDTS - start + lastDelta)
    }

    private var lastDTS: Int64 { max(lastVideoDTS ?? .min, lastAudioDTS ?? .min) }

    /// Decides where `frame` goes and updates the state as if the caller did it.
    public mutating func place(_ frame: Frame) -> Action {
        let previous = frame.track == .video ? lastVideoDTS : lastAudioDTS
        if let previous, frame.dts < previous || frame.dts - previous > settings.jumpLimit {
            // The track's clock jumped: end the segment where it was and start clean.
            let duration = openDuration
            resetClock()
            discontinuityPending = true
            if canStart(frame) {
                return begin(frame, closing: segmentStart != nil ? duration : nil)
            }
            let wasOpen = segmentStart != nil
            segmentStart = nil
            return wasOpen ? .closeAndSkip(duration: duration) : .skip
        }
        guard let start = segmentStart else {
            return canStart(frame) ? begin(frame, closing: nil) : .skip
        }
        record(frame)
        let elapsed = frame.dts - start
        if discontinuityPending {
            if canStart(frame) { return begin(frame, closing: elapsed) }
            return .append
        }
        let limit = hasVideo ? settings.fragment : Int64((Double(settings.fragment) * settings.aofRatio).rounded())
        if alignsToGrid {
            if canStart(frame), Self.cell(frame.pts, size: limit) > Self.cell(segmentStartPTS, size: limit) {
                return begin(frame, closing: elapsed)
            }
        } else if elapsed >= limit, canStart(frame) || (!settings.waitKeyframe && frame.track == .video) {
            return begin(frame, closing: elapsed)
        }
        if elapsed >= settings.hardLimit, frame.track == (hasVideo ? .video : .audio) {
            return begin(frame, closing: elapsed)
        }
        return .append
    }

    /// The next segment starts a new timeline (republish, codec change): cut at the next random-access point.
    public mutating func markDiscontinuity() {
        discontinuityPending = true
    }

    /// Closes the open segment (end of publish); the next frame that can start a segment opens one.
    /// - Returns: the closed segment's duration, or `nil` when none was open.
    public mutating func close() -> Int64? {
        guard segmentStart != nil else { return nil }
        let duration = openDuration
        segmentStart = nil
        return duration
    }

    /// Abandons the open segment without a duration (a write failed): wait for the next random-access point.
    public mutating func abandon() {
        segmentStart = nil
        discontinuityPending = true
    }

    private func canStart(_ frame: Frame) -> Bool {
        hasVideo ? frame.track == .video && frame.isKeyframe : frame.track == .audio
    }

    private mutating func begin(_ frame: Frame, closing duration: Int64?) -> Action {
        let discontinuity = discontinuityPending
        discontinuityPending = false
        segmentStart = frame.dts
        segmentStartPTS = frame.pts
        record(frame)
        if let duration { return .cut(duration: max(0, duration), discontinuity: discontinuity) }
        return .open(discontinuity: discontinuity)
    }

    /// Remembers the track's clock, and the primary track's frame interval to estimate the last frame's length.
    private mutating func record(_ frame: Frame) {
        let previous: Int64?
        switch frame.track {
        case .video:
            previous = lastVideoDTS
            lastVideoDTS = frame.dts
        case .audio:
            previous = lastAudioDTS
            lastAudioDTS = frame.dts
        }
        let primary: Frame.Track = hasVideo ? .video : .audio
        if frame.track == primary, let previous, frame.dts > previous {
            lastDelta = min(frame.dts - previous, 1_000)
        }
    }

    /// The grid cell `time` falls in: floor division, so times before zero land in negative cells.
    static func cell(_ time: Int64, size: Int64) -> Int64 {
        let size = max(1, size)
        return time >= 0 ? time / size : -((-time + size - 1) / size)
    }

    private mutating func resetClock() {
        lastVideoDTS = nil
        lastAudioDTS = nil
        lastDelta = 0
    }
}
