import Foundation
import Media
import NIOCore
import Testing

/// Publishers whose clocks misbehave: jumps back and forward by hours, the 2^32 ms wrap and the
/// 0xFFFFFF extended-timestamp boundary, on type 0 and on type 1/2 delta headers.
@Suite("Fault: publisher timestamps", .serialized, .integration, .timeLimit(.minutes(2)))
struct FaultTimestampTests {
    /// hls_fragment 2 (the sample's GOP is 2 s), so no segment may exceed 3 × 2 s.
    static let outputs = """
        hls { enabled on; hls_fragment 2; hls_path $DIR/html; }
        dvr { enabled on; dvr_plan session; dvr_path $DIR/html/[app]/[stream].[timestamp].flv; }
        """
    static let maximumSegment = 6.0
    static let duration: Int64 = 18_000
    static let fiveHours: Int64 = 5 * 3_600_000

    /// The wire timestamp at `t` ms of media: it crosses 0xFFFFFF at 2 s, steps back 60 s at 4.5 s,
    /// forward 5 h at 8.5 s (a delta over 0xFFFFFF, so extended), jumps near 2^32 at 12.5 s and wraps at 14 s.
    static func wire(_ t: Int64) -> UInt32 {
        let start = Int64(RawChunkWriter.marker) - 2_000
        let base: Int64
        switch t {
        case ..<4_500: base = start
        case ..<8_500: base = start - 60_000
        case ..<12_500: base = start - 60_000 + fiveHours
        default: base = (1 << 32) - 14_000
        }
        return UInt32(truncatingIfNeeded: base + t)
    }

    static func recording(of stream: String, in folder: String) -> String? {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .first { $0.hasPrefix(stream + ".") && $0.hasSuffix(".flv") }.map { folder + "/" + $0 }
    }

    @Test("timestamp jumps, wraps and 0xFFFFFF: players, HLS and DVR carry on with sane times")
    func jumpsAndWraps() throws {
        let server = try HeadwaterServer(
            vhostBody: Self.outputs, extra: "vhost raw {\nplay { time_jitter off; }\n\(Self.outputs)\n}")
        let sample = try SampleMedia()
        let frames = sample.frames(for: Self.duration)
        let publishedVideo = frames.filter { $0.kind == .video }

        // Players first, so they see every frame; `full` corrects the clock, `off` passes it through.
        let fullPlayer = try FrameRecorder(port: server.rtmpPort, url: server.url("live/jfull"))
        let offPlayer = try FrameRecorder(port: server.rtmpPort, url: server.url("live/joff?vhost=raw"))
        let full = try RawPublisher(port: server.rtmpPort, url: server.url("live/jfull"), headers: .absolute)
        let off = try RawPublisher(port: server.rtmpPort, url: server.url("live/joff?vhost=raw"), headers: .delta)
        for header in sample.headers {
            try full.send(header, timestamp: Self.wire(0))
            try off.send(header, timestamp: Self.wire(0))
        }
        // Three times real time: cutting and correcting depend on media time only.
        let start = Date()
        for frame in frames {
            let due = start.addingTimeInterval(Double(frame.time) / 3_000)
            if due > Date() { Thread.sleep(until: due) }
            try full.send(frame, timestamp: Self.wire(frame.time))
            try off.send(frame, timestamp: Self.wire(frame.time))
        }
        #expect(full.writer.extendedCount > frames.count / 3, "type 0 headers past 0xFFFFFF are extended")
        #expect(off.writer.formatCounts[1] > 0 && off.writer.formatCounts[2] > 0, "\(off.writer.formatCounts)")
        #expect(off.writer.extendedCount >= 2, "the 5 h deltas are extended")
        Thread.sleep(forTimeInterval: 1)
        try full.client.stopSession()
        try off.client.stopSession()
        full.client.close()
        off.client.close()
        #expect(server.waitForLog("publish stopped", count: 2, timeout: 5))
        Thread.sleep(forTimeInterval: 1.5)
        fullPlayer.stop()
        offPlayer.stop()

        // RTMP players: every frame, `full` with sane increasing steps, `off` with the wire's own values.
        let fullVideo = fullPlayer.video.map { Int64($0.timestamp) }
        #expect(fullVideo.count >= publishedVideo.count * 95 / 100, "\(fullVideo.count) of \(publishedVideo.count)")
        for track in [fullVideo, fullPlayer.audio.map { Int64($0.timestamp) }] {
            let steps = zip(track, track.dropFirst()).map { $1 - $0 }
            #expect(steps.allSatisfy { (0...250).contains($0) }, "steps: \(Set(steps).sorted())")
        }
        if let first = fullVideo.first, let last = fullVideo.last {
            // Three jumps became 10 ms steps, so the span is the media's, less about three frames.
            let span = last - first
            #expect(abs(span - (Self.duration - 40 - 3 * 30)) <= 300, "span \(span)")
        }
        let offVideo = offPlayer.video.map(\.timestamp)
        #expect(offVideo.count >= publishedVideo.count * 95 / 100, "\(offVideo.count) of \(publishedVideo.count)")
        #expect(offVideo == publishedVideo.suffix(offVideo.count).map { Self.wire($0.time) }, "off passes wire times")

        // HLS: no absurd segment; the uncorrected stream marks its jumps.
        for (stream, corrected) in [("jfull", true), ("joff", false)] {
            let path = server.htmlPath + "/live/\(stream).m3u8"
            let text = try #require(try? String(contentsOfFile: path, encoding: .utf8), "no \(path)\n\(server.log.suffix(3000))")
            let playlist = PlaylistText(text)
            let durations = playlist.entries.map(\.duration)
            #expect(durations.allSatisfy { $0 > 0 && $0 <= Self.maximumSegment }, "\(stream): \(durations)")
            let total = durations.reduce(0, +)
            let discontinuities = playlist.entries.filter(\.discontinuity).count
            if corrected {
                #expect(abs(total - Double(Self.duration) / 1000) <= 2.5, "\(stream): \(durations)")
                #expect(discontinuities == 0, "\(text)")
            } else {
                // A jump mid-GOP drops the frames up to the next keyframe: at most one GOP per jump.
                #expect(total >= Double(Self.duration) / 1000 - 3 * 2 - 1, "\(stream): \(durations)")
                #expect(discontinuities >= 3, "\(text)")
            }
            if let last = playlist.entries.last {
                let segment = server.htmlPath + "/live/" + last.uri
                let probe = try ProbedPackets(segment)
                #expect(probe.errors.isEmpty, "\(segment): \(probe.errors)")
            }
        }

        // DVR: each file probes clean, with a duration close to the media's.
        for stream in ["jfull", "joff"] {
            let folder = server.htmlPath + "/live"
            #expect(MediaTools.waitFor({ Self.recording(of: stream, in: folder) != nil }, timeout: 5))
            let file = try #require(Self.recording(of: stream, in: folder), "\(stream): no recording")
            let probe = try ProbedPackets(file)
            #expect(probe.errors.isEmpty, "\(file): \(probe.errors)")
            let seconds = try DVRRecordingTests.duration(of: file)
            #expect(abs(seconds - Double(Self.duration) / 1000) <= 1.5, "\(stream): \(seconds) s")
            for type in ["video", "audio"] {
                let dts = probe.of(type).map(\.dts)
                #expect(zip(dts, dts.dropFirst()).allSatisfy { $1 >= $0 && $1 - $0 <= 1 }, "\(stream) \(type) dts jumps")
            }
        }
        #expect(server.process.isRunning)
    }
}
