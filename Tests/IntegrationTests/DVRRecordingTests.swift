import Foundation
import Testing

/// The real binary records live publishes to FLV; ffprobe, ffmpeg and flvmeta check the files.
@Suite("DVR recording", .serialized, .integration, .timeLimit(.minutes(4)))
struct DVRRecordingTests {
    static func dvr(plan: String = "session", duration: Int = 30, path: String = "$DIR/html/[app]/[stream].[timestamp].flv") -> String {
        """
        dvr {
            enabled on;
            dvr_plan \(plan);
            dvr_duration \(duration);
            dvr_path \(path);
        }
        """
    }

    /// Completed recordings (no `.tmp`) in `folder`, sorted by name.
    static func recordings(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".flv") }.sorted().map { folder + "/" + $0 }
    }

    static func duration(of file: String) throws -> Double {
        let run = try ChildProcess.run(MediaTools.ffprobe, ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file])
        return try #require(Double(run.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(file): \(run.output)")
    }

    @Test("a 20 s session recording has the right duration, both streams and a keyframe index players seek with")
    func sessionRecordingIsSeekable() throws {
        let server = try HeadwaterServer(vhostBody: Self.dvr(), http: true)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/rec"), seconds: 20)
        #expect(publisher.waitForExit(timeout: 40))
        let folder = server.htmlPath + "/live"
        #expect(MediaTools.waitFor({ Self.recordings(in: folder).count == 1 }, timeout: 10), "\(server.log)")
        let file = try #require(Self.recordings(in: folder).first)
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains { $0.hasSuffix(".tmp") })

        #expect(abs(try Self.duration(of: file) - 20) <= 0.2)
        let probe = try MediaTools.probe(file)
        #expect(probe.waitForExit(timeout: 30))
        let streams = try MediaTools.streams(of: probe)
        #expect(streams["video"]?.codec == "h264" && streams["audio"]?.codec == "aac")

        let check = try ChildProcess.run(try Tools.require("flvmeta"), ["--check", "--level=error", file])
        #expect(check.code == 0, "flvmeta --check: \(check.output)")
        let dump = try ChildProcess.run(try Tools.require("flvmeta"), ["--dump", "--json", file])
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(dump.output.utf8)) as? [String: Any], "\(dump.output)")
        let keyframes = try #require(json["keyframes"] as? [String: Any], "no keyframes in \(dump.output)")
        let times = try #require(keyframes["times"] as? [Double])
        let positions = try #require(keyframes["filepositions"] as? [Double])
        #expect(times.count == positions.count && times.count >= 19, "\(times)")

        // Seeking to 12 s lands on the keyframe at or before it: within one GOP (1 s).
        let seek = try ChildProcess.run(
            MediaTools.ffprobe,
            ["-v", "error", "-read_intervals", "12%+#1", "-select_streams", "v", "-show_entries", "frame=pts_time",
             "-of", "csv=p=0", file])
        let landed = try #require(Double(seek.output.split(separator: "\n").first ?? ""), "\(seek.output)")
        #expect(landed >= 11 - 0.05 && landed <= 12.05, "landed at \(landed)")

        // The file is served with ranges: the exact bytes, and 416 past the end.
        let bytes = try #require(FileManager.default.contents(atPath: file))
        let name = "live/" + (file as NSString).lastPathComponent
        let range = try server.http.get("/" + name, headers: ["Range": "bytes=100-1099"])
        #expect(range.status == 206)
        #expect(range.body == Array(bytes[100...1099]))
        #expect(range.headers["content-range"] == "bytes 100-1099/\(bytes.count)")
        #expect(range.headers["content-type"] == "video/x-flv")
        let whole = try server.http.get("/" + name)
        #expect(whole.status == 200 && whole.body.count == bytes.count)
        #expect(whole.headers["etag"] != nil && whole.headers["last-modified"] != nil)
        #expect(try server.http.get("/" + name, headers: ["Range": "bytes=\(bytes.count + 10)-"]).status == 416)
        let head = try server.http.request("HEAD", "/" + name)
        #expect(head.status == 200 && head.headers["content-length"] == "\(bytes.count)" && head.body.isEmpty)

        let listing = try server.http.get("/api/v1/dvr")
        #expect(listing.status == 200)
        #expect(listing.text.contains((file as NSString).lastPathComponent), "\(listing.text)")
    }

    @Test("the segment plan cuts files whose durations add up to the publish")
    func segmentPlan() throws {
        let server = try HeadwaterServer(vhostBody: Self.dvr(plan: "segment", duration: 4))
        let publisher = try MediaTools.publishTestSource(to: server.url("live/seg"), seconds: 13)
        #expect(publisher.waitForExit(timeout: 40))
        let folder = server.htmlPath + "/live"
        #expect(MediaTools.waitFor({ Self.recordings(in: folder).count == 4 }, timeout: 10), "\(Self.recordings(in: folder))")
        let durations = try Self.recordings(in: folder).map(Self.duration(of:))
        #expect(durations.dropLast().allSatisfy { abs($0 - 4) <= 0.1 }, "\(durations)")
        #expect(abs(durations.reduce(0, +) - 13) <= 0.3, "\(durations)")
    }

    @Test("kill -9 while recording leaves a file ffprobe reads")
    func crashLeavesAPlayableFile() throws {
        let server = try HeadwaterServer(vhostBody: Self.dvr())
        let folder = server.htmlPath + "/live"
        let publisher = try MediaTools.publishTestSource(to: server.url("live/crash"), seconds: 30)
        defer { publisher.stop() }
        usleep(6_000_000)
        server.process.signal(SIGKILL)
        #expect(server.process.waitForExit(timeout: 5))
        let partial = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".tmp") }
        let file = try #require(partial.first.map { folder + "/" + $0 }, "no partial recording in \(folder)")
        let run = try ChildProcess.run(MediaTools.ffprobe, ["-v", "error", "-f", "flv", "-show_entries", "format=duration", "-of", "csv=p=0", file])
        let seconds = Double(run.output.split(separator: "\n").last ?? "") ?? 0
        #expect(seconds >= 3, "ffprobe read \(seconds) s: \(run.output)")
    }

    @Test("a DVR folder that cannot be created: one clear log line, HLS and RTMP play carry on")
    func unwritableFolder() throws {
        let server = try HeadwaterServer(
            vhostBody: Self.dvr(path: "$DIR/blocked/[app]/[stream].flv") + HLSOutputTests.hls(fragment: 1), http: true)
        // A file where the DVR folder should be.
        FileManager.default.createFile(atPath: server.directory.path + "/blocked", contents: Data("x".utf8))
        let publisher = try MediaTools.publishTestSource(to: server.url("live/cam"), seconds: 10)
        defer { publisher.stop() }
        #expect(MediaTools.waitFor({ server.log.contains("DVR recording interrupted") }, timeout: 10), "\(server.log)")
        let player = try MediaTools.probe(server.url("live/cam"))
        #expect(player.waitForExit(timeout: 30))
        #expect((try MediaTools.streams(of: player)["video"]?.frames ?? 0) > 25)
        #expect(MediaTools.waitFor({ (try? server.http.get("/live/cam.m3u8").status) == 200 }, timeout: 5))
        let lines = server.log.components(separatedBy: "DVR recording interrupted").count - 1
        #expect(lines == 1, "\(lines) error lines")
    }
}
