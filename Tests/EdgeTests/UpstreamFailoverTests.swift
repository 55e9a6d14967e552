import Config
import Testing

@testable import Edge

@Suite("Upstream failover")
struct UpstreamFailoverTests {
    static let a = UpstreamAddress(host: "10.0.0.1", port: 1935)
    static let b = UpstreamAddress(host: "10.0.0.2", port: 1936)
    static let c = UpstreamAddress(host: "10.0.0.3", port: 1937)

    @Test("moves round-robin through the servers without waiting until a round fails, then backs off")
    func roundRobinThenBackoff() {
        var failover = UpstreamFailover(servers: [Self.a, Self.b, Self.c])
        #expect(failover.current == Self.a)
        #expect(failover.failed() == .retry(server: Self.b, delay: .zero))
        #expect(failover.failed() == .retry(server: Self.c, delay: .zero))
        #expect(failover.failed() == .retry(server: Self.a, delay: .milliseconds(500)))
        #expect(failover.failed() == .retry(server: Self.b, delay: .zero))
        #expect(failover.failed() == .retry(server: Self.c, delay: .zero))
        #expect(failover.failed() == .retry(server: Self.a, delay: .seconds(1)))
    }

    @Test("the backoff doubles per failed round and is capped")
    func backoffIsCapped() {
        var failover = UpstreamFailover(servers: [Self.a], initialBackoff: .milliseconds(500), maximumBackoff: .seconds(4))
        let delays = (0..<7).map { _ -> Duration? in
            if case .retry(_, let delay) = failover.failed() { return delay }
            return nil
        }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4), .seconds(4)])
        #expect(failover.current == Self.a)
    }

    @Test("a success starts a fresh round on the next server and resets the backoff")
    func successResets() {
        var failover = UpstreamFailover(servers: [Self.a, Self.b])
        _ = failover.failed()
        _ = failover.failed()
        _ = failover.failed()  // second round begins on b after a first full round
        #expect(failover.current == Self.b)
        failover.succeeded()
        #expect(failover.hasSucceeded)
        // b dropped: a is tried at once; when a fails too the round is complete and the first backoff applies.
        #expect(failover.failed() == .retry(server: Self.a, delay: .zero))
        #expect(failover.failed() == .retry(server: Self.b, delay: .milliseconds(500)))
    }

    @Test("a push gives up when the first round fails, but never after a success")
    func givesUpOnlyBeforeSuccess() {
        var failover = UpstreamFailover(servers: [Self.a, Self.b], givesUpAfterFirstRound: true)
        #expect(failover.failed() == .retry(server: Self.b, delay: .zero))
        #expect(failover.failed() == .giveUp)

        var started = UpstreamFailover(servers: [Self.a, Self.b], givesUpAfterFirstRound: true)
        started.succeeded()
        #expect(started.failed() == .retry(server: Self.b, delay: .zero))
        #expect(started.failed() == .retry(server: Self.a, delay: .milliseconds(500)))
        #expect(started.failed() == .retry(server: Self.b, delay: .zero))
    }

    @Test("an edge starts at the server that worked last, and goes round from there")
    func startsWhereItWorked() {
        var failover = UpstreamFailover(servers: [Self.a, Self.b], start: 1)
        #expect(failover.current == Self.b)
        #expect(failover.failed() == .retry(server: Self.a, delay: .zero))
        #expect(failover.failed() == .retry(server: Self.b, delay: .milliseconds(500)))
        #expect(UpstreamFailover(servers: [Self.a, Self.b], start: 5).current == Self.b)
    }
}
