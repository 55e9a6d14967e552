/// When a DVR file is closed (SRS `dvr_plan`).
public enum DVRPlan: String, Sendable, Hashable, CaseIterable {
    /// One file per publish.
    case session
    /// A new file on the first keyframe after `dvr_duration`.
    case segment
}

/// Which streams of a vhost are recorded (SRS `dvr_apply`).
public enum DVRApply: Sendable, Hashable {
    /// Every stream (SRS `all`, the default).
    case all
    /// Only these `app/stream` names.
    case streams([String])

    /// Whether the stream `app`/`stream` is recorded.
    public func applies(app: String, stream: String) -> Bool {
        switch self {
        case .all: return true
        case .streams(let names): return names.contains("\(app)/\(stream)")
        }
    }
}

/// DVR recording of a vhost: SRS's `vhost { dvr { } }` block, with SRS's defaults.
public struct DVRConfiguration: Sendable, Hashable {
    /// Bounds of `duration`: more than zero, at most a day.
    public static let durationRange: ClosedRange<Duration> = .milliseconds(1) ... .seconds(86_400)

    /// Whether streams of the vhost are recorded (SRS `enabled`, default off).
    public var enabled = false
    /// Which streams are recorded (SRS `dvr_apply`, all).
    public var apply = DVRApply.all
    /// One file per publish or per `duration` (SRS `dvr_plan`, session).
    public var plan = DVRPlan.session
    /// The file path template; one without a file name gets `[stream].[timestamp].flv`
    /// (SRS `dvr_path`, ./objs/nginx/html/[app]/[stream].[timestamp].flv).
    public var path = "./objs/nginx/html/[app]/[stream].[timestamp].flv"
    /// The length of a file under the segment plan (SRS `dvr_duration`, 30 s).
    public var duration: Duration = .seconds(30)
    /// Whether a segment file is only cut on a keyframe (SRS `dvr_wait_keyframe`, on).
    public var waitKeyframe = true
    /// Timestamp correction in the files (SRS `time_jitter`, full).
    public var timeJitter = TimeJitter.full

    /// Creates SRS's defaults.
    public init() {}
}
