/// The `code` of an `onStatus`/`_error` info object. Known codes are cases; anything else a peer
/// sends is kept as `.other`, so decoding never loses it.
public enum RTMPStatusCode: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    case connectSuccess
    case connectRejected
    case connectClosed
    case connectFailed
    case connectInvalidApp
    case publishStart
    case publishBadName
    case publishIdle
    case unpublishSuccess
    case playReset
    case playStart
    case playStop
    case playStreamNotFound
    case playUnpublishNotify
    case playPublishNotify
    case playFailed
    case playComplete
    case pauseNotify
    case unpauseNotify
    case seekNotify
    case dataStart
    case streamFailed
    case other(String)

    /// Every known code, for tests and lookups.
    public static let allKnown: [RTMPStatusCode] = [
        .connectSuccess, .connectRejected, .connectClosed, .connectFailed, .connectInvalidApp, .publishStart,
        .publishBadName, .publishIdle, .unpublishSuccess, .playReset, .playStart, .playStop, .playStreamNotFound,
        .playUnpublishNotify, .playPublishNotify, .playFailed, .playComplete, .pauseNotify, .unpauseNotify, .seekNotify,
        .dataStart, .streamFailed,
    ]

    private static let byRawValue: [String: RTMPStatusCode] = Dictionary(
        uniqueKeysWithValues: allKnown.map { ($0.rawValue, $0) }
    )

    /// The known case for `rawValue`, or `.other(rawValue)`.
    public init(rawValue: String) {
        self = Self.byRawValue[rawValue] ?? .other(rawValue)
    }

    /// The code as sent on the wire.
    public var rawValue: String {
        // A switch, not a table lookup: RawRepresentable's default `==` compares raw values.
        switch self {
        case .connectSuccess: return "NetConnection.Connect.Success"
        case .connectRejected: return "NetConnection.Connect.Rejected"
        case .connectClosed: return "NetConnection.Connect.Closed"
        case .connectFailed: return "NetConnection.Connect.Failed"
        case .connectInvalidApp: return "NetConnection.Connect.InvalidApp"
        case .publishStart: return "NetStream.Publish.Start"
        case .publishBadName: return "NetStream.Publish.BadName"
        case .publishIdle: return "NetStream.Publish.Idle"
        case .unpublishSuccess: return "NetStream.Unpublish.Success"
        case .playReset: return "NetStream.Play.Reset"
        case .playStart: return "NetStream.Play.Start"
        case .playStop: return "NetStream.Play.Stop"
        case .playStreamNotFound: return "NetStream.Play.StreamNotFound"
        case .playUnpublishNotify: return "NetStream.Play.UnpublishNotify"
        case .playPublishNotify: return "NetStream.Play.PublishNotify"
        case .playFailed: return "NetStream.Play.Failed"
        case .playComplete: return "NetStream.Play.Complete"
        case .pauseNotify: return "NetStream.Pause.Notify"
        case .unpauseNotify: return "NetStream.Unpause.Notify"
        case .seekNotify: return "NetStream.Seek.Notify"
        case .dataStart: return "NetStream.Data.Start"
        case .streamFailed: return "NetStream.Failed"
        case .other(let code): return code
        }
    }

    public var description: String { rawValue }
}
