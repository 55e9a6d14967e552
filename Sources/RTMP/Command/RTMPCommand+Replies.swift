import Media

extension RTMPCommand {
    /// The server version reported in `connect`'s `_result` (`fmsVer`); clients only log it, and
    /// this one is what SRS reports, so tools that sniff it see a familiar FMS 3.5.
    public static let serverVersion = "FMS/3,5,3,888"
    /// The server capabilities bit field SRS and FMS 3.5 report.
    public static let serverCapabilities: Double = 127
    /// The `mode` property of `connect`'s `_result`.
    public static let serverMode: Double = 1

    /// `_result` for `connect`: properties `{fmsVer, capabilities, mode}` and information
    /// `{level: status, code: NetConnection.Connect.Success, description, objectEncoding}`.
    /// - Parameter objectEncoding: the client's `objectEncoding`, echoed back (0 when it sent none).
    public static func connectResult(transactionID: Double, objectEncoding: Double) -> RTMPCommand {
        let properties: AMF0Value = .object([
            AMF0Property("fmsVer", .string(serverVersion)),
            AMF0Property("capabilities", .number(serverCapabilities)),
            AMF0Property("mode", .number(serverMode)),
        ])
        let information = RTMPStatus(
            code: .connectSuccess,
            description: "Connection succeeded",
            otherProperties: [AMF0Property(RTMPConnectCommand.Key.objectEncoding, .number(objectEncoding))]
        )
        return .result(transactionID: transactionID, values: [properties, information.amf0Value()])
    }

    /// `_error` for a refused `connect` (NetConnection.Connect.Rejected), as FMS sends it.
    public static func connectRejected(transactionID: Double, description: String) -> RTMPCommand {
        let information = RTMPStatus(level: .error, code: .connectRejected, description: description)
        return .error(transactionID: transactionID, values: [.null, information.amf0Value()])
    }

    /// `_result(txn, null, streamID)` for `createStream`.
    public static func createStreamResult(transactionID: Double, streamID: UInt32) -> RTMPCommand {
        .result(transactionID: transactionID, values: [.null, .number(Double(streamID))])
    }

    /// `_result(txn, null, undefined)`: what SRS and FMS answer to `releaseStream`, `FCPublish` and `FCUnpublish`.
    public static func undefinedResult(transactionID: Double) -> RTMPCommand {
        .result(transactionID: transactionID, values: [.null, .undefined])
    }

    /// `_result(txn, null, null)`: the generic answer to calls the server does not implement
    /// (`_checkbw`, `FCSubscribe`, …), so clients that track their calls are not left waiting.
    public static func nullResult(transactionID: Double) -> RTMPCommand {
        .result(transactionID: transactionID, values: [.null, .null])
    }

    /// `_result(txn, null, seconds)` for `getStreamLength`; a live stream has length 0.
    public static func streamLengthResult(transactionID: Double, seconds: Double = 0) -> RTMPCommand {
        .result(transactionID: transactionID, values: [.null, .number(seconds)])
    }

    /// For `_result` of `createStream`: the stream id after the null command object.
    public var createdStreamID: UInt32? {
        guard case .result(_, let values) = self, values.count >= 2, let id = values[1].numberValue,
            id >= 0, id <= Double(UInt32.max)
        else { return nil }
        return UInt32(id)
    }

    /// For `_error` and `_result`: the first info object among the values, if any.
    public var resultStatus: RTMPStatus? {
        switch self {
        case .result(_, let values), .error(_, let values): return values.lazy.compactMap(RTMPStatus.init).first
        default: return nil
        }
    }
}

extension RTMPStatus {
    /// NetStream.Publish.Start, as SRS sends it to publishers.
    public static func publishStart(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(
            code: .publishStart,
            description: "Started publishing stream.",
            details: streamName,
            clientID: clientID
        )
    }

    /// NetStream.Publish.BadName (level error): the name is empty, taken or refused.
    public static func publishBadName(streamName: String, description: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(
            level: .error,
            code: .publishBadName,
            description: description,
            details: streamName,
            clientID: clientID
        )
    }

    /// NetStream.Unpublish.Success, after FCUnpublish/deleteStream.
    public static func unpublishSuccess(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(
            code: .unpublishSuccess,
            description: "Stream is now unpublished",
            details: streamName,
            clientID: clientID
        )
    }

    /// NetStream.Play.Reset, the first status of a play.
    public static func playReset(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(
            code: .playReset,
            description: "Playing and resetting stream.",
            details: streamName,
            clientID: clientID
        )
    }

    /// NetStream.Play.Start: ffmpeg and librtmp switch to "playing" on it.
    public static func playStart(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(code: .playStart, description: "Started playing stream.", details: streamName, clientID: clientID)
    }

    /// NetStream.Play.Stop.
    public static func playStop(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(code: .playStop, description: "Stopped playing stream.", details: streamName, clientID: clientID)
    }

    /// NetStream.Play.StreamNotFound (level error).
    public static func playStreamNotFound(
        streamName: String,
        description: String? = nil,
        clientID: String? = nil
    ) -> RTMPStatus {
        RTMPStatus(
            level: .error,
            code: .playStreamNotFound,
            description: description ?? "Stream \(streamName) not found.",
            details: streamName,
            clientID: clientID
        )
    }

    /// NetStream.Play.UnpublishNotify: the publisher of a played stream went away.
    public static func playUnpublishNotify(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(
            code: .playUnpublishNotify,
            description: "\(streamName) is now unpublished.",
            details: streamName,
            clientID: clientID
        )
    }

    /// NetStream.Play.PublishNotify: a publisher (re)appeared for a played stream.
    public static func playPublishNotify(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(
            code: .playPublishNotify,
            description: "\(streamName) is now published.",
            details: streamName,
            clientID: clientID
        )
    }

    /// NetStream.Pause.Notify.
    public static func pauseNotify(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(code: .pauseNotify, description: "Paused stream.", details: streamName, clientID: clientID)
    }

    /// NetStream.Unpause.Notify.
    public static func unpauseNotify(streamName: String, clientID: String? = nil) -> RTMPStatus {
        RTMPStatus(code: .unpauseNotify, description: "Unpaused stream.", details: streamName, clientID: clientID)
    }
}
