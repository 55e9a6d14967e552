import Config
import Live
import Logging
import Media
import NIOCore
import NIOPosix
import RTMP
import Sessions
import Synchronization
import Testing

@testable import Edge

/// `TokenTraversePolicy` without a real origin: what goes to the wrapped policy, the connect it sends,
/// and the refusals when no origin answers (the origin's own answers are in the integration tests).
// A hang (a timeout that never fires) fails through the time limit; durations are not asserted from above,
// which a loaded machine would break.
@Suite(.timeLimit(.minutes(1))) struct TokenTraversePolicyTests {
    /// Records what it was asked and answers `decision`.
    final class RecordingPolicy: SessionPolicy {
        let decision: SessionDecision
        let asked = Mutex<[SessionAction]>([])
        let ended = Mutex<[SessionEnd]>([])

        init(_ decision: SessionDecision = .allow) { self.decision = decision }

        func authorize(_ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop)
            -> EventLoopFuture<SessionDecision>
        {
            asked.withLock { $0.append(action) }
            return eventLoop.makeSucceededFuture(decision)
        }

        func sessionDidEnd(_ end: SessionEnd, client: ClientSessionSnapshot) {
            ended.withLock { $0.append(end) }
        }
    }

    static let loop = MultiThreadedEventLoopGroup.singleton.next()

    static func edge(origins: [UpstreamAddress], tokenTraverse: Bool = true) -> ClusterConfiguration {
        var cluster = ClusterConfiguration()
        cluster.mode = .remote
        cluster.origins = origins
        cluster.tokenTraverse = tokenTraverse
        cluster.upstreamTimeout = .milliseconds(300)
        return cluster
    }

    static func client(vhost: String = "__defaultVhost__") -> ClientSessionSnapshot {
        ClientSessionSnapshot(
            id: 7,
            info: ClientInfo(
                kind: .rtmpConnection, ip: "127.0.0.1", vhost: vhost, app: "live", param: "?token=abc",
                tcUrl: "rtmp://edge.example.com/live?token=abc", pageUrl: "http://page.example.com/",
                swfUrl: "http://swf.example.com/player.swf"))
    }

    static func policy(
        _ wrapped: any SessionPolicy, cluster: ClusterConfiguration, maximumChecks: Int = 8
    ) -> TokenTraversePolicy {
        TokenTraversePolicy(
            wrapping: wrapped, logger: Logger(label: "test"), maximumChecks: maximumChecks
        ) { vhost in vhost == "__defaultVhost__" ? cluster : ClusterConfiguration() }
    }

    /// A listener that accepts and then closes at once (`closing`) or stays silent; closed by the caller.
    static func listener(closing: Bool) async throws -> (any Channel, UpstreamAddress) {
        let channel = try await ServerBootstrap(group: loop)
            .childChannelInitializer { child in
                closing ? child.close() : child.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        return (channel, UpstreamAddress(host: "127.0.0.1", port: port))
    }

    @Test func everythingButAnEdgeConnectGoesToTheWrappedPolicyAlone() async throws {
        let wrapped = RecordingPolicy(.deny(reason: "hook said no"))
        // An origin nobody could reach: were it asked, the answer would be "origin unavailable".
        let policy = Self.policy(wrapped, cluster: Self.edge(origins: [UpstreamAddress(host: "127.0.0.1", port: 1)]))
        for action in [SessionAction.publish, .play] {
            #expect(try await policy.authorize(action, client: Self.client(), on: Self.loop).get() == wrapped.decision)
        }
        // A connect the wrapped policy refuses never reaches the origin.
        #expect(try await policy.authorize(.connect, client: Self.client(), on: Self.loop).get() == wrapped.decision)
        // Another vhost (an origin) is the wrapped policy's alone.
        let allowing = RecordingPolicy()
        let other = Self.policy(allowing, cluster: Self.edge(origins: [UpstreamAddress(host: "127.0.0.1", port: 1)]))
        #expect(try await other.authorize(.connect, client: Self.client(vhost: "other"), on: Self.loop).get() == .allow)
        #expect(allowing.asked.withLock { $0 } == [.connect])
        policy.sessionDidEnd(.close, client: Self.client())
        #expect(wrapped.ended.withLock { $0 } == [.close])
        #expect(wrapped.asked.withLock { $0 } == [.publish, .play, .connect])
    }

    /// Decides at once, as `HooksPolicy` does for a vhost without hooks.
    struct ImmediatePolicy: SessionPolicy {
        func authorize(_ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop)
            -> EventLoopFuture<SessionDecision>
        {
            eventLoop.makeSucceededFuture(.allow)
        }

        func immediateDecision(_ action: SessionAction, client: ClientSessionSnapshot) -> SessionDecision? {
            .allow
        }

        func sessionDidEnd(_ end: SessionEnd, client: ClientSessionSnapshot) {}
    }

    @Test func onlyATraversedConnectWaitsForTheOrigin() {
        let policy = Self.policy(
            ImmediatePolicy(), cluster: Self.edge(origins: [UpstreamAddress(host: "127.0.0.1", port: 1)]))
        #expect(policy.immediateDecision(.connect, client: Self.client()) == nil)
        #expect(policy.immediateDecision(.play, client: Self.client()) == .allow)
        #expect(policy.immediateDecision(.connect, client: Self.client(vhost: "other")) == .allow)
        let untraversed = Self.policy(
            ImmediatePolicy(),
            cluster: Self.edge(origins: [UpstreamAddress(host: "127.0.0.1", port: 1)], tokenTraverse: false))
        #expect(untraversed.immediateDecision(.connect, client: Self.client()) == .allow)
        // A wrapped policy that must call out leaves every decision to `authorize`.
        #expect(Self.policy(RecordingPolicy(), cluster: ClusterConfiguration()).immediateDecision(.play, client: Self.client()) == nil)
    }

    @Test func tokenTraverseOffAsksNobody() async throws {
        let (dead, address) = try await Self.listener(closing: true)
        defer { dead.close(promise: nil) }
        let policy = Self.policy(RecordingPolicy(), cluster: Self.edge(origins: [address], tokenTraverse: false))
        #expect(try await policy.authorize(.connect, client: Self.client(), on: Self.loop).get() == .allow)
    }

    @Test func noOriginAnsweringRefusesAfterTryingEach() async throws {
        // One closes at once, one never answers (the timeout), one listens nowhere.
        let (closing, first) = try await Self.listener(closing: true)
        let (silent, second) = try await Self.listener(closing: false)
        defer {
            closing.close(promise: nil)
            silent.close(promise: nil)
        }
        let (gone, third) = try await Self.listener(closing: true)
        try await gone.close().get()
        let policy = Self.policy(RecordingPolicy(), cluster: Self.edge(origins: [first, second, third]))
        let clock = ContinuousClock()
        let started = clock.now
        let decision = try await policy.authorize(.connect, client: Self.client(), on: Self.loop).get()
        #expect(decision == .deny(reason: TokenTraversePolicy.unavailableReason))
        // The silent origin was waited for (its upstream_timeout), then given up.
        let elapsed = clock.now - started
        #expect(elapsed >= .milliseconds(250), "\(elapsed)")
        #expect(policy.checksInFlight == 0)
    }

    @Test func checksOverTheCapAreRefused() async throws {
        let (silent, address) = try await Self.listener(closing: false)
        defer { silent.close(promise: nil) }
        let policy = Self.policy(RecordingPolicy(), cluster: Self.edge(origins: [address]), maximumChecks: 1)
        let first = policy.authorize(.connect, client: Self.client(), on: Self.loop)
        let second = try await policy.authorize(.connect, client: Self.client(), on: Self.loop).get()
        #expect(second == .deny(reason: TokenTraversePolicy.busyReason))
        #expect(try await first.get() == .deny(reason: TokenTraversePolicy.unavailableReason))
        #expect(policy.checksInFlight == 0)
        // The slot is free again.
        let third = policy.authorize(.connect, client: Self.client(), on: Self.loop)
        #expect(try await third.get() == .deny(reason: TokenTraversePolicy.unavailableReason))
    }

    @Test func theConnectCarriesTheClientsURLs() async throws {
        let info = Self.client().info
        let command = TokenTraversePolicy.connect(for: info, debugUpnode: true)
        #expect(command.tcUrl == "rtmp://edge.example.com/live?token=abc")
        #expect(command.app == "live")
        #expect(command.pageUrl == "http://page.example.com/")
        #expect(command.swfUrl == "http://swf.example.com/player.swf")
        #expect(command.properties.filter { $0.key == RTMPConnectCommand.Key.tcUrl }.count == 1)
        #expect(command.optionalArguments.count == 1)
        let quiet = TokenTraversePolicy.connect(
            for: ClientInfo(kind: .rtmpConnection, ip: "127.0.0.1", app: "live", tcUrl: "rtmp://h/live"),
            debugUpnode: false)
        #expect(quiet.optionalArguments.isEmpty)
        #expect(quiet.pageUrl == nil && quiet.swfUrl == nil)
    }
}
