import Foundation
import Testing

/// Signals at bad moments: SIGHUP with a broken file, SIGTERM in the middle of a recorded publish.
@Suite("Fault: signals", .serialized, .integration, .timeLimit(.minutes(2)))
struct FaultSignalTests {
    static let hls = "hls { enabled on; hls_fragment 2; hls_path $DIR/html; }"

    @Test("SIGHUP with a broken config logs file:line and keeps the running configuration serving")
    func brokenReload() throws {
        let server = try HeadwaterServer(
            vhostBody: Self.hls, extra: "http_api { enabled on; listen 127.0.0.1:$HTTP_PORT; }", http: true)
        let original = try String(contentsOfFile: server.configPath, encoding: .utf8)
        // Line 3 is broken; everything else would even turn HLS off.
        let broken = """
            listen \(server.rtmpPort);
            srs_log_tank console;
            max_connections lots;
            vhost __defaultVhost__ {
            }
            """
        try broken.write(toFile: server.configPath, atomically: true, encoding: .utf8)
        server.process.signal(SIGHUP)
        #expect(server.waitForLog("reload failed", timeout: 5), "\(server.log.suffix(2000))")
        let line = server.log.split(separator: "\n").first { $0.contains("reload failed") }.map(String.init) ?? ""
        #expect(line.contains("headwater.conf:3"), "\(line)")
        #expect(server.process.isRunning)

        // The old configuration still serves: publish, play, HLS (which the broken file would drop) and the API.
        let sample = try SampleMedia()
        let player = try FrameRecorder(port: server.rtmpPort, url: server.url("live/after"))
        let publisher = try PacedPublisher(
            port: server.rtmpPort, url: server.url("live/after"), sample: sample, duration: 6_000, speed: 2)
        #expect(publisher.wait(timeout: 10))
        #expect(publisher.error == nil, "\(publisher.error ?? "")")
        usleep(500_000)
        player.stop()
        #expect(player.video.count >= publisher.sentVideo * 97 / 100, "\(player.video.count) of \(publisher.sentVideo)")
        #expect(FileManager.default.fileExists(atPath: server.htmlPath + "/live/after.m3u8"), "\(server.log.suffix(2000))")
        let api = try server.http.get("/api/v1/versions")
        #expect(api.status == 200, "\(api.text)")

        // Putting the file back makes the next SIGHUP succeed.
        try original.write(toFile: server.configPath, atomically: true, encoding: .utf8)
        server.process.signal(SIGHUP)
        #expect(server.waitForLog("SIGHUP received", count: 2, timeout: 5))
        usleep(500_000)
        #expect(server.logCount("reload failed") == 1, "\(server.log.suffix(2000))")
        #expect(server.process.isRunning)
    }

    @Test("SIGTERM during a recorded publish: the process exits cleanly and the DVR file is complete")
    func terminateWhileRecording() throws {
        let server = try HeadwaterServer(
            vhostBody: "dvr { enabled on; dvr_plan session; dvr_path $DIR/html/[app]/[stream].[timestamp].flv; }")
        let sample = try SampleMedia()
        let publisher = try PacedPublisher(port: server.rtmpPort, url: server.url("live/term"), sample: sample, duration: 30_000)
        defer { publisher.stop() }
        usleep(6_000_000)
        let sentSeconds = Double(publisher.sentVideo) * 0.04
        server.process.signal(SIGTERM)
        #expect(server.process.waitForExit(timeout: 8), "still running 8 s after SIGTERM")
        #expect(server.process.exitCode == 0, "exit code \(server.process.exitCode)\n\(server.log.suffix(2000))")

        let folder = server.htmlPath + "/live"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        #expect(!names.contains { $0.hasSuffix(".tmp") }, "\(names)")
        let file = try #require(names.first { $0.hasSuffix(".flv") }.map { folder + "/" + $0 }, "\(names)\n\(server.log.suffix(2000))")
        let seconds = try DVRRecordingTests.duration(of: file)
        #expect(abs(seconds - sentSeconds) <= 0.6, "\(seconds) s recorded, about \(sentSeconds) s sent")
        let probe = try ProbedPackets(file)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        if let flvmeta = Tools.path(of: "flvmeta") {
            let check = try ChildProcess.run(flvmeta, ["--check", "--level=error", file])
            #expect(check.code == 0, "flvmeta --check: \(check.output)")
        }
    }
}
