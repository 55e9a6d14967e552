import Live
import Logging
import Media
import NIOCore
import NIOEmbedded
import RTMP
import Sessions
import Testing

@testable import Ingest

/// One outbound write of the server, as it reached the socket, with the messages it decoded to.
struct ServerWrite {
    var bytes: ByteBuffer
    var messages: [RTMPMessage]

    /// Whether the write is pre-chunked media (audio, video or data on the shared chunk streams).
    var isMedia: Bool { !messages.isEmpty && messages.allSatisfy(\.isMedia) }
}

/// A scripted RTMP peer over an `EmbeddedChannel` that runs the server pipeline after the
/// handshake (what `RTMPServer.initialize(_:)` builds, minus handshake and byte counting).
///
/// It sends as a real client does (its own chunk encoder, announcing its chunk size) and decodes
/// what the server writes with an `RTMPChunkDecoder`, which applies the server's Set Chunk Size inline.
/// Several clients share one `EmbeddedEventLoop`, so a stream's fan-out runs inline and
/// deterministically: a publisher's `send` has reached every player when it returns.
final class FakeRTMPClient {
    static let defaultTcUrl = "rtmp://127.0.0.1:1935/live"
    /// The chunk size the client announces right after `connect`, as ffmpeg does.
    static let clientChunkSize: UInt32 = 60000

    let channel: EmbeddedChannel
    let loop: EmbeddedEventLoop
    private let encoder = RTMPChunkEncoder()
    private var decoder = RTMPChunkDecoder()
    /// Every write of the server read so far, in order.
    private(set) var writes: [ServerWrite] = []

    init(
        loop: EmbeddedEventLoop, registry: StreamRegistry, settings: RTMPServerSettings = RTMPServerSettings(),
        policy: any SessionPolicy = AllowAllPolicy(), session: ClientSession? = nil
    ) throws {
        self.loop = loop
        self.channel = EmbeddedChannel(loop: loop)
        let logger = Logger(label: "ingest-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        let pipeline = channel.pipeline.syncOperations
        // With a session, the server's traffic counter comes first, as in `RTMPServer`.
        if let session { try pipeline.addHandler(ClientTrafficHandler(traffic: session.traffic)) }
        try pipeline.addHandler(
            ByteToMessageHandler(RTMPChunkDecoder(configuration: .init(maxMessageSize: settings.maxMessageSize))))
        try pipeline.addHandler(RTMPOutboundHandler())
        try pipeline.addHandler(RTMPControlHandler())
        try pipeline.addHandler(
            RTMPSessionHandler(registry: registry, settings: settings, logger: logger, session: session, policy: policy))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
    }

    var isActive: Bool { channel.isActive }

    // MARK: Sending

    /// Sends `messages` in one read (one `channelRead` + `channelReadComplete`), then runs the loop.
    func send(_ messages: [RTMPMessage]) throws {
        var buffer = channel.allocator.buffer(capacity: 1024)
        for message in messages { try encoder.encode(data: message, out: &buffer) }
        try sendRaw(buffer)
    }

    func send(_ messages: RTMPMessage...) throws {
        try send(messages)
    }

    /// Sends already chunked bytes as one read.
    func sendRaw(_ bytes: ByteBuffer) throws {
        try channel.writeInbound(bytes)
        loop.run()
    }

    /// The commands ffmpeg sends to publish (captured in RTMPTests/Fixtures/sessions), each group
    /// as one read: connect + Set Chunk Size; releaseStream, FCPublish, createStream; _checkbw, publish.
    /// - Returns: the messages the server answered with.
    @discardableResult
    func publish(_ stream: String, tcUrl: String = defaultTcUrl, app: String = "live") throws -> [RTMPMessage] {
        try send(
            RTMPCommand.connect(.client(app: app, tcUrl: tcUrl, publishing: true)).message(),
            RTMPControlMessage.setChunkSize(Self.clientChunkSize).message())
        try send(
            RTMPCommand.releaseStream(transactionID: 2, streamName: stream).message(),
            RTMPCommand.fcPublish(transactionID: 3, streamName: stream).message(),
            RTMPCommand.createStream(transactionID: 4).message())
        try send(
            RTMPCommand.checkBandwidth(transactionID: 5).message(),
            RTMPCommand.publish(transactionID: 6, streamName: stream, type: .live).message(streamID: 1))
        return try receiveMessages()
    }

    /// The commands ffmpeg sends to play: connect + Window Acknowledgement Size; createStream,
    /// _checkbw, getStreamLength, play(-2000) and Set Buffer Length.
    /// - Returns: the messages the server answered with (play replies and any join snapshot).
    @discardableResult
    func play(_ stream: String, tcUrl: String = defaultTcUrl, app: String = "live") throws -> [RTMPMessage] {
        try send(
            RTMPCommand.connect(.client(app: app, tcUrl: tcUrl, publishing: false)).message(),
            RTMPControlMessage.windowAcknowledgementSize(2_500_000).message())
        try send(
            RTMPCommand.createStream(transactionID: 2).message(),
            RTMPCommand.checkBandwidth(transactionID: 3).message(),
            RTMPCommand.getStreamLength(transactionID: 4, streamName: stream).message(streamID: 1),
            RTMPCommand.play(RTMPPlayCommand(transactionID: 5, streamName: stream, start: -2000)).message(streamID: 1),
            RTMPControlMessage.userControl(.setBufferLength(streamID: 1, milliseconds: 3000)).message())
        return try receiveMessages()
    }

    /// FCUnpublish and deleteStream, as ffmpeg ends a publish.
    @discardableResult
    func unpublish(_ stream: String) throws -> [RTMPMessage] {
        try send(
            RTMPCommand.fcUnpublish(transactionID: 7, streamName: stream).message(),
            RTMPCommand.deleteStream(transactionID: 8, streamID: 1).message())
        return try receiveMessages()
    }

    // MARK: Receiving

    /// Reads and decodes everything the server flushed since the last call.
    @discardableResult
    func receive() throws -> [ServerWrite] {
        var new: [ServerWrite] = []
        while let bytes = try channel.readOutbound(as: ByteBuffer.self) {
            var cursor = bytes  // shares storage: reading moves only this copy's reader index
            var messages: [RTMPMessage] = []
            while let message = try decoder.decode(buffer: &cursor) { messages.append(message) }
            #expect(cursor.readableBytes == 0, "a server write left \(cursor.readableBytes) undecoded bytes")
            new.append(ServerWrite(bytes: bytes, messages: messages))
        }
        writes += new
        return new
    }

    func receiveMessages() throws -> [RTMPMessage] {
        try receive().flatMap(\.messages)
    }

    /// Closes the channel (if the server has not) and runs the loop, as a peer disconnect would.
    func disconnect() {
        if channel.isActive { channel.close(promise: nil) }
        loop.run()
    }
}

extension RTMPMessage {
    /// Media as players get it: audio, video, or data on the data chunk stream (not `|RtmpSampleAccess`).
    var isMedia: Bool {
        switch type {
        case .audio, .video: return true
        case .amf0Data: return chunkStreamID == RTMPChunkStreamID.data
        default: return false
        }
    }

    var command: RTMPCommand? {
        guard type == .amf0Command || type == .amf3Command else { return nil }
        return try? RTMPCommand(self)
    }

    var control: RTMPControlMessage? {
        (try? RTMPControlMessage(self)).flatMap { $0 }
    }

    /// The info object of an `onStatus` command.
    var status: RTMPStatus? {
        if case .onStatus(let status)? = command { return status }
        return nil
    }
}

extension Array where Element == RTMPMessage {
    var statuses: [RTMPStatus] { compactMap(\.status) }
    var statusCodes: [RTMPStatusCode] { statuses.map(\.code) }
    var media: [RTMPMessage] { filter(\.isMedia) }
    var commands: [RTMPCommand] { compactMap(\.command) }
}

/// A loop, a registry and the clients of one test; `finish()` closes them all.
final class IngestHarness {
    let loop = EmbeddedEventLoop()
    let registry = StreamRegistry()
    let settings: RTMPServerSettings
    private var clients: [FakeRTMPClient] = []

    init(settings: RTMPServerSettings = RTMPServerSettings()) {
        self.settings = settings
    }

    func client(session: ClientSession? = nil) throws -> FakeRTMPClient {
        let client = try FakeRTMPClient(loop: loop, registry: registry, settings: settings, session: session)
        clients.append(client)
        return client
    }

    /// Closes every client and drops the loop's timers (the publish watchdogs).
    func finish() {
        for client in clients { client.disconnect() }
        loop.run()
        #expect(registry.streams.isEmpty, "streams left in the registry after every client closed")
        #expect(throws: Never.self) { try self.loop.syncShutdownGracefully() }
    }
}
