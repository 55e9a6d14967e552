/// The Prometheus names Headwater's metrics use, written once. Modules record with swift-metrics
/// (`Counter(label:dimensions:)`, `Timer(label:dimensions:)`); the HTTP server's `/metrics`
/// renders them, plus the gauges it computes when scraped (streams, clients, traffic).
public enum MetricLabel {
    /// Gauge: live streams with a publisher.
    public static let streams = "headwater_streams"
    /// Gauge, dimension `kind` (a `ClientKind` raw value): connected clients.
    public static let clients = "headwater_clients"
    /// Counter: bytes received from clients.
    public static let receivedBytes = "headwater_received_bytes_total"
    /// Counter: bytes sent to clients.
    public static let sentBytes = "headwater_sent_bytes_total"
    /// Gauge, dimensions `vhost`, `app`, `stream`: a stream's incoming bitrate over the last 30 s.
    public static let streamBitrate = "headwater_stream_bitrate_bits_per_second"
    /// Counter, dimension `kind`: media packets a slow player skipped (queue cut to a keyframe).
    public static let droppedPackets = "headwater_dropped_packets_total"
    /// Counter, dimension `kind`: players disconnected for staying behind.
    public static let slowPlayersDisconnected = "headwater_slow_players_disconnected_total"
    /// Counter, dimension `reason` (`max_connections`, `security`, `hook`): clients refused.
    public static let refusedClients = "headwater_refused_clients_total"
    /// Counter: HLS segments written.
    public static let hlsSegmentsWritten = "headwater_hls_segments_written_total"
    /// Counter: bytes written to DVR files.
    public static let dvrBytesWritten = "headwater_dvr_bytes_written_total"
    /// Timer (seconds), dimension `hook` (`on_publish`, …): HTTP callback latency.
    public static let hookDuration = "headwater_hook_duration_seconds"
    /// Counter, dimensions `hook` and `result` (`denied`, `timeout`, `error`): callbacks that did not allow.
    public static let hookFailures = "headwater_hook_failures_total"
    /// Gauge, dimensions `role` (`pull`, `push`, `forward`) and `state` (an `UpstreamStatus.State` raw
    /// value): upstream connections, computed at scrape from `StreamUpstreams.statuses()`.
    public static let edgeUpstreams = "headwater_edge_upstreams"
    /// Gauge, dimensions `role`, `vhost`, `app`, `stream`, `server`, `state`: 1 for each upstream, in its state.
    public static let upstreamState = "headwater_upstream_state"
    /// Gauge, dimensions `role`, `vhost`, `app`, `stream`, `server`: players holding an edge pull.
    public static let upstreamPlayers = "headwater_upstream_players"
    /// Counter, dimensions `role`, `vhost`, `app`, `stream`, `server`: bytes received from the upstream server.
    public static let upstreamReceivedBytes = "headwater_upstream_received_bytes_total"
    /// Counter, dimensions `role`, `vhost`, `app`, `stream`, `server`: bytes sent to the upstream server.
    public static let upstreamSentBytes = "headwater_upstream_sent_bytes_total"
    /// Counter, dimensions `role`, `vhost`, `app`, `stream`, `server`: moves to another server or reconnects.
    public static let upstreamReconnects = "headwater_upstream_reconnects_total"
    /// Counter, dimension `limit` (a `ResourceLimit` raw value, the directive's name): clients refused or
    /// closed because they hit a configured limit.
    public static let limitHits = "headwater_limit_hits_total"
}
