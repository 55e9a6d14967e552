import Live
import Logging
import NIOCore
import NIOEmbedded
import RTMP
import Testing

@testable import Ingest

/// The deadlines that keep a connection from holding a slot before it publishes or plays.
@Suite("Deadlines before a session starts")
struct SessionStartDeadlineTests {
    private func connectedChannel(_ handlers: [any ChannelHandler]) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(handlers)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        return channel
    }

    @Test("a session that neither publishes nor plays within the timeout after the handshake is closed")
    func idleSessionCloses() throws {
        let settings = RTMPServerSettings(handshakeTimeout: .seconds(2))
        let channel = try connectedChannel([
            RTMPSessionHandler(registry: StreamRegistry(), settings: settings, logger: Logger(label: "test"))
        ])
        // No deadline before the handshake completes: that phase is RTMPServerInboundHandler's.
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(channel.isActive)
        channel.pipeline.fireUserInboundEventTriggered(RTMPHandshakeEvent.completed)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1900))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(!channel.isActive)
    }
}
