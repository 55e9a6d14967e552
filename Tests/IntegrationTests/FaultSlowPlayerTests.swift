import Foundation
import RTMP
import Testing

/// A player that reads 1 KB a second, next to a normal one.
@Suite("Fault: slow player", .serialized, .integration, .timeLimit(.minutes(2)))
struct FaultSlowPlayerTests {
    @Test("1 KB/s readers (RTMP and HTTP-FLV) are cut back to keyframes, then disconnected; the publisher, another player and RSS are unaffected")
    func oneKilobytePerSecond() throws {
        let server = try HeadwaterServer(
            vhostBody: "play { queue_length 1; }\nhttp_remux { enabled on; mount [vhost]/[app]/[stream].flv; }", http: true)
        let sample = try SampleMedia()
        let normal = try FrameRecorder(port: server.rtmpPort, url: server.url("live/slow"))
        // 72 s of media at four times real time (~200 KB/s): 18 s.
        let publisher = try PacedPublisher(
            port: server.rtmpPort, url: server.url("live/slow"), sample: sample, duration: 72_000, speed: 4)
        usleep(2_000_000)
        let baseline = try #require(ProcessResources.residentMiB(of: server.process.pid))

        let slow = try TestRTMPClient(port: server.rtmpPort, receiveBufferSize: 8_192)
        try slow.handshake()
        try slow.startSession(server.url("live/slow"), mode: .play)
        let slowFLV = try RawSocket(port: try #require(server.httpPort), timeout: 1, receiveBufferSize: 8_192)
        slowFLV.send("GET /live/slow.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        var flvClosedAfter: Double?
        let slowStarted = Date()
        var disconnectedAfter: Double?
        var peak = baseline
        var read = 0
        // Bytes already in the kernel's buffers arrive before the FIN: read slowly until the server
        // says it gave up, then drain to see the close.
        while Date().timeIntervalSince(slowStarted) < 20 {
            if flvClosedAfter == nil, slowFLV.read(upTo: 1024).closed || server.logCount("reason=player too slow") > 0 {
                flvClosedAfter = Date().timeIntervalSince(slowStarted)
            }
            let result = slow.readDirect(upTo: 1024, timeout: 1)
            read += result.count
            peak = max(peak, ProcessResources.residentMiB(of: server.process.pid) ?? 0)
            if result.closed || server.logCount("player too slow, disconnecting") > 0 {
                disconnectedAfter = Date().timeIntervalSince(slowStarted)
                if flvClosedAfter != nil { break }
            }
            usleep(1_000_000)
        }
        #expect(flvClosedAfter != nil, "the slow HTTP-FLV player was still connected after 20 s")
        #expect(server.logCount("reason=player too slow") == 1, "\(server.log.suffix(3000))")
        let closedAfter = slow.waitUntilClosedByPeer(within: 5) ? disconnectedAfter : nil
        #expect(closedAfter != nil, "the slow player was still connected after 20 s, \(read) bytes read")
        #expect(server.logCount("player lagging, skipped to keyframe") >= 2, "\(server.log.suffix(3000))")
        #expect(server.logCount("player too slow, disconnecting") == 2, "\(server.log.suffix(3000))")
        #expect(peak - baseline <= 20, "RSS grew from \(baseline) MiB to \(peak) MiB")

        #expect(publisher.wait(timeout: 25))
        #expect(publisher.error == nil, "\(publisher.error ?? "")")
        usleep(1_000_000)
        normal.stop()
        #expect(!normal.wasClosedByServer)
        #expect(normal.video.count >= publisher.sentVideo * 97 / 100, "\(normal.video.count) of \(publisher.sentVideo)")
        let after = try #require(ProcessResources.residentMiB(of: server.process.pid))
        #expect(after - baseline <= 20, "RSS \(baseline) MiB before, \(after) MiB after")
        print("slow players: RTMP closed after \(closedAfter ?? -1) s, HTTP-FLV after \(flvClosedAfter ?? -1) s, \(read) bytes read; RSS \(baseline) → peak \(peak) → \(after) MiB")
    }
}
