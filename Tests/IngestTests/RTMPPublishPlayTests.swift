import Live
import Media
import NIOCore
import RTMP
import Testing

@testable import Ingest

@Suite("RTMP publish and play through the session handler")
struct RTMPPublishPlayTests {
    @Test("ffmpeg's publish sequence gets connect, createStream and Publish.Start replies")
    func publishReplies() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()

        let replies = try publisher.publish("test")

        let controls = replies.compactMap(\.control)
        #expect(controls.contains(.windowAcknowledgementSize(2_500_000)))
        #expect(controls.contains(.setPeerBandwidth(2_500_000, limitType: .dynamic)))
        #expect(controls.contains(.setChunkSize(60000)))
        let commands = replies.commands
        let connectResult = try #require(commands.first { $0.transactionID == 1 })
        guard case .result = connectResult else {
            Issue.record("connect answered with \(connectResult)")
            return
        }
        #expect(connectResult.resultStatus?.code == .connectSuccess)
        #expect(connectResult.resultStatus?.level == .status)
        #expect(commands.contains(.undefinedResult(transactionID: 2)))  // releaseStream
        #expect(commands.contains(.undefinedResult(transactionID: 3)))  // FCPublish
        #expect(commands.first { $0.transactionID == 4 }?.createdStreamID == 1)
        #expect(commands.contains(.nullResult(transactionID: 5)))  // _checkbw
        let start = try #require(replies.statuses.first)
        #expect(start.code == .publishStart)
        #expect(start.level == .status)
        #expect(replies.first { $0.status != nil }?.streamID == 1)
        #expect(commands.contains { if case .onFCPublish = $0 { return true } else { return false } })
        #expect(publisher.isActive)
        // The server's Set Chunk Size precedes the connect result, so the decoder switched sizes mid-reply.
        let setChunkIndex = try #require(replies.firstIndex { $0.control == .setChunkSize(60000) })
        let resultIndex = try #require(replies.firstIndex { $0.command?.transactionID == 1 })
        #expect(setChunkIndex < resultIndex)
    }

    @Test("a player gets metadata, sequence headers and media, before and after it joins")
    func playerReceivesStream() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        var media = MediaGenerator()
        try publisher.send(media.headers())
        try publisher.send(batches: media.ticks(milliseconds: 200))

        let player = try harness.client()
        let joined = try player.play("test")

        let commands = joined.commands
        #expect(commands.first { $0.transactionID == 2 }?.createdStreamID == 1)
        #expect(joined.statusCodes == [.playReset, .playStart])
        #expect(joined.compactMap(\.control).contains(.userControl(.streamBegin(streamID: 1))))
        let snapshot = joined.media
        try #require(snapshot.count >= 3)
        #expect(TestMedia.isMetadata(snapshot[0]))
        let metadata = try RTMPDataMessage(snapshot[0])
        guard case .ecmaArray(let properties)? = metadata.values.first else {
            Issue.record("metadata is not an ECMA array: \(metadata.values)")
            return
        }
        #expect(properties.contains(AMF0Property("width", .number(64))))
        #expect(snapshot[1].type == .video && TestMedia.isSequenceHeader(snapshot[1]))
        #expect(snapshot[2].type == .audio && TestMedia.isSequenceHeader(snapshot[2]))
        // 200 ms is five ticks from the first keyframe: the whole GOP so far, in order.
        #expect(snapshot.dropFirst(3).compactMap(TestMedia.id(of:)) == Array(1...15))
        #expect(snapshot.allSatisfy { $0.streamID == RTMPMediaFormat.playStreamID })

        let live = media.tick()
        try publisher.send(live)
        let received = try player.receiveMessages()
        #expect(received.compactMap(TestMedia.id(of:)) == live.compactMap(TestMedia.id(of:)))
        #expect(received.map(\.payload) == live.map(\.payload))
        #expect(received.map(\.timestamp) == live.map(\.timestamp))
        #expect(publisher.isActive && player.isActive)
    }

    @Test("a late joiner starts at the last keyframe with headers and monotonic timestamps")
    func lateJoinerStartsAtLastKeyframe() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        var media = MediaGenerator(keyframeInterval: 10)
        try publisher.send(media.headers())
        // 1 s: keyframes at 0 and 400 and 800 ms; the last GOP starts at tick 20.
        let published = media.ticks(milliseconds: 1000)
        try publisher.send(batches: published)
        let lastKeyframe = try #require(published.flatMap { $0 }.last(where: TestMedia.isKeyframe))
        let lastKeyframeID = try #require(TestMedia.id(of: lastKeyframe))

        let player = try harness.client()
        let snapshot = try player.play("test").media

        try #require(snapshot.count > 3)
        #expect(TestMedia.isMetadata(snapshot[0]))
        #expect(TestMedia.isSequenceHeader(snapshot[1]) && snapshot[1].type == .video)
        #expect(TestMedia.isSequenceHeader(snapshot[2]) && snapshot[2].type == .audio)
        let frames = Array(snapshot.dropFirst(3))
        #expect(frames.first.map(TestMedia.isKeyframe) == true)
        #expect(frames.first.flatMap(TestMedia.id(of:)) == lastKeyframeID)
        let expectedIDs = published.flatMap { $0 }.compactMap(TestMedia.id(of:)).filter { $0 >= lastKeyframeID }
        #expect(frames.compactMap(TestMedia.id(of:)) == expectedIDs)
        // Headers are restamped to the GOP start so the clock never steps back.
        let timestamps = snapshot.map(\.timestamp)
        #expect(timestamps == timestamps.sorted(), "timestamps: \(timestamps)")
        #expect(snapshot[0...2].allSatisfy { $0.timestamp == lastKeyframe.timestamp })

        // Live media continues where the snapshot ended.
        let next = media.tick()
        try publisher.send(next)
        let live = try player.receiveMessages().media
        #expect(live.compactMap(TestMedia.id(of:)) == next.compactMap(TestMedia.id(of:)))
        #expect(try #require(live.first).timestamp >= #require(timestamps.last))
    }

    @Test("players get UnpublishNotify, then PublishNotify and media after a republish")
    func unpublishAndRepublish() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        var media = MediaGenerator()
        try publisher.send(media.headers())
        try publisher.send(media.tick())
        let players = try (0..<3).map { _ in try harness.client() }
        for player in players { try player.play("test") }

        let unpublishReplies = try publisher.unpublish("test")
        #expect(unpublishReplies.statusCodes == [.unpublishSuccess])
        for player in players {
            let messages = try player.receiveMessages()
            #expect(messages.statusCodes == [.playUnpublishNotify])
            #expect(messages.statuses.first?.level == .status)
            #expect(player.isActive)
        }

        // A new publisher (ffmpeg reconnects) takes the stream over.
        let republisher = try harness.client()
        let replies = try republisher.publish("test")
        #expect(replies.statusCodes == [.publishStart])
        for player in players {
            #expect(try player.receiveMessages().statusCodes == [.playPublishNotify])
        }
        try republisher.send(media.headers())
        let frames = media.tick()
        try republisher.send(frames)
        for player in players {
            let received = try player.receiveMessages().media
            #expect(received.count == 3 + frames.count)
            #expect(received.compactMap(TestMedia.id(of:)) == frames.compactMap(TestMedia.id(of:)))
            #expect(player.isActive)
        }
        // The first publisher's connection stays up and may publish again later.
        #expect(publisher.isActive)
    }

    @Test("a publisher that disconnects makes players get UnpublishNotify")
    func publisherDisconnect() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let player = try harness.client()
        try player.play("test")

        publisher.disconnect()

        #expect(try player.receiveMessages().statusCodes == [.playUnpublishNotify])
        #expect(player.isActive)
    }
}
