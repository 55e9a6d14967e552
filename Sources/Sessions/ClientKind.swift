/// What a client connection is doing, with the type strings SRS's API reports (`clients[].type`).
public enum ClientKind: String, Sendable, Hashable, CaseIterable {
    /// Connected over RTMP, neither publishing nor playing yet.
    case rtmpConnection = "rtmp-connect"
    /// Publishing over RTMP (FMLE-style publishers: ffmpeg, OBS).
    case rtmpPublisher = "fmle-publish"
    case rtmpPlayer = "rtmp-play"
    case flvPlayer = "flv-play"

    public var isPublisher: Bool { self == .rtmpPublisher }
    public var isPlayer: Bool { self == .rtmpPlayer || self == .flvPlayer }
}
