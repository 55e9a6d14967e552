import Media
import NIOCore
import Testing

@testable import Bench

@Suite struct PercentilesTests {
    @Test func nearestRankOnKnownSample() {
        let sample = Percentiles((1...100).map(Double.init).reversed())
        #expect(sample.minimum == 1)
        #expect(sample.maximum == 100)
        #expect(sample.median == 50)
        #expect(sample.value(at: 99) == 99)
        #expect(sample.value(at: 100) == 100)
        #expect(sample.value(at: 0) == 1)
    }

    @Test func smallSamples() {
        #expect(Percentiles([]).median == nil)
        #expect(Percentiles([7]).value(at: 99) == 7)
        #expect(Percentiles([3, 1]).median == 1)
        #expect(Percentiles([3, 1, 2]).median == 2)
        #expect(Percentiles([10, 20, 30, 40]).value(at: 75) == 30)
    }
}

@Suite struct BenchReportTests {
    @Test func summaryLineHasEveryKeyInOrderAndParsesBack() {
        let report = BenchReport(
            mode: .play, players: 3, connected: 2, failed: 1, mbps: 12.345,
            perPlayerKbps: Percentiles([500, 498.4, 512]), ttffMilliseconds: Percentiles([12, 40]),
            stalled: 1, latencyMilliseconds: Percentiles([]), framesSent: 250,
            framesReceived: Percentiles([100, 250]), frameDifference: Percentiles([0, -2]), durationSeconds: 5)
        let line = report.summaryLine
        #expect(
            line
                == "summary mode=play players=3 connected=2 failed=1 mbps=12.3 per_player_kbps_min=498 "
                + "per_player_kbps_median=500 ttff_p50_ms=12 ttff_p99_ms=40 stalled=1 latency_p50_ms=na "
                + "latency_p99_ms=na latency_samples=0 frames_sent=250 frames_received_min=100 "
                + "frames_received_max=250 frame_diff_min=-2 frame_diff_max=0 duration_s=5.0")
        let pairs = BenchReport.parse(line[...])
        #expect(pairs.count == report.fields.count)
        #expect(pairs["connected"] == "2")
        #expect(pairs["frame_diff_min"] == "-2")
    }

    @Test func decimalFormatting() {
        #expect(BenchReport.format(0, decimals: 1) == "0.0")
        #expect(BenchReport.format(0.05, decimals: 1) == "0.1")
        #expect(BenchReport.format(1234.56, decimals: 1) == "1234.6")
        #expect(BenchReport.format(-0.4, decimals: 1) == "-0.4")
        #expect(BenchReport.format(-2.5, decimals: 1) == "-2.5")
        #expect(BenchReport.format(3.04, decimals: 2) == "3.04")
    }

    @Test func perSecondLineKeepsOnlyItsKeys() {
        let line = BenchReport(mode: .flv, players: 1, connected: 1).line(prefix: "second t=1", keys: ["connected"])
        #expect(line == "second t=1 connected=1")
    }
}

@Suite struct PlayerStateTests {
    static let key = MediaPacket.Flags.keyframe
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static func at(_ ms: Int64) -> NIODeadline { start + .milliseconds(ms) }

    @Test func countsFramesFromTheFirstKeyframeAndTimeToFirstFrame() {
        var player = PlayerState(startedAt: Self.start)
        player.startedPlaying()
        player.media(kind: .video, timestamp: 0, flags: [.sequenceHeader, .keyframe], at: Self.at(5), stallAfter: .seconds(2))
        player.media(kind: .video, timestamp: 40, flags: [], at: Self.at(10), stallAfter: .seconds(2))
        player.media(kind: .audio, timestamp: 41, flags: [], at: Self.at(11), stallAfter: .seconds(2))
        #expect(player.firstKeyTimestamp == nil)
        player.media(kind: .video, timestamp: 80, flags: Self.key, at: Self.at(20), stallAfter: .seconds(2))
        player.media(kind: .video, timestamp: 120, flags: [], at: Self.at(30), stallAfter: .seconds(2))
        #expect(player.firstKeyTimestamp == 80)
        #expect(player.framesReceived == 2)
        #expect(!player.isPastJoinGOP)
        player.media(kind: .video, timestamp: 160, flags: Self.key, at: Self.at(40), stallAfter: .seconds(2))
        #expect(player.isPastJoinGOP)
        #expect(player.framesReceived == 3)
        #expect(player.timeToFirstFrameMilliseconds == 10)
        #expect(!player.stalled)
    }

    @Test func aGapLongerThanTheIntervalIsAStallUnlessThePublisherLeft() {
        var player = PlayerState(startedAt: Self.start)
        player.startedPlaying()
        player.media(kind: .video, timestamp: 0, flags: Self.key, at: Self.at(0), stallAfter: .seconds(2))
        player.media(kind: .video, timestamp: 40, flags: [], at: Self.at(2000), stallAfter: .seconds(2))
        #expect(!player.stalled)
        player.upstreamUnpublished()
        player.media(kind: .video, timestamp: 80, flags: [], at: Self.at(9000), stallAfter: .seconds(2))
        #expect(!player.stalled)
        player.media(kind: .video, timestamp: 120, flags: [], at: Self.at(11_001), stallAfter: .seconds(2))
        #expect(player.stalled)
    }

    @Test func anOngoingStallIsSeenOnlyWhileThePublisherIsLive() {
        var player = PlayerState(startedAt: Self.start)
        player.startedPlaying()
        player.media(kind: .audio, timestamp: 0, flags: [], at: Self.at(0), stallAfter: .seconds(2))
        player.checkStall(at: Self.at(5000), publisherLive: false, stallAfter: .seconds(2))
        #expect(!player.stalled)
        player.checkStall(at: Self.at(1900), publisherLive: true, stallAfter: .seconds(2))
        #expect(!player.stalled)
        player.checkStall(at: Self.at(2100), publisherLive: true, stallAfter: .seconds(2))
        #expect(player.stalled)
    }

    @Test func failureBeforePlayingAndCloseAfter() {
        var failing = PlayerState(startedAt: Self.start)
        failing.ended(at: Self.at(1))
        #expect(failing.phase == .failed)
        #expect(failing.kilobitsPerSecond(at: Self.at(1000)) == nil)
        var played = PlayerState(startedAt: Self.start)
        played.startedPlaying()
        played.received(bytes: 125_000)
        played.ended(at: Self.at(1000))
        #expect(played.phase == .closed)
        #expect(played.everPlayed)
        #expect(played.kilobitsPerSecond(at: Self.at(5000)) == 1000)
    }
}

@Suite struct SendClockTests {
    @Test func looksUpSendTimesAndCountsFromAJoinPoint() {
        let clock = SendClock()
        let base = NIODeadline.uptimeNanoseconds(0)
        for frame in 0..<10 { clock.record(timestamp: UInt32(frame * 40), at: base + .milliseconds(Int64(frame))) }
        #expect(clock.framesSent == 10)
        #expect(clock.sendTime(of: 120) == base + .milliseconds(3))
        #expect(clock.sendTime(of: 121) == nil)
        #expect(clock.framesSent(from: 0) == 10)
        #expect(clock.framesSent(from: 120) == 7)
        #expect(clock.framesSent(from: 121) == 6)
        #expect(clock.framesSent(from: 1000) == 0)
    }
}

@Suite struct HTTPURLTests {
    @Test func parsesHostPortAndPath() throws {
        let url = try #require(HTTPURL("http://127.0.0.1:8080/live/test.flv?k=v"))
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 8080)
        #expect(url.path == "/live/test.flv?k=v")
        #expect(url.hostHeader == "127.0.0.1:8080")
        #expect(HTTPURL("http://example.test")?.path == "/")
        #expect(HTTPURL("http://example.test")?.port == 80)
        #expect(HTTPURL("rtmp://x/y") == nil)
        #expect(HTTPURL("http://x:0/") == nil)
        #expect(HTTPURL("http://:80/") == nil)
    }
}
