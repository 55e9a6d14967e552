import Live
import Media
import NIOCore
import RTMP
import Testing

@testable import Ingest

@Suite("RTMP timestamps on the way through")
struct RTMPTimestampTests {
    static func settings(_ jitter: TimeJitter) -> RTMPServerSettings {
        var settings = RTMPServerSettings()
        settings.vhosts[RTMPServerSettings.defaultVhostName]?.live.timeJitter = jitter
        return settings
    }

    @Test("time_jitter off: extended and wrapping 32-bit timestamps reach players as published")
    func extendedAndWrappingTimestamps() throws {
        let harness = IngestHarness(settings: Self.settings(.off))
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let player = try harness.client()
        try player.play("test")

        // From below the 24-bit field's limit into extended timestamps, then across 2^32.
        let starts: [UInt32] = [0xFF_FF00, UInt32.max - 100]
        for start in starts {
            var media = MediaGenerator(videoSize: 70_000, startTime: start)
            let published = Array(media.ticks(milliseconds: 200).joined())
            try publisher.send(published)
            let received = try player.receiveMessages().media
            #expect(received.map(\.timestamp) == published.map(\.timestamp))
            #expect(received.map(\.payload) == published.map(\.payload))
        }
        #expect(player.isActive && publisher.isActive)
    }

    @Test("time_jitter zero: the stream starts at zero whatever the publisher's clock")
    func zeroBasedTimestamps() throws {
        let harness = IngestHarness(settings: Self.settings(.zero))
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        let player = try harness.client()
        try player.play("test")

        var media = MediaGenerator(startTime: 5_000_000)
        let published = Array(media.ticks(milliseconds: 120).joined())
        try publisher.send(published)

        let received = try player.receiveMessages().media
        #expect(received.map(\.timestamp) == published.map { $0.timestamp - 5_000_000 })
    }
}
