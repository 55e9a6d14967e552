extension RTMPServerSessionStateMachine {
    /// The application accepted the pending publish: onFCPublish (FMLE clients only) and
    /// onStatus(NetStream.Publish.Start) on the publish stream; `state` becomes `.publishing`.
    ///
    /// If the client withdrew meanwhile (deleteStream, disconnect) the answer is `[.stopPublishing]`,
    /// so whatever the application set up is torn down again; if already publishing, nothing.
    public mutating func publishAccepted() -> [Action] {
        guard case .publishPending(let connection, let stream) = internalState else {
            return state == .publishing ? [] : [.stopPublishing]
        }
        internalState = .publishing(connection, stream)
        let start = RTMPStatus.publishStart(streamName: stream.streamName, clientID: configuration.clientID)
        var messages: [RTMPMessage] = []
        if connection.sentFCPublish {
            let fcStatus = RTMPStatus(code: .publishStart, description: start.description, details: stream.streamName)
            messages.append(RTMPCommand.onFCPublish(fcStatus).message(streamID: stream.messageStreamID))
        }
        messages.append(RTMPCommand.onStatus(start).message(streamID: stream.messageStreamID))
        return [.send(messages)]
    }

    /// The application refused the pending publish: an error-level onStatus with `code`, then close.
    /// - Parameters:
    ///   - code: e.g. `.publishBadName` (name taken or not allowed).
    ///   - description: shown by clients (ffmpeg logs it as "Server error").
    /// Does nothing when no publish is pending (the client withdrew it meanwhile).
    public mutating func publishRejected(_ code: RTMPStatusCode, description: String) -> [Action] {
        guard case .publishPending(_, let stream) = internalState else { return [] }
        let status = RTMPStatus(
            level: .error,
            code: code,
            description: description,
            details: stream.streamName,
            clientID: configuration.clientID
        )
        return [.send([RTMPCommand.onStatus(status).message(streamID: stream.messageStreamID)])]
            + close(.publishRejected.with(detail: code.rawValue))
    }

    /// The application accepted the pending play: (Stream Is Recorded,) Stream Begin, onStatus
    /// Play.Reset and Play.Start, `|RtmpSampleAccess(true, true)` (and NetStream.Data.Start if
    /// configured); `state` becomes `.playing`. Media may follow right after these messages.
    ///
    /// If the client withdrew meanwhile the answer is `[.stopPlaying]`; if already playing, nothing.
    public mutating func playAccepted() -> [Action] {
        guard case .playPending(let connection, let stream) = internalState else {
            return state == .playing ? [] : [.stopPlaying]
        }
        internalState = .playing(connection, stream)
        return [.send(playReplies(for: stream))]
    }

    /// The application refused the pending play (e.g. `.playStreamNotFound`): an error-level onStatus, then close.
    /// Does nothing when no play is pending.
    public mutating func playRejected(_ code: RTMPStatusCode, description: String) -> [Action] {
        guard case .playPending(_, let stream) = internalState else { return [] }
        let status = RTMPStatus(
            level: .error,
            code: code,
            description: description,
            details: stream.streamName,
            clientID: configuration.clientID
        )
        return [.send([RTMPCommand.onStatus(status).message(streamID: stream.messageStreamID)])]
            + close(.playRejected.with(detail: code.rawValue))
    }

    /// For a player whose stream lost its publisher: onStatus(NetStream.Play.UnpublishNotify).
    /// ffmpeg and librtmp end playback when they get it, so send it only when the player should stop;
    /// SRS keeps players waiting silently instead. Empty unless `state` is `.playing`.
    public func unpublishNotify() -> [RTMPMessage] {
        playNotices()?.unpublish ?? []
    }

    /// For a player whose stream got a publisher again: onStatus(NetStream.Play.PublishNotify).
    /// Empty unless `state` is `.playing`.
    public func publishNotify() -> [RTMPMessage] {
        playNotices()?.publish ?? []
    }

    /// What the playing stream's notices are made of, to build them when they are sent; `nil` unless
    /// `state` is `.playing`.
    public func playNotices() -> RTMPPlayNotices? {
        guard case .playing(_, let stream) = internalState else { return nil }
        return RTMPPlayNotices(
            streamName: stream.streamName, messageStreamID: stream.messageStreamID, clientID: configuration.clientID)
    }

    /// The connection went away (EOF, error, server shutdown): stop what was running; `state` becomes `.closed`.
    public mutating func connectionClosed() -> [Action] {
        let actions = stopActions()
        internalState = .closed
        return actions
    }

    // MARK: - Reply sequences

    func connectReplies(to connect: RTMPConnectCommand) -> [RTMPMessage] {
        [
            RTMPControlMessage.windowAcknowledgementSize(configuration.windowAcknowledgementSize).message(),
            RTMPControlMessage.setPeerBandwidth(configuration.peerBandwidth, limitType: .dynamic).message(),
            RTMPControlMessage.setChunkSize(configuration.chunkSize).message(),
            RTMPCommand.connectResult(transactionID: connect.transactionID, objectEncoding: connect.objectEncoding)
                .message(),
            RTMPCommand.onBWDone.message(),
        ]
    }

    func playReplies(for stream: Stream) -> [RTMPMessage] {
        let id = stream.messageStreamID
        var messages: [RTMPMessage] = []
        if configuration.sendsStreamIsRecorded {
            messages.append(RTMPControlMessage.userControl(.streamIsRecorded(streamID: id)).message())
        }
        messages += [
            RTMPControlMessage.userControl(.streamBegin(streamID: id)).message(),
            RTMPCommand.onStatus(.playReset(streamName: stream.streamName, clientID: configuration.clientID)).message(
                streamID: id
            ),
            RTMPCommand.onStatus(.playStart(streamName: stream.streamName, clientID: configuration.clientID)).message(
                streamID: id
            ),
            RTMPDataMessage.sampleAccess().message(streamID: id),
        ]
        if configuration.sendsDataStart { messages.append(RTMPDataMessage.dataStart.message(streamID: id)) }
        return messages
    }

    func unpublishReplies(for stream: Stream, result: RTMPCommand) -> [RTMPMessage] {
        let id = stream.messageStreamID
        let fcStatus = RTMPStatus(
            code: .unpublishSuccess,
            description: "Stop publishing stream.",
            details: stream.streamName
        )
        return [
            RTMPCommand.onFCUnpublish(fcStatus).message(streamID: id),
            result.message(streamID: id),
            RTMPCommand.onStatus(.unpublishSuccess(streamName: stream.streamName, clientID: configuration.clientID))
                .message(streamID: id),
        ]
    }

    func pauseReplies(_ isPause: Bool, for stream: Stream) -> [RTMPMessage] {
        let id = stream.messageStreamID
        if isPause {
            return [
                RTMPCommand.onStatus(.pauseNotify(streamName: stream.streamName, clientID: configuration.clientID))
                    .message(streamID: id),
                RTMPControlMessage.userControl(.streamEOF(streamID: id)).message(),
            ]
        }
        return [
            RTMPCommand.onStatus(.unpauseNotify(streamName: stream.streamName, clientID: configuration.clientID))
                .message(streamID: id),
            RTMPControlMessage.userControl(.streamBegin(streamID: id)).message(),
        ]
    }
}

/// A player's PublishNotify and UnpublishNotify, built when sent: most players never get either, and
/// encoding both at every play was a few per cent of what a join costs.
public struct RTMPPlayNotices: Sendable {
    let streamName: String
    let messageStreamID: UInt32
    let clientID: String?

    /// onStatus(NetStream.Play.PublishNotify).
    public var publish: [RTMPMessage] {
        let status = RTMPStatus.playPublishNotify(streamName: streamName, clientID: clientID)
        return [RTMPCommand.onStatus(status).message(streamID: messageStreamID)]
    }

    /// onStatus(NetStream.Play.UnpublishNotify).
    public var unpublish: [RTMPMessage] {
        let status = RTMPStatus.playUnpublishNotify(streamName: streamName, clientID: clientID)
        return [RTMPCommand.onStatus(status).message(streamID: messageStreamID)]
    }
}
