import Foundation
import Testing

/// HLS and DVR write to a small tmpfs that a filler file fills while a stream is published and played:
/// each output logs one clear error (path and reason), the RTMP player and the server carry on, and once the
/// filler is gone HLS writes new segments into the same playlist (after a discontinuity, `hls_on_error
/// continue`) and DVR starts a new file (the failed one is kept, cut back to its last whole tag).
@Suite(
    "Disk full", .serialized, .integration, .enabled(if: SmallDisk.method != nil, "needs root (mount) or unshare -rm"),
    .timeLimit(.minutes(2)))
struct DiskFullTests {
    static let sizeBytes = 4 << 20

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The last media sequence number the playlist lists, with the playlist.
    static func lastSequence(_ server: HeadwaterServer, _ path: String) -> (Int, PlaylistText)? {
        guard let response = try? server.http.get("/" + path), response.status == 200 else { return nil }
        let playlist = PlaylistText(response.text)
        guard let first = playlist.mediaSequence, !playlist.entries.isEmpty else { return nil }
        return (first + playlist.entries.count - 1, playlist)
    }

    @Test("full disk: one error per output, RTMP play unaffected, HLS and DVR resume when space returns")
    func fullDiskThenSpace() throws {
        let disk = try SmallDisk(sizeBytes: Self.sizeBytes)
        let server = try HeadwaterServer(
            vhostBody: HLSOutputTests.hls(fragment: 1, window: 6) + DVRRecordingTests.dvr(plan: "segment", duration: 2),
            http: true, launcher: disk.launcher(folder: "$DIR/html"))
        try disk.attach(to: server, folder: server.htmlPath)
        defer { withExtendedLifetime(server) { disk.detach() } }
        let bench = BenchToolTests.benchBinary
        let publisher = try ChildProcess(
            bench, ["publish", server.url("live/full"), "--file", Tools.sampleFLV, "--duration", "45", "--threads", "1"],
            name: "bench-publish")
        defer { publisher.stop() }

        // Both outputs write before the disk fills.
        #expect(MediaTools.waitFor({ (Self.lastSequence(server, "live/full.m3u8")?.0 ?? -1) >= 1 }, timeout: 15), "\(server.log)")
        let player = try ChildProcess(
            bench, ["play", server.url("live/full"), "-p", "1", "--duration", "22", "--stall-ms", "1500", "--threads", "1"],
            name: "bench-play")
        defer { player.stop() }
        let folder = disk.path("live")
        #expect(MediaTools.waitFor({ !DVRRecordingTests.recordings(in: folder).isEmpty }, timeout: 10), "\(server.log)")

        let filled = try disk.fill(with: "filler")
        let beforeSequence = Self.lastSequence(server, "live/full.m3u8")?.0 ?? -1
        #expect(MediaTools.waitFor({
            server.log.contains("hls: cannot write") && server.log.contains("DVR recording interrupted")
        }, timeout: 10), "\(server.log)")
        // Several HLS (every 3 s) and DVR (every 5 s) retries fail while the disk stays full; the server frees
        // a little now and then (a failed file cut back, an index copy removed), which more filler takes.
        for round in 1...4 {
            usleep(2_000_000)
            _ = try? disk.fill(with: "filler-\(round)")
        }
        let fullLog = server.log
        #expect(fullLog.contains("No space left on device"), "\(fullLog)")
        let hlsErrors = Self.count("hls: cannot write", in: fullLog)
        let dvrErrors = Self.count("DVR recording interrupted", in: fullLog)
        #expect((1...2).contains(hlsErrors), "HLS error lines: \(hlsErrors)\n\(fullLog)")
        #expect(dvrErrors == 1, "DVR error lines: \(dvrErrors)\n\(fullLog)")
        #expect(server.process.isRunning)

        // Space returns.
        let recordingsWhenFull = Set(DVRRecordingTests.recordings(in: folder))
        for name in ["filler"] + (1...4).map({ "filler-\($0)" }) { unlink(disk.path(name)) }
        var resumed: (Int, PlaylistText)?
        #expect(MediaTools.waitFor({
            resumed = Self.lastSequence(server, "live/full.m3u8")
            return (resumed?.0 ?? -1) > beforeSequence + 1
        }, timeout: 15), "\(server.log)")
        if case let (_, playlist)? = resumed, let last = playlist.entries.last {
            // The new segment is served, and the gap is marked where the dropped segments were.
            #expect((try? server.http.get("/live/" + last.uri).status) == 200, "\(last.uri)")
            #expect(playlist.entries.contains { $0.discontinuity }, "\(playlist.entries)")
        }
        #expect(MediaTools.waitFor({
            !Set(DVRRecordingTests.recordings(in: folder)).subtracting(recordingsWhenFull).isEmpty
        }, timeout: 15), "\(DVRRecordingTests.recordings(in: folder))\n\(server.log)")
        let newFiles = Set(DVRRecordingTests.recordings(in: folder)).subtracting(recordingsWhenFull).sorted()
        if let file = newFiles.first {
            #expect(try DVRRecordingTests.duration(of: file) >= 1, "\(file)")
        }
        #expect(MediaTools.waitFor({ server.log.contains("hls: writing again") }, timeout: 5), "\(server.log)")
        #expect(MediaTools.waitFor({ server.log.contains("DVR recording again") }, timeout: 5), "\(server.log)")

        // The RTMP player never noticed.
        #expect(player.waitForExit(timeout: 30))
        let summary = try #require(player.output.split(separator: "\n").last { $0.hasPrefix("summary ") }, "\(player.output)")
        #expect(summary.contains(" connected=1 ") && summary.contains(" stalled=0 "), "\(summary)")
        #expect(server.process.isRunning)
        print("disk full: filler \(filled) bytes, HLS error lines \(hlsErrors), DVR error lines \(dvrErrors), method \(disk.method)")
    }
}
