import Foundation
import Testing

extension HeadwaterBinaryTests {
    /// Clients other than ffmpeg: rtmpdump (librtmp) and GStreamer's rtmp2 elements.
    @Suite("rtmpdump and GStreamer against the server", .timeLimit(.minutes(1)))
    struct ClientInterop {
        static let hasRTMPDump = Tools.path(of: "rtmpdump") != nil
        static let hasGStreamerPlayer = Tools.hasGStreamer(["rtmp2src", "filesink"])
        static let hasGStreamerPublisher =
            Tools.hasGStreamer(["rtmp2sink", "videotestsrc", "h264parse", "flvmux"])
            && Tools.gstreamerH264Encoder != nil

        @Test("rtmpdump records a live stream published by ffmpeg")
        func rtmpdumpPlays() throws {
            try #require(Self.hasRTMPDump, "rtmpdump is missing: run scripts/setup.sh")
            let server = try HeadwaterServer()
            let publisher = try MediaTools.publishTestPattern(to: server.url("live/x"), audio: true)
            defer { publisher.stop() }
            try #require(server.waitForLog("publish started", timeout: 15), "\(server.log)")

            let output = server.directory.appendingPathComponent("rtmpdump.flv").path
            let dump = try ChildProcess(
                try Tools.require("rtmpdump"), ["-r", server.url("live/x"), "-v", "-o", output, "-B", "4"])
            // librtmp ignores --stop on live streams; after a few seconds it is interrupted, which
            // it handles by finishing the file.
            if !dump.waitForExit(timeout: 4) {
                dump.signal(SIGINT)
                #expect(dump.waitForExit(timeout: 5), "rtmpdump ignored SIGINT")
            }
            let counts = try MediaTools.packetCounts(of: output)
            #expect(counts["h264", default: 0] >= 50, "\(counts)\n\(dump.output.suffix(1500))")
            #expect(counts["aac", default: 0] >= 50, "\(counts)")
            #expect(server.process.isRunning)
        }

        @Test("GStreamer rtmp2src records a live stream published by ffmpeg")
        func gstreamerPlays() throws {
            try #require(Self.hasGStreamerPlayer, "GStreamer rtmp2src is missing: run scripts/setup.sh")
            let server = try HeadwaterServer()
            let publisher = try MediaTools.publishTestPattern(to: server.url("live/x"), audio: true)
            defer { publisher.stop() }
            try #require(server.waitForLog("publish started", timeout: 15), "\(server.log)")

            let output = server.directory.appendingPathComponent("gstreamer.flv").path
            let gst = try ChildProcess(
                try Tools.require("gst-launch-1.0"),
                ["-q", "-e", "rtmp2src", "location=\(server.url("live/x"))", "!", "filesink", "location=\(output)"])
            #expect(!gst.waitForExit(timeout: 3), "gst-launch ended early:\n\(gst.output)")
            gst.signal(SIGINT)  // -e: end of stream, then exit
            #expect(gst.waitForExit(timeout: 5), "gst-launch ignored SIGINT")
            let counts = try MediaTools.packetCounts(of: output)
            #expect(counts["h264", default: 0] >= 40, "\(counts)\n\(gst.output)")
            #expect(counts["aac", default: 0] >= 40, "\(counts)")
        }

        @Test("GStreamer rtmp2sink publishes with chunk size 60000; ffprobe counts every frame")
        func gstreamerPublishes() throws {
            try #require(
                Self.hasGStreamerPublisher, "GStreamer rtmp2sink or an H.264 encoder is missing: run scripts/setup.sh")
            let server = try HeadwaterServer()
            let url = server.url("live/gst")
            let probe = try ChildProcess(
                try Tools.require("ffprobe"),
                [
                    "-v", "error", "-count_packets", "-show_entries", "stream=codec_name,nb_read_packets", "-of",
                    "csv=p=0", url,
                ], name: "ffprobe-player")
            try #require(server.waitForLog("play started", timeout: 10), "\(server.log)")

            let frames = 75
            let encoder = try #require(Tools.gstreamerH264Encoder)
            let pipeline =
                "videotestsrc num-buffers=\(frames) ! video/x-raw,width=160,height=120,framerate=25/1 ! \(encoder)"
                + " ! h264parse ! flvmux streamable=true ! rtmp2sink location=\(url) chunk-size=60000"
            let (code, output) = try ChildProcess.run(
                try Tools.require("gst-launch-1.0"), ["-q"] + pipeline.split(separator: " ").map(String.init),
                timeout: 30)
            #expect(code == 0, "\(output)")

            #expect(probe.waitForExit(timeout: 10), "ffprobe still running after the publisher left")
            let line = probe.output.split(separator: "\n").first { $0.hasPrefix("h264,") }
            #expect(line == "h264,\(frames)", "\(probe.output)\n\(server.log)")
        }
    }
}
