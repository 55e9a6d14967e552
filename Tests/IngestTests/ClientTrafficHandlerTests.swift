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
}
