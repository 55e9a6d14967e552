import Benchmark
import NIOCore
import RTMP

let benchmarks: @Sendable () -> Void = {
    // Every benchmark handles 1,000 messages per iteration (`scalingFactor: .kilo`), so every
    // figure is per message. Iterations last milliseconds, under the 10 ms tick of Linux process
    // CPU time, so `.cpuTotal` is left out.
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 200,
        // Checked against Thresholds/ (raw counts per iteration); 50 is 0.05 per message.
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 50])]
    )
    let messageCount = 1_000
    // The largest read NIO's adaptive receive allocator grows to.
    let readSize = 64 * 1024

    for chunkSize in [4096, 60_000] {
        let stream: MediaStream
        do {
            stream = try MediaStream(chunkSize: chunkSize, messageCount: messageCount)
        } catch {
            fatalError("cannot build the chunk stream: \(error)")
        }
        let reads = stream.reads(of: readSize)

        // The inbound path of a publisher's connection: socket reads through the same
        // buffering ByteToMessageHandler does, into one reassembled buffer per message.
        Benchmark("RTMPChunkDecoder.mediaMix.chunkSize\(chunkSize)", configuration: configuration) { benchmark in
            var processor = NIOSingleStepByteToMessageProcessor(RTMPChunkDecoder())
            var decoded = 0
            var payloadBytes = 0
            do {
                for read in reads {
                    try processor.process(buffer: read) { message in
                        decoded += 1
                        payloadBytes += message.payload.readableBytes
                    }
                }
            } catch {
                benchmark.error("decoding failed: \(error)")
                return
            }
            let expectedBytes = messageCount / MediaStream.messagesPerGroup
                * (MediaStream.videoSize + 3 * MediaStream.audioSize) + 4
            guard decoded == messageCount + 1, payloadBytes == expectedBytes else {
                benchmark.error("decoded \(decoded) messages, \(payloadBytes) payload bytes")
                return
            }
        }

        // The per-connection outbound path (commands, control, or media when a player cannot
        // share serialized bytes): chunks appended to the connection's reused buffer.
        Benchmark("RTMPChunkEncoder.mediaMix.chunkSize\(chunkSize)", configuration: configuration) { benchmark in
            let encoder = RTMPChunkEncoder()
            var out = ByteBufferAllocator().buffer(capacity: stream.wire.readableBytes)
            do {
                try encoder.encode(data: MediaStream.setChunkSize(chunkSize), out: &out)
                benchmark.startMeasurement()
                for message in stream.messages {
                    try encoder.encode(data: message, out: &out)
                }
                benchmark.stopMeasurement()
            } catch {
                benchmark.error("encoding failed: \(error)")
                return
            }
            if out != stream.wire {
                benchmark.error("the encoder's bytes differ from the reference stream")
            }
        }

        // The fan-out path: each media message serialized once into its own buffer, which
        // every RTMP player at this chunk size is then handed.
        let video = stream.messages[0]
        Benchmark("RTMPChunkSerializer.video64KiB.chunkSize\(chunkSize)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(RTMPChunkSerializer.serialize(video, chunkSize: chunkSize))
            }
        }
    }
}
