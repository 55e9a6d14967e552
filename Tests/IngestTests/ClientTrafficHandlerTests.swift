import NIOCore
import NIOEmbedded
import Sessions
import Testing

@testable import Ingest

@Suite struct ClientTrafficHandlerTests {
    @Test func countsReadBatchesAndFlushes() throws {
        let traffic = ClientTraffic()
        let channel = EmbeddedChannel(handler: ClientTrafficHandler(traffic: traffic))
        channel.pipeline.fireChannelRead(ByteBuffer(repeating: 1, count: 100))
        channel.pipeline.fireChannelRead(ByteBuffer(repeating: 1, count: 50))
        // Counted per batch: nothing until the read completes.
        #expect(traffic.receivedBytes == 0)
        channel.pipeline.fireChannelReadComplete()
        #expect(traffic.receivedBytes == 150)
        channel.write(ByteBuffer(repeating: 2, count: 70), promise: nil)
        channel.write(ByteBuffer(repeating: 2, count: 30), promise: nil)
        #expect(traffic.sentBytes == 0)
        channel.flush()
        #expect(traffic.sentBytes == 100)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a player's sends are published in steps of trafficStep, and in full when the handler goes")
    func sendsPublishInSteps() throws {
        let traffic = ClientTraffic()
        let handler = ClientTrafficHandler(traffic: traffic)
        let channel = EmbeddedChannel(handler: handler)
        let step = ClientTrafficHandler.trafficStep
        handler.send([ByteBuffer(repeating: 3, count: step - 1)])
        handler.flushSent()
        #expect(traffic.sentBytes == 0)
        handler.send([ByteBuffer(repeating: 3, count: 1)])
        handler.flushSent()
        #expect(traffic.sentBytes == step)
        handler.send([ByteBuffer(repeating: 3, count: 500)])
        handler.flushSent()
        #expect(traffic.sentBytes == step)
        _ = try channel.finish(acceptAlreadyClosed: true)
        #expect(traffic.sentBytes == step + 500)
    }

    @Test("an HTTP connection's handler counts nothing until a client is known, then only what follows")
    func countsFromTheClientOn() throws {
        let handler = ClientTrafficHandler(traffic: nil)
        let channel = EmbeddedChannel(handler: handler)
        channel.pipeline.fireChannelRead(ByteBuffer(repeating: 1, count: 80))
        channel.pipeline.fireChannelReadComplete()
        channel.write(ByteBuffer(repeating: 2, count: 40), promise: nil)
        let traffic = ClientTraffic()
        handler.count(into: traffic)
        channel.write(ByteBuffer(repeating: 2, count: 25), promise: nil)
        channel.flush()
        #expect(traffic.sentBytes == 25)
        #expect(traffic.receivedBytes == 0)
        channel.pipeline.fireChannelRead(ByteBuffer(repeating: 1, count: 10))
        channel.pipeline.fireChannelReadComplete()
        #expect(traffic.receivedBytes == 10)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
