public import Foundation

/// A media playlist (RFC 8216 §4.3.3), rendered from typed fields rather than string pieces.
public struct HLSPlaylist: Sendable, Hashable {
    /// One `#EXTINF` entry.
    public struct Segment: Sendable, Hashable {
        /// The URI as written in the playlist (prefix included).
        public var uri: String
        /// Seconds of media.
        public var duration: Double
        /// Wall-clock time of the first sample (`#EXT-X-PROGRAM-DATE-TIME`).
        public var programDateTime: Date?
        /// Whether `#EXT-X-DISCONTINUITY` precedes it (new publish, codec change, timestamp jump).
        public var discontinuity: Bool

        public init(uri: String, duration: Double, programDateTime: Date? = nil, discontinuity: Bool = false) {
            self.uri = uri
            self.duration = duration
            self.programDateTime = programDateTime
            self.discontinuity = discontinuity
        }
    }

    /// `#EXT-X-PLAYLIST-TYPE`.
    public enum PlaylistType: String, Sendable, Hashable {
        case vod = "VOD"
        case event = "EVENT"
    }

    /// Whole seconds; at least every segment's duration rounded (RFC 8216 §4.3.3.1).
    public var targetDuration: Int
    /// The sequence number of the first listed segment.
    public var mediaSequence: Int
    /// Discontinuities that slid out of the window before the first listed segment (§6.2.2).
    public var discontinuitySequence: Int
    public var playlistType: PlaylistType?
    public var segments: [Segment]
    /// `#EXT-X-ENDLIST`: no segment will be added.
    public var ended: Bool

    public init(
        targetDuration: Int, mediaSequence: Int = 0, discontinuitySequence: Int = 0,
        playlistType: PlaylistType? = nil, segments: [Segment] = [], ended: Bool = false
    ) {
        self.targetDuration = targetDuration
        self.mediaSequence = mediaSequence
        self.discontinuitySequence = discontinuitySequence
        self.playlistType = playlistType
        self.segments = segments
        self.ended = ended
    }

    /// The playlist text, UTF-8, one tag per line.
    public func render() -> String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
        lines.append("#EXT-X-TARGETDURATION:\(targetDuration)")
        lines.append("#EXT-X-MEDIA-SEQUENCE:\(mediaSequence)")
        if discontinuitySequence > 0 {
            lines.append("#EXT-X-DISCONTINUITY-SEQUENCE:\(discontinuitySequence)")
        }
        if let playlistType {
            lines.append("#EXT-X-PLAYLIST-TYPE:\(playlistType.rawValue)")
        }
        for segment in segments {
            if segment.discontinuity {
                lines.append("#EXT-X-DISCONTINUITY")
            }
            if let date = segment.programDateTime {
                lines.append("#EXT-X-PROGRAM-DATE-TIME:\(Self.dateText(date))")
            }
            lines.append("#EXTINF:\(String(format: "%.3f", segment.duration)),")
            lines.append(segment.uri)
        }
        if ended {
            lines.append("#EXT-X-ENDLIST")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// ISO 8601 with milliseconds and a UTC offset, as §4.3.2.6 asks.
    static func dateText(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
    }
}
