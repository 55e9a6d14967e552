public import Foundation

/// The live playlist's window: closed segments in order, the sequence numbers and the target duration.
///
/// Segments leave the window when it holds more than `window` of media; they are then kept on disk for
/// one more window (RFC 8216 §6.2.2: a segment stays available for its duration plus the playlist's) and
/// only then handed back for deletion.
public struct HLSWindow: Sendable {
    /// A closed segment.
    public struct Segment: Sendable, Hashable {
        public var sequence: Int
        /// Where the file is, relative to `hls_path`.
        public var path: String
        /// The URI written in the playlist.
        public var uri: String
        /// Milliseconds of media.
        public var duration: Int64
        public var programDateTime: Date?
        public var discontinuity: Bool
        /// Bytes in the file, for the master playlist's bit rates.
        public var bytes: Int
        /// Video frames in the segment, for the master playlist's frame rate.
        public var videoFrames: Int
        /// Milliseconds from the first video frame's DTS to the last one's: `videoFrames - 1` intervals.
        public var videoSpan: Int64

        public init(
            sequence: Int, path: String, uri: String, duration: Int64, programDateTime: Date?, discontinuity: Bool,
            bytes: Int = 0, videoFrames: Int = 0, videoSpan: Int64 = 0
        ) {
            self.sequence = sequence
            self.path = path
            self.uri = uri
            self.duration = duration
            self.programDateTime = programDateTime
            self.discontinuity = discontinuity
            self.bytes = bytes
            self.videoFrames = videoFrames
            self.videoSpan = videoSpan
        }
    }

    /// Milliseconds of media the playlist lists.
    public var window: Int64
    /// The floor of `#EXT-X-TARGETDURATION`, whole seconds (`hls_fragment × hls_td_ratio`, rounded up).
    public let minimumTargetDuration: Int

    public private(set) var segments: [Segment] = []
    public private(set) var discontinuitySequence = 0
    /// Never decreases, so a player never sees the target shrink under a segment it already has.
    public private(set) var targetDuration: Int
    /// Segments out of the window but still on disk, oldest first.
    private var retired: [Segment] = []

    public init(window: Int64, minimumTargetDuration: Int) {
        self.window = window
        self.minimumTargetDuration = max(1, minimumTargetDuration)
        self.targetDuration = self.minimumTargetDuration
    }

    /// The sequence number of the first listed segment.
    public var mediaSequence: Int { segments.first?.sequence ?? (retired.last.map { $0.sequence + 1 } ?? 0) }

    /// Adds a closed segment and slides the window.
    /// - Returns: the segments whose files may now be deleted.
    public mutating func append(_ segment: Segment) -> [Segment] {
        segments.append(segment)
        // RFC 8216 §4.3.3.1 bounds the rounded EXTINF; rounding up keeps every segment under the target.
        targetDuration = max(targetDuration, Int((segment.duration + 999) / 1000))
        while segments.count > 1, segments.reduce(0, { $0 + $1.duration }) > window {
            let leaving = segments.removeFirst()
            // §6.2.2: the discontinuity sequence counts discontinuities that left the playlist.
            if leaving.discontinuity { discontinuitySequence += 1 }
            retired.append(leaving)
        }
        var expired: [Segment] = []
        while retired.count > 0, retired.reduce(0, { $0 + $1.duration }) > window {
            expired.append(retired.removeFirst())
        }
        return expired
    }

    /// Takes back the newest segment when it is `sequence` (its file never reached the disk), so the playlist
    /// never lists it and the number can be used again; the segments it pushed out stay out.
    /// - Returns: whether it was the newest and was removed.
    public mutating func removeNewest(sequence: Int) -> Bool {
        guard segments.last?.sequence == sequence else { return false }
        segments.removeLast()
        return true
    }

    /// The highest bit rate of a listed segment, bits per second (RFC 8216 §4.3.4.2 BANDWIDTH); 0 when none.
    public var peakBitRate: Int {
        segments.filter { $0.duration > 0 }.map { Self.bitRate(bytes: $0.bytes, milliseconds: $0.duration) }.max() ?? 0
    }

    /// The bit rate over all listed segments, bits per second (AVERAGE-BANDWIDTH); 0 when none.
    public var averageBitRate: Int {
        let duration = segments.reduce(0) { $0 + $1.duration }
        guard duration > 0 else { return 0 }
        return Self.bitRate(bytes: segments.reduce(0) { $0 + $1.bytes }, milliseconds: duration)
    }

    /// Video frames per second over the listed segments, from frame intervals rather than segment
    /// durations (whose last frame's length is an estimate); `nil` without two video frames in a segment.
    public var frameRate: Double? {
        let counted = segments.filter { $0.videoFrames > 1 && $0.videoSpan > 0 }
        let intervals = counted.reduce(0) { $0 + $1.videoFrames - 1 }
        let span = counted.reduce(0) { $0 + $1.videoSpan }
        guard span > 0 else { return nil }
        return Double(intervals) * 1000 / Double(span)
    }

    static func bitRate(bytes: Int, milliseconds: Int64) -> Int {
        Int((Double(bytes) * 8 * 1000 / Double(milliseconds)).rounded(.up))
    }

    /// Every segment still on disk (listed or retired), for disposal.
    public var allSegments: [Segment] { retired + segments }

    /// The playlist for the current window.
    public func playlist(ended: Bool = false) -> HLSPlaylist {
        HLSPlaylist(
            targetDuration: targetDuration,
            mediaSequence: mediaSequence,
            discontinuitySequence: discontinuitySequence,
            segments: segments.map {
                HLSPlaylist.Segment(
                    uri: $0.uri, duration: Double($0.duration) / 1000, programDateTime: $0.programDateTime,
                    discontinuity: $0.discontinuity)
            },
            ended: ended)
    }
}
