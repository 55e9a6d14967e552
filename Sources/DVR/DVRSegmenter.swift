public import Config
public import Media

/// Decides where files begin and end (SRS `dvr_plan`), packet by packet, with no I/O and no clock
/// but the packets' own timestamps: a file's length is measured in media time, so it matches the
/// duration the file reports and a stalled publisher does not produce a run of tiny files.
///
/// Files are back to back: the packet that ends one file is the first tag of the next, so no tag
/// is lost or repeated at a cut.
public struct DVRSegmenter: Sendable, Hashable {
    /// What to do with a media packet (sequence headers and metadata are not decided here).
    public enum Decision: Sendable, Hashable {
        /// No file is open and this packet cannot start one (an inter frame, or audio of a video stream).
        case skip
        /// Open a file that starts with this packet.
        case start
        /// Append to the open file.
        case append
        /// Close the open file and start the next one with this packet.
        case cut
    }

    public let plan: DVRPlan
    /// The segment length in milliseconds.
    public let duration: Int64
    public let waitKeyframe: Bool
    /// Whether the stream carries video; then files start on keyframes. Set as soon as it is known
    /// (a video sequence header or frame), before the first decision if possible.
    public var hasVideo = false
    /// The stream timestamp of the open file's first packet; `nil` when no file is open.
    public private(set) var fileStart: Int64?

    /// - Parameters:
    ///   - plan: One file per publish, or one per `duration`.
    ///   - duration: The segment length (SRS `dvr_duration`).
    ///   - waitKeyframe: Whether a segment is only cut at a video keyframe (SRS `dvr_wait_keyframe`).
    public init(plan: DVRPlan, duration: Duration, waitKeyframe: Bool) {
        self.plan = plan
        let (seconds, attoseconds) = duration.components
        self.duration = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        self.waitKeyframe = waitKeyframe
    }

    /// Decides for one media packet (stream timestamps) and updates the open file.
    public mutating func decide(_ packet: MediaPacket) -> Decision {
        if packet.kind == .video { hasVideo = true }
        guard let start = fileStart else {
            guard canStartFile(packet) else { return .skip }
            fileStart = packet.timestamp
            return .start
        }
        guard plan == .segment, packet.timestamp - start >= duration else { return .append }
        if waitKeyframe && hasVideo && !(packet.kind == .video && packet.isKeyframe) { return .append }
        fileStart = packet.timestamp
        return .cut
    }

    /// Whether `packet` can be the first of a file: a keyframe, or any frame of a stream without video.
    public func canStartFile(_ packet: MediaPacket) -> Bool {
        packet.kind == .video ? packet.isKeyframe : !hasVideo
    }

    /// The open file was abandoned (a write error): the next file starts at the next start point.
    public mutating func closeFile() {
        fileStart = nil
    }
}
