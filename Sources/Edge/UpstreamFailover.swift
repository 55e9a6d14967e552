public import Config

/// Which server an upstream uses next, and how long it waits first: round-robin over an ordered list,
/// with no wait while a round still has untried servers, and an exponential, capped wait once every
/// server of a round failed (SRS moves to the next origin on error; the backoff keeps a dead cluster
/// from being hammered).
public struct UpstreamFailover: Sendable, Hashable {
    /// What to do after a failure.
    public enum Next: Sendable, Hashable {
        /// Try `server` after `delay` (zero while the round has untried servers).
        case retry(server: UpstreamAddress, delay: Duration)
        /// Every server failed in the first round, before any worked, and the caller asked to give up then.
        case giveUp
    }

    /// The servers, in the configured order (never empty).
    public let servers: [UpstreamAddress]
    /// The wait after the first failed round; doubled after each further one.
    public let initialBackoff: Duration
    /// The longest wait between rounds.
    public let maximumBackoff: Duration
    /// Whether a first round that fails entirely ends the upstream (an edge push: the publisher is refused).
    public let givesUpAfterFirstRound: Bool

    /// The index in `servers` of the server in use or being tried.
    public private(set) var index = 0
    /// Whether some server ever accepted.
    public private(set) var hasSucceeded = false
    /// Consecutive failures since the last success or completed round.
    private var failuresInRound = 0
    /// Consecutive rounds in which every server failed.
    private var failedRounds = 0

    /// - Parameter start: the index of the server to try first (an edge starts where the last pull worked).
    /// - Precondition: `servers` is not empty.
    public init(
        servers: [UpstreamAddress], start: Int = 0, initialBackoff: Duration = .milliseconds(500),
        maximumBackoff: Duration = .seconds(4), givesUpAfterFirstRound: Bool = false
    ) {
        precondition(!servers.isEmpty, "an upstream needs at least one server")
        self.servers = servers
        self.index = ((start % servers.count) + servers.count) % servers.count
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.givesUpAfterFirstRound = givesUpAfterFirstRound
    }

    /// The server in use or being tried.
    public var current: UpstreamAddress { servers[index] }

    /// The current server accepted: the next failure starts a fresh round on the following server.
    public mutating func succeeded() {
        hasSucceeded = true
        failuresInRound = 0
        failedRounds = 0
    }

    /// The current server failed: moves to the next one.
    public mutating func failed() -> Next {
        failuresInRound += 1
        index = (index + 1) % servers.count
        guard failuresInRound >= servers.count else { return .retry(server: current, delay: .zero) }
        if givesUpAfterFirstRound && !hasSucceeded { return .giveUp }
        failuresInRound = 0
        let delay = backoff(afterFailedRounds: failedRounds)
        failedRounds += 1
        return .retry(server: current, delay: delay)
    }

    /// `initialBackoff` doubled per further failed round, at most `maximumBackoff`.
    func backoff(afterFailedRounds rounds: Int) -> Duration {
        var delay = initialBackoff
        for _ in 0..<min(rounds, 16) {
            delay = delay * 2
            if delay >= maximumBackoff { return maximumBackoff }
        }
        return min(delay, maximumBackoff)
    }
}
