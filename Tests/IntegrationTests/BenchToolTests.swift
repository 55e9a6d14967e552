import Foundation
import Testing

/// `headwater-bench` against the real server on loopback: it publishes a file itself, so it knows
/// every frame it sent, and each player must have received exactly those from its join point.
@Suite("headwater-bench", .serialized, .integration, .timeLimit(.minutes(2)))
struct BenchToolTests {
    /// The `headwater-bench` binary next to `headwater`.
    static var benchBinary: String {
        URL(fileURLWithPath: Tools.headwaterBinary).deletingLastPathComponent()
            .appendingPathComponent("headwater-bench").path
    }

    /// Runs the tool to its end and returns the summary's pairs (and the whole output for messages).
    static func run(_ arguments: [String], timeout: Double = 30) throws -> ([String: String], String) {
        let tool = try ChildProcess(benchBinary, arguments, name: "headwater-bench")
        defer { tool.stop() }
        guard tool.waitForExit(timeout: timeout) else { throw HarnessError("the tool did not finish:\n\(tool.output)") }
        let output = tool.output
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("summary ") }) else {
            throw HarnessError("no summary line:\n\(output)")
        }
        var pairs: [String: String] = [:]
        for word in line.split(separator: " ").dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { pairs[String(parts[0])] = String(parts[1]) }
        }
        return (pairs, output)
    }

    /// All `players` connected, none stalled, and every player that counts frames received, from its first
    /// keyframe on, exactly the frames sent from that keyframe on.
    static func expectEveryPlayerExact(
        _ summary: [String: String], players: Int, _ output: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(summary["connected"] == "\(players)", "\(output)", sourceLocation: sourceLocation)
        #expect(summary["stalled"] == "0", "\(output)", sourceLocation: sourceLocation)
        #expect(summary["frame_diff_min"] == "0", "\(output)", sourceLocation: sourceLocation)
        #expect(summary["frame_diff_max"] == "0", "\(output)", sourceLocation: sourceLocation)
    }

    @Test("20 RTMP players of the tool's own publish: all connect, none stalls, each gets every frame sent")
    func rtmpPlayersCountEveryFrame() throws {
        let server = try HeadwaterServer()
        let (summary, output) = try Self.run([
            "play", server.url("live/bench"), "--players", "20", "--rate", "5", "--duration", "6",
            "--publish", Tools.sampleFLV, "--threads", "2", "--parse-every", "1",
        ])
        Self.expectEveryPlayerExact(summary, players: 20, output)
        #expect(summary["failed"] == "0")
        let sent = try #require(summary["frames_sent"].flatMap { Int($0) })
        // 25 fps for 6 s.
        #expect(sent > 130 && sent < 170, "\(output)")
        // Ramped over 4 s against 2 s GOPs, players joined at different keyframes.
        let fewest = try #require(summary["frames_received_min"].flatMap { Int($0) })
        let most = try #require(summary["frames_received_max"].flatMap { Int($0) })
        #expect(fewest < most && most <= sent, "\(output)")
        // Latency is taken on live frames (from each player's second GOP on): 2 to 3 GOPs of 50 frames each.
        #expect(Int(summary["latency_samples"] ?? "") ?? 0 > 20 * 40, "\(output)")
        #expect(Int(summary["latency_p99_ms"] ?? "") ?? .max < 1000, "\(output)")
        #expect(Int(summary["ttff_p99_ms"] ?? "") ?? .max < 2000)
    }

    @Test("with --parse-every 4, every player is measured by its bytes and every fourth counts frames exactly")
    func sampledParsing() throws {
        let server = try HeadwaterServer()
        let (summary, output) = try Self.run([
            "play", server.url("live/sampled"), "--players", "12", "--rate", "6", "--duration", "5",
            "--publish", Tools.sampleFLV, "--threads", "1", "--parse-every", "4",
        ])
        Self.expectEveryPlayerExact(summary, players: 12, output)
        // Every player, parsing or not, received the stream (392 kbit/s) and has a time to first frame.
        #expect(Double(summary["per_player_kbps_min"] ?? "") ?? 0 > 150, "\(output)")
        #expect(Int(summary["ttff_p99_ms"] ?? "") ?? .max < 2000, "\(output)")
        // Latency comes from the three parsing players only: fewer samples than 12 players would give.
        let samples = Int(summary["latency_samples"] ?? "") ?? 0
        #expect(samples > 0 && samples < 3 * 125, "\(output)")
    }

    @Test("5 HTTP-FLV players: all connect and count every frame sent")
    func flvPlayersCountEveryFrame() throws {
        let server = try HeadwaterServer(vhostBody: HTTPFLVTests.remux, http: true)
        let (summary, output) = try Self.run([
            "flv", server.httpURL("live/bench.flv"), "--players", "5", "--duration", "4",
            "--publish", Tools.sampleFLV, "--publish-url", server.url("live/bench"), "--threads", "1",
        ])
        #expect(summary["connected"] == "5", "\(output)")
        #expect(summary["failed"] == "0")
        #expect(summary["stalled"] == "0")
        #expect(summary["frame_diff_min"] == "0", "\(output)")
        #expect(summary["frame_diff_max"] == "0", "\(output)")
        #expect(Double(summary["mbps"] ?? "") ?? 0 > 0.5, "\(output)")
    }

    @Test("3 HLS clients poll the playlist and fetch each new segment once")
    func hlsClientsFetchSegments() throws {
        let hls = "hls { enabled on; hls_fragment 1; hls_window 6; hls_path $DIR/html; }"
        let server = try HeadwaterServer(vhostBody: hls, http: true)
        let (summary, output) = try Self.run([
            "hls", server.httpURL("live/bench.m3u8"), "--players", "3", "--duration", "7",
            "--publish", Tools.sampleFLV, "--publish-url", server.url("live/bench"), "--threads", "1",
        ])
        #expect(summary["connected"] == "3", "\(output)")
        #expect(summary["failed"] == "0")
        #expect(summary["stalled"] == "0")
        // Segments are cut at the 2 s keyframes: the first is ready after about 2 s, then one every 2 s.
        let fewest = try #require(summary["frames_received_min"].flatMap { Int($0) })
        let most = try #require(summary["frames_received_max"].flatMap { Int($0) })
        #expect(fewest >= 2 && most <= 4, "\(output)")
        #expect(summary["latency_samples"] == "0")
    }

    @Test("players of a server that is not there fail, and the tool says so in its exit status")
    func refusedPlayersAreCountedAsFailed() throws {
        let port = Ports.free()
        let (summary, output) = try Self.run([
            "play", "rtmp://127.0.0.1:\(port)/live/none", "--players", "3", "--duration", "1",
        ])
        #expect(summary["connected"] == "0", "\(output)")
        #expect(summary["failed"] == "3", "\(output)")
    }
}
