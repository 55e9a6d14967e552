/// One virtual host: SRS's `vhost NAME { }` block, the settings Headwater implements, and the block itself
/// so later features can read their sections without reparsing.
public struct VhostConfiguration: Sendable, Hashable {
    /// The vhost SRS uses when a client names none or an unknown one (for example an IP address).
    public static let defaultName = "__defaultVhost__"

    /// The vhost name (`__defaultVhost__` or a host name).
    public var name: String
    /// Whether clients may use the vhost at all (SRS `enabled`, default on).
    public var enabled = true
    /// The RTMP chunk size for this vhost, overriding the global `chunk_size` when set (SRS `chunk_size`).
    public var chunkSize: Int?
    /// Whether sockets set TCP_NODELAY (SRS `tcp_nodelay`, default off).
    public var tcpNoDelay = false
    /// Whether latency is preferred over throughput (SRS `min_latency`, default off for RTMP).
    public var minLatency = false
    /// Player settings.
    public var play = PlayConfiguration()
    /// Publisher settings.
    public var publish = PublishConfiguration()
    /// HLS output (SRS `hls { }`).
    public var hls = HLSConfiguration()
    /// DVR recording (SRS `dvr { }`).
    public var dvr = DVRConfiguration()
    /// HTTP-FLV live streaming (SRS `http_remux { }`).
    public var httpRemux = HTTPRemuxConfiguration()
    /// Access rules by client address (SRS `security { }`).
    public var security = SecurityConfiguration()
    /// HTTP callbacks (SRS `http_hooks { }`).
    public var httpHooks = HTTPHooksConfiguration()
    /// Origin or edge (SRS `cluster { }`).
    public var cluster = ClusterConfiguration()
    /// Pushing each published stream to other servers (SRS `forward { }`).
    public var forward = ForwardConfiguration()
    /// In-process renditions of published streams (SRS `transcode [scope] { }`, repeatable).
    public var transcodes: [TranscodeConfiguration] = []
    /// Inputs libav reads and publishes as live streams (SRS `ingest ID { }`).
    public var ingests: [IngestConfiguration] = []
    /// The `vhost` block as written, or `nil` when the vhost was not in the file (the implied default vhost).
    /// Compared by content, not by line, like every `ConfigDirective`.
    public var raw: ConfigDirective?

    /// Creates a vhost with SRS's defaults.
    /// - Parameter name: The vhost name.
    public init(name: String) {
        self.name = name
    }
}
