import Foundation
import Testing

/// The real binary remuxes a live RTMP publish to HLS; ffprobe, ffmpeg and GStreamer read it over HTTP.
@Suite("HLS output", .serialized, .integration, .timeLimit(.minutes(4)))
struct HLSOutputTests {
    static func hls(fragment: Double = 2, window: Int = 20, dispose: Int = 30, extra: String = "") -> String {
        """
        hls {
            enabled on;
            hls_fragment \(fragment);
            hls_window \(window);
            hls_dispose \(dispose);
            hls_path $DIR/html;
            \(extra)
        }
        """
    }

    func playlist(_ server: HeadwaterServer, _ path: String) -> PlaylistText? {
        guard let response = try? server.http.get("/" + path), response.status == 200 else { return nil }
        return PlaylistText(response.text)
    }

    @Test("a minute of live HLS decodes without errors; every segment probes clean and continues the last")
    func liveStreamPlaysAndSegmentsAreSound() throws {
        let server = try HeadwaterServer(vhostBody: Self.hls(fragment: 2, window: 12), http: true)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/main"), seconds: 80)
        defer { publisher.stop() }
        #expect(MediaTools.waitFor({ (self.playlist(server, "live/main.m3u8")?.entries.count ?? 0) >= 2 }, timeout: 20))
        let response = try server.http.get("/live/main.m3u8")
        #expect(response.headers["content-type"] == "application/vnd.apple.mpegurl")

        // A player reads a minute of the live stream over HTTP while the segments are checked.
        let player = try ChildProcess(
            MediaTools.ffmpeg,
            ["-nostdin", "-hide_banner", "-v", "error", "-i", server.httpURL("live/main.m3u8"), "-t", "60", "-f", "null", "-"],
            name: "ffmpeg-hls-player")
        defer { player.stop() }

        usleep(8_000_000)
        let live = try #require(playlist(server, "live/main.m3u8"))
        let target = try #require(live.targetDuration)
        #expect(live.entries.count >= 3)
        #expect(live.entries.allSatisfy { $0.programDateTime != nil })
        var previousEnd: Double?
        for entry in live.entries {
            #expect(Double(target) >= entry.duration, "target \(target) below \(entry.duration)")
            // GOP 1 s, fragment 2 s: every segment is 2 s within 10%.
            #expect(abs(entry.duration - 2) <= 0.2, "\(entry.uri) lasts \(entry.duration)")
            let url = server.httpURL("live/" + entry.uri)
            let probe = try ProbedPackets(url)
            #expect(probe.errors.isEmpty, "\(entry.uri): \(probe.errors)")
            let video = probe.of("video")
            #expect(!probe.of("audio").isEmpty, "\(entry.uri) has no audio")
            let first = try #require(video.first, "\(entry.uri) has no video")
            #expect(first.keyframe, "\(entry.uri) starts with a non-keyframe")
            let start = video.map(\.pts).min() ?? 0
            if let previousEnd {
                #expect(abs(start - previousEnd) < 0.002, "\(entry.uri) starts at \(start), previous ended at \(previousEnd)")
            }
            let last = video.max { $0.pts < $1.pts }!
            previousEnd = last.pts + (last.duration > 0 ? last.duration : 0.04)
        }
        #expect(player.waitForExit(timeout: 90), "the player did not finish a minute of media")
        #expect(player.exitCode == 0)
        #expect(player.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "player errors:\n\(player.output)")
    }

    @Test("audio-only and video-only publishes give playable HLS")
    func singleTrackStreams() throws {
        let server = try HeadwaterServer(vhostBody: Self.hls(fragment: 1), http: true)
        let audio = try ChildProcess(
            MediaTools.ffmpeg,
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
             "-t", "8", "-c:a", "aac", "-f", "flv", server.url("live/radio")], name: "ffmpeg-audio")
        let video = try ChildProcess(
            MediaTools.ffmpeg,
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
             "-t", "8", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-f", "flv", server.url("live/silent")],
            name: "ffmpeg-video")
        defer { audio.stop(); video.stop() }
        #expect(audio.waitForExit(timeout: 30) && video.waitForExit(timeout: 30))
        for (name, type, other) in [("radio", "audio", "video"), ("silent", "video", "audio")] {
            let text = try #require(playlist(server, "live/\(name).m3u8"), "no playlist for \(name)\n\(server.log)")
            #expect(text.entries.count >= 2, "\(name): \(text.entries.count) segments")
            // The playlist is live (no ENDLIST yet): read it from its first segment for 5 s.
            let live = ["-live_start_index", "0", "-read_intervals", "%+5"]
            let probe = try ProbedPackets(server.httpURL("live/\(name).m3u8"), options: live)
            #expect(probe.errors.isEmpty, "\(name): \(probe.errors)")
            #expect(probe.of(type).count > 50)
            #expect(probe.of(other).isEmpty)
            let decode = try ChildProcess.run(
                MediaTools.ffmpeg,
                ["-nostdin", "-v", "error", "-live_start_index", "0", "-i", server.httpURL("live/\(name).m3u8"), "-t", "5",
                 "-f", "null", "-"])
            #expect(decode.code == 0 && decode.output.isEmpty, "\(name): \(decode.output)")
        }
    }

    @Test("a republish within hls_dispose continues the playlist after one discontinuity; players carry on")
    func republishContinuesThePlaylist() throws {
        let server = try HeadwaterServer(vhostBody: Self.hls(fragment: 1, window: 30, dispose: 4), http: true)
        let url = server.httpURL("live/again.m3u8")
        var first = try MediaTools.publishTestSource(to: server.url("live/again"), seconds: 6)
        #expect(MediaTools.waitFor({ (self.playlist(server, "live/again.m3u8")?.entries.count ?? 0) >= 2 }, timeout: 20))
        let player = try ChildProcess(
            MediaTools.ffmpeg, ["-nostdin", "-hide_banner", "-v", "error", "-i", url, "-f", "null", "-"],
            name: "ffmpeg-hls-player")
        let gstreamer = try ChildProcess(
            "/usr/bin/gst-launch-1.0",
            ["-q", "playbin", "uri=\(url)", "video-sink=fakesink", "audio-sink=fakesink"], name: "gst-hls")
        defer { player.stop(); gstreamer.stop() }
        #expect(first.waitForExit(timeout: 30))
        usleep(1_500_000)
        first = try MediaTools.publishTestSource(to: server.url("live/again"), seconds: 6)
        #expect(first.waitForExit(timeout: 30))
        usleep(1_000_000)

        let text = try #require(playlist(server, "live/again.m3u8"))
        #expect(text.entries.filter(\.discontinuity).count == 1, "\(text.entries.map(\.discontinuity))")
        #expect(!text.ended)
        let sequences = text.entries.compactMap { Int($0.uri.split(separator: "-").last?.split(separator: ".").first ?? "") }
        #expect(sequences == Array((sequences.first ?? 0)..<((sequences.first ?? 0) + sequences.count)), "\(sequences)")
        #expect(player.isRunning, "ffmpeg stopped at the discontinuity:\n\(player.output)")
        #expect(gstreamer.isRunning, "GStreamer stopped:\n\(gstreamer.output)")
        #expect(!player.output.contains("rror"), "\(player.output)")
        #expect(!gstreamer.output.contains("ERROR"), "\(gstreamer.output)")

        // No third publish: after hls_dispose the playlist ends, then every file goes.
        #expect(MediaTools.waitFor({ self.playlist(server, "live/again.m3u8")?.ended == true }, timeout: 10))
        let folder = server.htmlPath + "/live"
        #expect(MediaTools.waitFor({ ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).isEmpty }, timeout: 10),
            "left: \((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])")
    }

    @Test("HTTP refuses paths out of the served folder")
    func traversalIsRefused() throws {
        let server = try HeadwaterServer(vhostBody: Self.hls(), http: true)
        for path in ["/../headwater.conf", "/%2e%2e/headwater.conf", "/live/%2F..%2F..%2Fheadwater.conf", "/..%5cheadwater.conf"] {
            let response = try server.http.get(path)
            #expect([400, 404].contains(response.status), "\(path) -> \(response.status)")
            #expect(!response.text.contains("vhost"), "\(path) leaked the config")
        }
    }
}
