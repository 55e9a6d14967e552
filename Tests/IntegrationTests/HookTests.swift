import Foundation
import Testing

/// HTTP callbacks and access rules against the real binary, ffmpeg and a recording hook server.
@Suite("HTTP hooks and security", .serialized, .integration, .timeLimit(.minutes(3)))
struct HookTests {
    static func hooks(_ recorder: HookRecorder, timeout: Double = 3, publish: String = "/publish") -> String {
        """
        http_hooks {
            enabled on;
            on_connect \(recorder.url("/connect"));
            on_close \(recorder.url("/close"));
            on_publish \(recorder.url(publish));
            on_unpublish \(recorder.url("/unpublish"));
            on_play \(recorder.url("/play"));
            on_stop \(recorder.url("/stop"));
            on_dvr \(recorder.url("/dvr"));
            on_hls \(recorder.url("/hls"));
            timeout \(timeout);
        }
        """
    }

    static let outputs = """
        hls { enabled on; hls_fragment 1; hls_path $DIR/html; }
        dvr { enabled on; dvr_plan session; dvr_path $DIR/html/[app]/[stream].[timestamp].flv; }
        """

    static func files(under path: String) -> [String] {
        (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
    }

    @Test("on_publish denies one stream before any media; allowed publishes send SRS's fields and on_dvr/on_hls")
    func publishHooks() throws {
        let recorder = try HookRecorder()
        let server = try HeadwaterServer(vhostBody: Self.hooks(recorder) + Self.outputs)

        let denied = try MediaTools.publishTestSource(to: server.url("live/denied"), seconds: 4)
        #expect(denied.waitForExit(timeout: 10))
        #expect(denied.exitCode != 0)
        #expect(recorder.waitFor("on_publish", stream: "denied", timeout: 2))
        #expect(server.waitForLog("publish denied", timeout: 2))
        #expect(server.logCount("publish started") == 0, "\(server.log.suffix(2000))")

        let allowed = try MediaTools.publishTestSource(to: server.url("live/allowed?token=x"), seconds: 3)
        #expect(allowed.waitForExit(timeout: 15))
        #expect(allowed.exitCode == 0, "\(allowed.output)")
        #expect(recorder.waitFor("on_dvr", timeout: 5))
        #expect(recorder.waitFor("on_close", count: 2, timeout: 5))

        let publish = try #require(recorder.calls("on_publish", stream: "allowed").first)
        for field in ["server_id", "service_id", "client_id", "ip", "vhost", "app", "tcUrl", "stream", "param", "stream_url", "stream_id"] {
            #expect(publish.body[field] != nil, "on_publish lacks \(field): \(publish.body)")
        }
        #expect(publish.body["ip"] as? String == "127.0.0.1")
        #expect(publish.body["vhost"] as? String == "__defaultVhost__")
        #expect(publish.body["app"] as? String == "live")
        #expect(publish.body["param"] as? String == "?token=x")
        #expect(publish.body["stream_url"] as? String == "/live/allowed")
        let connect = try #require(recorder.calls("on_connect").first)
        #expect((connect.body["tcUrl"] as? String)?.hasPrefix("rtmp://127.0.0.1:") == true)
        #expect(recorder.calls("on_unpublish", stream: "allowed").count == 1)
        // The denied publish never started, so it has no on_unpublish.
        #expect(recorder.calls("on_unpublish", stream: "denied").isEmpty)
        let close = try #require(recorder.calls("on_close").last)
        #expect((close.body["recv_bytes"] as? Int ?? 0) > 10_000)
        #expect((close.body["send_bytes"] as? Int ?? 0) > 0)
        let dvr = try #require(recorder.calls("on_dvr").first)
        #expect((dvr.body["file"] as? String)?.contains("allowed") == true)
        #expect(dvr.body["stream"] as? String == "allowed")
        let hls = try #require(recorder.calls("on_hls").first)
        #expect(hls.body["seq_no"] is Int)
        #expect((hls.body["file"] as? String)?.hasSuffix(".ts") == true)
        #expect((hls.body["duration"] as? Double ?? 0) > 0)
        #expect(hls.body["m3u8_url"] as? String == "live/allowed.m3u8")

        // Nothing of the denied stream reached the hub, so no output exists for it.
        let outputs = Self.files(under: server.htmlPath)
        #expect(!outputs.contains { $0.contains("denied") }, "\(outputs)")
        #expect(outputs.contains { $0.contains("allowed") }, "\(outputs)")
    }

    @Test("on_play denies one stream; an allowed play reports on_play and on_stop")
    func playHooks() throws {
        let recorder = try HookRecorder()
        let server = try HeadwaterServer(vhostBody: Self.hooks(recorder))
        let publisher = try MediaTools.publishTestSource(to: server.url("live/denied"), seconds: 12)
        defer { publisher.stop() }
        let other = try MediaTools.publishTestSource(to: server.url("live/open"), seconds: 12)
        defer { other.stop() }
        // The stream named denied may not be published either; "open" is.
        #expect(server.waitForLog("publish started", timeout: 5))

        let refused = try ChildProcess.run(
            MediaTools.ffmpeg, ["-nostdin", "-v", "error", "-i", server.url("live/denied"), "-t", "1", "-f", "null", "-"],
            timeout: 10)
        #expect(refused.code != 0)
        #expect(recorder.calls("on_play", stream: "denied").count == 1)
        #expect(server.waitForLog("play denied", timeout: 2))

        let played = try ChildProcess.run(
            MediaTools.ffmpeg, ["-nostdin", "-v", "error", "-i", server.url("live/open"), "-t", "1", "-f", "null", "-"],
            timeout: 10)
        #expect(played.code == 0, "\(played.output)")
        #expect(recorder.waitFor("on_stop", stream: "open", timeout: 3))
        #expect(recorder.calls("on_play", stream: "open").first?.body["pageUrl"] != nil)
        #expect(recorder.calls("on_stop", stream: "denied").isEmpty)
    }

    @Test("a hook server that never answers delays only its client, by the timeout")
    func hungHook() throws {
        let recorder = try HookRecorder()
        let server = try HeadwaterServer(
            vhostBody: "",
            extra: "vhost hooked {\n\(Self.hooks(recorder, timeout: 1, publish: "/hang"))\n}")
        let started = Date()
        let slow = try MediaTools.publishTestSource(to: server.url("live/slow?vhost=hooked"), seconds: 5)
        defer { slow.stop() }
        let fast = try MediaTools.publishTestSource(to: server.url("live/fast"), seconds: 5)
        defer { fast.stop() }
        #expect(recorder.waitFor("on_publish", stream: "slow", timeout: 3))
        #expect(server.waitForLog("publish started", timeout: 3))
        let fastStarted = Date()
        let player = try ChildProcess.run(
            MediaTools.ffmpeg, ["-nostdin", "-v", "error", "-i", server.url("live/fast"), "-t", "1", "-f", "null", "-"],
            timeout: 10)
        #expect(player.code == 0, "\(player.output)")

        #expect(slow.waitForExit(timeout: 6))
        let slowEnded = Date()
        #expect(slow.exitCode != 0)
        #expect(server.logCount("publish denied") == 1, "\(server.log.suffix(2000))")
        #expect(server.log.contains("no answer within"))
        let hookCall = try #require(recorder.calls("on_publish", stream: "slow").first)
        // Refused about one timeout after the hook was called, while the other stream went on.
        let waited = slowEnded.timeIntervalSince(hookCall.time)
        #expect(waited >= 0.9 && waited < 3, "slow publisher refused after \(waited) s")
        #expect(fastStarted.timeIntervalSince(started) < 3)
        #expect(server.logCount("publish started") == 1)
    }

    @Test("security: deny play from 127.0.0.1, allow publish from 127.0.0.0/8, a deny for 10.0.0.0/8 changes nothing")
    func securityRules() throws {
        let server = try HeadwaterServer(
            vhostBody: """
                security {
                    enabled on;
                    allow publish 127.0.0.0/8;
                    deny publish 10.0.0.0/8;
                    allow play all;
                    deny play 127.0.0.1;
                }
                """)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/sec"), seconds: 8)
        defer { publisher.stop() }
        #expect(server.waitForLog("publish started", timeout: 5), "\(server.log.suffix(2000))")
        let player = try ChildProcess.run(
            MediaTools.ffmpeg, ["-nostdin", "-v", "error", "-i", server.url("live/sec"), "-t", "1", "-f", "null", "-"],
            timeout: 10)
        #expect(player.code != 0)
        #expect(server.waitForLog("play denied", timeout: 2))
        #expect(server.log.contains("deny play 127.0.0.1"))
        #expect(publisher.isRunning)
    }
}
