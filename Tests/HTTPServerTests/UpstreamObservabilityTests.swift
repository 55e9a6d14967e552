import Foundation
import Hummingbird
import HummingbirdTesting
import Live
import Sessions
import Testing

@testable import HTTPServer

/// What the API and `/metrics` show of the edge's upstreams and the forwards.
@Suite struct UpstreamObservabilityTests {
    static let pulled = StreamKey(vhost: APIFixture.vhost, app: "live", stream: "s")
    static let pushed = StreamKey(vhost: APIFixture.vhost, app: "live", stream: "up")
    static let statuses = [
        UpstreamStatus(role: .forward, key: pulled, server: "10.0.0.2:1935", state: .backoff, reconnects: 4, sentBytes: 9),
        UpstreamStatus(
            role: .pull, key: pulled, server: "127.0.0.1:19351", state: .active, reconnects: 1, receivedBytes: 123_456,
            sentBytes: 3_500, players: 2),
        UpstreamStatus(role: .push, key: pushed, server: "127.0.0.1:19350", state: .connecting),
    ]

    @Test func streamsCarryTheirPullAndTheListShowsEveryUpstream() async throws {
        let upstreams = FakeUpstreams(Self.statuses)
        let fixture = APIFixture(upstreams: upstreams)
        let session = try await fixture.publishSample(clientID: nil)
        try await fixture.application(root: try TemporaryRoot()).test(.router) { client in
            let streams = try jsonObject(try await client.execute(uri: "/api/v1/streams", method: .get))
            let stream = try #require(streams.objects("streams")?.first)
            let upstream = try #require(stream.object("upstream"), "\(stream)")
            #expect(upstream.string("role") == "pull")
            #expect(upstream.string("server") == "127.0.0.1:19351")
            #expect(upstream.string("state") == "active")
            #expect(upstream.int("reconnects") == 1)
            #expect(upstream.int("players") == 2)
            #expect(upstream.int("recv_bytes") == 123_456)
            #expect(upstream.int("send_bytes") == 3_500)
            // Where it belongs is the stream entry's own business there.
            #expect(upstream["vhost"] == nil && upstream["url"] == nil)

            let one = try jsonObject(
                try await client.execute(uri: "/api/v1/streams/vid-\(session.stream.id)", method: .get))
            #expect(one.object("stream")?.object("upstream")?.string("server") == "127.0.0.1:19351")

            let list = try jsonObject(try await client.execute(uri: "/api/v1/upstreams", method: .get))
            #expect(list.int("code") == 0)
            #expect(list.string("server") == "test-server")
            let entries = try #require(list.objects("upstreams"))
            #expect(entries.map { $0.string("role") } == ["pull", "push", "forward"])
            let pull = entries[0]
            #expect(pull.string("vhost") == "vhost-1")
            #expect(pull.string("app") == "live" && pull.string("name") == "s" && pull.string("url") == "/live/s")
            #expect(pull.string("stream") == "vid-\(session.stream.id)")
            #expect(pull.int("recv_bytes") == 123_456)
            // The pushed stream has no local stream in this hub: no id.
            #expect(entries[1]["stream"] == nil)
            #expect(entries[1].string("state") == "connecting" && entries[1].int("recv_bytes") == 0)
            #expect(entries[2].string("server") == "10.0.0.2:1935" && entries[2].int("reconnects") == 4)

            // The index names the endpoint; a trailing id is not one.
            let index = try jsonObject(try await client.execute(uri: "/api/v1", method: .get))
            #expect(index.object("urls")?.string("upstreams") != nil)
            let bad = try await client.execute(uri: "/api/v1/upstreams/1", method: .get)
            #expect(bad.status == .notFound)
        }
    }

    @Test func noUpstreamsMeansNoUpstreamField() async throws {
        let fixture = APIFixture()
        // Kept until the end: a released publish session ends its stream.
        let session = try await fixture.publishSample(clientID: nil)
        defer { withExtendedLifetime(session) {} }
        try await fixture.application(root: try TemporaryRoot()).test(.router) { client in
            let streams = try jsonObject(try await client.execute(uri: "/api/v1/streams", method: .get))
            let stream = try #require(streams.objects("streams")?.first)
            #expect(stream["upstream"] == nil)
            let list = try jsonObject(try await client.execute(uri: "/api/v1/upstreams", method: .get))
            #expect(list.objects("upstreams")?.isEmpty == true)
        }
    }

    @Test func metricsCountByRoleAndStateAndReportEachUpstream() throws {
        let metrics = ServerMetrics(
            recorded: { "" }, clients: ClientRegistry(maxConnections: 1),
            bitrates: StreamBitrateService(streams: StreamRegistry()), upstreams: FakeUpstreams(Self.statuses))
        var writer = PrometheusTextWriter()
        metrics.writeComputed(publishing: 0, into: &writer)
        let text = writer.text
        // Every role and state has a series, zeros included.
        for role in ["pull", "push", "forward"] {
            for state in ["connecting", "active", "unpublished", "backoff", "idle"] {
                #expect(text.contains("\nheadwater_edge_upstreams{role=\"\(role)\",state=\"\(state)\"} "), "\(role) \(state)")
            }
        }
        #expect(text.contains("\nheadwater_edge_upstreams{role=\"pull\",state=\"active\"} 1\n"))
        #expect(text.contains("\nheadwater_edge_upstreams{role=\"push\",state=\"connecting\"} 1\n"))
        #expect(text.contains("\nheadwater_edge_upstreams{role=\"forward\",state=\"backoff\"} 1\n"))
        #expect(text.contains("\nheadwater_edge_upstreams{role=\"pull\",state=\"idle\"} 0\n"))

        let pull = #"role="pull",vhost="__defaultVhost__",app="live",stream="s",server="127.0.0.1:19351""#
        #expect(text.contains("\nheadwater_upstream_state{\(pull),state=\"active\"} 1\n"))
        #expect(text.contains("\nheadwater_upstream_players{\(pull)} 2\n"))
        #expect(text.contains("\nheadwater_upstream_received_bytes_total{\(pull)} 123456\n"))
        #expect(text.contains("\nheadwater_upstream_sent_bytes_total{\(pull)} 3500\n"))
        #expect(text.contains("\nheadwater_upstream_reconnects_total{\(pull)} 1\n"))
        let forward = #"role="forward",vhost="__defaultVhost__",app="live",stream="s",server="10.0.0.2:1935""#
        #expect(text.contains("\nheadwater_upstream_reconnects_total{\(forward)} 4\n"))
        #expect(text.contains("# TYPE headwater_upstream_received_bytes_total counter\n"))
        #expect(text.contains("# TYPE headwater_upstream_state gauge\n"))
        // One series per upstream in each per-upstream family.
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("headwater_upstream_sent_bytes_total{") }.count == 3)
    }

    @Test func metricsWithoutUpstreamsHaveOnlyZeroCounts() {
        let metrics = ServerMetrics(
            recorded: { "" }, clients: ClientRegistry(maxConnections: 1),
            bitrates: StreamBitrateService(streams: StreamRegistry()))
        var writer = PrometheusTextWriter()
        metrics.writeComputed(publishing: 0, into: &writer)
        let lines = writer.text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("headwater_edge_upstreams{") }.count == 15)
        #expect(lines.filter { $0.hasPrefix("headwater_edge_upstreams{") }.allSatisfy { $0.hasSuffix(" 0") })
        #expect(!lines.contains { $0.hasPrefix("headwater_upstream_") })
    }
}
