import Foundation
import Testing

/// An encoder publishes to the real binary and real players watch: ffmpeg in, ffprobe/ffmpeg out.
@Suite("Publish and play with ffmpeg", .serialized, .integration, .timeLimit(.minutes(3)))
struct PublishPlayTests {
    @Test("a player that connects before the publisher decodes (nearly) every frame sent")
    func playerBeforePublisherGetsEveryFrame() throws {
        let server = try HeadwaterServer()
        let probe = try MediaTools.probe(server.url("live/frames"))
        usleep(500_000)  // the player waits for the publisher
        let publisher = try MediaTools.publishTestSource(to: server.url("live/frames"), seconds: 6)
        #expect(publisher.waitForExit(timeout: 30), "publisher did not finish")
        #expect(publisher.exitCode == 0, "\(publisher.output)")
        #expect(probe.waitForExit(timeout: 15), "player did not stop after the unpublish")
        let streams = try MediaTools.streams(of: probe)
        let video = try #require(streams["video"], "\(probe.output)\n\(server.log)")
        #expect(video.codec == "h264")
        #expect(video.width == 320 && video.height == 240)
        let sent = 6 * 25
        #expect(abs(video.frames - sent) <= sent / 20, "decoded \(video.frames) of \(sent) frames")
        let audio = try #require(streams["audio"])
        #expect(audio.codec == "aac" && audio.sampleRate == 44100)
        #expect(server.log.contains("publish started"))
    }

    @Test("what a player receives of a -c copy publish matches the file: codecs, size, packet counts")
    func copyPublishMatchesFile() throws {
        let server = try HeadwaterServer()
        let reference = try MediaTools.probe(Tools.sampleFLV)
        #expect(reference.waitForExit(timeout: 30))
        let expected = try MediaTools.streams(of: reference)

        let player = try MediaTools.probe(server.url("live/copy"))
        usleep(500_000)
        let publisher = try MediaTools.publishFile(Tools.sampleFLV, to: server.url("live/copy"))
        #expect(publisher.waitForExit(timeout: 40), "publisher did not finish")
        #expect(player.waitForExit(timeout: 15), "player did not stop")
        let received = try MediaTools.streams(of: player)
        for type in ["video", "audio"] {
            let want = try #require(expected[type])
            let got = try #require(received[type], "no \(type) in \(player.output)")
            #expect(got.codec == want.codec)
            #expect(got.width == want.width && got.height == want.height)
            #expect(got.sampleRate == want.sampleRate && got.channels == want.channels)
            #expect(got.packets == want.packets, "\(type): received \(got), file \(want)")
        }
    }

    @Test("a second publisher of a live stream is refused and the first is undisturbed")
    func secondPublisherRefused() throws {
        let server = try HeadwaterServer()
        let first = try MediaTools.publishTestSource(to: server.url("live/busy"), seconds: 8)
        #expect(MediaTools.waitFor({ server.log.contains("publish started") }, timeout: 15))
        let second = try MediaTools.publishTestSource(to: server.url("live/busy"), seconds: 8)
        #expect(second.waitForExit(timeout: 15), "the second publisher was not turned away")
        #expect(second.exitCode != 0)
        #expect(server.log.contains("publish refused"))
        let player = try MediaTools.probe(server.url("live/busy"))
        #expect(first.waitForExit(timeout: 30))
        #expect(first.exitCode == 0, "first publisher failed: \(first.output)")
        #expect(player.waitForExit(timeout: 15))
        let video = try #require(try MediaTools.streams(of: player)["video"])
        #expect(video.frames > 25, "player of the first publisher got \(video.frames) frames")
    }

    @Test("many players of one stream all decode it", .timeLimit(.minutes(2)))
    func severalPlayers() throws {
        let server = try HeadwaterServer()
        let players = try (0..<4).map { _ in try MediaTools.probe(server.url("live/many")) }
        usleep(500_000)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/many"), seconds: 4)
        #expect(publisher.waitForExit(timeout: 30))
        for player in players {
            #expect(player.waitForExit(timeout: 15))
            let video = try #require(try MediaTools.streams(of: player)["video"])
            #expect(abs(video.frames - 100) <= 5, "player decoded \(video.frames) of 100 frames")
        }
        // Players that keep up get their batches straight on the socket the server accepted itself.
        for _ in 0..<50 where server.logCount("play stopped") < 4 { usleep(100_000) }
        let direct = server.log.split(separator: "\n").filter { $0.contains("play stopped") }
            .compactMap { line in line.split(separator: " ").first { $0.hasPrefix("direct_bytes=") } }
            .compactMap { Int($0.dropFirst("direct_bytes=".count)) }
        #expect(direct.count == 4 && direct.allSatisfy { $0 > 10_000 }, "\(server.log.suffix(3000))")
    }
}
