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
    /// Players' socket descriptors (``PlayerSocket``), by player index; -1: none. NIO owns and closes
    /// them; the shard forgets one when its channel goes inactive (``stopBatching(_:)``).
    private var descriptors: [CInt] = []
    /// Players that only count bytes and are read through their descriptor, not through NIO.
    private var directReaders: [DirectReader] = []
    /// Each player's position in `directReaders`, by player index; -1: none.
    private var directPositions: [Int] = []

    private struct DirectReader {
        let index: Int
        let descriptor: CInt
        let channel: any Channel
        var acknowledgements: AcknowledgementWindow?
    }

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
        startBatchTimer()
    }

    private func startBatchTimer() {
        guard batchTask == nil else { return }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        batchTask = eventLoop.scheduleRepeatedTask(initialDelay: batchInterval, delay: batchInterval) { _ in
            let shard = bound.value
            for case let channel? in shard.batched { channel.read() }
            shard.readDirectly()
        }
    }

    public func isBatching(_ index: Int) -> Bool {
        index < batched.count && batched[index] != nil
            || index < directPositions.count && directPositions[index] >= 0
    }

    /// Player `index` closed (called from `channelInactive`, right after NIO closed the descriptor and
    /// before any other task of the loop): it is read no more.
    public func stopBatching(_ index: Int) {
        if index < batched.count { batched[index] = nil }
        if index < directPositions.count, directPositions[index] >= 0 {
            let position = directPositions[index]
            directPositions[index] = -1
            let last = directReaders.removeLast()
            if position < directReaders.count {
                directReaders[position] = last
                directPositions[last.index] = position
            }
        }
        if index < descriptors.count { descriptors[index] = -1 }
    }

    /// Stops the shard's timer and direct reads (at the end of a run).
    public func stop() {
        batchTask?.cancel()
        batchTask = nil
        batched = []
        directReaders = []
        directPositions = []
        descriptors = []
    }

    /// Player `index`'s socket descriptor, for direct reads later on.
    func adoptDescriptor(_ descriptor: CInt, for index: Int) {
        if descriptors.count <= index { descriptors.append(contentsOf: repeatElement(-1, count: index - descriptors.count + 1)) }
        descriptors[index] = descriptor
    }

    /// Player `index` only counts bytes from now on: when it has its own descriptor, the batch sweep
    /// reads that directly (and sends the acknowledgements `acknowledgements` says are due); otherwise
    /// NIO goes on reading it in batches. Returns true when the shard took the reads over.
    @discardableResult
    func readDirectly(_ index: Int, channel: any Channel, acknowledgements: AcknowledgementWindow?) -> Bool {
        guard batchInterval > .zero, index < descriptors.count, descriptors[index] >= 0,
            index >= directPositions.count || directPositions[index] < 0
        else { return false }
        if index < batched.count { batched[index] = nil }
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        if directPositions.count <= index {
            directPositions.append(contentsOf: repeatElement(-1, count: index - directPositions.count + 1))
        }
        directPositions[index] = directReaders.count
        directReaders.append(
            DirectReader(index: index, descriptor: descriptors[index], channel: channel,
                acknowledgements: acknowledgements))
        startBatchTimer()
        return true
    }

    /// Bytes NIO still delivered to a player that is read directly (it had read them before the switch).
    func directBytes(_ index: Int, count: Int) {
        guard index < directPositions.count, directPositions[index] >= 0 else { return }
        let position = directPositions[index]
        if let sequence = directReaders[position].acknowledgements?.receive(count) {
            acknowledge(position, sequenceNumber: sequence)
        }
    }

    /// Direct reads take at most this many times ``PlayerStarter/maximumReadSize`` per player per batch.
    static let maximumDirectReads = 8

    /// The batch sweep over directly read players: one `recv` each when a batch is under the read size.
    private func readDirectly() {
        guard !directReaders.isEmpty else { return }
        let now = NIODeadline.now()
        var closing: [any Channel] = []
        for position in directReaders.indices {
            let reader = directReaders[position]
            guard let count = PlayerSocket.drain(
                    reader.descriptor, limit: PlayerStarter.maximumReadSize, maximumReads: Self.maximumDirectReads)
            else {
                closing.append(reader.channel)
                continue
            }
            guard count > 0 else { continue }
            players[reader.index].received(bytes: count)
            players[reader.index].bytesArrived(at: now, stallAfter: stallAfter)
            if let sequence = directReaders[position].acknowledgements?.receive(count),
                !acknowledge(position, sequenceNumber: sequence)
            {
                closing.append(reader.channel)
            }
        }
        // Closing runs the players' `channelInactive`, which edits `directReaders`: after the walk.
        for channel in closing { channel.close(promise: nil) }
    }

    @discardableResult
    private func acknowledge(_ position: Int, sequenceNumber: UInt32) -> Bool {
        PlayerSocket.send(AcknowledgementWindow.chunk(sequenceNumber: sequenceNumber), to: directReaders[position].descriptor)
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
