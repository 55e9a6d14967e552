import NIOCore
import Testing

@testable import Sessions

/// 30-second bitrates from sampled counters.
@Suite struct TrafficSamplerTests {
    @Test func ratesOverTheWindow() {
        let sampler = TrafficSampler(window: .seconds(30))
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        sampler.record(clients: [(id: 1, received: 0, sent: 0)], total: (0, 0), at: start)
        #expect(sampler.rate(of: 1) == TrafficSampler.Rate())
        // 125_000 bytes in 10 s = 100 kbit/s.
        sampler.record(clients: [(id: 1, received: 125_000, sent: 250_000)], total: (125_000, 250_000), at: start + .seconds(10))
        #expect(sampler.rate(of: 1) == TrafficSampler.Rate(receivedKbps: 100, sentKbps: 200))
        #expect(sampler.totalRate == TrafficSampler.Rate(receivedKbps: 100, sentKbps: 200))
        // Samples older than the window go: after 40 s with no traffic past 10 s the rate falls to 0.
        for second in stride(from: 15, through: 45, by: 5) {
            sampler.record(
                clients: [(id: 1, received: 125_000, sent: 250_000)], total: (125_000, 250_000),
                at: start + .seconds(Int64(second)))
        }
        #expect(sampler.rate(of: 1) == TrafficSampler.Rate())
        // A client that left is forgotten; unknown ids are zero.
        sampler.record(clients: [], total: (125_000, 250_000), at: start + .seconds(50))
        #expect(sampler.rate(of: 1) == TrafficSampler.Rate())
        #expect(sampler.rate(of: 99) == TrafficSampler.Rate())
    }

    @Test func samplesARegistry() {
        let registry = ClientRegistry(maxConnections: 10)
        let session = registry.register(ClientInfo(kind: .rtmpPlayer, ip: "127.0.0.1"), kick: {})!
        let sampler = TrafficSampler()
        let start = NIODeadline.now()
        sampler.record(registry, at: start)
        session.traffic.add(sent: 10_000)
        sampler.record(registry, at: start + .seconds(1))
        #expect(sampler.rate(of: session.id).sentKbps == 80)
        session.end()
    }
}
