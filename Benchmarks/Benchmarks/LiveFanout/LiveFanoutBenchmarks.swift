import Benchmark
import Live

let benchmarks: @Sendable () -> Void = {
    // Players handed every packet (they never follow): the relay's per-packet path.
    for players in [1, 1_000] {
        fanoutBenchmark(
            "publish.video64KiB.\(players)player" + (players == 1 ? "" : "s"), players: players,
            ByteCountingConsumer.self, source: { VideoSource() })
    }
    // Players that keep up: the relay keeps the page runs and flushes each one every 350 ms of media.
    for players in [1, 1_000] {
        fanoutBenchmark(
            "publish.video64KiB.\(players)follower" + (players == 1 ? "" : "s"), players: players,
            ByteCountingFollower.self, source: { VideoSource() })
    }
    // A small stream's packets (1,500-byte video, 372-byte audio): per packet, the relay's own work
    // rather than the copy of the encoding dominates.
    fanoutBenchmark("publish.mediaMix.1000followers", players: 1_000, ByteCountingFollower.self, source: { MediaMixSource() })
}

/// Registers one fan-out benchmark: an operation is one published packet (`scalingFactor: .kilo`), so the
/// malloc count per packet must be the same for 1 and 1,000 players.
func fanoutBenchmark<Player: ByteCountingPlayer>(
    _ name: String, players: Int, _: Player.Type, source makeSource: @escaping @Sendable () -> any PacketSource
) {
    // Process CPU time ticks every 10 ms on Linux: it is only worth reporting when an iteration
    // lasts far longer than that (about 100 ms with 1,000 players handed every packet; 1,000
    // followers take about a tenth of that).
    let longIterations = players > 1 && !(Player.self is any LiveFollower.Type)
    let configuration = Benchmark.Configuration(
        metrics: longIterations ? [.wallClock, .cpuTotal, .mallocCountTotal, .throughput]
            : [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 1,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 200,
        // Checked against Thresholds/ (raw counts per iteration); 50 is 0.05 per packet.
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 50])]
    )

    Benchmark(name, configuration: configuration) { benchmark in
        let harness: FanoutHarness<Player>
        do {
            harness = try FanoutHarness(players: players, source: makeSource())
        } catch {
            fail(benchmark, "publish failed: \(error)")
        }
        // One GOP first, so the stream's caches, pages and arrays have reached their steady size.
        harness.publish(harness.source.gopPackets)
        let before = harness.players.map(\.bytes)
        let followers = harness.players as? [ByteCountingFollower] ?? []
        let followedBefore = followers.map(\.followedMessages)
        let payloadBefore = harness.source.payloadBytes
        let packets = benchmark.scaledIterations.count

        benchmark.startMeasurement()
        harness.publish(packets)
        benchmark.stopMeasurement()

        // Followers must have been flushed everything but the last merged-writes span as page runs,
        // or the figures measure the per-packet path.
        let payload = harness.source.payloadBytes - payloadBefore
        if !followers.isEmpty {
            let followed = Set(zip(followers, followedBefore).map { $0.followedMessages - $1 })
            let latency = Int(ByteCountingFollower.mergedWrites.latency)
            let lastSpan = latency * harness.source.packetsPerSecond / 1000 + 2
            if followed.count != 1 || followed.first! < packets - lastSpan {
                fail(benchmark, "followers were flushed unequal or missing messages: \(followed.sorted())")
            }
        }
        // Ending the publish hands followers the rest, so every player must now have every packet.
        harness.finishPublishing()
        let received = Set(zip(harness.players, before).map { $0.bytes - $1 })
        if received.count != 1 || received.first! < payload {
            fail(benchmark, "players received unequal or missing bytes: \(received.sorted()), payload \(payload)")
        }
        do {
            try harness.shutdown()
        } catch {
            fail(benchmark, "shutdown failed: \(error)")
        }
    }
}

/// Fails the run. In package-benchmark 1.38.1 `benchmark.error` alone prints the reason and drops the benchmark's
/// results, but the exit status stays 0 and `thresholds check` reports EQUAL, so the process stops as well.
func fail(_ benchmark: Benchmark, _ reason: String) -> Never {
    benchmark.error(reason)
    fatalError(reason)
}
