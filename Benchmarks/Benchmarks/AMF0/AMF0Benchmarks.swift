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
        maxIterations: 1_000
    )
    let messages: [(name: String, values: [AMF0Value])] = [
        ("connect", AMF0Samples.connectCommand),
        ("onMetaData", AMF0Samples.setDataFrame),
    ]
    for message in messages {
        let values = message.values

        // Encoding into a reused buffer, as a connection's outbound buffer is: what remains is the
        // encoder's own cost.
        Benchmark("AMF0 encode \(message.name)", configuration: configuration) { benchmark in
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

        // Decoding builds the value tree: strings, property arrays and the reference table.
        Benchmark("AMF0 decode \(message.name)", configuration: configuration) { benchmark in
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
