import Live
import Media
import NIOCore
import NIOEmbedded
import RTMP
import Testing

@testable import Ingest

@Suite("RTMP sessions that are refused or misbehave")
struct RTMPSessionRejectionTests {
    @Test("a second publisher gets Publish.BadName and is closed; the first keeps publishing")
    func secondPublisherIsRejected() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let first = try harness.client()
        try first.publish("test")
        var media = MediaGenerator()
        try first.send(media.headers())
        let player = try harness.client()
        try player.play("test")

        let second = try harness.client()
        let replies = try second.publish("test")

        let status = try #require(replies.statuses.last)
        #expect(status.code == .publishBadName)
        #expect(status.level == .error)
        #expect(!replies.statusCodes.contains(.publishStart))
        #expect(!second.isActive)
        #expect(first.isActive)
        #expect(try player.receive().isEmpty, "players must not hear about a refused publish")

        let frames = media.tick()
        try first.send(frames)
        #expect(try player.receiveMessages().compactMap(TestMedia.id(of:)) == frames.compactMap(TestMedia.id(of:)))
        #expect(try first.receive().isEmpty)
    }

    @Test("a publisher refused by a disabled vhost is closed")
    func disabledVhost() throws {
        var settings = RTMPServerSettings()
        settings.vhosts["off.example"] = RTMPServerSettings.Vhost(enabled: false)
        let harness = IngestHarness(settings: settings)
        defer { harness.finish() }
        let publisher = try harness.client()

        let replies = try publisher.publish("test", tcUrl: "rtmp://off.example/live")

        #expect(replies.statusCodes == [.publishBadName])
        #expect(replies.statuses.first?.level == .error)
        #expect(!publisher.isActive)
    }

    @Test("publish before connect closes the connection")
    func publishBeforeConnect() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let bystander = try harness.client()
        try bystander.publish("other")
        let client = try harness.client()

        try client.send(RTMPCommand.publish(transactionID: 1, streamName: "test", type: .live).message(streamID: 1))

        #expect(!client.isActive)
        #expect(try client.receiveMessages().statusCodes.isEmpty)
        #expect(harness.registry.stream(for: testKey) == nil, "nothing may be published without connect")
        #expect(bystander.isActive)
    }

    @Test("a command with truncated AMF closes that connection only")
    func truncatedCommand() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let client = try harness.client()
        var connect = RTMPCommand.connect(.client(app: "live", tcUrl: FakeRTMPClient.defaultTcUrl, publishing: false))
            .message()
        // Cut the command object in the middle of a property: a complete RTMP message, broken AMF.
        connect.payload = connect.payload.getSlice(at: connect.payload.readerIndex, length: 40)!

        try client.send(connect)

        #expect(!client.isActive)
        #expect(try client.receiveMessages().isEmpty)
        #expect(publisher.isActive)
        var media = MediaGenerator()
        try publisher.send(media.tick())
        #expect(publisher.isActive)
    }

    @Test("a message of an unknown type closes the connection", arguments: [UInt8(7), 0, 23, 255])
    func unknownMessageType(typeID: UInt8) throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let client = try harness.client()
        try client.play("test")

        try client.send(
            RTMPMessage(
                typeID: typeID, streamID: 0, timestamp: 0, chunkStreamID: RTMPChunkStreamID.command,
                payload: ByteBuffer(bytes: [1, 2, 3, 4])))

        #expect(!client.isActive)
        #expect(publisher.isActive)
        let frames = MediaGenerator().headers()
        try publisher.send(frames)
        #expect(publisher.isActive)
    }

    @Test("a message larger than max_message_size closes the connection")
    func oversizedMessage() throws {
        var settings = RTMPServerSettings()
        settings.maxMessageSize = 64 << 10
        let harness = IngestHarness(settings: settings)
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let player = try harness.client()
        try player.play("test")

        try publisher.send(TestMedia.video(id: 1, timestamp: 0, keyframe: true, size: 100_000))

        #expect(!publisher.isActive)
        #expect(try player.receiveMessages().statusCodes == [.playUnpublishNotify])
        #expect(player.isActive)
    }

    @Test("publish without a stream name gets Publish.BadName and is closed")
    func emptyStreamName() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()

        let replies = try publisher.publish("")

        #expect(replies.statusCodes == [.publishBadName])
        #expect(replies.statuses.first?.level == .error)
        #expect(!publisher.isActive)
        #expect(harness.registry.streams.isEmpty)
    }

    @Test("a publish withdrawn before it was accepted leaves nothing behind")
    func publishWithdrawnWhilePending() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.send(RTMPCommand.connect(.client(app: "live", tcUrl: FakeRTMPClient.defaultTcUrl, publishing: true)).message())
        try publisher.send(RTMPCommand.createStream(transactionID: 2).message())
        _ = try publisher.receive()

        // One read: the registry answers the publish only after deleteStream was handled.
        try publisher.send(
            RTMPCommand.publish(transactionID: 3, streamName: "test", type: .live).message(streamID: 1),
            RTMPCommand.deleteStream(transactionID: 4, streamID: 1).message())

        #expect(try publisher.receiveMessages().statusCodes.isEmpty)
        #expect(harness.registry.stream(for: testKey) == nil)
        #expect(publisher.isActive)
        // The connection can publish again.
        try publisher.send(RTMPCommand.publish(transactionID: 5, streamName: "test", type: .live).message(streamID: 1))
        #expect(try publisher.receiveMessages().statusCodes == [.publishStart])
    }

    @Test("a publish withdrawn and followed by a play in the same read leaves the player intact")
    func publishWithdrawnThenPlay() throws {
        let harness = IngestHarness()
        defer { harness.finish() }  // also checks the registry is empty: nothing leaked
        let publisher = try harness.client()
        try publisher.publish("b")
        var media = MediaGenerator()
        try publisher.send(media.headers() + media.tick())

        let client = try harness.client()
        try client.send(RTMPCommand.connect(.client(app: "live", tcUrl: FakeRTMPClient.defaultTcUrl, publishing: false)).message())
        try client.send(RTMPCommand.createStream(transactionID: 2).message())
        _ = try client.receive()
        try client.send(
            RTMPCommand.publish(transactionID: 3, streamName: "a", type: .live).message(streamID: 1),
            RTMPCommand.deleteStream(transactionID: 4, streamID: 1).message(),
            RTMPCommand.createStream(transactionID: 5).message(),
            RTMPCommand.play(RTMPPlayCommand(transactionID: 6, streamName: "b", start: -2000)).message(streamID: 1))
        let replies = try client.receiveMessages()
        #expect(replies.statusCodes.contains(.playStart))
        #expect(!replies.statusCodes.contains(.publishStart), "the stale publish answer took over the connection")
        #expect(harness.registry.stream(for: StreamKey(vhost: testKey.vhost, app: "live", stream: "a")) == nil)

        try publisher.send(media.tick())
        #expect(!(try client.receiveMessages().media.isEmpty), "the player stopped receiving")
    }

    @Test("media sent right behind publish, before Publish.Start, is not lost")
    func mediaPipelinedBehindPublish() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.send(RTMPCommand.connect(.client(app: "live", tcUrl: FakeRTMPClient.defaultTcUrl, publishing: true)).message())
        try publisher.send(RTMPCommand.createStream(transactionID: 2).message())
        _ = try publisher.receive()
        var media = MediaGenerator()
        let first = media.headers() + media.tick()

        try publisher.send(
            [RTMPCommand.publish(transactionID: 3, streamName: "test", type: .live).message(streamID: 1)] + first)
        #expect(try publisher.receiveMessages().statusCodes == [.publishStart])
        let player = try harness.client()
        let snapshot = try player.play("test").media

        #expect(snapshot.count == first.count)
        #expect(snapshot.compactMap(TestMedia.id(of:)) == first.compactMap(TestMedia.id(of:)))
    }

    @Test("a player that disconnects leaves the stream without disturbing the publisher")
    func playerDisconnects() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let players = try (0..<3).map { _ in try harness.client() }
        for player in players { try player.play("test") }

        players[1].disconnect()
        var media = MediaGenerator()
        let frames = media.tick()
        try publisher.send(frames)

        for index in [0, 2] {
            #expect(try players[index].receiveMessages().compactMap(TestMedia.id(of:)) == frames.compactMap(TestMedia.id(of:)))
        }
        let future = try #require(harness.registry.stream(for: testKey)).statisticsSnapshot()
        harness.loop.run()
        #expect(try future.wait().consumers == 2)
        #expect(publisher.isActive)
    }
}
