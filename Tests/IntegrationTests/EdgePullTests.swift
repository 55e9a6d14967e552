import Foundation
import Testing

/// Edges pulling from origins: the real binary as origin and edge on loopback ports.
@Suite("Edge pull", .serialized, .integration, .timeLimit(.minutes(3)))
struct EdgePullTests {
    /// The vhost body of an edge of `origins` (RTMP ports on 127.0.0.1).
    static func edgeBody(_ origins: [Int], idleTimeout: String = "2", upstreamTimeout: String = "3") -> String {
        """
        cluster {
            mode remote;
            origin \(origins.map { "127.0.0.1:\($0)" }.joined(separator: " "));
            idle_timeout \(idleTimeout);
            upstream_timeout \(upstreamTimeout);
        }
        http_remux { enabled on; mount [vhost]/[app]/[stream].flv; }
        """
    }

    /// An ffmpeg player copying `url` into an FLV file flushed per packet (so its growth shows media arriving).
    static func recorder(_ url: String, into path: String) throws -> ChildProcess {
        try ChildProcess(
            MediaTools.ffmpeg,
            ["-nostdin", "-loglevel", "error", "-analyzeduration", "500000", "-i", url, "-c", "copy",
             "-flush_packets", "1", "-f", "flv", "-y", path],
            name: "edge-recorder")
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Whether `path` grows within `timeout` seconds.
    static func grows(_ path: String, timeout: Double) -> Bool {
        let start = fileSize(path)
        return MediaTools.waitFor({ fileSize(path) > start + 1000 }, timeout: timeout)
    }

    /// Decodes `seconds` of `url` with ffmpeg; returns the exit code and output.
    static func decode(_ url: String, seconds: Int = 2) throws -> (code: Int32, output: String) {
        try ChildProcess.run(
            MediaTools.ffmpeg,
            ["-nostdin", "-v", "error", "-i", url, "-t", "\(seconds)", "-f", "null", "-"], timeout: 30)
    }

    @Test("20 players on an edge (ffmpeg, rtmpdump, HTTP-FLV, the load tool) share one upstream, closed when idle")
    func manyPlayersOneUpstream() throws {
        let apiPort = Ports.free()
        let origin = try HeadwaterServer.withAPI(apiPort: apiPort, sharePort: false)
        let edge = try HeadwaterServer(vhostBody: Self.edgeBody([origin.rtmpPort]), http: true)
        let publisher = try MediaTools.publishTestSource(to: origin.url("live/test"), seconds: 40)
        defer { publisher.stop() }
        #expect(origin.waitForLog("publish started", timeout: 15), "\(origin.log)")

        // 10 players of the load tool, ramping while the others start.
        let bench = try ChildProcess(
            BenchToolTests.benchBinary,
            ["play", edge.url("live/test"), "--players", "10", "--rate", "20", "--duration", "8", "--threads", "1"],
            name: "bench-edge")
        defer { bench.stop() }
        var players: [ChildProcess] = []
        defer { players.forEach { $0.stop() } }
        for index in 0..<6 {
            let url = index < 4 ? edge.url("live/test") : edge.httpURL("live/test.flv")
            players.append(
                try ChildProcess(
                    MediaTools.ffmpeg, ["-nostdin", "-v", "error", "-i", url, "-t", "5", "-f", "null", "-"],
                    name: "ffmpeg-edge-\(index)"))
        }
        let dumps = (0..<4).map { edge.directory.appendingPathComponent("dump\($0).flv").path }
        for path in dumps {
            players.append(
                try ChildProcess(
                    "/usr/bin/rtmpdump", ["-q", "-v", "-r", edge.url("live/test"), "-o", path],
                    name: "rtmpdump-edge"))
        }

        // Meanwhile the origin sees exactly one player of live/test: the edge.
        let api = APITestClient(port: apiPort)
        let oneUpstream = MediaTools.waitFor({
            let clients = (try? api.json("GET", "/api/v1/clients?count=100").object.objects("clients")) ?? []
            return clients.filter { ($0["type"] as? String) == "rtmp-play" }.count == 1
        }, timeout: 10)
        #expect(oneUpstream, "\(origin.log)")
        usleep(2_000_000)
        let clients = try api.json("GET", "/api/v1/clients?count=100").object.objects("clients") ?? []
        let plays = clients.filter { ($0["type"] as? String) == "rtmp-play" }
        #expect(plays.count == 1, "\(clients)")
        #expect(edge.logCount("edge pull connecting") == 1, "\(edge.log)")

        for player in players.prefix(6) {
            #expect(player.waitForExit(timeout: 20), "\(player.name): \(player.output)")
            #expect(player.exitCode == 0, "\(player.output)")
        }
        // rtmpdump records a live stream until stopped; its files hold what it got.
        for player in players.dropFirst(6) { player.stop() }
        for path in dumps {
            let probe = try MediaTools.probe(path)
            #expect(probe.waitForExit(timeout: 15))
            let streams = try MediaTools.streams(of: probe)
            #expect((streams["video"]?.frames ?? 0) > 50, "\(path): \(probe.output)")
        }
        #expect(bench.waitForExit(timeout: 20), "\(bench.output)")
        let summary = bench.output.split(separator: "\n").last { $0.hasPrefix("summary ") } ?? ""
        #expect(summary.contains(" connected=10 ") && summary.contains(" failed=0 ") && summary.contains(" stalled=0 "),
                "\(bench.output)")

        // The last player left; one arriving 0.5 s later is served by the same upstream.
        usleep(500_000)
        let late = try Self.decode(edge.url("live/test"))
        #expect(late.code == 0 && late.output.isEmpty, "\(late.output)\n\(edge.log)")
        #expect(edge.logCount("edge pull connecting") == 1, "\(edge.log)")
        // Then the upstream closes within the idle delay (2 s) and the origin sees its player leave.
        #expect(edge.waitForLog("edge pull closed", timeout: 4), "\(edge.log)")
        let gone = MediaTools.waitFor({
            let clients = (try? api.json("GET", "/api/v1/clients?count=100").object.objects("clients")) ?? []
            return !clients.contains { ($0["type"] as? String) == "rtmp-play" }
        }, timeout: 5)
        #expect(gone, "\(origin.log)")
    }

    @Test("kill -9 of the origin in use: the players stay, frames resume from the next origin, timestamps keep rising")
    func failoverKeepsPlayers() throws {
        let originA = try HeadwaterServer()
        let originB = try HeadwaterServer()
        let publisherA = try MediaTools.publishTestSource(to: originA.url("live/test"), seconds: 60)
        defer { publisherA.stop() }
        let publisherB = try MediaTools.publishTestSource(to: originB.url("live/test"), seconds: 60)
        defer { publisherB.stop() }
        #expect(originA.waitForLog("publish started", timeout: 15) && originB.waitForLog("publish started", timeout: 15))
        let apiPort = Ports.free()
        let edge = try HeadwaterServer.withAPI(
            apiPort: apiPort, sharePort: false, vhostBody: Self.edgeBody([originA.rtmpPort, originB.rtmpPort]))
        let rtmpCopy = edge.directory.appendingPathComponent("rtmp.flv").path
        let flvCopy = edge.directory.appendingPathComponent("http.flv").path
        let rtmpPlayer = try Self.recorder(edge.url("live/test"), into: rtmpCopy)
        defer { rtmpPlayer.stop() }
        let flvPlayer = try Self.recorder(edge.httpURL("live/test.flv"), into: flvCopy)
        defer { flvPlayer.stop() }
        #expect(Self.grows(rtmpCopy, timeout: 15) && Self.grows(flvCopy, timeout: 15), "\(edge.log)")
        usleep(1_000_000)

        originA.process.signal(SIGKILL)
        _ = originA.process.waitForExit(timeout: 5)
        #expect(edge.waitForLog("edge pull switching origin", timeout: 5), "\(edge.log)")
        usleep(300_000)
        #expect(Self.grows(rtmpCopy, timeout: 8), "RTMP player got nothing after the switch:\n\(edge.log)")
        #expect(Self.grows(flvCopy, timeout: 8), "HTTP-FLV player got nothing after the switch:\n\(edge.log)")
        #expect(rtmpPlayer.isRunning && flvPlayer.isRunning, "\(rtmpPlayer.output)\n\(flvPlayer.output)")
        usleep(2_000_000)  // play from B for a while

        // The API and the metrics name the origin in use and count the switch.
        let upstreams = try APITestClient(port: apiPort).json("GET", "/api/v1/upstreams").object.objects("upstreams") ?? []
        let pull = try #require(upstreams.first { ($0["role"] as? String) == "pull" }, "\(upstreams)")
        #expect(pull["server"] as? String == "127.0.0.1:\(originB.rtmpPort)", "\(pull)")
        #expect(pull["state"] as? String == "active" && pull.int("reconnects") == 1 && pull.int("players") == 2, "\(pull)")
        #expect((pull.int("recv_bytes") ?? 0) > 100_000, "\(pull)")
        let metrics = try edge.http.request("GET", "/metrics", timeout: 5)
        #expect(metrics.text.contains("headwater_edge_upstreams{role=\"pull\",state=\"active\"} 1"), "\(metrics.text)")

        // A comes back on its port; B dies: the edge moves back to A.
        let revived = try HeadwaterServer(rtmpPort: originA.rtmpPort)
        let publisherA2 = try MediaTools.publishTestSource(to: revived.url("live/test"), seconds: 60)
        defer { publisherA2.stop() }
        #expect(revived.waitForLog("publish started", timeout: 15))
        usleep(1_000_000)
        originB.process.signal(SIGKILL)
        _ = originB.process.waitForExit(timeout: 5)
        #expect(revived.waitForLog("play started", timeout: 10), "\(edge.log)")
        #expect(Self.grows(rtmpCopy, timeout: 8), "nothing from A again:\n\(edge.log)")
        #expect(Self.grows(flvCopy, timeout: 8), "nothing from A again:\n\(edge.log)")
        #expect(rtmpPlayer.isRunning && flvPlayer.isRunning, "\(rtmpPlayer.output)\n\(flvPlayer.output)")
        #expect(edge.logCount("edge pull connecting") >= 3)
        usleep(2_000_000)  // and from A again

        rtmpPlayer.stop()
        flvPlayer.stop()
        for path in [rtmpCopy, flvCopy] {
            let times = try Self.videoDecodeTimes(path)
            // About 7 s of playing across three origins' connections, at 25 fps.
            #expect(times.count > 150, "\(path): \(times.count) video packets")
            #expect((times.last ?? 0) - (times.first ?? 0) > 5000, "\(path): \(times.first ?? 0)...\(times.last ?? 0)")
            let backwards = zip(times, times.dropFirst()).filter { $0.1 < $0.0 }
            #expect(backwards.isEmpty, "\(path): timestamps went back: \(backwards.prefix(5))")
        }
    }

    /// The video packets' decode timestamps in milliseconds, in file order.
    static func videoDecodeTimes(_ path: String) throws -> [Int] {
        let result = try ChildProcess.run(
            MediaTools.ffprobe,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=dts", "-of", "csv=p=0", path],
            timeout: 30)
        return result.output.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    @Test("an unpublish at the origin reaches the edge's players as an unpublish; the upstream then closes")
    func originUnpublishEndsPlayers() throws {
        let origin = try HeadwaterServer()
        let edge = try HeadwaterServer(vhostBody: Self.edgeBody([origin.rtmpPort]))
        let publisher = try MediaTools.publishTestSource(to: origin.url("live/test"), seconds: 6)
        defer { publisher.stop() }
        #expect(origin.waitForLog("publish started", timeout: 15))
        let player = try ChildProcess(
            MediaTools.ffmpeg, ["-nostdin", "-v", "error", "-i", edge.url("live/test"), "-f", "null", "-"],
            name: "ffmpeg-edge")
        defer { player.stop() }
        // The publisher ends after 6 s; ffmpeg stops at UnpublishNotify instead of waiting forever.
        #expect(player.waitForExit(timeout: 20), "the player was not told:\n\(edge.log)")
        #expect(edge.waitForLog("stream unpublished at the origin", timeout: 5), "\(edge.log)")
        #expect(edge.waitForLog("edge pull closed", timeout: 5), "\(edge.log)")
        #expect(edge.logCount("edge pull switching origin") == 0, "the edge retried a stream that ended:\n\(edge.log)")
    }

    @Test("a chain of three levels plays: origin → edge → edge")
    func threeLevelChain() throws {
        let origin = try HeadwaterServer()
        let edge1 = try HeadwaterServer(vhostBody: Self.edgeBody([origin.rtmpPort]))
        let edge2 = try HeadwaterServer(vhostBody: Self.edgeBody([edge1.rtmpPort]), http: true)
        let publisher = try MediaTools.publishTestSource(to: origin.url("live/test"), seconds: 30)
        defer { publisher.stop() }
        #expect(origin.waitForLog("publish started", timeout: 15))
        let rtmp = try Self.decode(edge2.url("live/test"))
        #expect(rtmp.code == 0 && rtmp.output.isEmpty, "\(rtmp.output)\n\(edge2.log)\n\(edge1.log)")
        let flv = try Self.decode(edge2.httpURL("live/test.flv"))
        #expect(flv.code == 0 && flv.output.isEmpty, "\(flv.output)")
        #expect(edge1.logCount("edge pull playing") == 1 && edge2.logCount("edge pull playing") == 1)
    }

    @Test("a dead first origin is skipped at once, and later pulls start at the origin that worked")
    func deadFirstOriginIsSkipped() throws {
        let origin = try HeadwaterServer()
        let dead = Ports.free()
        let edge = try HeadwaterServer(vhostBody: Self.edgeBody([dead, origin.rtmpPort]))
        let publisher = try MediaTools.publishTestSource(to: origin.url("live/test"), seconds: 30)
        defer { publisher.stop() }
        #expect(origin.waitForLog("publish started", timeout: 15))
        let first = try Self.decode(edge.url("live/test"), seconds: 1)
        #expect(first.code == 0 && first.output.isEmpty, "\(first.output)\n\(edge.log)")
        #expect(edge.waitForLog("edge pull closed", timeout: 5))
        let switches = edge.logCount("edge pull switching origin")
        #expect(switches == 1, "\(edge.log)")
        let second = try Self.decode(edge.url("live/test"), seconds: 1)
        #expect(second.code == 0 && second.output.isEmpty, "\(second.output)")
        #expect(edge.logCount("edge pull switching origin") == switches, "the second pull tried the dead origin again")
    }
}
