import Foundation
import RTMP
import Testing

extension HeadwaterBinaryTests {
    /// `max_connections_per_ip` bounds RTMP and HTTP connections of one address together, and
    /// `http_max_requests_per_ip` answers 429 beyond a burst, `http_max_header_size` 431; all are counted
    /// and logged once.
    @Suite("Per-address limits", .timeLimit(.minutes(1)))
    struct PerAddressLimits {
        @Test("max_connections_per_ip covers RTMP and HTTP together; http_max_requests_per_ip answers 429")
        func perAddressLimits() throws {
            let server = try HeadwaterServer(
                extra: "max_connections_per_ip 4;\nhttp_max_requests_per_ip 3;\nhandshake_timeout 30;\n"
                    + "http_max_header_size 2048;", http: true)
            // The harness's readiness probes must be gone before counting.
            usleep(300_000)
            let held = try (0..<4).map { _ in try TestRTMPClient(port: server.rtmpPort) }
            #expect(TestRTMPClient.countOpen(held, until: Date().addingTimeInterval(0.5)) == 4)
            let surplus = try TestRTMPClient(port: server.rtmpPort)
            #expect(surplus.waitUntilClosedByPeer(within: 2))
            // The HTTP server shares the table: its fifth connection is closed before any answer.
            #expect(throws: (any Error).self) { _ = try server.http.get("/metrics") }

            held.forEach { $0.close() }
            usleep(300_000)
            // 3 a second with a burst of 6: eight requests at once, the last two refused.
            let statuses = try (0..<8).map { _ in try server.http.get("/missing.txt").status }
            #expect(statuses == [404, 404, 404, 404, 404, 404, 429, 429])
            // A request head over http_max_header_size: 431, whatever the rate.
            let huge = try RawSocket(port: server.httpPort ?? 0)
            _ = huge.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + String(repeating: "b", count: 3_000) + "\r\n\r\n")
            #expect(try HTTPTestClient.parse(huge.read(upTo: 10_000).bytes, method: "GET").status == 431)
            // The bucket refills.
            usleep(2_200_000)
            let metrics = try PrometheusText(try server.http.get("/metrics").text)
            #expect(metrics.value("headwater_limit_hits_total", ["limit": "max_connections_per_ip"]) == 2)
            #expect(metrics.value("headwater_refused_clients_total", ["reason": "max_connections_per_ip"]) == 2)
            #expect(metrics.value("headwater_limit_hits_total", ["limit": "http_max_requests_per_ip"]) == 2)
            #expect(metrics.value("headwater_limit_hits_total", ["limit": "http_max_header_size"]) == 1)
            // At most one line per listener for the connections, one for the two refused requests.
            #expect((1...2).contains(server.logCount("limit=max_connections_per_ip")), "\(server.log)")
            #expect(server.logCount("limit=http_max_requests_per_ip") == 1, "\(server.log)")

            // A publisher from the same address gets in once there is room.
            let publisher = try TestRTMPClient(port: server.rtmpPort)
            try publisher.handshake()
            try publisher.startSession(server.url("live/per-address"), mode: .publish)
            #expect(server.waitForLog("publish started", timeout: 3))
        }
    }
}
