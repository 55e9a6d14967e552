import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RTMP

extension BenchRunner {
    /// The URLs the in-process publishers publish to: one, or `url_0 ... url_{n-1}`.
    static func publishURLs(base: String, streams: Int) -> [String] {
        streams == 1 ? [base] : (0..<streams).map { "\(base)_\($0)" }
    }

    /// Connects the publishers (when a file is given) and waits until all publish or one fails.
    func startPublishers(
        loops: [any EventLoop], sendClock: SendClock?, channels: NIOLockedValueBox<[any Channel]>
    ) async throws -> [PublisherControl] {
        guard let file = configuration.publishFile else { return [] }
        guard let pacer = FLVPacer(tags: try FLVFile.load(path: file)) else {
            throw Failure(description: "\(file) has no audio or video")
        }
        let base = configuration.publishURL ?? configuration.url
        var controls: [PublisherControl] = []
        for (index, string) in Self.publishURLs(base: base, streams: configuration.streams).enumerated() {
            let url = try RTMPURL(string)
            let control = PublisherControl()
            // Only the first publisher feeds the clock: the players watch its stream.
            let clock = index == 0 ? sendClock : nil
            let channel = try await ClientBootstrap(group: loops[index % loops.count])
                .connectTimeout(configuration.connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try RTMPClientPipeline.add(to: pipeline)
                        try pipeline.addHandler(
                            RTMPBenchPublisherHandler(url: url, pacer: pacer, control: control, sendClock: clock))
                    }
                }
                .connect(host: url.host, port: url.port).get()
            channels.withLockedValue { $0.append(channel) }
            controls.append(control)
        }
        let deadline = NIODeadline.now() + configuration.connectTimeout
        while !controls.allSatisfy(\.isPublishing) {
            if let failed = controls.firstIndex(where: \.hasFailed) {
                throw Failure(description: "publisher \(failed) was refused or failed")
            }
            guard NIODeadline.now() < deadline else { throw Failure(description: "publishers did not start in time") }
            try await Task.sleep(nanoseconds: UInt64(Self.tick.nanoseconds))
        }
        return controls
    }

    /// `publish` mode: publishers only, a line per second with the bytes sent.
    func runPublishers(_ publishers: [PublisherControl], output: @escaping @Sendable (String) -> Void) async throws
        -> BenchReport
    {
        let start = NIODeadline.now()
        var lastBytes = 0
        var second = 1
        func report(elapsed: Double, bytes: Int) -> BenchReport {
            BenchReport(
                mode: .publish, players: publishers.count, connected: publishers.filter(\.isPublishing).count,
                failed: publishers.filter(\.hasFailed).count,
                mbps: elapsed > 0 ? Double(bytes) * 8 / 1e6 / elapsed : 0, durationSeconds: elapsed)
        }
        while Self.seconds(.now() - start) < configuration.duration {
            try await Task.sleep(nanoseconds: 1_000_000_000)
            let bytes = publishers.reduce(0) { $0 + $1.bytesSent }
            output(report(elapsed: 1, bytes: bytes - lastBytes).line(prefix: "second t=\(second)", keys: ["connected", "failed", "mbps"]))
            lastBytes = bytes
            second += 1
        }
        let final = report(elapsed: Self.seconds(.now() - start), bytes: publishers.reduce(0) { $0 + $1.bytesSent })
        for publisher in publishers { publisher.requestStop() }
        try await Task.sleep(nanoseconds: 200_000_000)
        return final
    }
}
