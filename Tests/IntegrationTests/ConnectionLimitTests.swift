import Foundation
import RTMP
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension HeadwaterBinaryTests {
    /// Connections that never get anywhere must not pile up: the handshake timeout and the
    /// session-start deadline close them, and `max_connections` refuses the surplus.
    @Suite("Connection floods and limits", .timeLimit(.minutes(1)))
    struct ConnectionLimits {
        @Test("1,000 connections that never finish the handshake are all closed after handshake_timeout")
        func handshakeFlood() throws {
            try ProcessResources.raiseFileLimit(to: 4096)
            let server = try HeadwaterServer(extra: "handshake_timeout 2;\nmax_connections 1100;")
            let canary = try LiveCanary(server: server)

            var stalled: [TestRTMPClient] = []
            for index in 0..<1000 {
                let client = try TestRTMPClient(port: server.rtmpPort)
                switch index % 3 {
                case 0: break  // silence
                case 1: try client.write([0x03])  // C0 only
                default: try client.write([0x03] + [UInt8](repeating: 0x5A, count: 700))  // C0 and part of C1
                }
                stalled.append(client)
            }
            let opened = Date()
            defer { stalled.forEach { $0.close() } }

            // Nobody is cut off early...
            #expect(TestRTMPClient.countOpen(stalled, until: opened.addingTimeInterval(1)) == 1000)
            // ...and everybody is gone a little after the 2 s timeout.
            let open = TestRTMPClient.countOpen(stalled, until: opened.addingTimeInterval(2 + 4))
            #expect(open == 0, "\(open) connections still open after \(Date().timeIntervalSince(opened)) s")
            // One rate-limited line for the whole flood (and any hits after it), not one per connection.
            #expect(server.waitForLog("limit=handshake_timeout", timeout: 2), "\(server.log.suffix(2000))")
            #expect(server.logCount("limit=handshake_timeout") <= 3, "\(server.log.suffix(2000))")
            #expect(server.logCount("closing connection") == 0, "\(server.log.suffix(2000))")

            #expect(canary.isFlowing(), "\(canary.diagnostics)")
            let publisher = try TestRTMPClient(port: server.rtmpPort)
            try publisher.handshake()
            try publisher.startSession(server.url("live/after-flood"), mode: .publish)
            #expect(server.logCount("publish started") == 2)
        }

        @Test("a finished handshake followed by silence or half a message is closed")
        func idleAfterHandshake() throws {
            let server = try HeadwaterServer(extra: "handshake_timeout 2;")
            let silent = try TestRTMPClient(port: server.rtmpPort)
            try silent.handshake()
            let partial = try TestRTMPClient(port: server.rtmpPort)
            try partial.handshake()
            // A type 0 header for a 1,000-byte command message, and 3 of its bytes.
            try partial.write([0x03, 0, 0, 0, 0, 0x03, 0xE8, 0x14, 0, 0, 0, 0, 1, 2, 3])
            let started = Date()
            #expect(silent.waitUntilClosedByPeer(within: 6))
            #expect(partial.waitUntilClosedByPeer(within: 1))
            #expect(Date().timeIntervalSince(started) > 1.5, "closed before handshake_timeout")
            #expect(server.logCount("no publish or play within 2000 ms after the handshake") == 2, "\(server.log)")
        }

        @Test(
            "a full descriptor table pauses accepting with one error line; the queued connections are served once descriptors free up",
            .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"), "needs prlimit (util-linux)"))
        func descriptorTableFull() throws {
            let server = try HeadwaterServer(extra: "handshake_timeout 30;")
            let canary = try LiveCanary(server: server)
            usleep(300_000)  // the harness's readiness probe closes
            let pid = server.process.pid
            let inUse = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
            // The soft limit only (`N:`), so it can be put back without privileges.
            let lowered = try ChildProcess.run("/usr/bin/prlimit", ["--pid", "\(pid)", "--nofile=\(inUse + 3):"])
            #expect(lowered.code == 0, "\(lowered.output)")
            defer { _ = try? ChildProcess.run("/usr/bin/prlimit", ["--pid", "\(pid)", "--nofile=4096:"]) }

            // The kernel completes the TCP handshakes; the server takes three and queues the rest.
            var clients = try (0..<12).map { _ in try TestRTMPClient(port: server.rtmpPort) }
            defer { clients.forEach { $0.close() } }
            #expect(server.waitForLog("RTMP accept failed; pausing before the next", timeout: 5), "\(server.log.suffix(2000))")
            // Paused, not spinning: an accept loop retrying at once would burn a core for these 1.5 s.
            let ticksBefore = try #require(ProcessResources.cpuTicks(of: pid))
            usleep(1_500_000)
            let ticks = try #require(ProcessResources.cpuTicks(of: pid)) - ticksBefore
            #expect(ticks < 50, "\(ticks) CPU ticks in 1.5 s with the descriptor table full")
            // One line a second at most.
            #expect(server.logCount("RTMP accept failed") <= 3, "\(server.log.suffix(3000))")
            #expect(server.log.contains("Too many open files"), "\(server.log.suffix(2000))")
            #expect(server.process.isRunning)
            #expect(canary.isFlowing(), "\(canary.diagnostics)")

            let restored = try ChildProcess.run("/usr/bin/prlimit", ["--pid", "\(pid)", "--nofile=4096:"])
            #expect(restored.code == 0, "\(restored.output)")
            // A connection that waited in the queue through the pause gets its handshake answered.
            let waited = clients.removeLast()
            defer { waited.close() }
            try waited.handshake(timeout: 5)
            try waited.startSession(server.url("live/after-emfile"), mode: .publish)
            #expect(server.waitForLog("publish started", count: 2, timeout: 5), "\(server.log.suffix(2000))")
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        @Test("max_connections 50 refuses the 51st connection and admits again once others leave")
        func maxConnections() throws {
            let server = try HeadwaterServer(extra: "max_connections 50;\nhandshake_timeout 30;")
            // The harness's readiness probe connection must be gone before counting.
            usleep(300_000)
            var clients = try (0..<50).map { _ in try TestRTMPClient(port: server.rtmpPort) }
            #expect(TestRTMPClient.countOpen(clients, until: Date().addingTimeInterval(0.5)) == 50)

            let surplus = try TestRTMPClient(port: server.rtmpPort)
            #expect(surplus.waitUntilClosedByPeer(within: 2))
            #expect(server.waitForLog("max_connections reached", timeout: 2), "\(server.log)")
            // A burst of refusals is summed into the next line, not logged one by one.
            let burst = try (0..<200).map { _ in try TestRTMPClient(port: server.rtmpPort) }
            let burstEnded = Date()
            #expect(TestRTMPClient.countOpen(burst, until: Date().addingTimeInterval(3)) == 0)
            #expect(server.logCount("max_connections reached") == 1, "\(server.log)")

            clients.forEach { $0.close() }
            usleep(500_000)
            clients = try (0..<49).map { _ in try TestRTMPClient(port: server.rtmpPort) }
            let publisher = try TestRTMPClient(port: server.rtmpPort)
            try publisher.handshake()
            try publisher.startSession(server.url("live/fiftieth"), mode: .publish)
            #expect(TestRTMPClient.countOpen(clients, until: Date().addingTimeInterval(0.5)) == 49)
            #expect(server.waitForLog("publish started", timeout: 2))

            usleep(useconds_t(max(0, 1.2 - Date().timeIntervalSince(burstEnded)) * 1_000_000))
            let surplusAgain = try TestRTMPClient(port: server.rtmpPort)
            #expect(surplusAgain.waitUntilClosedByPeer(within: 2))
            #expect(server.waitForLog("refused=201", timeout: 2), "\(server.log)")
            clients.forEach { $0.close() }
        }
    }
}
