/// The limits a client can hit, named by the directive that sets each one; the raw value is the
/// `limit` label of `headwater_limit_hits_total`.
public enum ResourceLimit: String, Sendable, CaseIterable {
    /// `max_connections`: all client connections of the process.
    case maxConnections = "max_connections"
    /// `max_connections_per_ip`: TCP connections (RTMP and HTTP) from one address.
    case maxConnectionsPerIP = "max_connections_per_ip"
    /// `handshake_timeout`: the RTMP handshake, or the publish/play after it, took too long.
    case handshakeTimeout = "handshake_timeout"
    /// `rtmp_max_message_size`: an RTMP message header declared more bytes.
    case rtmpMaxMessageSize = "rtmp_max_message_size"
    /// `rtmp_max_chunk_streams`: a peer used more chunk stream ids.
    case rtmpMaxChunkStreams = "rtmp_max_chunk_streams"
    /// `rtmp_max_pending_bytes`: incomplete messages of one connection declared more bytes.
    case rtmpMaxPendingBytes = "rtmp_max_pending_bytes"
    /// `http_max_header_size`: an HTTP request head was larger (answered 431).
    case httpMaxHeaderSize = "http_max_header_size"
    /// `http_max_requests_per_ip`: one address asked faster than its token bucket allows (answered 429).
    case httpMaxRequestsPerIP = "http_max_requests_per_ip"
    /// `http_hooks_max_pending`: a callback not made because too many were unanswered.
    case hooksMaxPending = "http_hooks_max_pending"
}
