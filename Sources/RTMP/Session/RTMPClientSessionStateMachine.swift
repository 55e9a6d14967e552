/// The client side of one RTMP connection after the handshake, for playing (edge pull) or
/// publishing (forward, edge push), as a pure state machine.
///
/// `start(url:mode:)` sends Set Chunk Size, Window Acknowledgement Size and `connect` (with the
/// properties ffmpeg sends); the connect `_result` is followed by `releaseStream` and `FCPublish`
/// (publish only) and `createStream`; its `_result` by `publish` or `play` plus Set Buffer Length;
/// onStatus Publish.Start/Play.Start report `.publishing`/`.playing`. Any error-level status or
/// `_error` for `connect`/`createStream` reports `.failed` (as ffmpeg does; `_error` for
/// `releaseStream`/`FCPublish` is ignored like ffmpeg ignores those "historical artifacts").
public struct RTMPClientSessionStateMachine: Sendable {
    /// Whether the session plays (pulls) or publishes (pushes) the stream.
    public enum Mode: Sendable, Hashable {
        case play
        case publish
        /// Only `connect`: reports `.connected` once the server accepted it (an edge's token check).
        case connectOnly
    }

    /// Client-side protocol settings.
    public struct Configuration: Sendable, Hashable {
        /// Our outbound chunk size, announced first.
        public var chunkSize: UInt32
        /// Window Acknowledgement Size asking the server to acknowledge our bytes.
        public var windowAcknowledgementSize: UInt32
        /// `flashVer` in `connect`.
        public var flashVersion: String
        /// Set Buffer Length sent with `play`, in milliseconds.
        public var bufferLength: UInt32
        /// The publish type sent with `publish`.
        public var publishType: RTMPPublishType

        /// Creates a configuration; the defaults match what ffmpeg sends when playing.
        public init(
            chunkSize: UInt32 = 60000,
            windowAcknowledgementSize: UInt32 = 2_500_000,
            flashVersion: String = RTMPConnectCommand.defaultFlashVersion,
            bufferLength: UInt32 = 3000,
            publishType: RTMPPublishType = .live
        ) {
            self.chunkSize = chunkSize
            self.windowAcknowledgementSize = windowAcknowledgementSize
            self.flashVersion = flashVersion
            self.bufferLength = bufferLength
            self.publishType = publishType
        }
    }

    /// Where the session is.
    public enum State: Sendable, Hashable {
        /// `start(url:mode:)` not called yet.
        case idle
        /// `connect` sent.
        case connecting
        /// `connect` accepted in `.connectOnly` mode.
        case connected
        /// `createStream` sent.
        case creatingStream
        /// `play`/`publish` sent, waiting for Play.Start/Publish.Start.
        case starting
        case playing
        case publishing
        case failed
        case closed
    }

    /// What the handler must do, in order.
    public enum Action: Sendable {
        /// Write these messages and flush.
        case send([RTMPMessage])
        /// The server accepted `connect` (`.connectOnly` mode).
        case connected
        /// NetStream.Play.Start arrived: media will follow on `messageStreamID`.
        case playing(messageStreamID: UInt32)
        /// NetStream.Publish.Start arrived: send media on `messageStreamID`.
        case publishing(messageStreamID: UInt32)
        /// The server refused or failed: close the connection (an edge tries the next origin).
        case failed(RTMPStatus)
        /// NetStream.Play.UnpublishNotify: the upstream publisher went away.
        case upstreamUnpublished
        /// NetStream.Play.PublishNotify: the upstream publisher is back.
        case upstreamPublished
        /// NetStream.Play.Stop/Complete or NetConnection.Connect.Closed: the server ended the stream.
        case stopped(RTMPStatus)
    }

    /// The settings given to `init`.
    public let configuration: Configuration
    /// Where the session is.
    public private(set) var state: State = .idle
    /// The mode given to `start(url:mode:)`.
    public private(set) var mode: Mode = .play
    /// The URL given to `start(url:mode:)`.
    public private(set) var url: RTMPURL?
    /// The message stream id from `createStream`, once known.
    public private(set) var messageStreamID: UInt32?
    private var nextTransactionID: Double = 1
    /// Calls awaiting `_result`/`_error`, by transaction id.
    private var pendingCalls: [Double: RTMPCommandName] = [:]

    /// Creates an idle client session.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Starts the session for `url`.
    /// - Parameter connect: the `connect` to send instead of ffmpeg's (an edge relaying its client's
    ///   arguments); its transaction id is replaced.
    /// - Returns: `.send` with Set Chunk Size, Window Acknowledgement Size and `connect`, or
    ///   `.failed` when the URL names no stream; nothing when the machine was already started.
    public mutating func start(url: RTMPURL, mode: Mode, connect custom: RTMPConnectCommand? = nil) -> [Action] {
        guard state == .idle else { return [] }
        self.url = url
        self.mode = mode
        guard !url.stream.isEmpty || mode == .connectOnly else {
            let code: RTMPStatusCode = mode == .publish ? .publishBadName : .playStreamNotFound
            return fail(RTMPStatus(level: .error, code: code, description: "\(url) names no stream"))
        }
        state = .connecting
        var connect =
            custom
            ?? RTMPConnectCommand.client(
                app: url.app,
                tcUrl: url.tcUrl,
                publishing: mode == .publish,
                flashVer: configuration.flashVersion
            )
        connect.transactionID = call(.connect)
        return [
            .send([
                RTMPControlMessage.setChunkSize(configuration.chunkSize).message(),
                RTMPControlMessage.windowAcknowledgementSize(configuration.windowAcknowledgementSize).message(),
                RTMPCommand.connect(connect).message(),
            ])
        ]
    }

    /// Feeds one command from the server.
    public mutating func received(_ command: RTMPCommand) -> [Action] {
        guard let url, state != .failed, state != .closed, state != .idle else { return [] }
        switch command {
        case .result(let transactionID, _):
            guard let call = pendingCalls.removeValue(forKey: transactionID) else { return [] }
            return result(of: call, command, url: url)
        case .error(let transactionID, _):
            guard let call = pendingCalls.removeValue(forKey: transactionID) else { return [] }
            switch call {
            case .connect, .createStream, .publish, .play:
                return fail(
                    command.resultStatus
                        ?? RTMPStatus(level: .error, code: .connectFailed, description: "\(call.rawValue) failed")
                )
            default:
                return []
            }
        case .onStatus(let status):
            return onStatus(status)
        default:
            return []
        }
    }

    /// Ends the session politely: FCUnpublish and deleteStream when publishing, deleteStream when
    /// playing; `state` becomes `.closed`. The caller closes the connection after writing.
    public mutating func stop() -> [Action] {
        defer { state = .closed }
        guard let url, let messageStreamID, state == .playing || state == .publishing || state == .starting else {
            return []
        }
        var messages: [RTMPMessage] = []
        if mode == .publish {
            messages.append(
                RTMPCommand.fcUnpublish(transactionID: call(.fcUnpublish), streamName: url.streamName).message()
            )
        }
        messages.append(
            RTMPCommand.deleteStream(transactionID: call(.deleteStream), streamID: messageStreamID).message()
        )
        return [.send(messages)]
    }

    private mutating func result(of call: RTMPCommandName, _ command: RTMPCommand, url: RTMPURL) -> [Action] {
        switch call {
        case .connect:
            guard state == .connecting else { return [] }
            if let status = command.resultStatus, status.level == .error { return fail(status) }
            if mode == .connectOnly {
                state = .connected
                return [.connected]
            }
            state = .creatingStream
            var messages: [RTMPMessage] = []
            if mode == .publish {
                messages.append(
                    RTMPCommand.releaseStream(transactionID: self.call(.releaseStream), streamName: url.streamName)
                        .message()
                )
                messages.append(
                    RTMPCommand.fcPublish(transactionID: self.call(.fcPublish), streamName: url.streamName).message()
                )
            }
            messages.append(RTMPCommand.createStream(transactionID: self.call(.createStream)).message())
            return [.send(messages)]
        case .createStream:
            guard state == .creatingStream else { return [] }
            let streamID = command.createdStreamID ?? RTMPServerSessionStateMachine.streamID
            messageStreamID = streamID
            state = .starting
            switch mode {
            case .connectOnly:
                return []
            case .publish:
                let publish = RTMPCommand.publish(
                    transactionID: self.call(.publish),
                    streamName: url.streamName,
                    type: configuration.publishType
                )
                return [.send([publish.message(streamID: streamID)])]
            case .play:
                let play = RTMPPlayCommand(
                    transactionID: self.call(.play),
                    streamName: url.streamName,
                    start: RTMPPlayCommand.defaultStart
                )
                return [
                    .send([
                        RTMPCommand.play(play).message(streamID: streamID),
                        RTMPControlMessage.userControl(
                            .setBufferLength(streamID: streamID, milliseconds: configuration.bufferLength)
                        ).message(),
                    ])
                ]
            }
        default:
            return []
        }
    }

    /// Codes that end the session whatever level the server gives them.
    private static let fatalCodes: Set<RTMPStatusCode> = [
        .connectRejected, .connectFailed, .connectInvalidApp, .publishBadName, .playStreamNotFound, .playFailed,
        .streamFailed,
    ]

    private mutating func onStatus(_ status: RTMPStatus) -> [Action] {
        if status.level == .error || Self.fatalCodes.contains(status.code) { return fail(status) }
        switch status.code {
        case .playStart where mode == .play && state == .starting:
            state = .playing
            return [.playing(messageStreamID: messageStreamID ?? RTMPServerSessionStateMachine.streamID)]
        case .publishStart where mode == .publish && state == .starting:
            state = .publishing
            return [.publishing(messageStreamID: messageStreamID ?? RTMPServerSessionStateMachine.streamID)]
        case .playUnpublishNotify:
            return [.upstreamUnpublished]
        case .playPublishNotify:
            return [.upstreamPublished]
        case .playStop, .playComplete, .connectClosed:
            state = .closed
            return [.stopped(status)]
        default:
            return []
        }
    }

    private mutating func fail(_ status: RTMPStatus) -> [Action] {
        state = .failed
        return [.failed(status)]
    }

    /// Allocates the next transaction id for `name` and remembers it until its reply.
    private mutating func call(_ name: RTMPCommandName) -> Double {
        let id = nextTransactionID
        nextTransactionID += 1
        if name != .fcUnpublish && name != .deleteStream { pendingCalls[id] = name }
        return id
    }
}
