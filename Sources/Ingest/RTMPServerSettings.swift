public import Live
public import NIOCore

/// What the RTMP service needs from the configuration, resolved once per reload.
///
/// A connection takes the snapshot current when it is accepted, so a reload applies to new
/// sessions and never changes a running one.
public struct RTMPServerSettings: Sendable {
    public struct Vhost: Sendable, Hashable {
        public var enabled: Bool
        /// The chunk size this server sends with (SRS `chunk_size`).
        public var chunkSize: Int
        public var tcpNoDelay: Bool
        public var live: LiveStreamConfiguration
        /// Time allowed between `publish` and the first media packet (SRS `publish.firstpkt_timeout`).
        public var firstPacketTimeout: TimeAmount
        /// Longest gap between media packets of a publisher (SRS `publish.normal_timeout`).
        public var normalTimeout: TimeAmount

        public init(
            enabled: Bool = true, chunkSize: Int = 60000, tcpNoDelay: Bool = false,
            live: LiveStreamConfiguration = LiveStreamConfiguration(),
            firstPacketTimeout: TimeAmount = .seconds(20), normalTimeout: TimeAmount = .seconds(5)
        ) {
            self.enabled = enabled
            self.chunkSize = chunkSize
            self.tcpNoDelay = tcpNoDelay
            self.live = live
            self.firstPacketTimeout = firstPacketTimeout
            self.normalTimeout = normalTimeout
        }
    }

    public static let defaultVhostName = "__defaultVhost__"

    public var maxConnections: Int
    /// A connection must finish the handshake within this time.
    public var handshakeTimeout: TimeAmount
    /// Largest RTMP message accepted from a peer.
    public var maxMessageSize: Int
    public var vhosts: [String: Vhost]
    /// The most chunk stream ids a peer may use (`rtmp_max_chunk_streams`).
    public var maxChunkStreams: Int
    /// The most bytes a peer's incomplete messages may declare together (`rtmp_max_pending_bytes`).
    public var maxPendingBytes: Int

    public init(
        maxConnections: Int = 1000, handshakeTimeout: TimeAmount = .seconds(10), maxMessageSize: Int = 8 << 20,
        vhosts: [String: Vhost] = [defaultVhostName: Vhost()], maxChunkStreams: Int = 64,
        maxPendingBytes: Int = 16 << 20
    ) {
        self.maxConnections = maxConnections
        self.handshakeTimeout = handshakeTimeout
        self.maxMessageSize = maxMessageSize
        self.vhosts = vhosts
        self.maxChunkStreams = maxChunkStreams
        self.maxPendingBytes = maxPendingBytes
    }

    /// The vhost a request names, falling back to `__defaultVhost__` as SRS does.
    public func vhost(named name: String) -> Vhost {
        vhosts[name] ?? vhosts[Self.defaultVhostName] ?? Vhost()
    }

    /// The name a stream is registered under: the configured vhost, or the default one.
    public func resolvedVhostName(_ name: String) -> String {
        // A key lookup: `vhosts[name] != nil` copies the vhost's settings out only to drop them.
        vhosts.index(forKey: name) != nil ? name : Self.defaultVhostName
    }
}
