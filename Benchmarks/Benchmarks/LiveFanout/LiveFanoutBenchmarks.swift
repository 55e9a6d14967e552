import Benchmark
import Live

let benchmarks: @Sendable () -> Void = {
    for players in [1, 1_000] {
        // One iteration publishes 1,000 packets (`scalingFactor: .kilo`), so every figure is per
        // packet, and the malloc count per packet must be the same for 1 and 1,000 players.
        // Process CPU time ticks every 10 ms on Linux: it is only worth reporting when an
        // iteration lasts far longer than that (about 100 ms with 1,000 players).
        let configuration = Benchmark.Configuration(
            metrics: players > 1 ? [.wallClock, .cpuTotal, .mallocCountTotal, .throughput]
                : [.wallClock, .mallocCountTotal, .throughput],
            warmupIterations: 1,
            scalingFactor: .kilo,
            maxDuration: .seconds(5),
            maxIterations: 200,
            // Checked against Thresholds/ (raw counts per iteration); 50 is 0.05 per packet.
            thresholds: [.mallocCountTotal: .init(absolute: [.p90: 50])]
        )

        let name = "publish.video64KiB.\(players)player" + (players == 1 ? "" : "s")
        Benchmark(name, configuration: configuration) { benchmark in
            let harness: FanoutHarness
            do {
                harness = try FanoutHarness(consumers: players, source: VideoSource())
            } catch {
                benchmark.error("publish failed: \(error)")
                return
            }
            // One GOP first, so the stream's caches and arrays have reached their steady size.
            harness.publish(VideoSource.gopLength)
            let before = harness.consumers.map(\.bytes)

            benchmark.startMeasurement()
            harness.publish(benchmark.scaledIterations.count)
            benchmark.stopMeasurement()

            // Every player must have received every packet, or the figures mean nothing.
            let received = Set(zip(harness.consumers, before).map { $0.bytes - $1 })
            if received.count != 1 || received.first! < benchmark.scaledIterations.count * VideoSource.frameSize {
                benchmark.error("players received unequal or missing bytes: \(received.sorted())")
            }
            do {
                try harness.finish()
            } catch {
                benchmark.error("shutdown failed: \(error)")
            }
        }
    }
}
