import Config
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Sessions
import Testing

@testable import Hooks

@Suite("http_hooks_max_pending", .timeLimit(.minutes(1)))
struct HooksMaxPendingTests {
    @Test func callsBeyondTheBoundAreNotMadeAndFailAtOnce() async throws {
        try await HookClientTests.withClient { client, group in
            let server = try await TestHookServer(group: group) { _, _ in nil }  // hangs
            var vhost = VhostConfiguration(name: "__defaultVhost__")
            vhost.httpHooks.enabled = true
            // The two admitted calls hang until this timeout; the third must be answered before either of them is.
            vhost.httpHooks.timeout = .seconds(10)
            vhost.httpHooks.urls[.onPlay] = [server.url("/play")]
            let policy = HooksPolicy(
                client: client, origin: .init(serverID: "s", serviceID: "v", workingDirectory: "/"),
                notificationLoops: group, logger: Logger(label: "test"), maxPending: 2
            ) { [vhost] _ in vhost }
            let loop = group.next()
            let pending = (0..<2).map { _ in policy.authorize(.play, client: HooksPolicyTests.client, on: loop) }
            let pendingAnswered = NIOLockedValueBox(0)
            for future in pending { future.whenComplete { _ in pendingAnswered.withLockedValue { $0 += 1 } } }
            #expect(policy.callsInFlight == 2)
            // The third is answered at once, by on_failure (deny by default), without a call: ordering, not a
            // wall-clock bound, so a loaded machine cannot fail it.
            let third = try await policy.authorize(.play, client: HooksPolicyTests.client, on: loop).get()
            #expect(pendingAnswered.withLockedValue { $0 } == 0)
            #expect(third == .deny(reason: "on_play unavailable"))
            for future in pending { _ = try await future.get() }
            #expect(policy.callsInFlight == 0)
            #expect(server.calls.count <= 2)
            // Room again once the first two timed out.
            _ = policy.authorize(.play, client: HooksPolicyTests.client, on: loop)
            #expect(policy.callsInFlight == 1)
            try await server.close()
        }
    }
}
