import Logging
import NIOCore
import NIOEmbedded
import RTMP
import Sessions
import Testing

@testable import Ingest

/// The server connection's inbound side: the handshake and its deadline, chunk decoding, the control layer.
@Suite("RTMP server inbound handler")
struct RTMPServerInboundHandlerTests {
    /// Records, in order, the events and messages that come out of the handler.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = RTMPMessage

        enum Event: Equatable {
            case handshakeCompleted
            case message(typeID: UInt8, length: Int)
        }

        var events: [Event] = []
        var errors: [any Error] = []
        /// Bytes to deliver from the pipeline's head while the first message is handled.
        var injectOnFirstMessage: ByteBuffer?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let message = unwrapInboundIn(data)
            events.append(.message(typeID: message.typeID, length: message.payload.readableBytes))
            if let bytes = injectOnFirstMessage {
                injectOnFirstMessage = nil
                context.pipeline.fireChannelRead(bytes)
            }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is RTMPHandshakeEvent { events.append(.handshakeCompleted) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { errors.append(error) }

        var messages: [Event] { events.filter { if case .message = $0 { true } else { false } } }
    }

    private let recorder = Recorder()
    private let channel = EmbeddedChannel()

    init() throws {
        let handler = RTMPServerInboundHandler(
            decoder: .init(maxMessageSize: 4096), handshakeTimeout: .seconds(10),
            limits: LimitReporter(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })),
            peer: "127.0.0.1")
        try channel.pipeline.syncOperations.addHandlers([RTMPOutboundHandler(), handler, recorder])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
    }

    /// Runs a client handshake against the handler; returns C2 (the client's last bytes, not yet sent).
    private func handshake() throws -> ByteBuffer {
        var client = RTMPHandshakeStateMachine(role: .client)
        guard case .send(let c0c1) = client.start() else { throw TestFailure("no C0C1") }
        try channel.writeInbound(c0c1)
        let s0s1s2 = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(s0s1s2.readableBytes == 3073)
        let actions = client.receive(s0s1s2)
        guard case .send(let c2) = actions.first else { throw TestFailure("no C2") }
        return c2
    }

    /// The control messages the server wrote since the handshake, decoded as a client would.
    private func writtenControls(_ decoder: inout RTMPChunkDecoder) throws -> [RTMPControlMessage] {
        var controls: [RTMPControlMessage] = []
        while var bytes = try channel.readOutbound(as: ByteBuffer.self) {
            while let message = try decoder.decode(buffer: &bytes) {
                if let control = try RTMPControlMessage(message) { controls.append(control) }
            }
        }
        return controls
    }

    private func chunks(_ messages: [(UInt8, Int)]) throws -> ByteBuffer {
        let encoder = RTMPChunkEncoder()
        var out = ByteBuffer()
        for (index, (typeID, length)) in messages.enumerated() {
            let payload = ByteBuffer(repeating: UInt8(truncatingIfNeeded: index), count: length)
            try encoder.encode(
                data: RTMPMessage(typeID: typeID, streamID: 1, timestamp: UInt32(index), chunkStreamID: 6, payload: payload),
                out: &out)
        }
        return out
    }

    @Test("chunks behind C2 in the same read decode after the completion event")
    func leftoverAfterHandshake() throws {
        var c2 = try handshake()
        let sent = try chunks([(9, 300), (8, 40)])
        var bytes = sent
        c2.writeBuffer(&bytes)
        try channel.writeInbound(c2)
        #expect(recorder.events == [
            .handshakeCompleted, .message(typeID: 9, length: 300), .message(typeID: 8, length: 40),
        ])
        #expect(try channel.finish().isClean)
    }

    @Test("a chunk stream read a byte at a time gives the same messages as in one read")
    func byteAtATime() throws {
        try channel.writeInbound(try handshake())
        var stream = try chunks([(9, 500), (8, 1), (18, 129), (9, 128)])
        while let byte = stream.readSlice(length: 1) { try channel.writeInbound(byte) }
        #expect(recorder.messages == [
            .message(typeID: 9, length: 500), .message(typeID: 8, length: 1),
            .message(typeID: 18, length: 129), .message(typeID: 9, length: 128),
        ])
    }

    @Test("acknowledgements carry every raw byte read, the handshake's included; pings are answered")
    func controlLayer() throws {
        try channel.writeInbound(try handshake())
        var decoder = RTMPChunkDecoder()
        var encoder = RTMPChunkEncoder()
        var control = ByteBuffer()
        try encoder.encode(data: RTMPControlMessage.windowAcknowledgementSize(5000).message(), out: &control)
        try encoder.encode(data: RTMPControlMessage.userControl(.pingRequest(timestamp: 7)).message(), out: &control)
        let controlBytes = control.readableBytes
        try channel.writeInbound(control)
        #expect(recorder.messages.isEmpty, "the control layer's own messages reach the session")
        #expect(try writtenControls(&decoder) == [.userControl(.pingResponse(timestamp: 7))])

        // 3,073 handshake bytes and the control messages so far: 2,000 more fill the 5,000-byte window.
        let media = try chunks([(9, 1000), (9, 1000)])
        try channel.writeInbound(media)
        let expected = 1537 + 1536 + controlBytes + media.readableBytes
        #expect(expected >= 5000)
        #expect(try writtenControls(&decoder) == [.acknowledgement(sequenceNumber: UInt32(expected))])
        #expect(recorder.messages.count == 2)
    }

    @Test("a read delivered while a message is handled decodes behind the rest of the current read")
    func reentrantRead() throws {
        try channel.writeInbound(try handshake())
        var stream = try chunks([(9, 10), (8, 20), (18, 30)])
        let first = stream.readSlice(length: stream.readableBytes - 20)!  // the third message cut short
        recorder.injectOnFirstMessage = stream
        try channel.writeInbound(first)
        #expect(recorder.messages == [
            .message(typeID: 9, length: 10), .message(typeID: 8, length: 20), .message(typeID: 18, length: 30),
        ])
    }

    @Test("the deadline closes a connection that does not finish the handshake, and spares one that did")
    func handshakeDeadline() throws {
        let loop = EmbeddedEventLoop()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        func connected() throws -> EmbeddedChannel {
            let channel = EmbeddedChannel(loop: loop)
            try channel.pipeline.syncOperations.addHandlers([
                RTMPOutboundHandler(),
                RTMPServerInboundHandler(
                    decoder: .init(), handshakeTimeout: .seconds(10), limits: LimitReporter(logger: logger), peer: ""),
            ])
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
            return channel
        }
        let stalled = try connected()
        let completed = try connected()
        var client = RTMPHandshakeStateMachine(role: .client)
        guard case .send(let c0c1) = client.start() else { throw TestFailure("no C0C1") }
        try stalled.writeInbound(c0c1)  // half a handshake is not enough
        try completed.writeInbound(c0c1)
        let reply = try #require(try completed.readOutbound(as: ByteBuffer.self))
        guard case .send(let c2) = client.receive(reply).first else { throw TestFailure("no C2") }
        try completed.writeInbound(c2)

        loop.advanceTime(by: .seconds(9))
        #expect(stalled.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!stalled.isActive)
        #expect(completed.isActive)
        _ = try completed.finish()
    }

    @Test("a bad handshake version closes the connection with the error; later bytes are dropped")
    func badVersion() throws {
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n" + String(repeating: "x", count: 1600)))
        #expect(recorder.errors.first is RTMPHandshakeError)
        #expect(!channel.isActive)
        #expect(recorder.messages.isEmpty)
    }

    @Test("a chunk error reaches errorCaught unchanged, once; the messages before it are delivered")
    func chunkError() throws {
        try channel.writeInbound(try handshake())
        try channel.writeInbound(try chunks([(9, 100), (9, 5000), (9, 100)]))
        #expect(recorder.messages == [.message(typeID: 9, length: 100)])
        #expect(recorder.errors.count == 1)
        #expect(RTMPChunkDecoderError.limit(of: try #require(recorder.errors.first)) == .rtmpMaxMessageSize)
        try channel.writeInbound(try chunks([(9, 10)]))
        #expect(recorder.messages.count == 1)
        #expect(recorder.errors.count == 1)
    }
}

private struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
