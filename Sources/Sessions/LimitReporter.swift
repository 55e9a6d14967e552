public import Logging
import Metrics
import NIOConcurrencyHelpers
public import NIOCore

/// Reports clients that hit a `ResourceLimit`: every hit counts in `headwater_limit_hits_total{limit}`,
/// and each limit logs at most one warning per `interval`, carrying the hits since the previous line,
/// so a flood of offenders cannot flood the log too.
///
/// Thread-safe; one lock per hit, never per packet.
public final class LimitReporter: Sendable {
    /// The shortest time between two log lines of one limit.
    public static let defaultInterval: TimeAmount = .seconds(1)

    private struct Pending {
        var hits = 0
        var lastLog: NIODeadline = .distantPast
    }

    private let logger: Logger
    private let interval: TimeAmount
    private let pending = NIOLockedValueBox([ResourceLimit: Pending]())

    public init(logger: Logger, interval: TimeAmount = LimitReporter.defaultInterval) {
        self.logger = logger
        self.interval = interval
    }

    /// Counts one hit of `limit`; logs it (with the hits not yet logged) unless a line went out
    /// less than `interval` ago.
    /// - Parameters:
    ///   - value: the limit's configured value, for the log line.
    ///   - peer: the offender's address, for the log line.
    /// - Returns: whether a line was logged (for tests).
    @discardableResult
    public func hit(_ limit: ResourceLimit, value: Int, peer: String, now: NIODeadline = .now()) -> Bool {
        Self.count(limit)
        let hits = pending.withLockedValue { table -> Int in
            var entry = table[limit, default: Pending()]
            entry.hits += 1
            defer { table[limit] = entry }
            guard now - entry.lastLog >= interval else { return 0 }
            entry.lastLog = now
            defer { entry.hits = 0 }
            return entry.hits
        }
        guard hits > 0 else { return false }
        logger.warning(
            "limit reached, client refused or closed",
            metadata: [
                "limit": "\(limit.rawValue)", "limit.value": "\(value)", "hits": "\(hits)", "last.peer": "\(peer)",
            ])
        return true
    }

    /// Counts one hit in the metric only, for limits whose offender is already logged once by its own
    /// connection (an RTMP decoder limit closes the session with its reason).
    public static func count(_ limit: ResourceLimit) {
        Counter(label: MetricLabel.limitHits, dimensions: [("limit", limit.rawValue)]).increment()
    }
}
