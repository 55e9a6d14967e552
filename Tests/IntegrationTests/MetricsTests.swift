import Foundation
import Testing

/// `/metrics` of the real binary while ffmpeg publishes: every line parses as Prometheus text, the
/// scrape-time values describe the stream, and counters rise between two scrapes.
@Suite("Metrics", .serialized, .integration, .timeLimit(.minutes(2)))
struct MetricsTests {
    func scrape(_ server: HeadwaterServer) throws -> PrometheusText {
        let response = try server.http.get("/metrics")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusText(response.text)
    }

    @Test("a publishing stream shows in /metrics and the counters rise")
    func metricsDescribeALiveStream() throws {
        let server = try HeadwaterServer(vhostBody: HLSOutputTests.hls(fragment: 1, window: 10), http: true)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/metered"), seconds: 20)
        defer { publisher.stop() }
        #expect(MediaTools.waitFor({ (try? self.scrape(server).value("headwater_streams")) == 1 }, timeout: 10))

        let first = try scrape(server)
        usleep(3_000_000)
        let second = try scrape(server)

        #expect(second.value("headwater_streams") == 1)
        let stream = ["vhost": "__defaultVhost__", "app": "live", "stream": "metered"]
        let bitrate = try #require(second.value("headwater_stream_bitrate_bits_per_second", stream))
        // testsrc2 320x240 in x264 ultrafast plus 64 kbit/s AAC: tens to thousands of kbit/s.
        #expect(bitrate > 20_000 && bitrate < 20_000_000, "\(bitrate)")
        for kind in ["rtmp-connect", "fmle-publish", "rtmp-play", "flv-play"] {
            #expect(second.value("headwater_clients", ["kind": kind]) != nil, "no headwater_clients{kind=\(kind)}")
        }
        for role in ["pull", "push", "forward"] {
            for state in ["connecting", "active", "unpublished", "backoff", "idle"] {
                #expect(second.value("headwater_edge_upstreams", ["role": role, "state": state]) == 0)
            }
        }
        #expect(second.types["headwater_received_bytes_total"] == "counter")
        #expect(second.types["headwater_sent_bytes_total"] == "counter")

        // The process block.
        #expect((second.value("process_resident_memory_bytes") ?? 0) > 1_000_000)
        #expect((second.value("process_open_fds") ?? 0) >= 3)
        let started = try #require(second.value("process_start_time_seconds"))
        #expect(abs(started - Date().timeIntervalSince1970) < 120, "\(started)")
        let cpu1 = try #require(first.value("process_cpu_seconds_total"))
        let cpu2 = try #require(second.value("process_cpu_seconds_total"))
        #expect(cpu2 > cpu1, "CPU time did not rise: \(cpu1) → \(cpu2)")

        // No counter goes down between scrapes.
        for sample in second.samples where second.types[PrometheusText.family(of: sample.name)] == "counter" {
            let before = first.value(sample.name, sample.labels) ?? 0
            #expect(sample.value >= before, "\(sample) was \(before)")
        }

        #expect(second.value("headwater_clients", ["kind": "fmle-publish"]) == 1)
        let received1 = try #require(first.value("headwater_received_bytes_total"))
        let received2 = try #require(second.value("headwater_received_bytes_total"))
        #expect(received2 > received1)
    }
}
