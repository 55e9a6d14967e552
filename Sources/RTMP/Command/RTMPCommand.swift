public import Media

/// How a stream is published (RTMP 1.0 §7.2.2.6).
public enum RTMPPublishType: String, Sendable, Hashable {
    case live
    case record
    case append
}

/// A typed command message (RTMP 1.0 §7.1.1, §7.2): type 20 (AMF0), or type 17 whose payload is
/// a 0x00 format byte followed by the same AMF0 values.
///
/// Transaction ids are AMF0 numbers; 0 means "no reply expected". `_result`/`_error` keep every
/// value after the transaction id (command object first), since their shape depends on the call.
public enum RTMPCommand: Sendable, Hashable {
    case connect(RTMPConnectCommand)
    /// FMLE: release a stream name held by a stale publisher before publishing.
    case releaseStream(transactionID: Double, streamName: String)
    /// FMLE: announce a publish.
    case fcPublish(transactionID: Double, streamName: String)
    /// FMLE: announce the end of a publish.
    case fcUnpublish(transactionID: Double, streamName: String)
    case createStream(transactionID: Double)
    case deleteStream(transactionID: Double, streamID: UInt32)
    case publish(transactionID: Double, streamName: String, type: RTMPPublishType)
    case play(RTMPPlayCommand)
    /// Switch bit rates: `parameters` is the NetStreamPlayOptions object (§7.2.2.2).
    case play2(transactionID: Double, parameters: AMF0Value)
    /// `milliseconds` is the stream time at which the client paused or resumed.
    case pause(transactionID: Double, isPause: Bool, milliseconds: Double)
    case closeStream
    case getStreamLength(transactionID: Double, streamName: String)
    /// `_checkbw`, sent by ffmpeg and librtmp in answer to `onBWDone`.
    case checkBandwidth(transactionID: Double)
    /// `_result`: every value after the transaction id, command object first.
    case result(transactionID: Double, values: [AMF0Value])
    /// `_error`: every value after the transaction id, command object first.
    case error(transactionID: Double, values: [AMF0Value])
    case onStatus(RTMPStatus)
    /// FMS/SRS reply to `FCPublish` once publishing starts (no `level`).
    case onFCPublish(RTMPStatus)
    case onFCUnpublish(RTMPStatus)
    /// Sent by servers after `connect`; clients answer with `_checkbw`.
    case onBWDone
    /// Any other command; `arguments` are the values after the transaction id.
    case unknown(name: String, transactionID: Double, arguments: [AMF0Value])

    /// The transaction id, 0 for notifications without one.
    public var transactionID: Double {
        switch self {
        case .connect(let connect): return connect.transactionID
        case .play(let play): return play.transactionID
        case .releaseStream(let id, _), .fcPublish(let id, _), .fcUnpublish(let id, _), .createStream(let id),
            .deleteStream(let id, _), .publish(let id, _, _), .play2(let id, _), .pause(let id, _, _),
            .getStreamLength(let id, _), .checkBandwidth(let id), .result(let id, _), .error(let id, _),
            .unknown(_, let id, _):
            return id
        case .closeStream, .onStatus, .onFCPublish, .onFCUnpublish, .onBWDone:
            return 0
        }
    }

    /// The command name as sent on the wire.
    public var name: String {
        switch self {
        case .connect: return RTMPCommandName.connect.rawValue
        case .releaseStream: return RTMPCommandName.releaseStream.rawValue
        case .fcPublish: return RTMPCommandName.fcPublish.rawValue
        case .fcUnpublish: return RTMPCommandName.fcUnpublish.rawValue
        case .createStream: return RTMPCommandName.createStream.rawValue
        case .deleteStream: return RTMPCommandName.deleteStream.rawValue
        case .publish: return RTMPCommandName.publish.rawValue
        case .play: return RTMPCommandName.play.rawValue
        case .play2: return RTMPCommandName.play2.rawValue
        case .pause: return RTMPCommandName.pause.rawValue
        case .closeStream: return RTMPCommandName.closeStream.rawValue
        case .getStreamLength: return RTMPCommandName.getStreamLength.rawValue
        case .checkBandwidth: return RTMPCommandName.checkBandwidth.rawValue
        case .result: return RTMPCommandName.result.rawValue
        case .error: return RTMPCommandName.error.rawValue
        case .onStatus: return RTMPCommandName.onStatus.rawValue
        case .onFCPublish: return RTMPCommandName.onFCPublish.rawValue
        case .onFCUnpublish: return RTMPCommandName.onFCUnpublish.rawValue
        case .onBWDone: return RTMPCommandName.onBWDone.rawValue
        case .unknown(let name, _, _): return name
        }
    }
}
