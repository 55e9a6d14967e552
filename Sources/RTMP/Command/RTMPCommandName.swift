/// The command names of NetConnection and NetStream commands (RTMP 1.0 §7.2) and the de-facto
/// ones FMLE, Flash and FMS added (`releaseStream`, `FCPublish`, `onBWDone`, `_checkbw`, …).
public enum RTMPCommandName: String, Sendable, Hashable, CaseIterable {
    case connect
    case result = "_result"
    case error = "_error"
    case onStatus
    case onBWDone
    case checkBandwidth = "_checkbw"
    case releaseStream
    case fcPublish = "FCPublish"
    case fcUnpublish = "FCUnpublish"
    case onFCPublish
    case onFCUnpublish
    case createStream
    case deleteStream
    case closeStream
    case publish
    case play
    case play2
    case pause
    case getStreamLength
}
