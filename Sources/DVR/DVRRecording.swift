public import Foundation
public import Live

/// A complete DVR file: what the `on_dvr` hook reports and the API lists.
public struct DVRRecording: Sendable, Hashable {
    /// The recorded stream.
    public var key: StreamKey
    /// The file, as the path template made it (relative paths are relative to the working folder).
    public var path: String
    /// The file below the template's fixed folder (`live/foo.1700000000000.flv` for the default
    /// `./objs/nginx/html/[app]/[stream].[timestamp].flv`): the path an HTTP server rooted there serves.
    public var relativePath: String
    /// Bytes in the file.
    public var size: Int
    /// Media time in the file.
    public var duration: Duration
    /// When recording of the file began (wall clock).
    public var startDate: Date
    /// Whether the file carries the complete `onMetaData` with its keyframe index. `false` only when
    /// finalizing failed (a full disk): the file then plays, but players scan to seek.
    public var isIndexed: Bool

    public init(
        key: StreamKey, path: String, relativePath: String, size: Int, duration: Duration, startDate: Date,
        isIndexed: Bool
    ) {
        self.key = key
        self.path = path
        self.relativePath = relativePath
        self.size = size
        self.duration = duration
        self.startDate = startDate
        self.isIndexed = isIndexed
    }
}

/// Told each time a DVR file is complete (SRS `on_dvr`), on the recorder's event loop: hand the
/// work off (to an HTTP hook client, say) rather than block.
public protocol DVRObserver: AnyObject, Sendable {
    func dvrDidFinishRecording(_ recording: DVRRecording)
}
