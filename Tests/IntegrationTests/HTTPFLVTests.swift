import Foundation
import Testing

/// The real binary serves a live RTMP publish as HTTP-FLV; ffmpeg, GStreamer and raw sockets read it.
@Suite("HTTP-FLV", .serialized, .integration, .timeLimit(.minutes(3)))
struct HTTPFLVTests {
    static let remux = "http_remux { enabled on; mount [vhost]/[app]/[stream].flv; }"

    /// A server with HTTP-FLV on, publishing a test pattern to `live/test` until the test ends.
    static func publishing(extra: String = "", seconds: Int = 30, size: String = "320x240") throws
        -> (HeadwaterServer, ChildProcess)
    {
        let server = try HeadwaterServer(vhostBody: remux, extra: extra, http: true)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/test"), seconds: seconds, size: size)
        let live = MediaTools.waitFor({ (try? server.http.request("HEAD", "/live/test.flv", timeout: 2))?.status == 200 }, timeout: 15)
        guard live else {
            publisher.stop()
            throw HarnessError("the stream never went live:\n\(server.log)\n\(publisher.output)")
        }
        usleep(1_200_000)  // a full GOP in the cache
        return (server, publisher)
    }

    /// Sends `GET path` on a new connection.
    static func open(_ server: HeadwaterServer, _ path: String = "/live/test.flv", timeout: Double = 10) throws -> RawSocket {
        let socket = try RawSocket(port: server.httpPort ?? 0, timeout: timeout)
        socket.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n")
        return socket
    }

    @Test("ffmpeg decodes video and audio frames from HTTP-FLV; GStreamer plays it")
    func ffmpegAndGStreamerPlay() throws {
        let (server, publisher) = try Self.publishing()
        defer { publisher.stop() }
        let url = server.httpURL("live/test.flv")
        let gstreamer = try ChildProcess(
            "/usr/bin/gst-launch-1.0",
            ["-q", "souphttpsrc", "location=\(url)", "!", "flvdemux", "name=d", "d.video", "!", "queue", "!", "h264parse",
             "!", "fakesink", "sync=false", "d.audio", "!", "queue", "!", "fakesink", "sync=false"],
            name: "gst-flv")
        defer { gstreamer.stop() }
        let probe = try ChildProcess(
            MediaTools.ffprobe,
            ["-v", "error", "-read_intervals", "%+3", "-count_frames", "-show_entries",
             "stream=codec_type,codec_name,width,height,nb_read_frames", "-of", "json", url],
            name: "ffprobe-flv")
        defer { probe.stop() }
        #expect(probe.waitForExit(timeout: 15), "ffprobe did not finish:\n\(probe.output)")
        let streams = try MediaTools.streams(of: probe)
        let video = try #require(streams["video"], "\(probe.output)")
        let audio = try #require(streams["audio"], "\(probe.output)")
        #expect(video.codec == "h264" && video.width == 320 && video.height == 240)
        #expect(audio.codec == "aac")
        #expect(video.frames >= 50, "\(video)")  // the cached GOP plus about 3 s at 25 fps
        #expect(audio.frames >= 50, "\(audio)")

        let decode = try ChildProcess.run(
            MediaTools.ffmpeg, ["-nostdin", "-v", "error", "-i", url, "-t", "2", "-f", "null", "-"], timeout: 15)
        #expect(decode.code == 0, "\(decode.output)")
        #expect(decode.output.isEmpty, "\(decode.output)")

        #expect(gstreamer.isRunning, "GStreamer stopped:\n\(gstreamer.output)")
        #expect(!gstreamer.output.contains("ERROR"), "\(gstreamer.output)")
        // GStreamer keeps one player connection open; the server counts it and every other one.
        #expect(server.log.contains("play started"))
    }

    @Test("50 concurrent HTTP-FLV players all receive the same bytes")
    func fiftyPlayersGetIdenticalTags() throws {
        let (server, publisher) = try Self.publishing(size: "640x360")
        defer { publisher.stop() }
        var players = try (0..<50).map { _ in try Self.open(server, timeout: 15) }
        let results = Collected(count: players.count)
        DispatchQueue.concurrentPerform(iterations: players.count) { [players] index in
            results.set(index, players[index].read(upTo: 300_000).bytes)
        }
        let responses = try results.items.map { try FLVResponse($0) }
        #expect(responses.allSatisfy { $0.status == 200 })
        #expect(responses.allSatisfy { $0.headers["content-type"] == "video/x-flv" })
        #expect(responses.allSatisfy { $0.hasAudio && $0.hasVideo })
        // Every player starts at a keyframe, after the sequence headers.
        for response in responses {
            let firstMedia = try #require(response.tags.first { $0.type == 9 && !($0.bytes.count > 12 && $0.bytes[$0.bytes.startIndex + 12] == 0) })
            #expect(firstMedia.isKeyframe)
        }
        // From the latest first keyframe, every player has the same tags, byte for byte.
        let firstKeyframes = responses.map { $0.tags.first(where: \.isKeyframe)?.timestamp ?? 0 }
        let start = firstKeyframes.max() ?? 0
        let tails = try responses.map { response in
            let from = try #require(response.tags.firstIndex { $0.isKeyframe && $0.timestamp == start }, "a player lacks the keyframe at \(start)")
            return Array(response.tags[from...])
        }
        let common = try #require(tails.map(\.count).min())
        #expect(common > 50, "only \(common) tags in common")
        for tail in tails.dropFirst() {
            #expect(Array(tail.prefix(common)) == Array(tails[0].prefix(common)))
        }
        // Players that keep up get the stream straight on the socket the server accepted itself.
        players.removeAll()  // closes them
        _ = server.waitForLog("play stopped", count: 50, timeout: 5)
        let direct = server.log.split(separator: "\n").filter { $0.contains("play stopped") }
            .compactMap { line in line.split(separator: " ").first { $0.hasPrefix("direct_bytes=") } }
            .compactMap { Int($0.dropFirst("direct_bytes=".count)) }
        #expect(direct.count == 50 && direct.allSatisfy { $0 > 10_000 }, "\(direct)")
    }

    @Test("unpublished streams are 404; players beyond max_connections get 503")
    func refusals() throws {
        let (server, publisher) = try Self.publishing(extra: "max_connections 3;")
        defer { publisher.stop() }
        let missing = try server.http.get("/live/nobody.flv")
        #expect(missing.status == 404)
        // A mount-shaped path that is not live is a file (DVR recordings are named so).
        try FileManager.default.createDirectory(atPath: server.htmlPath + "/live", withIntermediateDirectories: true)
        try "recorded".write(toFile: server.htmlPath + "/live/old.flv", atomically: true, encoding: .utf8)
        let recording = try server.http.get("/live/old.flv")
        #expect(recording.status == 200 && recording.text == "recorded")

        // The RTMP publisher may hold a slot too: players are admitted until the bound, then refused.
        var players: [RawSocket] = []
        var refusal: HTTPTestClient.Response?
        for _ in 0..<4 {
            let socket = try Self.open(server)
            let response = try HTTPTestClient.parse(socket.read(upTo: 2_000).bytes, method: "GET")
            if response.status == 503 {
                refusal = response
                break
            }
            #expect(response.status == 200)
            players.append(socket)
        }
        let refused = try #require(refusal, "no player was refused")
        #expect(!players.isEmpty)
        #expect(refused.headers["content-type"] == "application/json")
        #expect(refused.text.contains(#""code":503"#) && refused.text.contains("max_connections"), "\(refused.text)")
        // Others still play.
        #expect(players[0].read(upTo: 50_000).bytes.count == 50_000)
    }

    @Test("a slow client trickling its head is closed after the timeout; huge heads are refused; others carry on")
    func badClients() throws {
        let (server, publisher) = try Self.publishing(seconds: 40)
        defer { publisher.stop() }
        let player = try Self.open(server, timeout: 25)

        let slow = try RawSocket(port: server.httpPort ?? 0, timeout: 25)
        let started = Date()
        let header = Array("GET /live/test.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
        var closed = false
        for byte in header + Array(repeating: UInt8(ascii: "a"), count: 40) {
            guard slow.send([byte]) else {
                closed = true
                break
            }
            if pollClosed(slow) {
                closed = true
                break
            }
            if Date().timeIntervalSince(started) > 22 { break }
            usleep(700_000)
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(closed, "the slow client is still connected after \(elapsed) s")
        #expect(elapsed >= 13 && elapsed <= 20, "closed after \(elapsed) s")

        let huge = try RawSocket(port: server.httpPort ?? 0)
        huge.send("GET /live/test.flv HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + String(repeating: "b", count: 100_000) + "\r\n\r\n")
        let refused = try HTTPTestClient.parse(huge.read(upTo: 10_000).bytes, method: "GET")
        #expect(refused.status == 431)

        let unknown = try server.http.get("/no/such/route")
        #expect(unknown.status == 404)
        // The player streamed through all of it.
        #expect(player.read(upTo: 200_000).bytes.count == 200_000)
    }

    @Test("SIGTERM ends HTTP-FLV responses with the terminating chunk and the server exits at once")
    func shutdownEndsResponses() throws {
        let (server, publisher) = try Self.publishing()
        defer { publisher.stop() }
        let player = try Self.open(server, timeout: 10)
        #expect(player.read(upTo: 20_000).bytes.count == 20_000)
        let started = Date()
        server.process.signal(SIGTERM)
        #expect(server.process.waitForExit(timeout: 8), "headwater still running:\n\(server.log)")
        #expect(Date().timeIntervalSince(started) < 5)
        // After the publisher's end the response waits for a republish; the shutdown ends it cleanly.
        var rest: [UInt8] = []
        var closed = false
        while !closed {
            let (bytes, peerClosed) = player.read(upTo: 1 << 20)
            rest += bytes
            closed = peerClosed || bytes.isEmpty
        }
        #expect(rest.suffix(5) == Array("0\r\n\r\n".utf8), "ends with \(rest.suffix(16))")
    }

    /// Results written by concurrent readers.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [[UInt8]]
        init(count: Int) { storage = Array(repeating: [], count: count) }
        func set(_ index: Int, _ bytes: [UInt8]) { lock.withLock { storage[index] = bytes } }
        var items: [[UInt8]] { lock.withLock { storage } }
    }

    /// Whether the peer closed, checked without blocking.
    private func pollClosed(_ socket: RawSocket) -> Bool {
        var descriptor = pollfd(fd: socket.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(socket.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }
}
