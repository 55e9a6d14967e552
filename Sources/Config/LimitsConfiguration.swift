/// The process-wide limits on what one client may hold or send, beyond `max_connections`,
/// `handshake_timeout` and `rtmp_max_message_size` (which `ServerConfiguration` keeps where SRS has them).
///
/// All are top-level directives of Headwater's own (SRS has none of them); every one has a bounded
/// default, and the per-address ones default to off because one address may rightly be many clients
/// (a NAT, an edge server, a load tester).
public struct LimitsConfiguration: Sendable, Hashable {
    /// Bounds of `maxConnectionsPerIP`; 0 turns the bound off.
    public static let maxConnectionsPerIPRange: ClosedRange<Int> = 0...1_000_000
    /// Bounds of `rtmpMaxChunkStreams`: RTMP chunk stream ids run from 2 to 65599 (RTMP 1.0 §5.3.1.1).
    public static let rtmpMaxChunkStreamsRange: ClosedRange<Int> = 2...65_598
    /// Bounds of `rtmpMaxPendingBytes`; it must also hold one message of `rtmp_max_message_size`.
    public static let rtmpMaxPendingBytesRange: ClosedRange<Int> = 65_536...(1 << 30)
    /// Bounds of `httpMaxHeaderSize`.
    public static let httpMaxHeaderSizeRange: ClosedRange<Int> = 1_024...(1 << 20)
    /// Bounds of `httpMaxRequestsPerIP`; 0 turns the bound off.
    public static let httpMaxRequestsPerIPRange: ClosedRange<Int> = 0...1_000_000
    /// Bounds of `hlsMaxBacklogBytes` and `dvrMaxBacklogBytes`.
    public static let writerBacklogRange: ClosedRange<Int> = (1 << 20)...(1 << 30)
    /// Bounds of `httpHooksMaxPending`.
    public static let httpHooksMaxPendingRange: ClosedRange<Int> = 1...100_000

    /// The most TCP connections, RTMP and HTTP together, one peer address may hold
    /// (`max_connections_per_ip`, default 0: no bound but `max_connections`).
    public var maxConnectionsPerIP = 0
    /// The most chunk stream ids one RTMP connection may use (`rtmp_max_chunk_streams`, default 64;
    /// encoders use about six).
    public var rtmpMaxChunkStreams = 64
    /// The most bytes the incomplete messages of one RTMP connection may declare together
    /// (`rtmp_max_pending_bytes`, default 16 MiB), so a peer cannot reserve many large messages at once.
    public var rtmpMaxPendingBytes = 16 << 20
    /// The largest HTTP request head, request line and header fields (`http_max_header_size`, default
    /// 32 KiB); a larger one is answered 431 and closed.
    public var httpMaxHeaderSize = 32 << 10
    /// Requests per second one peer address may make to the HTTP server and API, with a burst of two
    /// seconds' worth (`http_max_requests_per_ip`, default 0: no bound); beyond it the answer is 429.
    public var httpMaxRequestsPerIP = 0
    /// HTTP callbacks unanswered at once, deciding ones (on_connect, on_publish, on_play) and
    /// notifications each (`http_hooks_max_pending`, default 256). Beyond it a deciding hook counts as
    /// failed (`on_failure`) and a notification is dropped.
    public var httpHooksMaxPending = 256
    /// Bytes of one stream's HLS segments that may wait for the disk (`hls_max_backlog_bytes`, default
    /// 32 MiB); beyond it the stream's HLS output fails as a write error would (`hls_on_error`).
    /// Read at start.
    public var hlsMaxBacklogBytes = 32 << 20
    /// Bytes of one recording that may wait for the disk (`dvr_max_backlog_bytes`, default 32 MiB); beyond
    /// it media is dropped until the next keyframe. Read at start.
    public var dvrMaxBacklogBytes = 32 << 20

    /// Creates the defaults.
    public init() {}
}
