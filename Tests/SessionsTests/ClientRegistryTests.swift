import Live
import NIOCore
import NIOEmbedded
import Testing

@testable import Sessions

@Suite struct ClientRegistryTests {
    @Test func refusesPastMaxConnectionsAndFreesSlotsOnEnd() throws {
        let registry = ClientRegistry(maxConnections: 2)
        let first = try #require(registry.register(ClientInfo(kind: .rtmpConnection, ip: "127.0.0.1")) {})
        _ = try #require(registry.register(ClientInfo(kind: .flvPlayer, ip: "127.0.0.1")) {})
        #expect(registry.register(ClientInfo(kind: .rtmpPlayer, ip: "127.0.0.1")) {} == nil)
        #expect(registry.refusedCount == 1)
        first.end()
        first.end()  // idempotent
        #expect(registry.count == 1)
        #expect(registry.register(ClientInfo(kind: .rtmpPlayer, ip: "127.0.0.1")) {} != nil)
    }

    @Test func totalsKeepTheTrafficOfClientsThatLeft() throws {
        let registry = ClientRegistry(maxConnections: 10)
        let client = try #require(registry.register(ClientInfo(kind: .rtmpPublisher, ip: "::1")) {})
        client.traffic.add(received: 1000)
        client.traffic.add(sent: 10)
        let other = try #require(registry.register(ClientInfo(kind: .rtmpPlayer, ip: "::1")) {})
        other.traffic.add(sent: 500)
        client.end()
        #expect(registry.totalTraffic.received == 1000)
        #expect(registry.totalTraffic.sent == 510)
    }

    @Test func kickRunsTheConnectionsHandlerAndUpdateChangesInfo() throws {
        let registry = ClientRegistry(maxConnections: 10)
        let kicked = KickFlag()
        let client = try #require(registry.register(ClientInfo(kind: .rtmpConnection, ip: "127.0.0.1")) { kicked.set() })
        client.update {
            $0.kind = .rtmpPlayer
            $0.vhost = "__defaultVhost__"
            $0.app = "live"
            $0.stream = "s"
        }
        #expect(registry.session(id: client.id)?.info.streamKey == StreamKey(vhost: "__defaultVhost__", app: "live", stream: "s"))
        #expect(client.info.url == "/live/s")
        registry.session(id: client.id)?.kick()
        #expect(kicked.value)
    }

    @Test func allowAllPolicyAllows() throws {
        let loop = EmbeddedEventLoop()
        let decision = try AllowAllPolicy().authorize(
            .publish, client: ClientSessionSnapshot(id: 1, info: ClientInfo(kind: .rtmpConnection, ip: "1.2.3.4")), on: loop
        ).wait()
        #expect(decision == .allow)
    }
}

private final class KickFlag: @unchecked Sendable {
    private(set) var value = false
    func set() { value = true }
}
