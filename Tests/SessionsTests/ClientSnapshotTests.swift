import Sessions
import Testing

@Suite struct ClientSnapshotTests {
    @Test func snapshotCarriesTraffic() throws {
        let registry = ClientRegistry(maxConnections: 2)
        let session = try #require(registry.register(ClientInfo(kind: .rtmpConnection, ip: "127.0.0.1")) {})
        session.traffic.add(received: 100)
        session.traffic.add(sent: 250)
        session.update { $0.stream = "s" }
        let snapshot = session.snapshot
        #expect(snapshot.id == session.id)
        #expect(snapshot.info.stream == "s")
        #expect(snapshot.receivedBytes == 100)
        #expect(snapshot.sentBytes == 250)
        session.end()
    }
}
