import Live
public import Sessions

/// The upstream families of `/metrics`, computed at scrape from `StreamUpstreams.statuses()`.
extension ServerMetrics {
    /// The roles and states `headwater_edge_upstreams` always reports, each with a series even at zero.
    public static let upstreamRoles: [UpstreamStatus.Role] = [.pull, .push, .forward]
    public static let upstreamStates: [UpstreamStatus.State] = [.connecting, .active, .unpublished, .backoff, .idle]

    /// Writes the count by role and state, then one series per upstream and family.
    func writeUpstreams(_ statuses: [UpstreamStatus], into writer: inout PrometheusTextWriter) {
        var counts: [UpstreamStatus.Role: [UpstreamStatus.State: Int]] = [:]
        for status in statuses {
            counts[status.role, default: [:]][status.state, default: 0] += 1
        }
        writer.family(
            MetricLabel.edgeUpstreams, help: "Upstream connections (edge pulls and pushes, forwards) by role and state.",
            type: .gauge,
            samples: Self.upstreamRoles.flatMap { role in
                Self.upstreamStates.map { state in
                    PrometheusTextWriter.Sample(
                        labels: [("role", role.rawValue), ("state", state.rawValue)],
                        value: Double(counts[role]?[state] ?? 0))
                }
            })

        let ordered = statuses.sorted {
            ($0.role.rawValue, $0.key.description, $0.server) < ($1.role.rawValue, $1.key.description, $1.server)
        }
        let labels = { (status: UpstreamStatus) -> [(name: String, value: String)] in
            [
                ("role", status.role.rawValue), ("vhost", status.key.vhost), ("app", status.key.app),
                ("stream", status.key.stream), ("server", status.server),
            ]
        }
        writer.family(
            MetricLabel.upstreamState, help: "Each upstream connection, 1 in its current state.", type: .gauge,
            samples: ordered.map { .init(labels: labels($0) + [("state", $0.state.rawValue)], value: 1) })
        writer.family(
            MetricLabel.upstreamPlayers, help: "Players holding each edge pull.", type: .gauge,
            samples: ordered.map { .init(labels: labels($0), value: Double($0.players)) })
        writer.family(
            MetricLabel.upstreamReceivedBytes, help: "Bytes received from each upstream server.", type: .counter,
            samples: ordered.map { .init(labels: labels($0), value: Double($0.receivedBytes)) })
        writer.family(
            MetricLabel.upstreamSentBytes, help: "Bytes sent to each upstream server.", type: .counter,
            samples: ordered.map { .init(labels: labels($0), value: Double($0.sentBytes)) })
        writer.family(
            MetricLabel.upstreamReconnects, help: "Times each upstream moved to another server or reconnected.",
            type: .counter, samples: ordered.map { .init(labels: labels($0), value: Double($0.reconnects)) })
    }
}
