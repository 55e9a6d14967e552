import NIOCore
import NIOEmbedded
import RTMP
import Testing

@testable import Ingest

/// Records the server's writes grouped by the flush that sent them: each group is one write to the socket.
private final class FlushGroupRecorder: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var pending: [ByteBuffer] = []
    private(set) var groups: [[ByteBuffer]] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        pending.append(unwrapOutboundIn(data))
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        if !pending.isEmpty { groups.append(pending) }
        pending = []
        context.flush()
    }

    /// Every group decoded, in order, by one decoder (the server's Set Chunk Size applies across groups).
    func decodedGroups() throws -> [[RTMPMessage]] {
        var decoder = RTMPChunkDecoder()
        return try groups.map { group in
            var messages: [RTMPMessage] = []
            for var bytes in group {
                while let message = try decoder.decode(buffer: &bytes) { messages.append(message) }
            }
            return messages
        }
    }
}

@Suite("The play replies and the join's GOP in one write")
struct RTMPPlayFlushTests {
    /// A publisher of `stream` that sent the headers and `milliseconds` of media (a keyframe first).
    private func publishLive(_ stream: String, on harness: IngestHarness, milliseconds: Int) throws {
        let publisher = try harness.client()
        try publisher.publish(stream)
        var media = MediaGenerator()
        try publisher.send(media.headers())
        try publisher.send(batches: media.ticks(milliseconds: milliseconds))
    }

    @Test("a player of a live stream gets Play.Start and the cached GOP in the same flush")
    func repliesShareTheJoinFlush() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        try publishLive("test", on: harness, milliseconds: 200)
        let player = try harness.client()
        let recorder = FlushGroupRecorder()
        try player.channel.pipeline.syncOperations.addHandler(recorder, position: .first)

        let joined = try player.play("test")

        #expect(joined.statusCodes == [.playReset, .playStart])
        let groups = try recorder.decodedGroups()
        let startGroup = try #require(groups.firstIndex { $0.statusCodes.contains(.playStart) })
        // Metadata, both sequence headers and the GOP so far (15 frames) ride with the replies.
        #expect(groups[startGroup].media.count >= 3 + 15)
        #expect(groups[startGroup].statusCodes == [.playReset, .playStart])
        let firstMedia = try #require(groups[startGroup].firstIndex { $0.isMedia })
        #expect(Array(groups[startGroup][..<firstMedia]).statusCodes == [.playReset, .playStart])
        #expect(groups.dropFirst(startGroup + 1).allSatisfy { $0.statusCodes.isEmpty })
    }

    @Test("a player of a stream nobody publishes still gets its play replies, alone")
    func repliesWithoutAStream() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let player = try harness.client()
        let recorder = FlushGroupRecorder()
        try player.channel.pipeline.syncOperations.addHandler(recorder, position: .first)

        let joined = try player.play("nobody")

        #expect(joined.statusCodes == [.playReset, .playStart])
        #expect(joined.media.isEmpty)
        let groups = try recorder.decodedGroups()
        #expect(groups.last?.statusCodes == [.playReset, .playStart])
        #expect(player.isActive)
    }

    @Test("nothing of the play's answers is sent before the loop runs the join")
    func repliesWaitForTheJoin() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        try publishLive("test", on: harness, milliseconds: 40)
        let player = try harness.client()
        try player.send(
            RTMPCommand.connect(.client(app: "live", tcUrl: FakeRTMPClient.defaultTcUrl, publishing: false)).message(),
            RTMPCommand.createStream(transactionID: 2).message())
        _ = try player.receive()
        var play = ByteBufferAllocator().buffer(capacity: 256)
        // The client's chunk size is still the default 128 bytes.
        try RTMPChunkEncoder().encode(
            data: RTMPCommand.play(RTMPPlayCommand(transactionID: 3, streamName: "test", start: -2000))
                .message(streamID: 1),
            out: &play)

        try player.channel.writeInbound(play)
        #expect(try player.receive().isEmpty)
        player.loop.run()

        let joined = try player.receiveMessages()
        #expect(joined.statusCodes == [.playReset, .playStart])
        #expect(joined.media.count >= 3)
    }
}
