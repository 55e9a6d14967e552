import Foundation
import Logging
import NIOCore
import Testing

@testable import Sessions

/// Takes a token outside `#expect`, which cannot call a mutating method.
private func take(_ bucket: inout TokenBucket, _ now: NIODeadline) -> Bool {
    bucket.take(now: now)
}

@Suite("Limits: token bucket, per-address tables, reporter")
struct LimitPrimitivesTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test func bucketAllowsItsBurstThenRefills() {
        var bucket = TokenBucket(capacity: 4, ratePerSecond: 2, now: start)
        for _ in 0..<4 { #expect(take(&bucket, start)) }
        #expect(!take(&bucket, start))
        // Half a second at 2/s is one token, no more.
        #expect(take(&bucket, start + .milliseconds(500)))
        #expect(!take(&bucket, start + .milliseconds(500)))
        // A long pause refills only to capacity.
        let later = start + .seconds(60)
        #expect(bucket.isFull(at: later))
        for _ in 0..<4 { #expect(take(&bucket, later)) }
        #expect(!take(&bucket, later))
    }

    @Test func bucketIgnoresAClockThatGoesBack() {
        var bucket = TokenBucket(capacity: 1, ratePerSecond: 1, now: start)
        #expect(take(&bucket, start))
        #expect(!take(&bucket, start - .seconds(5)))
        #expect(!take(&bucket, start))
    }

    @Test func connectionsPerAddressAreBoundedAndReleased() {
        let table = ConnectionsPerIP(limit: 2)
        #expect(table.acquire("10.0.0.1"))
        #expect(table.acquire("10.0.0.1"))
        #expect(!table.acquire("10.0.0.1"))
        #expect(table.acquire("10.0.0.2"))
        #expect(table.count(for: "10.0.0.1") == 2)
        table.release("10.0.0.1")
        #expect(table.acquire("10.0.0.1"))
        for _ in 0..<2 { table.release("10.0.0.1") }
        table.release("10.0.0.2")
        #expect(table.addressCount == 0)
        // A release without an acquire never goes negative.
        table.release("10.0.0.3")
        #expect(table.count(for: "10.0.0.3") == 0)
    }

    @Test func zeroMeansNoBoundAndAReloadAppliesToOpenConnections() {
        let table = ConnectionsPerIP(limit: 0)
        for _ in 0..<1000 { #expect(table.acquire("127.0.0.1")) }
        table.setLimit(1000)
        #expect(!table.acquire("127.0.0.1"))
        table.setLimit(0)
        #expect(table.acquire("127.0.0.1"))
    }

    @Test func rateLimiterRefusesOneAddressAndNotAnother() {
        let limiter = RequestRateLimiter(ratePerSecond: 5)
        let burst = 5 * RequestRateLimiter.burstSeconds
        for _ in 0..<burst { #expect(limiter.admit("a", now: start)) }
        #expect(!limiter.admit("a", now: start))
        #expect(limiter.admit("b", now: start))
        #expect(limiter.admit("a", now: start + .milliseconds(200)))
        #expect(!limiter.admit("a", now: start + .milliseconds(200)))
    }

    @Test func rateLimiterTableStaysBounded() {
        let limiter = RequestRateLimiter(ratePerSecond: 1, maximumAddresses: 4)
        for index in 0..<4 { #expect(limiter.admit("10.0.0.\(index)", now: start)) }
        // All four are busy: a fifth address passes untracked.
        #expect(limiter.admit("10.0.1.1", now: start))
        #expect(limiter.addressCount == 4)
        // Once they are idle again they are forgotten to make room.
        #expect(limiter.admit("10.0.1.1", now: start + .seconds(10)))
        #expect(limiter.addressCount == 1)
        #expect(limiter.admit("any", now: start) == true)
        limiter.setRate(0)
        for _ in 0..<100 { #expect(limiter.admit("a", now: start)) }
    }

    @Test func reporterLogsOncePerIntervalWithTheCount() {
        let recorder = LogRecorder()
        let logger = Logger(label: "test") { _ in recorder }
        let reporter = LimitReporter(logger: logger, interval: .seconds(1))
        #expect(reporter.hit(.maxConnectionsPerIP, value: 2, peer: "a", now: start))
        for offset in 1...50 {
            #expect(!reporter.hit(.maxConnectionsPerIP, value: 2, peer: "a", now: start + .milliseconds(Int64(offset))))
        }
        // Another limit has its own interval.
        #expect(reporter.hit(.handshakeTimeout, value: 10, peer: "b", now: start + .milliseconds(10)))
        #expect(reporter.hit(.maxConnectionsPerIP, value: 2, peer: "c", now: start + .seconds(1)))
        let lines = recorder.lines
        #expect(lines.count == 3)
        // The 50 held back and the one that triggered the line.
        #expect(lines.last?.metadata["hits"] == "51")
        #expect(lines.last?.metadata["limit"] == "max_connections_per_ip")
        #expect(lines.last?.metadata["last.peer"] == "c")
    }
}

/// Collects log lines for the reporter test.
final class LogRecorder: LogHandler, @unchecked Sendable {
    struct Line {
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var recorded: [Line] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var lines: [Line] { lock.withLock { recorded } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).mapValues { "\($0)" }
        lock.withLock { recorded.append(Line(message: "\(event.message)", metadata: fields)) }
    }
}
