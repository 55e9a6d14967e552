import Live
import Media
import NIOCore
import NIOEmbedded
import Testing

/// A player reduced to what the relay sees: it "sends" bytes into `output`, keeps a queue of its own
/// while its socket is full, and follows whenever it holds nothing back.
final class FollowingPlayer: LiveFollower {
    let eventLoop: any EventLoop
    let format: LiveFormat?
    let mergedWritesSetting: LiveMergedWrites
    var writable = true
    var paused = false
    private(set) var output = ByteBuffer()
    private(set) var queued: [ByteBuffer] = []
    private(set) var packetCalls = 0
    private(set) var followerFlushes = 0
    private(set) var followedMessages = 0
    private(set) var largestFlushRuns = 0
    /// `output`'s length when each status event arrived.
    private(set) var statusAt: [Int] = []

    init(eventLoop: any EventLoop, format: LiveFormat, setting: LiveMergedWrites) {
        self.eventLoop = eventLoop
        self.format = format
        self.mergedWritesSetting = setting
    }

    func liveStream(didReceive event: LiveEvent) {
        switch event {
        case .media(_, let encoded):
            packetCalls += 1
            guard !paused, let encoded else { return }
            if writable && queued.isEmpty { output.writeImmutableBuffer(encoded) } else { queued.append(encoded) }
        case .publishStarted, .unpublished:
            statusAt.append(output.readableBytes)
        }
    }

    func liveStreamDidFinishBatch() {}

    var canFollow: Bool { writable && !paused && queued.isEmpty }

    func liveStreamFollowerFlush(_ runs: LiveFollowRuns, messages: Int) -> Bool {
        guard canFollow else { return false }
        var count = 0
        runs.forEach {
            output.writeImmutableBuffer($0)
            count += 1
        }
        followerFlushes += 1
        followedMessages += messages
        largestFlushRuns = max(largestFlushRuns, count)
        return true
    }

    func drain() {
        writable = true
        for bytes in queued { output.writeImmutableBuffer(bytes) }
        queued.removeAll()
    }
}

@Suite("Followers: the relay writes players that keep up")
struct LiveFollowerTests {
    static let format = LiveFormat(name: "tagged") { (packet: MediaPacket, buffer: inout ByteBuffer) in
        buffer.writeString("[\(packet.kind)\(packet.timestamp)]")
        buffer.writeImmutableBuffer(packet.payload)
    }
    static let otherFormat = LiveFormat(name: "other") { (packet: MediaPacket, buffer: inout ByteBuffer) in
        buffer.writeString("<\(packet.timestamp)>")
    }
    static let setting = LiveMergedWrites(latency: 350, messages: 1)

    let loop = EmbeddedEventLoop()
    let registry = StreamRegistry()
    let configuration = LiveStreamConfiguration(timeJitter: .off)

    func publish() throws -> LivePublishSession {
        let future = registry.publish(testKey, configuration: configuration, on: loop)
        loop.run()
        return try future.wait()
    }

    /// 25 fps video with an audio frame after each, one publisher batch per packet as from a socket.
    static func media(from start: Int64, milliseconds: Int64) -> [MediaPacket] {
        stride(from: start, to: start + milliseconds, by: 40).flatMap { timestamp in
            [Packets.video(timestamp, key: timestamp % 2000 == 0), Packets.audio(timestamp + 5)]
        }
    }

    static func expected(_ packets: [MediaPacket], format: LiveFormat = format) -> ByteBuffer {
        var bytes = ByteBuffer()
        for packet in packets { format.write(packet, into: &bytes) }
        return bytes
    }

    func send(_ packets: [MediaPacket], _ session: LivePublishSession, loops: [EmbeddedEventLoop] = []) {
        for packet in packets {
            session.append(packet)
            session.flush()
            loop.run()
            loops.forEach { $0.run() }
        }
    }

    @Test("a player that keeps up is written a few runs per merged-writes span, every byte once and in order")
    func followsAndGetsEverything() throws {
        let session = try publish()
        let player = FollowingPlayer(eventLoop: loop, format: Self.format, setting: Self.setting)
        let subscription = registry.subscribe(player, to: testKey, configuration: configuration)
        loop.run()
        let packets = Self.media(from: 0, milliseconds: 4_000)
        send(packets, session)
        let tail = [Packets.video(4_000, key: true)]
        send(tail, session)  // the last span completes only once its latency of media has passed
        send(Self.media(from: 4_400, milliseconds: 40), session)

        let all = packets + tail + Self.media(from: 4_400, milliseconds: 40)
        let expected = Self.expected(all)
        // The newest span waits for its latency of media; the unpublish hands it over.
        #expect(expected.getSlice(at: 0, length: player.output.readableBytes) == player.output)
        #expect(expected.readableBytes - player.output.readableBytes < 100)
        session.finish()
        loop.run()
        #expect(player.output == expected)
        // Only the first batch went through the player's own pacing; the rest came in flushes of 350 ms or so.
        #expect(player.packetCalls <= 2)
        #expect(player.followedMessages >= all.count - 2)
        #expect((11...14).contains(player.followerFlushes), "flushes: \(player.followerFlushes)")
        #expect(player.largestFlushRuns <= 2)  // one page run, or two across a page boundary
        subscription.cancel()
        loop.run()
    }

    @Test("a follower whose socket fills up is handed the packets it was not sent, and paces them itself")
    func socketFullHandsPacketsBack() throws {
        let session = try publish()
        let player = FollowingPlayer(eventLoop: loop, format: Self.format, setting: Self.setting)
        let watcher = RecordingConsumer(eventLoop: loop, format: Self.otherFormat)
        let subscriptions = [
            registry.subscribe(player, to: testKey, configuration: configuration),
            registry.subscribe(watcher, to: testKey, configuration: configuration),
        ]
        loop.run()
        let first = Self.media(from: 0, milliseconds: 1_000)
        send(first, session)
        #expect(player.followerFlushes > 0)
        player.writable = false
        let second = Self.media(from: 1_000, milliseconds: 1_000)
        send(second, session)
        #expect(!player.queued.isEmpty)
        player.drain()
        let third = Self.media(from: 2_000, milliseconds: 1_000) + [Packets.video(3_500, key: true)]
        send(third, session)
        #expect(player.output == Self.expected(first + second + third))
        // A consumer that never follows still gets every packet, in its own format.
        #expect(watcher.media.count == (first + second + third).count)
        #expect(watcher.encoded.last == Self.otherFormat.serialize(Packets.video(3_500, key: true)))
        subscriptions.forEach { $0.cancel() }
        session.finish()
        loop.run()
    }

    @Test("a pause takes effect for everything not yet written")
    func pauseDropsWhatWasNotWritten() throws {
        let session = try publish()
        let player = FollowingPlayer(eventLoop: loop, format: Self.format, setting: LiveMergedWrites(latency: 10_000, messages: 1))
        let subscription = registry.subscribe(player, to: testKey, configuration: configuration)
        loop.run()
        send([Packets.video(0, key: true)], session)  // the first batch, through the player's own pacing
        let sentBeforePause = player.output.readableBytes
        send(Self.media(from: 40, milliseconds: 400), session)  // held by the relay for the 10 s span
        #expect(player.output.readableBytes == sentBeforePause)
        player.paused = true
        send(Self.media(from: 10_040, milliseconds: 40), session)  // the span completes: nothing is written
        #expect(player.output.readableBytes == sentBeforePause)
        subscription.cancel()
        session.finish()
        loop.run()
    }

    @Test("a status event reaches a follower after every byte it was owed, on the stream's loop or another")
    func statusAfterOwedBytes() throws {
        let otherLoop = EmbeddedEventLoop()
        let session = try publish()
        let players = [loop, otherLoop].map {
            FollowingPlayer(eventLoop: $0, format: Self.format, setting: LiveMergedWrites(latency: 10_000, messages: 1))
        }
        let subscriptions = players.map { registry.subscribe($0, to: testKey, configuration: configuration) }
        loop.run()
        otherLoop.run()
        let packets = Self.media(from: 0, milliseconds: 800)
        send(packets, session, loops: [otherLoop])
        session.finish()
        loop.run()
        otherLoop.run()
        for player in players {
            #expect(player.output == Self.expected(packets))
            #expect(player.statusAt.last == player.output.readableBytes)
        }
        subscriptions.forEach { $0.cancel() }
        loop.run()
        otherLoop.run()
    }

    @Test("followers of two formats on one loop each get their own bytes")
    func twoFormats() throws {
        let session = try publish()
        let first = FollowingPlayer(eventLoop: loop, format: Self.format, setting: Self.setting)
        let second = FollowingPlayer(eventLoop: loop, format: Self.otherFormat, setting: .off)
        let subscriptions = [first, second].map { registry.subscribe($0, to: testKey, configuration: configuration) }
        loop.run()
        let packets = Self.media(from: 0, milliseconds: 2_000) + [Packets.video(2_400, key: true)]
        send(packets, session)
        #expect(first.output == Self.expected(packets))
        #expect(second.output == Self.expected(packets, format: Self.otherFormat))
        #expect(second.followerFlushes >= packets.count - 2)  // no merging: a flush per batch
        subscriptions.forEach { $0.cancel() }
        session.finish()
        loop.run()
    }
}
