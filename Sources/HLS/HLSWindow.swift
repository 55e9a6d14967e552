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

        public init(sequence: Int, path: String, uri: String, duration: Int64, programDateTime: Date?, discontinuity: Bool) {
            self.sequence = sequence
            self.path = path
            self.uri = uri
            self.duration = duration
            self.programDateTime = programDateTime
            self.discontinuity = discontinuity
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
