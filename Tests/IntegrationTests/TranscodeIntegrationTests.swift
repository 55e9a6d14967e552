import Foundation
import Testing

/// The real binary transcodes and ingests with libav in-process; ffprobe checks what comes out.
@Suite("Transcode and ingest", .serialized, .integration, .timeLimit(.minutes(4)))
struct TranscodeIntegrationTests {
    static let remux = "http_remux { enabled on; mount [vhost]/[app]/[stream].flv; }"

    static func hls(_ fragment: Int = 2) -> String {
        "hls { enabled on; hls_fragment \(fragment); hls_window 30; hls_path $DIR/html; }"
    }

    static func engine(_ name: String, _ body: String) -> String {
        """
        transcode live {
            enabled on;
            engine \(name) {
                enabled on;
                \(body)
                output rtmp://127.0.0.1:[port]/[app]?vhost=[vhost]/[stream]_[engine];
            }
        }
        """
    }

    static let ld = """
        vcodec libx264; vbitrate 500; vwidth 640; vheight 360; vpreset veryfast; vprofile main; vthreads 1;
        acodec aac; abitrate 64; asample_rate 44100; achannels 2;
        """

    /// ffprobe's view of a live URL's streams, after probing its start.
    static func streams(_ url: String) throws -> [String: ProbedStream] {
        let run = try ChildProcess.run(
            MediaTools.ffprobe,
            ["-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height,sample_rate,channels", "-of", "json",
             "-read_intervals", "%+2", url], timeout: 30)
        let text = run.output
        guard let start = text.firstIndex(of: "{"),
            let json = try JSONSerialization.jsonObject(with: Data(text[start...].utf8)) as? [String: Any],
            let streams = json["streams"] as? [[String: Any]]
        else { throw HarnessError("ffprobe printed no JSON for \(url):\n\(text)") }
        var result: [String: ProbedStream] = [:]
        for stream in streams {
            let probed = ProbedStream(stream)
            result[probed.type] = probed
        }
        return result
    }

    func playlist(_ server: HeadwaterServer, _ path: String) -> PlaylistText? {
        guard let response = try? server.http.get("/" + path), response.status == 200 else { return nil }
        return PlaylistText(response.text)
    }

    /// The first video and audio presentation times of each listed segment, by URI.
    func segmentStarts(_ server: HeadwaterServer, _ playlist: PlaylistText) throws -> [(video: Double, audio: Double?)] {
        try playlist.entries.map { entry in
            let probe = try ProbedPackets(server.httpURL("live/" + entry.uri))
            let video = try #require(probe.of("video").map(\.pts).min(), "\(entry.uri) has no video")
            return (video, probe.of("audio").map(\.pts).min())
        }
    }

    @Test("a 720p publish gets a 640x360 rendition over RTMP, HTTP-FLV and HLS, in sync, with aligned segments and a master playlist")
    func renditionLadder() throws {
        let server = try HeadwaterServer(
            vhostBody: Self.hls(2) + "\n" + Self.remux + "\n" + Self.engine("ld", Self.ld), http: true)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/main"), seconds: 60, size: "1280x720")
        defer { publisher.stop() }

        #expect(
            MediaTools.waitFor({ (self.playlist(server, "live/main_ld.m3u8")?.entries.count ?? 0) >= 4 }, timeout: 45),
            "no rendition playlist:\n\(server.log.suffix(3000))")

        for url in [server.url("live/main_ld"), server.httpURL("live/main_ld.flv")] {
            let streams = try Self.streams(url)
            #expect(streams["video"]?.codec == "h264", "\(url): \(streams)")
            #expect(streams["video"]?.width == 640 && streams["video"]?.height == 360, "\(url): \(streams)")
            #expect(streams["audio"]?.codec == "aac", "\(url): \(streams)")
        }
        #expect(try Self.streams(server.url("live/main"))["video"]?.width == 1280)

        let source = try #require(playlist(server, "live/main.m3u8"))
        let rendition = try #require(playlist(server, "live/main_ld.m3u8"))
        let sourceStarts = try segmentStarts(server, source)
        let renditionStarts = try segmentStarts(server, rendition)
        let firstSegment = try #require(rendition.entries.first)
        let segment = try Self.streams(server.httpURL("live/" + firstSegment.uri))
        #expect(segment["video"]?.width == 640 && segment["video"]?.height == 360)
        #expect(segment["audio"]?.codec == "aac")

        // Every rendition segment after the first starts where a source segment starts.
        var matched = 0
        for start in renditionStarts.dropFirst() {
            let twin = sourceStarts.first { abs($0.video - start.video) < 0.002 }
            #expect(twin != nil, "rendition segment at \(start.video) has no source twin in \(sourceStarts.map(\.video))")
            if let twin, let audio = start.audio, let sourceAudio = twin.audio {
                matched += 1
                // A/V offset of the rendition against the source's, at the same instant.
                let offset = (audio - start.video) - (sourceAudio - twin.video)
                #expect(abs(offset) < 0.1, "A/V offset moved by \(offset) s at \(start.video)")
            }
        }
        #expect(matched >= 2)

        let master = try server.http.get("/live/main_abr.m3u8")
        #expect(master.status == 200)
        let lines = master.text.split(whereSeparator: \.isNewline).map(String.init)
        let variants = zip(lines, lines.dropFirst()).filter { $0.0.hasPrefix("#EXT-X-STREAM-INF:") }
        #expect(variants.count == 2, "\(master.text)")
        for (info, uri) in variants {
            #expect(info.contains("BANDWIDTH="))
            #expect(info.contains("CODECS=\"avc1.") && info.contains("mp4a.40.2"), "\(info)")
            if uri.hasSuffix("main_ld.m3u8") {
                #expect(info.contains("RESOLUTION=640x360"), "\(info)")
            } else {
                #expect(uri.hasSuffix("main.m3u8"), "\(uri)")
                #expect(info.contains("RESOLUTION=1280x720"), "\(info)")
            }
        }
    }

    @Test("vcodec copy with acodec an gives a video-only stream")
    func copyVideoOnly() throws {
        let server = try HeadwaterServer(vhostBody: Self.engine("vo", "vcodec copy; acodec an;"))
        let publisher = try MediaTools.publishTestSource(to: server.url("live/cam"), seconds: 30)
        defer { publisher.stop() }
        var streams: [String: ProbedStream] = [:]
        #expect(
            MediaTools.waitFor({
                streams = (try? Self.streams(server.url("live/cam_vo"))) ?? [:]
                return streams["video"] != nil
            }, timeout: 20), "\(server.log.suffix(3000))")
        #expect(streams["video"]?.codec == "h264")
        #expect(streams["video"]?.width == 320)
        #expect(streams["audio"] == nil, "\(streams)")
    }

    @Test("an output on another server is pushed there over RTMP")
    func remoteOutputIsPushed() throws {
        let destination = try HeadwaterServer()
        let server = try HeadwaterServer(vhostBody: """
            transcode live {
                enabled on;
                engine audio {
                    enabled on;
                    vcodec vn;
                    acodec aac; abitrate 48;
                    output rtmp://127.0.0.1:\(destination.rtmpPort)/[app]/[stream]_[engine];
                }
            }
            """)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/cam"), seconds: 30)
        defer { publisher.stop() }
        var streams: [String: ProbedStream] = [:]
        #expect(
            MediaTools.waitFor({
                streams = (try? Self.streams(destination.url("live/cam_audio"))) ?? [:]
                return streams["audio"] != nil
            }, timeout: 25), "\(server.log.suffix(3000))")
        #expect(streams["audio"]?.codec == "aac")
        #expect(streams["video"] == nil, "\(streams)")
    }

    @Test("an unknown encoder fails headwater -t with the file and line")
    func badCodecFailsConfigurationTest() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-codec-\(UUID()).conf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = """
            listen 1935;
            vhost __defaultVhost__ {
                transcode live {
                    enabled on;
                    engine ld {
                        enabled on;
                        vcodec libx999;
                        output rtmp://127.0.0.1:[port]/[app]/[stream]_[engine];
                    }
                }
            }
            """
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try ChildProcess.run(Tools.headwaterBinary, ["-t", "-c", path], timeout: 20)
        #expect(run.code != 0)
        #expect(run.output.contains("\(path):7:"), "\(run.output)")
        #expect(run.output.contains("libx999"), "\(run.output)")
    }

    @Test("an ingest of the sample FLV is a live stream players play, looping past its end")
    func ingestSampleFile() throws {
        let sample = Tools.packageRoot.appendingPathComponent("samples/sample.flv").path
        let server = try HeadwaterServer(vhostBody: """
            ingest sample {
                enabled on;
                input { type file; url \(sample); }
                engine { enabled off; output rtmp://127.0.0.1:[port]/live/ingested; }
            }
            """)
        let recording = server.directory.appendingPathComponent("ingested.flv").path
        // 13 s from a 10 s file: the ingest must loop, with timestamps going on.
        let player = try ChildProcess(
            MediaTools.ffmpeg,
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", server.url("live/ingested"), "-t", "13", "-c", "copy",
             "-f", "flv", recording], name: "ffmpeg-player")
        defer { player.stop() }
        #expect(player.waitForExit(timeout: 40), "\(server.log.suffix(3000))")
        let probe = try ProbedPackets(recording)
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        let video = probe.of("video")
        #expect(video.count >= 275, "only \(video.count) video frames in 13 s")
        #expect(!probe.of("audio").isEmpty)
        let dts = video.map(\.dts)
        #expect(zip(dts, dts.dropFirst()).allSatisfy { $0 < $1 }, "video timestamps go back")
        #expect((dts.last ?? 0) - (dts.first ?? 0) > 12)
    }

    @Test("a stream ingest whose input dies reconnects, and other streams' players are undisturbed")
    func ingestInputDropDoesNotDisturbOthers() throws {
        let port = Ports.free()
        let server = try HeadwaterServer(
            vhostBody: """
                ingest relay {
                    enabled on;
                    input { type stream; url rtmp://127.0.0.1:\(port)/live/upstream; }
                    engine { enabled off; output rtmp://127.0.0.1:[port]/live/relayed; }
                }
                """ + "\n" + Self.engine("ld", Self.ld), rtmpPort: port)
        let source = try MediaTools.publishTestSource(to: server.url("live/main"), seconds: 40)
        defer { source.stop() }
        let upstream = try MediaTools.publishTestSource(to: server.url("live/upstream"), seconds: 40)
        defer { upstream.stop() }
        #expect(
            MediaTools.waitFor({ (try? Self.streams(server.url("live/relayed")))?["video"] != nil }, timeout: 20),
            "\(server.log.suffix(3000))")

        // A player of the source through the ingest's input dying and coming back.
        let recording = server.directory.appendingPathComponent("main.flv").path
        let player = try ChildProcess(
            MediaTools.ffmpeg,
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", server.url("live/main"), "-t", "12", "-c", "copy",
             "-f", "flv", recording], name: "ffmpeg-player")
        defer { player.stop() }
        usleep(2_000_000)
        upstream.signal(SIGKILL)
        let republished = try MediaTools.publishTestSource(to: server.url("live/upstream"), seconds: 30)
        defer { republished.stop() }
        #expect(
            MediaTools.waitFor({ (try? Self.streams(server.url("live/relayed")))?["video"] != nil }, timeout: 25),
            "the ingest did not come back:\n\(server.log.suffix(3000))")
        #expect(player.waitForExit(timeout: 40))
        let video = try ProbedPackets(recording).of("video")
        // 12 s at 25 fps, whatever the ingest and the engine went through.
        #expect(video.count >= 285, "the source's player got \(video.count) frames")
        let dts = video.map(\.dts)
        let gaps = zip(dts, dts.dropFirst()).map { $1 - $0 }
        #expect((gaps.max() ?? 0) < 0.5, "the source's player saw a gap of \(gaps.max() ?? 0) s")
    }
}
