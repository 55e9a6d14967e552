public import Live

/// A segment that is on disk and listed in the playlist: what the `on_hls` hook reports.
public struct HLSSegmentRecord: Sendable, Hashable {
    public var key: StreamKey
    /// The segment file (`hls_path` joined with its name, as SRS's `file`).
    public var path: String
    /// The segment relative to `hls_path`: the URL path below an HTTP server rooted there (SRS `url`).
    public var url: String
    /// Media time in the segment.
    public var duration: Duration
    /// The segment's media sequence number (SRS `seq_no`).
    public var sequence: Int
    /// The playlist file (SRS `m3u8`).
    public var playlistPath: String
    /// The playlist relative to `hls_path` (SRS `m3u8_url`).
    public var playlistURL: String

    public init(
        key: StreamKey, path: String, url: String, duration: Duration, sequence: Int, playlistPath: String,
        playlistURL: String
    ) {
        self.key = key
        self.path = path
        self.url = url
        self.duration = duration
        self.sequence = sequence
        self.playlistPath = playlistPath
        self.playlistURL = playlistURL
    }
}

/// Told each time a segment is written and listed (SRS `on_hls`), on the stream's file writer queue:
/// hand the work off rather than block.
public protocol HLSObserver: AnyObject, Sendable {
    func hlsDidWriteSegment(_ segment: HLSSegmentRecord)
}
