import Config
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Sessions
import Synchronization
import Testing

@testable import Hooks

// A hang fails through the time limit; durations are not asserted from above (a loaded machine breaks that).
@Suite(.timeLimit(.minutes(1))) struct HookClientTests {
    static let body = HookBody(fields: [.init("action", .string("on_publish")), .init("stream", .string("s"))])

    static func withClient(_ body: (HookClient, MultiThreadedEventLoopGroup) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = HookClient(group: group, logger: Logger(label: "test"))
        do {
            try await body(client, group)
        } catch {
            try await client.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        try await client.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func allowsAndDeniesAsTheServerSays() async throws {
        try await Self.withClient { client, group in
            let server = try await TestHookServer(group: group) { path, _ in
                path == "/deny" ? (.forbidden, "no") : (.ok, "0")
            }
            let loop = group.next()
            let allowed = try await client.post(Self.body, to: server.url("/allow"), hook: .onPublish, timeout: .seconds(2), on: loop).get()
            #expect(allowed == .allowed)
            let denied = try await client.post(Self.body, to: server.url("/deny"), hook: .onPublish, timeout: .seconds(2), on: loop).get()
            guard case .denied(let reason) = denied else {
                Issue.record("expected a denial, got \(denied)")
                return
            }
            #expect(reason.contains("403"))
            #expect(server.calls.map(\.path) == ["/allow", "/deny"])
            #expect(server.calls.first?.body == Self.body.json)
            try await server.close()
        }
    }

    @Test func hungServerTimesOut() async throws {
        try await Self.withClient { client, group in
            let server = try await TestHookServer(group: group) { _, _ in nil }
            let started = ContinuousClock.now
            let outcome = try await client.post(
                Self.body, to: server.url("/hang"), hook: .onPlay, timeout: .milliseconds(300), on: group.next()
            ).get()
            let elapsed = ContinuousClock.now - started
            guard case .failed(_, let timedOut) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(timedOut)
            #expect(elapsed >= .milliseconds(250))
            try await server.close()
        }
    }

    @Test func closedPortFails() async throws {
        try await Self.withClient { client, group in
            let server = try await TestHookServer(group: group) { _, _ in (.ok, "0") }
            let url = server.url("/gone")
            try await server.close()
            let outcome = try await client.post(Self.body, to: url, hook: .onConnect, timeout: .seconds(2), on: group.next()).get()
            guard case .failed(_, let timedOut) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(!timedOut)
        }
    }
}

@Suite struct HooksPolicyTests {
    static let client = ClientSessionSnapshot(
        id: 7, info: ClientInfo(kind: .rtmpPublisher, ip: "127.0.0.1", vhost: "__defaultVhost__", app: "live", stream: "denied"))

    static func policy(_ client: HookClient, group: any EventLoopGroup, vhost: VhostConfiguration) -> HooksPolicy {
        HooksPolicy(
            client: client, origin: .init(serverID: "s", serviceID: "v", workingDirectory: "/"),
            notificationLoops: group, logger: Logger(label: "test")
        ) { _ in vhost }
    }

    @Test func everyURLMustAllowInOrder() async throws {
        try await HookClientTests.withClient { client, group in
            let server = try await TestHookServer(group: group) { path, body in
                if path == "/second" && body.contains("\"denied\"") { return (.ok, "{\"code\":1}") }
                return (.ok, "{\"code\":0}")
            }
            var vhost = VhostConfiguration(name: "__defaultVhost__")
            vhost.httpHooks.enabled = true
            vhost.httpHooks.urls[.onPublish] = [server.url("/first"), server.url("/second"), server.url("/third")]
            let policy = Self.policy(client, group: group, vhost: vhost)
            let loop = group.next()
            let denied = try await policy.authorize(.publish, client: Self.client, on: loop).get()
            #expect(denied == .deny(reason: "refused by on_publish"))
            #expect(server.calls.map(\.path) == ["/first", "/second"])
            var allowedClient = Self.client
            allowedClient.info.stream = "fine"
            #expect(try await policy.authorize(.publish, client: allowedClient, on: loop).get() == .allow)
            // No on_play URL: allowed without a call.
            #expect(try await policy.authorize(.play, client: allowedClient, on: loop).get() == .allow)
            #expect(server.calls.count == 5)
            try await server.close()
        }
    }

    @Test func securityAnswersBeforeHooksAndFailurePolicyApplies() async throws {
        try await HookClientTests.withClient { client, group in
            let server = try await TestHookServer(group: group) { _, _ in nil }
            var vhost = VhostConfiguration(name: "__defaultVhost__")
            vhost.security = SecurityConfiguration(enabled: true, rules: [SecurityRule(.deny, .play, .all)])
            vhost.httpHooks.enabled = true
            vhost.httpHooks.timeout = .milliseconds(200)
            vhost.httpHooks.urls[.onPlay] = [server.url("/play")]
            vhost.httpHooks.urls[.onPublish] = [server.url("/publish")]
            let loop = group.next()
            let denied = try await Self.policy(client, group: group, vhost: vhost).authorize(.play, client: Self.client, on: loop).get()
            #expect(denied != .allow)
            #expect(server.calls.isEmpty)
            // The hung on_publish hook times out: denied by default, allowed with on_failure allow. The
            // client is told which hook, never the hook server's URL.
            let timedOut = try await Self.policy(client, group: group, vhost: vhost).authorize(.publish, client: Self.client, on: loop).get()
            #expect(timedOut == .deny(reason: "on_publish unavailable"))
            vhost.httpHooks.onFailure = .allow
            #expect(try await Self.policy(client, group: group, vhost: vhost).authorize(.publish, client: Self.client, on: loop).get() == .allow)
            try await server.close()
        }
    }

    @Test func disabledVhostIsDenied() async throws {
        try await HookClientTests.withClient { client, group in
            var vhost = VhostConfiguration(name: "__defaultVhost__")
            vhost.enabled = false
            let decision = try await Self.policy(client, group: group, vhost: vhost).authorize(.connect, client: Self.client, on: group.next()).get()
            #expect(decision != .allow)
        }
    }

    /// What the settings decide comes without a future (the join's fast path); a deciding hook, never.
    @Test func immediateDecisionsAreTheSettingsAlone() async throws {
        try await HookClientTests.withClient { client, group in
            var vhost = VhostConfiguration(name: "__defaultVhost__")
            vhost.security = SecurityConfiguration(enabled: true, rules: [SecurityRule(.deny, .publish, .all)])
            vhost.httpHooks.enabled = true
            vhost.httpHooks.urls[.onConnect] = ["http://127.0.0.1:1/connect"]
            let policy = Self.policy(client, group: group, vhost: vhost)
            #expect(policy.immediateDecision(.connect, client: Self.client) == nil)
            #expect(policy.immediateDecision(.play, client: Self.client) == .allow)
            let refused = policy.immediateDecision(.publish, client: Self.client)
            #expect(refused != nil && refused != .allow)
            vhost.enabled = false
            #expect(
                Self.policy(client, group: group, vhost: vhost).immediateDecision(.play, client: Self.client)
                    == .deny(reason: "vhost __defaultVhost__ is disabled"))
            // `decide` answers at once where it can: no loop turn, so the answer is there on return.
            let answered = Mutex<SessionDecision?>(nil)
            policy.decide(.play, client: Self.client, on: group.next()) { result in
                answered.withLock { $0 = try? result.get() }
            }
            #expect(answered.withLock { $0 } == .allow)
        }
    }

    @Test func notificationsArePosted() async throws {
        try await HookClientTests.withClient { client, group in
            let server = try await TestHookServer(group: group) { _, _ in (.ok, "0") }
            var vhost = VhostConfiguration(name: "__defaultVhost__")
            vhost.httpHooks.enabled = true
            vhost.httpHooks.urls[.onUnpublish] = [server.url("/unpublish")]
            vhost.httpHooks.urls[.onClose] = [server.url("/close")]
            let policy = Self.policy(client, group: group, vhost: vhost)
            policy.sessionDidEnd(.unpublish, client: Self.client)
            policy.sessionDidEnd(.close, client: Self.client)
            policy.sessionDidEnd(.stop, client: Self.client)  // no URL: nothing
            for _ in 0..<100 where server.calls.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(Set(server.calls.map(\.path)) == ["/unpublish", "/close"])
            #expect(server.calls.contains { $0.body.contains("\"action\":\"on_close\"") && $0.body.contains("recv_bytes") })
            try await server.close()
        }
    }
}
