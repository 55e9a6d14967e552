import NIOConcurrencyHelpers
public import NIOCore

/// Requests per second by peer address (`http_max_requests_per_ip`): one `TokenBucket` per address,
/// holding a burst of `burstSeconds` seconds' worth of requests.
///
/// The table is bounded: at `maximumAddresses` entries the idle ones (full buckets) are forgotten;
/// if every one is busy, a new address is let through untracked rather than growing the table
/// (the per-address bound is fairness; `max_connections` is what bounds the load).
public final class RequestRateLimiter: Sendable {
    /// Requests a fresh address may send at once, in seconds of its rate.
    public static let burstSeconds = 2
    /// The most addresses tracked at once.
    public static let defaultMaximumAddresses = 65_536

    private struct State {
        var ratePerSecond: Int
        var buckets: [String: TokenBucket] = [:]
    }

    private let state: NIOLockedValueBox<State>
    private let maximumAddresses: Int

    /// - Parameter ratePerSecond: requests per second one address may make; 0 for no bound.
    public init(ratePerSecond: Int, maximumAddresses: Int = RequestRateLimiter.defaultMaximumAddresses) {
        self.state = NIOLockedValueBox(State(ratePerSecond: max(0, ratePerSecond)))
        self.maximumAddresses = max(1, maximumAddresses)
    }

    /// The rate in force; 0 for none.
    public var ratePerSecond: Int { state.withLockedValue { $0.ratePerSecond } }

    /// Applies a reloaded rate; the buckets start again full.
    public func setRate(_ ratePerSecond: Int) {
        state.withLockedValue { state in
            state.ratePerSecond = max(0, ratePerSecond)
            state.buckets = [:]
        }
    }

    /// Addresses tracked now.
    public var addressCount: Int { state.withLockedValue { $0.buckets.count } }

    /// Whether a request from `ip` may go ahead now; takes a token when it may.
    public func admit(_ ip: String, now: NIODeadline = .now()) -> Bool {
        let maximumAddresses = self.maximumAddresses
        return state.withLockedValue { state in
            guard state.ratePerSecond > 0 else { return true }
            if var bucket = state.buckets[ip] {
                let admitted = bucket.take(now: now)
                state.buckets[ip] = bucket
                return admitted
            }
            if state.buckets.count >= maximumAddresses {
                state.buckets = state.buckets.filter { !$0.value.isFull(at: now) }
                guard state.buckets.count < maximumAddresses else { return true }
            }
            let rate = state.ratePerSecond
            var bucket = TokenBucket(capacity: rate * Self.burstSeconds, ratePerSecond: rate, now: now)
            let admitted = bucket.take(now: now)
            state.buckets[ip] = bucket
            return admitted
        }
    }
}
