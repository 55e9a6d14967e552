/// The order in which an edge uses its origins: the current one while it works, the next one (round-robin)
/// when it fails, and a growing pause once every origin failed in a row.
public struct OriginRotation: Sendable, Hashable {
    /// The first pause after a full round of failures, doubled after each further round up to `maximumBackoff`.
    public static let initialBackoff: Duration = .milliseconds(500)
    public static let maximumBackoff: Duration = .seconds(5)

    public let count: Int
    /// The origin in use or being tried.
    public private(set) var current: Int
    /// Failures in a row since an origin last worked.
    public private(set) var failuresInARow = 0

    /// - Parameter start: the origin to try first (the one that worked last for this origin list).
    public init(count: Int, start: Int = 0) {
        precondition(count > 0, "an edge needs at least one origin")
        self.count = count
        self.current = ((start % count) + count) % count
    }

    /// The current origin works (it sent media): stay on it.
    public mutating func succeeded() {
        failuresInARow = 0
    }

    /// The current origin failed: move to the next one.
    /// - Returns: how long to wait before trying it (zero within the first round).
    public mutating func failed() -> Duration {
        failuresInARow += 1
        current = (current + 1) % count
        // Within the first round the next origin is tried at once; after a whole round failed, every try waits.
        guard failuresInARow >= count else { return .zero }
        return Self.backoff(rounds: failuresInARow / count)
    }

    private static func backoff(rounds: Int) -> Duration {
        var pause = initialBackoff
        for _ in 1..<min(rounds, 8) { pause *= 2 }
        return min(pause, maximumBackoff)
    }
}
