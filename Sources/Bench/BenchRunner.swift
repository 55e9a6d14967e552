import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import RTMP

/// Runs one measurement: the optional in-process publishers, the ramped players, a line per
/// second, the drain, and the summary. Control-plane code: it only starts connections and asks
/// the loops for snapshots once a second; the media path is the handlers' alone.
public struct BenchRunner: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// How often the ramp loop wakes to start players and print.
    static let tick: TimeAmount = .milliseconds(10)

    public let configuration: BenchConfiguration

    public init(configuration: BenchConfiguration) {
        self.configuration = configuration
    }

    /// Runs to the end and returns the summary; `output` gets the per-second lines.
    public func run(output: @escaping @Sendable (String) -> Void) async throws -> BenchReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
        let channels = NIOLockedValueBox<[any Channel]>([])
        // Blocking connects (``PlayerSocket``) on loopback take microseconds. A server whose accept queue
        // overflows drops SYNs, and each connect then waits a retransmission (1 s, 3 s, ...): enough
        // threads keep the ramp going meanwhile.
        let connector = NIOThreadPool(numberOfThreads: 32)
        connector.start()
        defer { connector.shutdownGracefully { _ in } }
        do {
            let report = try await measure(group: group, channels: channels, connector: connector, output: output)
            await close(channels, group: group)
            return report
        } catch {
            await close(channels, group: group)
            throw error
        }
    }

    private func close(_ channels: NIOLockedValueBox<[any Channel]>, group: MultiThreadedEventLoopGroup) async {
        for channel in channels.withLockedValue({ $0 }) { try? await channel.close() }
        try? await group.shutdownGracefully()
    }

    private func measure(
        group: MultiThreadedEventLoopGroup, channels: NIOLockedValueBox<[any Channel]>, connector: NIOThreadPool,
        output: @escaping @Sendable (String) -> Void
    ) async throws -> BenchReport {
        let configuration = self.configuration
        let loops = Array(group.makeIterator())
        let sendClock = configuration.publishFile != nil && configuration.mode != .publish ? SendClock() : nil
        let publishers = try await startPublishers(loops: loops, sendClock: sendClock, channels: channels)
        if configuration.mode == .publish {
            return try await runPublishers(publishers, output: output)
        }
        // HLS clients count segments, not timestamps, and judge stalls themselves (3 target durations).
        let playerClock = configuration.mode == .hls ? nil : sendClock
        let stallAfter = configuration.mode == .hls ? TimeAmount.hours(1) : configuration.stallAfter
        let batchInterval = configuration.batchInterval
        var shards: [NIOLoopBound<PlayerShard>] = []
        for loop in loops {
            shards.append(
                try await loop.submit {
                    NIOLoopBound(
                        PlayerShard(
                            eventLoop: loop, stallAfter: stallAfter, sendClock: playerClock,
                            batchInterval: batchInterval),
                        eventLoop: loop)
                }.get())
        }
        let starter = try PlayerStarter(configuration: configuration, channels: channels, connector: connector)
        let start = NIODeadline.now()
        var started = 0
        var nextSecond = 1
        var lastBytes = 0
        var lastInstant = start
        // Snapshots carry only new latency samples; the run's are kept here for the summary.
        var latencies: [Double] = []
        while true {
            let now = NIODeadline.now()
            let elapsed = Self.seconds(now - start)
            if elapsed >= configuration.duration { break }
            let target = min(configuration.players, Int(elapsed * configuration.rate) + 1)
            while started < target {
                starter.start(shard: shards[started % shards.count])
                started += 1
            }
            if elapsed >= Double(nextSecond) {
                let snapshots = try await Self.snapshots(shards, at: now)
                for snapshot in snapshots { latencies += snapshot.latencies }
                let bytes = snapshots.reduce(0) { $0 + $1.bytes }
                let report = BenchReport.make(
                    mode: configuration.mode, players: started, snapshots: snapshots, sendClock: playerClock,
                    bytes: bytes - lastBytes, elapsed: Self.seconds(now - lastInstant), now: now)
                output(report.line(prefix: "second t=\(nextSecond)", keys: BenchReport.secondKeys))
                lastBytes = bytes
                lastInstant = now
                nextSecond += 1
            }
            // Ticks while ramping; after that only the per-second line and the end need a wake-up (a 10 ms
            // tick for the whole run cost the tool a fifth of its CPU in thread switches).
            let untilNext = min(Double(nextSecond), configuration.duration) - Self.seconds(NIODeadline.now() - start)
            let sleep = started < configuration.players ? Self.seconds(Self.tick) : max(untilNext, 0.001)
            try await Task.sleep(nanoseconds: UInt64(sleep * 1e9))
        }
        // Stop publishing, then give the players time to read what is still on the way.
        for publisher in publishers { publisher.requestStop() }
        let drain = configuration.batchInterval * 2 + .seconds(1)
        try await Task.sleep(nanoseconds: UInt64(drain.nanoseconds))
        let end = NIODeadline.now()
        let snapshots = try await Self.snapshots(shards, at: end)
        for snapshot in snapshots { latencies += snapshot.latencies }
        for shard in shards { shard.eventLoop.execute { shard.value.stop() } }
        var report = BenchReport.make(
            mode: configuration.mode, players: configuration.players, snapshots: snapshots, sendClock: playerClock,
            bytes: snapshots.reduce(0) { $0 + $1.bytes }, elapsed: Self.seconds(end - start), now: end)
        report.latencyMilliseconds = Percentiles(latencies)
        // A player still connecting or handshaking at the end (a saturated server's accept queue, or the
        // tool's connect threads waiting on it) did not connect within the run: it failed too.
        report.failed = max(report.failed, started - report.connected)
        return report
    }

    private static func snapshots(_ shards: [NIOLoopBound<PlayerShard>], at now: NIODeadline) async throws
        -> [PlayerShard.Snapshot]
    {
        var snapshots: [PlayerShard.Snapshot] = []
        for shard in shards {
            snapshots.append(try await shard.eventLoop.submit { shard.value.snapshot(at: now) }.get())
        }
        return snapshots
    }

    static func seconds(_ amount: TimeAmount) -> Double { Double(amount.nanoseconds) / 1e9 }
}
