import Live
import NIOCore

/// A player reduced to its bookkeeping: it counts the bytes it would write.
protocol ByteCountingPlayer: LiveConsumer {
    init(eventLoop: any EventLoop, format: LiveFormat?)
    /// Every byte handed to the player, however it came.
    var bytes: Int { get }
}

/// A player that is handed every packet (it never follows): the per-packet path of the relay.
final class ByteCountingConsumer: ByteCountingPlayer {
    let eventLoop: any EventLoop
    let format: LiveFormat?
    private(set) var bytes = 0
    private(set) var batches = 0

    init(eventLoop: any EventLoop, format: LiveFormat?) {
        self.eventLoop = eventLoop
        self.format = format
    }

    func liveStream(didReceive event: LiveEvent) {
        if case .media(_, let encoded?) = event {
            bytes += encoded.readableBytes
        }
    }

    func liveStreamDidFinishBatch() {
        batches += 1
    }
}

/// A player that always keeps up: after its first batch its loop's relay writes it page runs once per
/// merged-writes span (SRS's default `mw_latency` 350 ms) and never calls it per packet.
final class ByteCountingFollower: ByteCountingPlayer, LiveFollower {
    static let mergedWrites = LiveMergedWrites(latency: 350, messages: 1)

    let eventLoop: any EventLoop
    let format: LiveFormat?
    let mergedWritesSetting = ByteCountingFollower.mergedWrites
    private(set) var bytes = 0
    /// The media messages and flushes that came as page runs.
    private(set) var followedMessages = 0
    private(set) var flushes = 0

    init(eventLoop: any EventLoop, format: LiveFormat?) {
        self.eventLoop = eventLoop
        self.format = format
    }

    var canFollow: Bool { true }

    /// Packets come one by one only before the player follows, and when the relay hands pacing back
    /// (the publish ended) with what it had not flushed yet.
    func liveStream(didReceive event: LiveEvent) {
        if case .media(_, let encoded?) = event {
            bytes += encoded.readableBytes
        }
    }

    func liveStreamDidFinishBatch() {}

    func liveStreamFollowerFlush(_ runs: LiveFollowRuns, messages: Int) -> Bool {
        bytes += runs.byteCount
        followedMessages += messages
        flushes += 1
        return true
    }
}
