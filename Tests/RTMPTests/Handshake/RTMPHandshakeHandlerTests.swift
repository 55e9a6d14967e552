import NIOCore
import NIOEmbedded
import Testing

@testable import RTMP

/// Records what reaches it, in order, and passes reads on.
final class HandshakeEventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Event: Equatable {
        case read(ByteBuffer)
        case handshakeCompleted
        case otherUserEvent
    }

    private(set) var events: [Event] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.events.append(.read(Self.unwrapInboundIn(data)))
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .completed? = event as? RTMPHandshakeEvent {
            self.events.append(.handshakeCompleted)
        } else {
            self.events.append(.otherUserEvent)
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@Suite("RTMP handshake handler")
struct RTMPHandshakeHandlerTests {
    @Test("server handler replies, completes, removes itself and forwards the leftover after the event")
    func serverHandler() throws {
        let recorder = HandshakeEventRecorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([RTMPHandshakeHandler(role: .server), recorder])

        try channel.writeInbound(try WireFixture.load("Handshake/ffmpeg-c0c1.bin"))
        let reply = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(reply.readableBytes == 3073)
        #expect(recorder.events.isEmpty)

        var c2 = reply.getSlice(at: reply.readerIndex + 1, length: 1536)!
        c2.writeString("first chunk bytes")
        try channel.writeInbound(c2)

        #expect(recorder.events == [.handshakeCompleted, .read(ByteBuffer(string: "first chunk bytes"))])
        #expect(throws: ChannelPipelineError.notFound) {
            try channel.pipeline.syncOperations.handler(type: RTMPHandshakeHandler.self)
        }
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "first chunk bytes"))

        // Later bytes go straight to the next handler.
        try channel.writeInbound(ByteBuffer(string: "more"))
        #expect(recorder.events.last == .read(ByteBuffer(string: "more")))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "more"))
        #expect(try channel.finish().isClean)
    }

    @Test("no leftover read is fired when the handshake ends exactly at C2")
    func noLeftover() throws {
        let recorder = HandshakeEventRecorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([RTMPHandshakeHandler(role: .server), recorder])
        try channel.writeInbound(try WireFixture.load("Handshake/rtmpdump-simple-c0c1.bin"))
        let reply = try #require(try channel.readOutbound(as: ByteBuffer.self))
        try channel.writeInbound(reply.getSlice(at: 1, length: 1536)!)
        #expect(recorder.events == [.handshakeCompleted])
        #expect(try channel.finish().isClean)
    }

    @Test("server handler closes the channel on an HTTP request")
    func serverRejectsHTTP() throws {
        let channel = EmbeddedChannel(handler: RTMPHandshakeHandler(role: .server))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        #expect(throws: RTMPHandshakeError.unsupportedVersion(UInt8(ascii: "G"))) {
            try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        }
        #expect(!channel.isActive)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test(
        "client and server handlers handshake with each other",
        arguments: [
            RTMPHandshakeMode.simple, .digest(.keyThenDigest), .digest(.digestThenKey),
        ])
    func clientAndServerHandlers(mode: RTMPHandshakeMode) throws {
        let clientRecorder = HandshakeEventRecorder()
        let serverRecorder = HandshakeEventRecorder()
        let client = EmbeddedChannel()
        let server = EmbeddedChannel()
        try client.pipeline.syncOperations.addHandlers([
            RTMPHandshakeHandler(role: .client, configuration: .init(clientMode: mode)), clientRecorder,
        ])
        try server.pipeline.syncOperations.addHandlers([RTMPHandshakeHandler(role: .server), serverRecorder])

        // The client speaks first, as soon as it is connected.
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        var rounds = 0
        while rounds < 10 {
            rounds += 1
            var moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                try server.writeInbound(bytes)
                moved = true
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                try client.writeInbound(bytes)
                moved = true
            }
            if !moved { break }
        }
        #expect(clientRecorder.events == [.handshakeCompleted])
        #expect(serverRecorder.events == [.handshakeCompleted])
        #expect(try client.finish().isClean)
        #expect(try server.finish().isClean)
    }

    @Test("a client handler added to an active channel starts at once")
    func clientAddedWhenActive() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        try channel.pipeline.syncOperations.addHandler(RTMPHandshakeHandler(role: .client))
        let c0c1 = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(c0c1.readableBytes == 1537)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish()
    }
}
