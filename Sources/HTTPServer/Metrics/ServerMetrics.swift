import Live
public import Prometheus
public import Sessions

/// What `/metrics` answers: the swift-metrics values the modules record (drops, refusals, HLS
/// segments, DVR bytes, hooks), then the values computed when it is scraped (streams, clients,
/// traffic, bitrates, edge upstreams) and the `process_*` block.
///
/// Scrape-time values are read from the registries (one lock each, one hop per stream loop), so
/// nothing is counted on the packet path for them.
public final class ServerMetrics: Sendable {
    private let recorded: @Sendable () -> String
    private let clients: ClientRegistry
    private let bitrates: StreamBitrateService
    let upstreams: any StreamUpstreams

    /// - Parameters:
    ///   - registry: The registry swift-metrics records into (bootstrapped by the server).
    ///   - clients: Every client connection.
    ///   - bitrates: The sampler of stream bitrates, which also counts the publishing streams.
    ///   - upstreams: The edge pulls and pushes and the forwards, read at each scrape.
    public convenience init(
        registry: PrometheusCollectorRegistry, clients: ClientRegistry,
        bitrates: StreamBitrateService, upstreams: any StreamUpstreams = NoUpstreams()
    ) {
        self.init(
            recorded: { registry.emitToString() }, clients: clients, bitrates: bitrates,
            upstreams: upstreams)
    }

    /// - Parameters:
    ///   - recorded: The text of the metrics recorded elsewhere (a registry's exposition).
    ///   - clients: Every client connection.
    ///   - bitrates: The sampler of stream bitrates, which also counts the publishing streams.
    ///   - upstreams: The edge pulls and pushes and the forwards, read at each scrape.
    public init(
        recorded: @escaping @Sendable () -> String, clients: ClientRegistry,
        bitrates: StreamBitrateService, upstreams: any StreamUpstreams = NoUpstreams()
    ) {
        self.recorded = recorded
        self.clients = clients
        self.bitrates = bitrates
        self.upstreams = upstreams
    }

    /// The whole exposition, Prometheus text format 0.0.4.
    public func render() async -> String {
        // A fresh sample, so the bitrate reflects the moment of the scrape (bounded: see StreamBitrateWindow).
        let publishing = await bitrates.sample()
        var writer = PrometheusTextWriter()
        writeComputed(publishing: publishing, into: &writer)
        ProcessMetrics.current()?.write(into: &writer)
        return recorded() + writer.text
    }

    /// Writes the scrape-time families.
    /// - Parameters:
    ///   - publishing: The streams with a publisher, counted by the sample just taken.
    ///   - writer: Where the families go.
    func writeComputed(publishing: Int, into writer: inout PrometheusTextWriter) {
        writer.family(MetricLabel.streams, help: "Live streams with a publisher.", type: .gauge, value: Double(publishing))

        var byKind = Dictionary(uniqueKeysWithValues: ClientKind.allCases.map { ($0, 0) })
        for session in clients.sessions {
            byKind[session.info.kind, default: 0] += 1
        }
        writer.family(
            MetricLabel.clients, help: "Connected clients by what they do.", type: .gauge,
            samples: ClientKind.allCases.map { .init(labels: [("kind", $0.rawValue)], value: Double(byKind[$0] ?? 0)) })

        // The registry's totals include clients already gone, so these never decrease.
        let traffic = clients.totalTraffic
        writer.family(
            MetricLabel.receivedBytes, help: "Bytes received from clients.", type: .counter,
            value: Double(traffic.received))
        writer.family(
            MetricLabel.sentBytes, help: "Bytes sent to clients.", type: .counter, value: Double(traffic.sent))

        let rates = bitrates.bitrates.sorted { $0.key.description < $1.key.description }
        writer.family(
            MetricLabel.streamBitrate, help: "Incoming bitrate of each live stream over the last 30 s.", type: .gauge,
            samples: rates.map {
                .init(
                    labels: [("vhost", $0.key.vhost), ("app", $0.key.app), ("stream", $0.key.stream)],
                    value: $0.bitsPerSecond.rounded())
            })

        writeUpstreams(upstreams.statuses(), into: &writer)
    }
}
