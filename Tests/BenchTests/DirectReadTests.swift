import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RTMP
import Testing

@testable import Bench

@Suite("Acknowledgement window")
struct AcknowledgementWindowTests {
    @Test("nothing is due before the server sets a window, then one per window's worth of bytes")
    func duePerWindow() {
        var window = AcknowledgementWindow()
        #expect(window.receive(5000) == nil)
        window.size = 2000
        #expect(window.due() == 5000)
        #expect(window.receive(1999) == nil)
        #expect(window.receive(1) == 7000)
        #expect(window.due() == nil)
    }

    @Test("the chunk decodes as an Acknowledgement of the sequence number, with no earlier header state")
    func chunkDecodes() throws {
        var decoder = RTMPChunkDecoder()
        var buffer = ByteBuffer(bytes: AcknowledgementWindow.chunk(sequenceNumber: 0xDEAD_BEEF))
        let message = try #require(try decoder.decode(buffer: &buffer))
        #expect(try RTMPControlMessage(message) == .acknowledgement(sequenceNumber: 0xDEAD_BEEF))
        #expect(buffer.readableBytes == 0)
    }
}

/// Collects what a loopback server receives, and lets the test write to or close its one connection.
private final class ServerSide: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let received = NIOLockedValueBox(ByteBuffer())
    let connection = NIOLockedValueBox<(any Channel)?>(nil)

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        connection.withLockedValue { connection in connection = channel }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        received.withLockedValue { received in _ = received.writeBuffer(&bytes) }
    }
}

/// Stands in for a player's pipeline: on its channel's end it tells the shard, as players do.
private final class EndsDirectReads: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let shard: PlayerShard
    let index: Int

    init(shard: PlayerShard, index: Int) {
        self.shard = shard
        self.index = index
    }

    func channelInactive(context: ChannelHandlerContext) {
        shard.stopBatching(index)
        context.fireChannelInactive()
    }
}

@Suite("Direct reads of byte-counting players")
struct DirectReadTests {
    @Test("the shard counts a player's bytes from its descriptor, acknowledges each window, and ends on EOF")
    func countsAcknowledgesAndEnds() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await countsAcknowledgesAndEnds(group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private func countsAcknowledgesAndEnds(group: MultiThreadedEventLoopGroup) async throws {
        let server = ServerSide()
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(server) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { listener.close(promise: nil) }
        let loop = group.next()
        let shard = try await loop.submit {
            NIOLoopBound(
                PlayerShard(eventLoop: loop, stallAfter: .seconds(2), sendClock: nil, batchInterval: .milliseconds(20)),
                eventLoop: loop)
        }.get()
        let port = try #require(listener.localAddress?.port)
        let socket = try PlayerSocket.connected(host: "127.0.0.1", port: port, timeout: .seconds(2))
        let client = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let index = shard.value.addPlayer(at: .now())
                    shard.value.adoptDescriptor(socket, for: index)
                    try channel.pipeline.syncOperations.addHandler(EndsDirectReads(shard: shard.value, index: index))
                }
            }
            .withConnectedSocket(socket).get()
        defer { client.close(promise: nil) }
        var acknowledgements = AcknowledgementWindow()
        acknowledgements.size = 4000
        let window = acknowledgements
        let tookOver = try await loop.submit {
            shard.value.readDirectly(0, channel: client, acknowledgements: window)
        }.get()
        #expect(tookOver)

        let connection = try await eventually { server.connection.withLockedValue { $0 } }
        try await connection.writeAndFlush(ByteBuffer(repeating: 7, count: 10_000)).get()
        let sent = try await eventually { () -> [UInt8]? in
            let bytes = server.received.withLockedValue { Array($0.readableBytesView) }
            return bytes.count >= 16 ? bytes : nil
        }
        // 10,000 bytes, windows of 4,000: however the batches fell, each acknowledgement carries the count
        // at its batch's end, and the last one is due by 8,000.
        var decoder = RTMPChunkDecoder()
        var buffer = ByteBuffer(bytes: sent)
        let message = try #require(try decoder.decode(buffer: &buffer))
        guard case .acknowledgement(let sequence) = try RTMPControlMessage(message) else {
            Issue.record("not an acknowledgement: \(message)")
            return
        }
        #expect(sequence >= 4000 && sequence <= 10_000)
        let counted = try await eventually { () -> Int? in
            let bytes = try await loop.submit { shard.value.players[0].bytes }.get()
            return bytes == 10_000 ? bytes : nil
        }
        #expect(counted == 10_000)

        try await connection.close()
        try await client.closeFuture.get()
        let direct = try await loop.submit { shard.value.isBatching(0) }.get()
        #expect(!direct)
        try await loop.submit { shard.value.stop() }.get()
    }

    /// Polls `body` every 10 ms until it returns a value, for at most 5 s.
    private func eventually<T>(_ body: () async throws -> T?) async throws -> T {
        let deadline = NIODeadline.now() + .seconds(5)
        while NIODeadline.now() < deadline {
            if let value = try await body() { return value }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw TimedOut()
    }

    private struct TimedOut: Error {}
}
