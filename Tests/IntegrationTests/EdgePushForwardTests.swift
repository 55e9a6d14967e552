import Foundation
import Testing

/// Edge push (a publisher on an edge goes up to its origin) and forward (an origin pushes each stream to
/// other servers), between real `headwater` processes and with nginx-rtmp as a peer.
@Suite("Edge push and forward", .serialized, .integration, .timeLimit(.minutes(3)))
struct EdgePushForwardTests {
    static func edgeBody(origins: [Int]) -> String {
        "cluster { mode remote; origin \(origins.map { "127.0.0.1:\($0)" }.joined(separator: " ")); }"
    }

    static func forwardBody(to ports: [Int]) -> String {
        "forward { enabled on; destination \(ports.map { "127.0.0.1:\($0)" }.joined(separator: " ")); }"
    }

    /// Reads `url` for about `seconds` and returns the decoded streams (keyed "video", "audio").
    static func play(_ url: String, seconds: Int = 2) throws -> [String: ProbedStream] {
        let probe = try ChildProcess(
            MediaTools.ffprobe,
            ["-v", "error", "-rw_timeout", "8000000", "-read_intervals", "%+\(seconds)", "-count_frames",
             "-show_entries", "stream=codec_type,codec_name,width,height,nb_read_frames", "-of", "json", url],
            name: "ffprobe-play")
        defer { probe.stop() }
        guard probe.waitForExit(timeout: Double(seconds) + 10) else {
            throw HarnessError("ffprobe did not finish on \(url):\n\(probe.output)")
        }
        return try MediaTools.streams(of: probe)
    }

    /// Expects decoded H.264 and AAC frames from `url`.
    static func expectFrames(_ url: String, context: @autoclosure () -> String) throws {
        let streams = try play(url)
        let video = try #require(streams["video"], "\(streams)\n\(context())")
        let audio = try #require(streams["audio"], "\(streams)\n\(context())")
        #expect(video.codec == "h264" && video.width == 320 && video.height == 240, "\(video)")
        #expect(audio.codec == "aac", "\(audio)")
        #expect(video.frames >= 20, "\(video)\n\(context())")
        #expect(audio.frames >= 20, "\(audio)\n\(context())")
    }

    @Test("push: ffmpeg publishes to an edge; players on the origin, on that edge and on a second edge decode it")
    func edgePushesToOrigin() throws {
        let origin = try HeadwaterServer()
        let edge = try HeadwaterServer(vhostBody: Self.edgeBody(origins: [origin.rtmpPort]))
        let otherEdge = try HeadwaterServer(vhostBody: Self.edgeBody(origins: [origin.rtmpPort]))
        let publisher = try MediaTools.publishTestSource(to: edge.url("live/test"), seconds: 14)
        defer { publisher.stop() }
        usleep(2_000_000)
        #expect(publisher.isRunning, "the edge refused the publisher:\n\(publisher.output)\n\(edge.log)")
        try Self.expectFrames(origin.url("live/test"), context: "edge:\n\(edge.log)\norigin:\n\(origin.log)")
        // Edges keep no local copy of what they push: their players pull it back from the origin.
        try Self.expectFrames(otherEdge.url("live/test"), context: "second edge:\n\(otherEdge.log)")
        try Self.expectFrames(edge.url("live/test"), context: "edge:\n\(edge.log)")
        #expect(edge.logCount("edge pull playing") == 1 && otherEdge.logCount("edge pull playing") == 1)
        #expect(edge.log.contains("upstream publishing"), "\(edge.log)")
        #expect(edge.log.contains("127.0.0.1:\(origin.rtmpPort)"), "\(edge.log)")
    }

    @Test("push: a dead first origin is skipped and the publisher is pushed to the next one")
    func edgePushFailsOver() throws {
        let origin = try HeadwaterServer()
        let dead = Ports.free()
        let edge = try HeadwaterServer(vhostBody: Self.edgeBody(origins: [dead, origin.rtmpPort]))
        let publisher = try MediaTools.publishTestSource(to: edge.url("live/test"), seconds: 10)
        defer { publisher.stop() }
        usleep(2_000_000)
        #expect(publisher.isRunning, "the edge refused the publisher:\n\(publisher.output)\n\(edge.log)")
        try Self.expectFrames(origin.url("live/test"), context: "edge:\n\(edge.log)")
        #expect(edge.log.contains("switching server"), "\(edge.log)")
        #expect(edge.log.contains("127.0.0.1:\(dead)"), "\(edge.log)")
    }

    @Test("push: when the origin restarts, the edge reconnects and the publisher stays connected")
    func edgePushReconnects() throws {
        var origin = try HeadwaterServer()
        let port = origin.rtmpPort
        let edge = try HeadwaterServer(vhostBody: Self.edgeBody(origins: [port]))
        let publisher = try MediaTools.publishTestSource(to: edge.url("live/test"), seconds: 16)
        defer { publisher.stop() }
        usleep(2_000_000)
        try Self.expectFrames(origin.url("live/test"), context: "edge:\n\(edge.log)")

        origin.process.stop()
        usleep(300_000)
        origin = try HeadwaterServer(rtmpPort: port)
        usleep(2_500_000)
        #expect(publisher.isRunning, "the edge dropped its publisher:\n\(publisher.output)\n\(edge.log)")
        try Self.expectFrames(origin.url("live/test"), context: "edge:\n\(edge.log)")
        #expect(edge.log.contains("switching server"), "\(edge.log)")
    }

    @Test("push: with no origin reachable the edge refuses the publisher")
    func edgePushWithoutOriginIsRefused() throws {
        let edge = try HeadwaterServer(vhostBody: Self.edgeBody(origins: [Ports.free()]))
        let publisher = try MediaTools.publishTestSource(to: edge.url("live/test"), seconds: 10)
        defer { publisher.stop() }
        #expect(publisher.waitForExit(timeout: 10), "ffmpeg kept publishing:\n\(edge.log)")
        #expect(publisher.exitCode != 0)
        #expect(edge.log.contains("publish refused"), "\(edge.log)")
    }

    @Test("forward: an origin forwards to another server, and reconnects after that server restarts")
    func forwardReconnects() throws {
        var destination = try HeadwaterServer()
        let port = destination.rtmpPort
        let origin = try HeadwaterServer(vhostBody: Self.forwardBody(to: [port]))
        let publisher = try MediaTools.publishTestSource(to: origin.url("live/test"), seconds: 16)
        defer { publisher.stop() }
        usleep(2_000_000)
        try Self.expectFrames(destination.url("live/test"), context: "origin:\n\(origin.log)")

        destination.process.stop()
        usleep(300_000)
        destination = try HeadwaterServer(rtmpPort: port)
        usleep(2_500_000)
        try Self.expectFrames(destination.url("live/test"), context: "origin:\n\(origin.log)")
        #expect(origin.log.contains("switching server"), "\(origin.log)")
    }

    @Test("interop: an origin forwards to nginx-rtmp; a player on nginx decodes the stream")
    func forwardToNginx() throws {
        let nginx = try NginxRTMP()
        let origin = try HeadwaterServer(vhostBody: Self.forwardBody(to: [nginx.rtmpPort]))
        let publisher = try MediaTools.publishTestSource(to: origin.url("live/test"), seconds: 10)
        defer { publisher.stop() }
        usleep(2_000_000)
        try Self.expectFrames(nginx.url("live/test"), context: "origin:\n\(origin.log)\nnginx:\n\(nginx.log)")
    }

    @Test("interop: an edge pulls from nginx-rtmp as its origin; RTMP and HTTP-FLV players decode it")
    func edgePullsFromNginx() throws {
        try #require(NginxRTMP.isAvailable, "libnginx-mod-rtmp is not installed (scripts/setup.sh installs it)")
        let nginx = try NginxRTMP()
        let edge = try HeadwaterServer(
            vhostBody: Self.edgeBody(origins: [nginx.rtmpPort]) + "\nhttp_remux { enabled on; mount [vhost]/[app]/[stream].flv; }",
            http: true)
        let publisher = try MediaTools.publishTestSource(to: nginx.url("live/test"), seconds: 14)
        defer { publisher.stop() }
        usleep(1_500_000)
        try Self.expectFrames(edge.url("live/test"), context: "edge:\n\(edge.log)\nnginx:\n\(nginx.log)")
        try Self.expectFrames(edge.httpURL("live/test.flv"), context: "edge:\n\(edge.log)")
        #expect(edge.logCount("edge pull switching origin") == 0, "\(edge.log)")
    }

    @Test("interop: an edge pushes its publisher to nginx-rtmp as its origin")
    func edgePushesToNginx() throws {
        let nginx = try NginxRTMP()
        let edge = try HeadwaterServer(vhostBody: Self.edgeBody(origins: [nginx.rtmpPort]))
        let publisher = try MediaTools.publishTestSource(to: edge.url("live/test"), seconds: 10)
        defer { publisher.stop() }
        usleep(2_000_000)
        #expect(publisher.isRunning, "the edge refused the publisher:\n\(publisher.output)\n\(edge.log)")
        try Self.expectFrames(nginx.url("live/test"), context: "edge:\n\(edge.log)\nnginx:\n\(nginx.log)")
    }
}
