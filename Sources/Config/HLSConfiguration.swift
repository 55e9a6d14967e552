/// What HLS does when writing fails (SRS `hls_on_error`).
public enum HLSErrorPolicy: String, Sendable, Hashable, CaseIterable {
    /// Stop HLS for this publish; the stream and its other outputs carry on.
    case ignore
    /// Close the publisher so the encoder republishes.
    case disconnect
    /// Drop the broken segment and start again at the next keyframe (SRS's default).
    case `continue`
}

/// The audio codec HLS declares when the stream says nothing, or `an` for no audio (SRS `hls_acodec`).
public enum HLSAudioCodec: String, Sendable, Hashable, CaseIterable {
    case aac
    case mp3
    /// No audio in the HLS output.
    case an
}

/// The video codec HLS declares when the stream says nothing, or `vn` for audio-only HLS (SRS `hls_vcodec`).
public enum HLSVideoCodec: String, Sendable, Hashable, CaseIterable {
    case h264
    case h265
    /// No video in the HLS output.
    case vn
}

/// HLS output of a vhost: SRS's `vhost { hls { } }` block, with SRS's defaults.
public struct HLSConfiguration: Sendable, Hashable {
    /// Bounds of `fragment`: more than zero, at most an hour.
    public static let fragmentRange: ClosedRange<Duration> = .milliseconds(1) ... .seconds(3_600)
    /// Bounds of `window`: more than zero, at most a day; it must also be at least `fragment`.
    public static let windowRange: ClosedRange<Duration> = .milliseconds(1) ... .seconds(86_400)
    /// Bounds of `tdRatio` and `aofRatio`: a target or a cut never shorter than the fragment.
    public static let ratioRange: ClosedRange<Double> = 1.0...10.0
    /// Bounds of `dispose`: zero (keep the files) to a day.
    public static let disposeRange: ClosedRange<Duration> = .zero ... .seconds(86_400)
    /// What `m3u8File` must end with.
    public static let playlistExtension = ".m3u8"
    /// What `tsFile` must end with.
    public static let segmentExtension = ".ts"

    /// Whether published streams of the vhost are written as HLS (SRS `enabled`, default off).
    public var enabled = false
    /// Target segment length: a segment is cut on the first keyframe after it (SRS `hls_fragment`, 10 s).
    public var fragment: Duration = .seconds(10)
    /// `#EXT-X-TARGETDURATION` starts at `fragment × tdRatio` and grows to the longest segment (SRS `hls_td_ratio`, 1.0).
    public var tdRatio = 1.0
    /// Audio-only streams are cut after `fragment × aofRatio` (SRS `hls_aof_ratio`, 2.1).
    public var aofRatio = 2.1
    /// How much media the live playlist lists (SRS `hls_window`, 60 s).
    public var window: Duration = .seconds(60)
    /// What happens when writing fails (SRS `hls_on_error`, continue).
    public var onError = HLSErrorPolicy.continue
    /// The folder the playlist and segment paths are relative to (SRS `hls_path`, ./objs/nginx/html).
    public var path = "./objs/nginx/html"
    /// The playlist path template under `path` (SRS `hls_m3u8_file`, [app]/[stream].m3u8).
    public var m3u8File = "[app]/[stream].m3u8"
    /// The segment path template under `path` (SRS `hls_ts_file`, [app]/[stream]-[seq].ts).
    public var tsFile = "[app]/[stream]-[seq].ts"
    /// Prepended to each segment URI in the playlist, e.g. a CDN base URL (SRS `hls_entry_prefix`, none).
    public var entryPrefix = ""
    /// The audio codec when the stream declares none, or `an` to leave audio out (SRS `hls_acodec`, aac).
    public var audioCodec = HLSAudioCodec.aac
    /// The video codec when the stream declares none, or `vn` for audio-only HLS (SRS `hls_vcodec`, h264).
    public var videoCodec = HLSVideoCodec.h264
    /// Whether segments that leave the window are deleted (SRS `hls_cleanup`, on).
    public var cleanup = true
    /// After the publisher leaves, how long the files stay before they are removed; zero keeps them
    /// (SRS `hls_dispose`, 120 s).
    public var dispose: Duration = .seconds(120)
    /// Whether a segment is only cut on a keyframe (SRS `hls_wait_keyframe`, on).
    public var waitKeyframe = true

    /// Creates SRS's defaults.
    public init() {}
}
