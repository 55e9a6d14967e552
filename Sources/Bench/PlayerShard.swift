public import Media
public import NIOCore

/// The players of one event loop: their states and latency samples. Only that loop touches it;
/// the reporter asks for a ``Snapshot`` once a second through the loop, so the media path takes
/// no lock.
public final class PlayerShard {
    /// A copy of the shard's figures, taken on its loop.
    public struct Snapshot: Sendable {
        public var players: [PlayerState]
        public var latencies: [Double]
    }

    /// At most this many latency samples are kept per shard (a few MB); later ones are dropped.
    public static let maximumLatencySamples = 500_000

    public let eventLoop: any EventLoop
    public let stallAfter: TimeAmount
    /// The in-process publisher's clock, when there is one.
    public let sendClock: SendClock?
    public private(set) var players: [PlayerState] = []
    private var latencies: [Double] = []

    public init(eventLoop: any EventLoop, stallAfter: TimeAmount, sendClock: SendClock?) {
        self.eventLoop = eventLoop
        self.stallAfter = stallAfter
        self.sendClock = sendClock
    }

    /// Adds a player starting now; returns its index.
    public func addPlayer(at now: NIODeadline) -> Int {
        eventLoop.preconditionInEventLoop()
        players.append(PlayerState(startedAt: now))
        return players.count - 1
    }

    public func update(_ index: Int, _ body: (inout PlayerState) -> Void) {
        body(&players[index])
    }

    /// Records one media message for player `index`, and its latency when the publisher is in-process.
    public func media(
        _ index: Int, kind: MediaKind, flags: MediaPacket.Flags, timestamp: UInt32, at now: NIODeadline
    ) {
        let isFrame = players[index].media(
            kind: kind, timestamp: timestamp, flags: flags, at: now, stallAfter: stallAfter)
        guard isFrame, let sendClock, latencies.count < Self.maximumLatencySamples,
            let sent = sendClock.sendTime(of: timestamp)
        else { return }
        latencies.append(Double((now - sent).nanoseconds) / 1e6)
    }

    public func snapshot(at now: NIODeadline) -> Snapshot {
        let live = sendClock?.isLive ?? true
        for index in players.indices {
            players[index].checkStall(at: now, publisherLive: live, stallAfter: stallAfter)
        }
        return Snapshot(players: players, latencies: latencies)
    }
}

@available(*, unavailable)
extension PlayerShard: Sendable {}
