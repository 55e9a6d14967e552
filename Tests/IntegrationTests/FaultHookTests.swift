import Foundation
import RTMP
import Testing

/// Hook servers that answer garbage or are down (a hanging one is in HookTests).
@Suite("Fault: broken hook servers", .serialized, .integration, .timeLimit(.minutes(2)))
struct FaultHookTests {
    static func vhost(_ name: String, publish: String? = nil, play: String? = nil, timeout: Int = 3, allow: Bool = false) -> String {
        """
        vhost \(name) {
            http_hooks {
                enabled on;
                \(publish.map { "on_publish \($0);" } ?? "")
                \(play.map { "on_play \($0);" } ?? "")
                timeout \(timeout);
                on_failure \(allow ? "allow" : "deny");
            }
        }
        """
    }

    /// Starts a publish or play session; returns whether it started and how long the answer took.
    static func attempt(_ server: HeadwaterServer, _ path: String, play: Bool = false) -> (started: Bool, seconds: Double, error: String) {
        let start = Date()
        do {
            let client = try TestRTMPClient(port: server.rtmpPort)
            try client.handshake()
            try client.startSession(server.url(path), mode: play ? .play : .publish, timeout: 8)
            client.close()
            return (true, Date().timeIntervalSince(start), "")
        } catch {
            return (false, Date().timeIntervalSince(start), "\(error)")
        }
    }

    @Test("garbage, a huge or truncated body, and a closed port fail the call: on_failure deny refuses, allow lets through; other clients go on")
    func garbageAndDown() throws {
        let garbage = try GarbageHookServer()
        let closedPort = Ports.free()
        let down = "http://127.0.0.1:\(closedPort)/hook"
        let vhosts = [
            Self.vhost("nothttp", publish: garbage.url("/nothttp")),
            Self.vhost("huge", publish: garbage.url("/huge")),
            Self.vhost("truncated", publish: garbage.url("/truncated")),
            Self.vhost("chunked", publish: garbage.url("/chunked")),
            Self.vhost("lenient", publish: garbage.url("/nothttp"), play: garbage.url("/huge"), allow: true),
            Self.vhost("badplay", play: garbage.url("/nothttp")),
            Self.vhost("down", publish: down, timeout: 1),
            Self.vhost("downallow", publish: down, timeout: 1, allow: true),
        ].joined(separator: "\n")
        let server = try HeadwaterServer(extra: vhosts)
        let sample = try SampleMedia()
        let normalPlayer = try FrameRecorder(port: server.rtmpPort, url: server.url("live/normal"))
        let normal = try PacedPublisher(port: server.rtmpPort, url: server.url("live/normal"), sample: sample, duration: 14_000)
        usleep(500_000)
        let baseline = try #require(ProcessResources.residentMiB(of: server.process.pid))

        for name in ["nothttp", "huge", "truncated", "chunked"] {
            let result = Self.attempt(server, "live/\(name)?vhost=\(name)")
            #expect(!result.started, "\(name): a garbage answer must refuse the publish")
            #expect(result.seconds < 2.5, "\(name): refused after \(result.seconds) s, not at once")
        }
        #expect(garbage.requests.filter { $0 == "/huge" }.count == 1, "\(garbage.requests)")
        let lenient = Self.attempt(server, "live/lenient?vhost=lenient")
        #expect(lenient.started, "on_failure allow: \(lenient.error)")
        #expect(server.waitForLog("hook failed, allowed by on_failure allow", timeout: 2))
        let lenientPlay = Self.attempt(server, "live/lenient?vhost=lenient", play: true)
        #expect(lenientPlay.started, "on_failure allow (play): \(lenientPlay.error)")
        let refusedPlay = Self.attempt(server, "live/badplay?vhost=badplay", play: true)
        #expect(!refusedPlay.started)
        #expect(refusedPlay.seconds < 2.5, "play refused after \(refusedPlay.seconds) s")

        // A closed port costs at most the timeout (1 s), then on_failure applies.
        let refused = Self.attempt(server, "live/down?vhost=down")
        #expect(!refused.started)
        #expect(refused.seconds < 2.5, "down: refused after \(refused.seconds) s")
        let allowed = Self.attempt(server, "live/downallow?vhost=downallow")
        #expect(allowed.started, "down with on_failure allow: \(allowed.error)")
        #expect(allowed.seconds < 2.5, "down with on_failure allow: \(allowed.seconds) s")

        #expect(server.logCount("hook failed") >= 7, "\(server.log.suffix(4000))")
        #expect(server.logCount("publish started") == 3, "normal, lenient and downallow only")
        let after = try #require(ProcessResources.residentMiB(of: server.process.pid))
        #expect(after - baseline <= 20, "RSS \(baseline) MiB before, \(after) MiB after (a 50 MB body was announced)")

        // The stream with no hooks never stalled.
        #expect(normal.wait(timeout: 20))
        #expect(normal.error == nil, "\(normal.error ?? "")")
        usleep(700_000)
        normalPlayer.stop()
        #expect(normalPlayer.video.count >= normal.sentVideo * 97 / 100, "\(normalPlayer.video.count) of \(normal.sentVideo)")
        #expect(server.process.isRunning)
    }
}
