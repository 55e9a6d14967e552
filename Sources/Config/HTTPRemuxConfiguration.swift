/// HTTP-FLV live streaming of a vhost: SRS's `vhost { http_remux { } }` block, with SRS's defaults.
///
/// Players `GET` the mount's path and receive the stream as FLV over HTTP, from the GOP cache onward.
/// Only `.flv` mounts are implemented; SRS's `.ts`, `.aac` and `.mp3` mounts are refused when decoding.
public struct HTTPRemuxConfiguration: Sendable, Hashable {
    /// SRS's default mount.
    public static let defaultMount = "[vhost]/[app]/[stream].flv"
    /// The only mount extension Headwater serves.
    public static let flvExtension = ".flv"

    /// Whether streams of the vhost are served as HTTP-FLV (SRS `enabled`, default off).
    public var enabled = false
    /// The URL path of a stream, with `[vhost]`, `[app]` and `[stream]` (SRS `mount`). For the default vhost
    /// a leading `[vhost]/` is dropped, so `/live/livestream.flv` plays `live/livestream`.
    public var mount = HTTPRemuxConfiguration.defaultMount

    /// Creates SRS's defaults.
    public init() {}
}
