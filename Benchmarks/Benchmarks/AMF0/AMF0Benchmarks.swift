import Benchmark
import Media
import NIOCore

let benchmarks: @Sendable () -> Void = {
    // One iteration encodes or decodes the message 1,000 times (`scalingFactor: .kilo`), so every
    // figure the tool prints is per message. An iteration takes about a millisecond, below the
    // 10 ms tick of Linux process CPU time, so `.cpuTotal` would only print 0 or 10 µs here.
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000,
        // Checked against Thresholds/ (raw counts per iteration); 50 is 0.05 per message.
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 50])]
    )
    let messages: [(name: String, values: [AMF0Value])] = [
        ("connect", AMF0Samples.connectCommand),
        ("onMetaData", AMF0Samples.setDataFrame),
    ]
    for message in messages {
        let values = message.values

        // Encoding into a reused buffer, as a connection's outbound buffer is: what remains is the
        // encoder's own cost.
        Benchmark("writeAMF0Values.\(message.name)", configuration: configuration) { benchmark in
            var buffer = ByteBufferAllocator().buffer(capacity: 1024)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                buffer.clear()
                blackHole(buffer.writeAMF0Values(values))
            }
        }

        var encoded = ByteBuffer()
        encoded.writeAMF0Values(values)
        let wire = encoded
        var check = wire
        let roundTrips = (try? check.readAMF0Values()) == values

        // Decoding builds the value tree: strings, property arrays and the reference table.
        Benchmark("readAMF0Values.\(message.name)", configuration: configuration) { benchmark in
            guard roundTrips else {
                benchmark.error("\(message.name) does not decode to what was encoded")
                return
            }
            for _ in benchmark.scaledIterations {
                var input = wire
                do {
                    blackHole(try input.readAMF0Values())
                } catch {
                    benchmark.error("\(message.name) failed to decode: \(error)")
                    return
                }
            }
        }
    }
}
