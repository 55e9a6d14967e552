/// The server side of one RTMP connection after the handshake, as a pure state machine
/// (Hummingbird's StateMachine pattern): feed it decoded commands, execute the actions it returns.
///
/// It answers the way SRS does, which is what ffmpeg, OBS (FMLE sequence), rtmpdump and GStreamer
/// expect: `connect` gets Window Acknowledgement Size, Set Peer Bandwidth (dynamic), Set Chunk
/// Size, `_result` and `onBWDone`; `createStream` always gets stream id 1 (every player then uses
/// message stream 1, which keeps pre-encoded media bytes identical across players);
/// `releaseStream`/`FCPublish` get `_result(undefined)`; `connect`, `publish` and `play` are handed to
/// the application (`requestConnect`/`requestPublish`/`requestPlay`) which answers with
/// `connectAccepted()`/`connectRejected(description:)`, `publishAccepted()`,
/// `publishRejected(_:description:)`, `playAccepted()` or `playRejected(_:description:)`.
///
/// Commands a client pipelines behind `connect` (ffmpeg sends releaseStream, FCPublish and
/// createStream without waiting) are held, up to `maximumQueuedCommands`, and answered in order
/// once the connect is accepted.
///
/// Audio, video and data messages are **not** routed through the machine: while `state` is
/// `.publishing` the handler sends them straight to the hub (data through
/// `RTMPDataMessage.scriptBody(of:)`), so the per-packet path stays free of session logic.
///
/// The Set Chunk Size in the connect reply must take effect in the chunk encoder for everything
/// written after it.
public struct RTMPServerSessionStateMachine: Sendable {
    /// Per-connection protocol settings.
    public struct Configuration: Sendable, Hashable {
        /// The server's outbound chunk size, announced before the connect `_result` (SRS sends it
        /// that early because OBS mis-reads replies larger than 128 bytes otherwise).
        public var chunkSize: UInt32
        /// Window Acknowledgement Size sent to the client.
        public var windowAcknowledgementSize: UInt32
        /// Set Peer Bandwidth sent to the client (limit type dynamic).
        public var peerBandwidth: UInt32
        /// The `clientid` put in onStatus replies, if any.
        public var clientID: String?
        /// Whether play replies end with the `onStatus(NetStream.Data.Start)` data message. Off by
        /// default: FMS sends it, but ffmpeg then reports an empty data stream (SRS disabled it too).
        public var sendsDataStart: Bool
        /// Whether play replies start with Stream Is Recorded (for recorded, not live, streams).
        public var sendsStreamIsRecorded: Bool

        /// Creates a configuration; the defaults are SRS's.
        public init(
            chunkSize: UInt32 = 60000,
            windowAcknowledgementSize: UInt32 = 2_500_000,
            peerBandwidth: UInt32 = 2_500_000,
            clientID: String? = nil,
            sendsDataStart: Bool = false,
            sendsStreamIsRecorded: Bool = false
        ) {
            self.chunkSize = chunkSize
            self.windowAcknowledgementSize = windowAcknowledgementSize
            self.peerBandwidth = peerBandwidth
            self.clientID = clientID
            self.sendsDataStart = sendsDataStart
            self.sendsStreamIsRecorded = sendsStreamIsRecorded
        }
    }

    /// What the connection is doing.
    public enum State: Sendable, Hashable {
        /// Handshake done, waiting for `connect`.
        case handshaken
        /// `connect` handed to the application, waiting for `connectAccepted()`/`connectRejected`.
        case connectPending
        /// `connect` accepted; streams may be created, published or played.
        case connected
        /// `publish` handed to the application, waiting for `publishAccepted()`/`publishRejected`.
        case publishPending
        case publishing
        /// `play` handed to the application, waiting for `playAccepted()`/`playRejected`.
        case playPending
        case playing
        case closed
    }

    /// What the handler must do, in order.
    public enum Action: Sendable {
        /// Write these messages (commands, control and data messages) and flush.
        case send([RTMPMessage])
        /// Ask the application whether this client may connect; answer with `connectAccepted()` or `connectRejected`.
        /// The target is the command's tcUrl and app, parsed.
        case requestConnect(RTMPConnectCommand, RTMPConnectTarget)
        /// Ask the application whether this publish may start; answer with `publishAccepted()` or `publishRejected`.
        case requestPublish(RTMPStreamRequest, messageStreamID: UInt32)
        /// Ask the application whether this play may start; answer with `playAccepted()` or `playRejected`.
        case requestPlay(RTMPStreamRequest, RTMPPlayCommand, messageStreamID: UInt32)
        /// The client ended its publish (FCUnpublish, deleteStream, closeStream): detach from the hub.
        case stopPublishing
        /// The client ended its play: detach the player.
        case stopPlaying
        /// The player paused (`true`) or resumed (`false`).
        case pause(Bool)
        /// Close the connection after writing any pending messages.
        case close(reason: RTMPSessionError)
    }

    struct Connection: Sendable {
        var connect: RTMPConnectCommand
        /// The tcUrl and app, parsed once: every publish and play resolves against them.
        var target: RTMPConnectTarget
        /// FMLE-style publishers (ffmpeg, OBS) send FCPublish and expect onFCPublish back.
        var sentFCPublish = false
    }

    struct Stream: Sendable {
        var request: RTMPStreamRequest
        var streamName: String
        var messageStreamID: UInt32
        var play: RTMPPlayCommand?
        var paused = false
    }

    enum InternalState: Sendable {
        case waitingForConnect
        /// The commands that arrived meanwhile, with their message stream ids, in order.
        case connectPending(Connection, queued: [(RTMPCommand, UInt32)])
        case connected(Connection)
        case publishPending(Connection, Stream)
        case publishing(Connection, Stream)
        case playPending(Connection, Stream)
        case playing(Connection, Stream)
        case closed
    }

    /// The message stream id every `createStream` gets.
    public static let streamID: UInt32 = 1
    /// Commands held while a connect is pending; a client that sends more is closed. ffmpeg and OBS
    /// pipeline at most four (releaseStream, FCPublish, createStream, _checkbw).
    public static let maximumQueuedCommands = 16

    /// The settings given to `init`.
    public let configuration: Configuration
    var internalState: InternalState = .waitingForConnect

    /// Creates a session that waits for `connect`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Where the session is.
    public var state: State {
        switch internalState {
        case .waitingForConnect: return .handshaken
        case .connectPending: return .connectPending
        case .connected: return .connected
        case .publishPending: return .publishPending
        case .publishing: return .publishing
        case .playPending: return .playPending
        case .playing: return .playing
        case .closed: return .closed
        }
    }

    /// The accepted `connect`, once there is one.
    public var connectCommand: RTMPConnectCommand? { connection?.connect }

    /// The stream being published or played (also while pending).
    public var streamRequest: RTMPStreamRequest? {
        switch internalState {
        case .publishPending(_, let stream), .publishing(_, let stream), .playPending(_, let stream),
            .playing(_, let stream):
            return stream.request
        default:
            return nil
        }
    }

    var connection: Connection? {
        switch internalState {
        case .connected(let connection), .publishPending(let connection, _), .publishing(let connection, _),
            .playPending(let connection, _), .playing(let connection, _):
            return connection
        case .waitingForConnect, .connectPending, .closed:
            return nil
        }
    }

    /// The `connect` being decided, or the accepted one.
    public var pendingOrAcceptedConnect: RTMPConnectCommand? {
        if case .connectPending(let connection, _) = internalState { return connection.connect }
        return connection?.connect
    }

    /// Feeds one command received on message stream `messageStreamID`.
    public mutating func received(_ command: RTMPCommand, messageStreamID: UInt32) -> [Action] {
        switch internalState {
        case .closed:
            return []
        case .waitingForConnect:
            guard case .connect(let connect) = command else {
                return close(.commandBeforeConnect.with(detail: command.name))
            }
            return requestConnect(connect)
        case .connectPending(let connection, var queued):
            if case .connect = command { return close(.duplicateConnect) }
            guard queued.count < Self.maximumQueuedCommands else {
                return close(.tooManyQueuedCommands.with(detail: command.name))
            }
            queued.append((command, messageStreamID))
            internalState = .connectPending(connection, queued: queued)
            return []
        case .connected(let connection), .publishPending(let connection, _), .publishing(let connection, _),
            .playPending(let connection, _), .playing(let connection, _):
            return receivedWhileConnected(command, messageStreamID: messageStreamID, connection: connection)
        }
    }

    private mutating func requestConnect(_ connect: RTMPConnectCommand) -> [Action] {
        guard let tcUrl = connect.tcUrl, let target = try? RTMPConnectTarget(tcUrl: tcUrl, connectApp: connect.app) else {
            let reject = RTMPCommand.connectRejected(
                transactionID: connect.transactionID,
                description: "connect needs an rtmp:// tcUrl"
            )
            return [.send([reject.message()])] + close(.invalidTcUrl.with(detail: connect.tcUrl ?? "(none)"))
        }
        internalState = .connectPending(Connection(connect: connect, target: target), queued: [])
        return [.requestConnect(connect, target)]
    }

    /// The application accepted the pending connect: the connect replies (see the type's summary),
    /// then the answers to every command queued meanwhile, in order. Nothing unless a connect is pending.
    public mutating func connectAccepted() -> [Action] {
        guard case .connectPending(let connection, let queued) = internalState else { return [] }
        internalState = .connected(connection)
        var actions: [Action] = [.send(connectReplies(to: connection.connect))]
        for (command, messageStreamID) in queued {
            actions += received(command, messageStreamID: messageStreamID)
            if case .closed = internalState { break }
        }
        return actions
    }

    /// The application refused the pending connect: `_error` with NetConnection.Connect.Rejected and
    /// `description` (ffmpeg prints it), then close. Nothing unless a connect is pending.
    public mutating func connectRejected(description: String) -> [Action] {
        guard case .connectPending(let connection, _) = internalState else { return [] }
        let reject = RTMPCommand.connectRejected(
            transactionID: connection.connect.transactionID, description: description)
        return [.send([reject.message()])] + close(.connectRejected.with(detail: description))
    }

    private mutating func receivedWhileConnected(
        _ command: RTMPCommand,
        messageStreamID: UInt32,
        connection: Connection
    ) -> [Action] {
        switch command {
        case .connect:
            return close(.duplicateConnect)
        case .createStream(let transactionID):
            return [
                .send([RTMPCommand.createStreamResult(transactionID: transactionID, streamID: Self.streamID).message()])
            ]
        case .releaseStream(let transactionID, _):
            return [.send([RTMPCommand.undefinedResult(transactionID: transactionID).message()])]
        case .fcPublish(let transactionID, _):
            var connection = connection
            connection.sentFCPublish = true
            replaceConnection(connection)
            return [.send([RTMPCommand.undefinedResult(transactionID: transactionID).message()])]
        case .publish(_, let streamName, _):
            return publish(streamName, messageStreamID: messageStreamID, connection: connection)
        case .play(let play):
            return self.play(play, messageStreamID: messageStreamID, connection: connection)
        case .fcUnpublish(let transactionID, _):
            return unpublish(replyingTo: transactionID)
        case .deleteStream, .closeStream:
            return endStream()
        case .pause(_, let isPause, _):
            return pause(isPause)
        case .getStreamLength(let transactionID, _):
            return [.send([RTMPCommand.streamLengthResult(transactionID: transactionID).message()])]
        case .checkBandwidth(let transactionID):
            return [.send([RTMPCommand.nullResult(transactionID: transactionID).message()])]
        case .unknown(_, let transactionID, _) where transactionID != 0:
            // Answer calls we do not implement (FCSubscribe, …) so clients tracking them move on.
            return [.send([RTMPCommand.nullResult(transactionID: transactionID).message()])]
        case .play2, .result, .error, .onStatus, .onFCPublish, .onFCUnpublish, .onBWDone, .unknown:
            return []
        }
    }

    private mutating func publish(_ streamName: String, messageStreamID: UInt32, connection: Connection) -> [Action] {
        guard case .connected = internalState else { return close(.unexpectedCommand.with(detail: "publish")) }
        let request: RTMPStreamRequest
        do {
            request = try RTMPStreamRequest(target: connection.target, streamName: streamName)
        } catch {
            let status = RTMPStatus.publishBadName(
                streamName: streamName,
                description: "Invalid stream name \"\(streamName)\".",
                clientID: configuration.clientID
            )
            return [.send([RTMPCommand.onStatus(status).message(streamID: messageStreamID)])]
                + close(.invalidStreamName.with(detail: streamName))
        }
        let stream = Stream(request: request, streamName: streamName, messageStreamID: messageStreamID)
        internalState = .publishPending(connection, stream)
        return [.requestPublish(request, messageStreamID: messageStreamID)]
    }

    private mutating func play(_ play: RTMPPlayCommand, messageStreamID: UInt32, connection: Connection) -> [Action] {
        guard case .connected = internalState else { return close(.unexpectedCommand.with(detail: "play")) }
        let request: RTMPStreamRequest
        do {
            request = try RTMPStreamRequest(target: connection.target, streamName: play.streamName)
        } catch {
            let status = RTMPStatus.playStreamNotFound(
                streamName: play.streamName,
                description: "Invalid stream name \"\(play.streamName)\".",
                clientID: configuration.clientID
            )
            return [.send([RTMPCommand.onStatus(status).message(streamID: messageStreamID)])]
                + close(.invalidStreamName.with(detail: play.streamName))
        }
        let stream = Stream(request: request, streamName: play.streamName, messageStreamID: messageStreamID, play: play)
        internalState = .playPending(connection, stream)
        return [.requestPlay(request, play, messageStreamID: messageStreamID)]
    }

    /// FCUnpublish: the FMLE way to end a publish, answered with onFCUnpublish, `_result` and
    /// NetStream.Unpublish.Success; the connection stays up for a republish.
    private mutating func unpublish(replyingTo transactionID: Double) -> [Action] {
        let result = RTMPCommand.undefinedResult(transactionID: transactionID)
        guard case .publishing(let connection, let stream) = internalState else {
            return [.send([result.message()])]
        }
        internalState = .connected(connection)
        return [.stopPublishing, .send(unpublishReplies(for: stream, result: result))]
    }

    /// deleteStream/closeStream: end whatever the stream does, without a reply (clients do not wait for one).
    private mutating func endStream() -> [Action] {
        switch internalState {
        case .publishing(let connection, _), .publishPending(let connection, _):
            let wasPublishing = state == .publishing
            internalState = .connected(connection)
            return wasPublishing ? [.stopPublishing] : []
        case .playing(let connection, _), .playPending(let connection, _):
            let wasPlaying = state == .playing
            internalState = .connected(connection)
            return wasPlaying ? [.stopPlaying] : []
        default:
            return []
        }
    }

    private mutating func pause(_ isPause: Bool) -> [Action] {
        guard case .playing(let connection, var stream) = internalState, stream.paused != isPause else { return [] }
        stream.paused = isPause
        internalState = .playing(connection, stream)
        return [.pause(isPause), .send(pauseReplies(isPause, for: stream))]
    }

    private mutating func replaceConnection(_ connection: Connection) {
        switch internalState {
        case .connected: internalState = .connected(connection)
        case .publishPending(_, let stream): internalState = .publishPending(connection, stream)
        case .publishing(_, let stream): internalState = .publishing(connection, stream)
        case .playPending(_, let stream): internalState = .playPending(connection, stream)
        case .playing(_, let stream): internalState = .playing(connection, stream)
        case .waitingForConnect, .connectPending, .closed: break
        }
    }

    mutating func close(_ reason: RTMPSessionError) -> [Action] {
        var actions = stopActions()
        internalState = .closed
        actions.append(.close(reason: reason))
        return actions
    }

    /// What to undo when the session ends while streaming.
    func stopActions() -> [Action] {
        switch internalState {
        case .publishing: return [.stopPublishing]
        case .playing: return [.stopPlaying]
        default: return []
        }
    }
}
