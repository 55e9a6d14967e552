@testable import HTTPServer
import Live
import NIOCore
import Testing

/// The sliding window the bitrate gauge reads.
@Suite struct StreamBitrateWindowTests {
    let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "a")
    let other = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "b")
    let identity = ObjectIdentifier(Marker())
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    final class Marker {}

    func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    @Test func needsTwoSamples() {
        var window = StreamBitrateWindow()
        #expect(window.bitsPerSecond(of: key) == nil)
        window.record(key, identity: identity, bytes: 1000, at: at(0))
        #expect(window.bitsPerSecond(of: key) == nil)
        #expect(window.bitrates.isEmpty)
        window.record(key, identity: identity, bytes: 126_000, at: at(5))
        // 125,000 bytes in 5 s: 200,000 bit/s.
        #expect(window.bitsPerSecond(of: key) == 200_000)
    }

    @Test func looksBackAboutTheWindowOnly() {
        var window = StreamBitrateWindow(window: .seconds(30))
        // 10 kB/s for a minute, then 20 kB/s for 30 s.
        var bytes = 0
        for second in stride(from: Int64(0), through: 60, by: 5) {
            window.record(key, identity: identity, bytes: bytes, at: at(second))
            bytes += 50_000
        }
        bytes -= 50_000
        for second in stride(from: Int64(65), through: 90, by: 5) {
            bytes += 100_000
            window.record(key, identity: identity, bytes: bytes, at: at(second))
        }
        #expect(window.bitsPerSecond(of: key) == 160_000)
    }

    @Test func frequentSamplesStayBounded() {
        var window = StreamBitrateWindow(window: .seconds(30))
        for step in Int64(0)..<10_000 {
            window.record(key, identity: identity, bytes: Int(step) * 100, at: start + .milliseconds(step * 10))
        }
        // 10 ms apart for 100 s: at most window ÷ 1 s samples, each a second apart, plus the newest.
        let rate = window.bitsPerSecond(of: key)
        #expect(rate.map { abs($0 - 80_000) < 3_000 } == true, "\(String(describing: rate))")
        #expect(window.sampleCount(of: key) <= 33)
    }

    @Test func aNewStreamObjectOrACounterGoingBackStartsOver() {
        var window = StreamBitrateWindow()
        window.record(key, identity: identity, bytes: 1_000_000, at: at(0))
        window.record(key, identity: identity, bytes: 2_000_000, at: at(5))
        #expect(window.bitsPerSecond(of: key) != nil)
        let replacement = ObjectIdentifier(Marker())
        window.record(key, identity: replacement, bytes: 10, at: at(10))
        #expect(window.bitsPerSecond(of: key) == nil)
        window.record(key, identity: replacement, bytes: 5, at: at(15))
        #expect(window.bitsPerSecond(of: key) == nil)
    }

    @Test func aLateOlderReadingIsIgnored() {
        var window = StreamBitrateWindow()
        window.record(key, identity: identity, bytes: 0, at: at(0))
        window.record(key, identity: identity, bytes: 50_000, at: at(10))
        // The periodic sampler and a scrape may finish in either order.
        window.record(key, identity: identity, bytes: 20_000, at: at(4))
        window.record(key, identity: identity, bytes: 50_000, at: at(10))
        #expect(window.bitsPerSecond(of: key) == 40_000)
        #expect(window.sampleCount(of: key) == 2)
    }

    @Test func retainForgetsStreamsThatStopped() {
        var window = StreamBitrateWindow()
        for key in [key, other] {
            window.record(key, identity: identity, bytes: 0, at: at(0))
            window.record(key, identity: identity, bytes: 1000, at: at(1))
        }
        #expect(window.keys == [key, other])
        window.retain(only: [other])
        #expect(window.keys == [other])
        #expect(window.bitsPerSecond(of: key) == nil)
        #expect(window.bitrates.map(\.key) == [other])
    }
}
