@testable import HTTPServer
import Hummingbird
import HummingbirdTesting
import Live
import Media
import NIOCore
import NIOPosix
import Sessions
import Testing

/// `/metrics`: the recorded text, then the values computed at scrape time.
@Suite struct ServerMetricsTests {
    let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam \"1\"")

    /// Publishes on a real loop and returns the session (confined to `loop`).
    func publish(_ registry: StreamRegistry, on loop: any EventLoop) throws -> LivePublishSession {
        try registry.publish(key, configuration: LiveStreamConfiguration(timeJitter: .off), on: loop).wait()
    }

    func sendVideo(_ session: LivePublishSession, bytes: Int, timestamp: Int64) throws {
        try session.eventLoop.submit {
            session.append(
                MediaPacket(
                    kind: .video, timestamp: timestamp, flags: timestamp == 0 ? .keyframe : [],
                    payload: ByteBuffer(repeating: 0x17, count: bytes)))
            session.flush()
        }.wait()
    }

    @Test func scrapeReportsStreamsClientsTrafficAndBitrate() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let streams = StreamRegistry()
        let clients = ClientRegistry(maxConnections: 10)
        let bitrates = StreamBitrateService(streams: streams)
        let metrics = ServerMetrics(
            recorded: { "# TYPE headwater_hls_segments_written_total counter\nheadwater_hls_segments_written_total 3\n" },
            clients: clients, bitrates: bitrates,
            upstreams: FakeUpstreams(
                [
                    UpstreamStatus(role: .pull, key: key, server: "127.0.0.1:19350", state: .active),
                    UpstreamStatus(role: .pull, key: key, server: "127.0.0.1:19351", state: .active),
                    UpstreamStatus(role: .push, key: key, server: "127.0.0.1:19350", state: .idle),
                ]))

        let empty = await metrics.render()
        #expect(empty.hasPrefix("# TYPE headwater_hls_segments_written_total counter\n"))
        #expect(empty.contains("\nheadwater_streams 0\n"))
        for kind in ClientKind.allCases {
            #expect(empty.contains("\nheadwater_clients{kind=\"\(kind.rawValue)\"} 0\n"), "\(kind)")
        }
        #expect(empty.contains("\nheadwater_received_bytes_total 0\n"))
        #expect(!empty.contains("\nheadwater_stream_bitrate_bits_per_second{"))

        let session = try publish(streams, on: loop)
        let publisher = try #require(clients.register(ClientInfo(kind: .rtmpPublisher, ip: "127.0.0.1")) {})
        let player = try #require(clients.register(ClientInfo(kind: .flvPlayer, ip: "127.0.0.1")) {})
        publisher.traffic.add(received: 5000)
        player.traffic.add(sent: 700)
        try sendVideo(session, bytes: 1000, timestamp: 0)
        let clock = ContinuousClock()
        let before = clock.now
        await bitrates.sample()
        try await Task.sleep(for: .milliseconds(300))
        try sendVideo(session, bytes: 3000, timestamp: 40)

        let live = await metrics.render()
        let elapsed = clock.now - before
        #expect(live.contains("\nheadwater_streams 1\n"))
        #expect(live.contains("\nheadwater_clients{kind=\"fmle-publish\"} 1\n"))
        #expect(live.contains("\nheadwater_clients{kind=\"flv-play\"} 1\n"))
        #expect(live.contains("\nheadwater_clients{kind=\"rtmp-play\"} 0\n"))
        #expect(live.contains("\nheadwater_received_bytes_total 5000\n"))
        #expect(live.contains("\nheadwater_sent_bytes_total 700\n"))
        #expect(live.contains("\nheadwater_edge_upstreams{role=\"pull\",state=\"active\"} 2\n"))
        #expect(live.contains("\nheadwater_edge_upstreams{role=\"pull\",state=\"connecting\"} 0\n"))
        #expect(live.contains("\nheadwater_edge_upstreams{role=\"push\",state=\"idle\"} 1\n"))
        let prefix = #"headwater_stream_bitrate_bits_per_second{vhost="__defaultVhost__",app="live",stream="cam \"1\""} "#
        let line = try #require(live.split(separator: "\n").first { $0.hasPrefix(prefix) })
        let rate = try #require(Double(line.dropFirst(prefix.count)))
        // 3000 bytes between the two samples: at least 0.3 s apart, at most `elapsed`.
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #expect(rate <= 80_000 && rate >= 24_000 / seconds - 1, "\(rate) over at most \(seconds) s")
        #if os(Linux)
        #expect(live.contains("\nprocess_resident_memory_bytes "))
        #endif

        // Clients that leave keep their bytes in the totals; a stream that stops loses its bitrate series.
        publisher.end()
        player.end()
        try await loop.submit { session.finish() }.get()
        try await Task.sleep(for: .milliseconds(50))
        let after = await metrics.render()
        #expect(after.contains("\nheadwater_received_bytes_total 5000\n"))
        #expect(after.contains("\nheadwater_clients{kind=\"fmle-publish\"} 0\n"))
        #expect(after.contains("\nheadwater_streams 0\n"))
        #expect(!after.contains(prefix))
    }

    @Test func theRouteAnswersInTheTextFormat() async throws {
        let streams = StreamRegistry()
        let metrics = ServerMetrics(
            recorded: { "" }, clients: ClientRegistry(maxConnections: 1),
            bitrates: StreamBitrateService(streams: streams))
        let root = try TemporaryRoot()
        try await makeTestApplication(root: root) { MetricsRoute.add(to: $0, metrics: metrics) }.test(.router) {
            client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.headers[.cacheControl] == "no-store")
            let text = String(buffer: response.body)
            #expect(text.hasPrefix("# HELP headwater_streams "))
            #expect(text.hasSuffix("\n"))
        }
    }
}
