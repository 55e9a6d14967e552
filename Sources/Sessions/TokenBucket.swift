public import NIOCore

/// A token bucket: `capacity` tokens at most, refilled at `ratePerSecond`; each request takes one.
/// A pure value type, driven by the caller's clock.
public struct TokenBucket: Sendable, Hashable {
    public let capacity: Double
    public let ratePerSecond: Double
    public private(set) var tokens: Double
    public private(set) var updated: NIODeadline

    /// A full bucket.
    public init(capacity: Int, ratePerSecond: Int, now: NIODeadline) {
        self.capacity = Double(max(1, capacity))
        self.ratePerSecond = Double(max(1, ratePerSecond))
        self.tokens = self.capacity
        self.updated = now
    }

    /// Takes one token if there is one.
    /// - Returns: whether the request may go ahead.
    public mutating func take(now: NIODeadline) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Whether the bucket would be full at `now`: an idle address, whose entry can be forgotten.
    public func isFull(at now: NIODeadline) -> Bool {
        var copy = self
        copy.refill(now: now)
        return copy.tokens >= copy.capacity
    }

    private mutating func refill(now: NIODeadline) {
        guard now > updated else { return }
        let seconds = Double((now - updated).nanoseconds) / 1e9
        tokens = min(capacity, tokens + seconds * ratePerSecond)
        updated = now
    }
}
