import Live
import Media
import NIOCore
import NIOEmbedded
import Testing

@Suite struct LiveStreamTests {
    let loop = EmbeddedEventLoop()
    let registry = StreamRegistry()
    let configuration = LiveStreamConfiguration(timeJitter: .off)

    func publish(_ key: StreamKey = testKey) throws -> LivePublishSession {
        let future = registry.publish(key, configuration: configuration, on: loop)
        loop.run()
        return try future.wait()
    }

    @Test func everyConsumerGetsTheSameBytesSerializedOnce() throws {
        let counting = CountingFormat()
        let session = try publish()
        let players = (0..<50).map { _ in RecordingConsumer(eventLoop: loop, format: counting.format) }
        let subscriptions = players.map { registry.subscribe($0, to: testKey, configuration: configuration) }
        loop.run()
        for timestamp in stride(from: Int64(0), to: 200, by: 40) {
            session.append(Packets.video(timestamp, key: timestamp == 0))
        }
        session.flush()
        loop.run()
        #expect(counting.calls == 5)
        let reference = players[0].encoded
        #expect(reference.count == 5)
        for player in players {
            #expect(player.encoded == reference)
            #expect(player.batches == 2)  // join snapshot, then one live batch
        }
        subscriptions.forEach { $0.cancel() }
        session.finish()
        loop.run()
        #expect(registry.streams.isEmpty)
    }

    @Test func lateJoinerStartsWithHeadersAndTheCurrentGOP() throws {
        let session = try publish()
        session.append(Packets.metadata())
        session.append(Packets.video(0, header: true))
        session.append(Packets.audio(0, header: true))
        session.append(Packets.video(0, key: true))
        session.append(Packets.video(40))
        session.append(Packets.video(2000, key: true))
        session.append(Packets.audio(2010))
        session.append(Packets.video(2040))
        session.flush()
        loop.run()

        let late = RecordingConsumer(eventLoop: loop)
        _ = registry.subscribe(late, to: testKey, configuration: configuration)
        loop.run()
        #expect(late.publishStarts == 1)
        let media = late.media
        #expect(media.count == 6)
        #expect(media[0].flags.contains(.metadata))
        #expect(media[1].isSequenceHeader && media[1].kind == .video)
        #expect(media[2].isSequenceHeader && media[2].kind == .audio)
        #expect(media[3].isKeyframe && media[3].timestamp == 2000)
        // Headers are restamped to the GOP start so the player's clock does not run backwards.
        #expect(media.map(\.timestamp) == [2000, 2000, 2000, 2000, 2010, 2040])
        session.finish()
    }

    @Test func secondPublisherIsRefusedAndFirstIsUndisturbed() throws {
        let first = try publish()
        let player = RecordingConsumer(eventLoop: loop)
        _ = registry.subscribe(player, to: testKey, configuration: configuration)
        let second = registry.publish(testKey, configuration: configuration, on: loop)
        loop.run()
        #expect(throws: LiveError.streamBusy(testKey)) { try second.wait() }
        first.append(Packets.video(0, key: true))
        first.flush()
        loop.run()
        #expect(player.media.count == 1)
        #expect(player.unpublishes == 0)
    }

    @Test func playerWaitingBeforePublishStartsWhenPublisherArrivesAndResumesAfterRepublish() throws {
        let player = RecordingConsumer(eventLoop: loop)
        let subscription = registry.subscribe(player, to: testKey, configuration: configuration)
        loop.run()
        #expect(player.events.isEmpty)

        var session = try publish()
        session.append(Packets.video(0, key: true))
        session.flush()
        session.finish()
        loop.run()
        #expect(player.publishStarts == 1)
        #expect(player.unpublishes == 1)
        #expect(registry.streams.count == 1)  // still held by the player

        session = try publish()
        session.append(Packets.video(0, key: true))
        session.flush()
        loop.run()
        #expect(player.publishStarts == 2)
        #expect(player.media.count == 2)
        subscription.cancel()
        session.finish()
        loop.run()
        #expect(registry.streams.isEmpty)
    }

    @Test func unsubscribedConsumerReceivesNothingMore() throws {
        let session = try publish()
        let player = RecordingConsumer(eventLoop: loop)
        let subscription = registry.subscribe(player, to: testKey, configuration: configuration)
        loop.run()
        subscription.cancel()
        subscription.cancel()
        loop.run()
        session.append(Packets.video(0, key: true))
        session.flush()
        loop.run()
        #expect(player.media.isEmpty)
    }

    @Test func consumerOnAnotherLoopGetsBatchesInOrderWithoutGapOrDuplicate() throws {
        let playerLoop = EmbeddedEventLoop()
        let session = try publish()
        session.append(Packets.video(0, key: true))
        session.flush()
        loop.run()

        let player = RecordingConsumer(eventLoop: playerLoop)
        _ = registry.subscribe(player, to: testKey, configuration: configuration)
        // Live packets are published before the subscribe hop runs on the stream's loop.
        session.append(Packets.video(40))
        session.flush()
        loop.run()
        session.append(Packets.video(80))
        session.flush()
        loop.run()
        playerLoop.run()
        #expect(player.timestamps == [0, 40, 80])
    }

    @Test func gopCacheIsBoundedByFrames() throws {
        let bounded = LiveStreamConfiguration(gopCacheMaxFrames: 3, timeJitter: .off)
        let future = registry.publish(testKey, configuration: bounded, on: loop)
        loop.run()
        let session = try future.wait()
        session.append(Packets.video(0, key: true))
        for index in 1...5 { session.append(Packets.video(Int64(index) * 40)) }
        session.flush()
        loop.run()
        let late = RecordingConsumer(eventLoop: loop)
        _ = registry.subscribe(late, to: testKey, configuration: bounded)
        loop.run()
        // The GOP outgrew the cache and was dropped whole: nothing undecodable is sent.
        #expect(late.media.isEmpty)
        #expect(late.publishStarts == 1)

        // Audio and inter frames after the overflow must not restart the cache...
        session.append(Packets.audio(250))
        session.append(Packets.video(280))
        session.flush()
        loop.run()
        let later = RecordingConsumer(eventLoop: loop)
        _ = registry.subscribe(later, to: testKey, configuration: bounded)
        loop.run()
        #expect(later.media.isEmpty, "a cached GOP started without a keyframe")

        // ...only the next keyframe does.
        session.append(Packets.video(320, key: true))
        session.append(Packets.audio(330))
        session.flush()
        loop.run()
        let last = RecordingConsumer(eventLoop: loop)
        _ = registry.subscribe(last, to: testKey, configuration: bounded)
        loop.run()
        #expect(last.media.first?.isKeyframe == true)
        #expect(last.timestamps == [320, 330])
    }

    @Test func withGOPCacheOffALateJoinerGetsHeadersThenLiveMediaOnly() throws {
        let uncached = LiveStreamConfiguration(gopCache: false, timeJitter: .off)
        let future = registry.publish(testKey, configuration: uncached, on: loop)
        loop.run()
        let session = try future.wait()
        session.append(Packets.video(0, header: true))
        session.append(Packets.video(0, key: true))
        session.append(Packets.video(40))
        session.flush()
        loop.run()
        let late = RecordingConsumer(eventLoop: loop)
        _ = registry.subscribe(late, to: testKey, configuration: uncached)
        loop.run()
        #expect(late.media.count == 1 && late.media[0].isSequenceHeader)
        session.append(Packets.video(80))
        session.flush()
        loop.run()
        #expect(late.timestamps == [40, 80])  // headers stamped at the join, then live media
    }
}
