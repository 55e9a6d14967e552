public import Media
public import NIOCore

/// The players of one event loop: their states and latency samples. Only that loop touches it;
/// the reporter asks for a ``Snapshot`` once a second through the loop, so the media path takes
/// no lock.
public final class PlayerShard {
    /// A copy of the shard's figures, taken on its loop.
    public struct Snapshot: Sendable {
        public var players: [PlayerState]
        /// Latency samples taken since the previous snapshot.
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
    private var latencyCount = 0
    /// When the current socket read happened: taken once per read, not once per message.
    public var readInstant = NIODeadline.now()
    /// Batched reads: one timer per loop reads every registered channel, so a thousand players cost
    /// five wake-ups a second, not five thousand.
    public let batchInterval: TimeAmount
    /// The channels read by the batch timer, by player index (an array: the timer walks it every tick).
    private var batched: [(any Channel)?] = []
    private var batchTask: RepeatedTask?

    public init(eventLoop: any EventLoop, stallAfter: TimeAmount, sendClock: SendClock?, batchInterval: TimeAmount) {
        self.eventLoop = eventLoop
        self.stallAfter = stallAfter
        self.sendClock = sendClock
        self.batchInterval = batchInterval
    }

    /// Switches player `index`'s channel to batched reads (`autoRead` off; read every `batchInterval`).
    public func startBatching(_ index: Int, channel: any Channel) {
        guard batchInterval > .zero, !isBatching(index) else { return }
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        if batched.count <= index { batched.append(contentsOf: repeatElement(nil, count: index - batched.count + 1)) }
        batched[index] = channel
        guard batchTask == nil else { return }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        batchTask = eventLoop.scheduleRepeatedTask(initialDelay: batchInterval, delay: batchInterval) { _ in
            for case let channel? in bound.value.batched { channel.read() }
        }
    }

    public func isBatching(_ index: Int) -> Bool { index < batched.count && batched[index] != nil }

    public func stopBatching(_ index: Int) {
        guard isBatching(index) else { return }
        batched[index] = nil
    }

    /// Stops the shard's timer (at the end of a run).
    public func stop() {
        batchTask?.cancel()
        batchTask = nil
        batched = []
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

    /// Records one media message for player `index`, and its latency when the publisher is in-process
    /// (live frames only: from the player's second keyframe on).
    public func media(
        _ index: Int, kind: MediaKind, flags: MediaPacket.Flags, timestamp: UInt32, at now: NIODeadline
    ) {
        let isFrame = players[index].media(
            kind: kind, timestamp: timestamp, flags: flags, at: now, stallAfter: stallAfter)
        guard isFrame, players[index].isPastJoinGOP, let sendClock, latencyCount < Self.maximumLatencySamples,
            let sent = sendClock.sendTime(of: timestamp)
        else { return }
        latencies.append(Double((now - sent).nanoseconds) / 1e6)
        latencyCount += 1
    }

    /// Player `index` stopped parsing: from now on only its bytes tell that media arrives.
    public func countBytesOnly(_ index: Int) {
        players[index].countBytesOnly()
    }

    /// Bytes reached a player that only counts bytes.
    public func bytesArrived(_ index: Int, at now: NIODeadline) {
        players[index].bytesArrived(at: now, stallAfter: stallAfter)
    }

    public func snapshot(at now: NIODeadline) -> Snapshot {
        let live = sendClock?.isLive ?? true
        for index in players.indices {
            players[index].checkStall(at: now, publisherLive: live, stallAfter: stallAfter)
        }
        defer { latencies.removeAll(keepingCapacity: true) }
        return Snapshot(players: players, latencies: latencies)
    }
}

@available(*, unavailable)
extension PlayerShard: Sendable {}
