/// The top-level limit directives (`max_connections_per_ip`, `rtmp_max_chunk_streams`,
/// `rtmp_max_pending_bytes`, `http_max_header_size`, `http_max_requests_per_ip`, `http_hooks_max_pending`,
/// `hls_max_backlog_bytes`, `dvr_max_backlog_bytes`),
/// Headwater's own.
extension ConfigDecoder {
    /// Reads the limit directives of the root block.
    /// - Parameter rtmpMaxMessageSize: the decoded `rtmp_max_message_size`, which the pending bound must hold.
    static func limits(_ root: Block, rtmpMaxMessageSize: Int) throws(ConfigError) -> LimitsConfiguration {
        var limits = LimitsConfiguration()
        if let setting = root.first(DirectiveName.maxConnectionsPerIP) {
            limits.maxConnectionsPerIP = try Self.integer(setting, in: LimitsConfiguration.maxConnectionsPerIPRange)
        }
        if let setting = root.first(DirectiveName.rtmpMaxChunkStreams) {
            limits.rtmpMaxChunkStreams = try Self.integer(setting, in: LimitsConfiguration.rtmpMaxChunkStreamsRange)
        }
        let pending = root.first(DirectiveName.rtmpMaxPendingBytes)
        if let pending {
            limits.rtmpMaxPendingBytes = try Self.integer(pending, in: LimitsConfiguration.rtmpMaxPendingBytesRange)
        }
        // Otherwise the largest allowed message could never be reassembled.
        if limits.rtmpMaxPendingBytes < rtmpMaxMessageSize {
            let location = pending?.location ?? root.first(DirectiveName.rtmpMaxMessageSize)?.location
            if let location {
                throw ConfigError(
                    .invalidValue, at: location,
                    "'\(DirectiveName.rtmpMaxPendingBytes)' (\(limits.rtmpMaxPendingBytes)) is smaller than "
                        + "'\(DirectiveName.rtmpMaxMessageSize)' (\(rtmpMaxMessageSize))")
            }
            limits.rtmpMaxPendingBytes = rtmpMaxMessageSize
        }
        if let setting = root.first(DirectiveName.httpMaxHeaderSize) {
            limits.httpMaxHeaderSize = try Self.integer(setting, in: LimitsConfiguration.httpMaxHeaderSizeRange)
        }
        if let setting = root.first(DirectiveName.httpMaxRequestsPerIP) {
            limits.httpMaxRequestsPerIP = try Self.integer(setting, in: LimitsConfiguration.httpMaxRequestsPerIPRange)
        }
        if let setting = root.first(DirectiveName.httpHooksMaxPending) {
            limits.httpHooksMaxPending = try Self.integer(setting, in: LimitsConfiguration.httpHooksMaxPendingRange)
        }
        if let setting = root.first(DirectiveName.hlsMaxBacklogBytes) {
            limits.hlsMaxBacklogBytes = try Self.integer(setting, in: LimitsConfiguration.writerBacklogRange)
        }
        if let setting = root.first(DirectiveName.dvrMaxBacklogBytes) {
            limits.dvrMaxBacklogBytes = try Self.integer(setting, in: LimitsConfiguration.writerBacklogRange)
        }
        return limits
    }
}
