/// The blocks whose directives Headwater reads.
enum DirectiveContext: Hashable, Sendable {
    case root
    case vhost
    case play
    case publish
}

/// What Headwater does with a directive it recognises.
enum DirectiveRole: Hashable, Sendable {
    /// A plain `name args;` setting.
    case setting(arguments: ClosedRange<Int>, repeatable: Bool)
    /// A `name args { }` block whose children belong to another context.
    case block(DirectiveContext, arguments: ClosedRange<Int>, repeatable: Bool)
    /// A section a later Headwater release will implement: warned about once, children not examined.
    case planned
}

/// Directive names, written once. SRS's names (`trunk/conf/full.conf`), plus two of Headwater's own.
enum DirectiveName {
    static let listen = "listen"
    static let maxConnections = "max_connections"
    static let chunkSize = "chunk_size"
    static let pid = "pid"
    static let logTank = "srs_log_tank"
    static let logLevel = "srs_log_level"
    static let logLevelV2 = "srs_log_level_v2"
    static let logFile = "srs_log_file"
    /// Headwater's own: the largest RTMP message a peer may send, in bytes.
    static let rtmpMaxMessageSize = "rtmp_max_message_size"
    /// Headwater's own: seconds a client has to finish the RTMP handshake.
    static let handshakeTimeout = "handshake_timeout"
    static let vhost = "vhost"

    static let enabled = "enabled"
    static let tcpNoDelay = "tcp_nodelay"
    static let minLatency = "min_latency"
    static let play = "play"
    static let publish = "publish"

    static let gopCache = "gop_cache"
    static let gopCacheMaxFrames = "gop_cache_max_frames"
    static let queueLength = "queue_length"
    static let timeJitter = "time_jitter"

    static let firstPacketTimeout = "firstpkt_timeout"
    static let normalTimeout = "normal_timeout"
}

/// Which directives Headwater knows, where, and in what shape. Anything absent here is unsupported.
enum DirectiveTable {
    private static let one: ClosedRange<Int> = 1...1
    private static let single = DirectiveRole.setting(arguments: one, repeatable: false)

    /// Sections later Headwater issues will implement, by the context SRS puts them in. `mode` and `origin`
    /// are SRS 1.x's vhost-level spelling of what `cluster { }` holds today.
    private static let plannedRoot = ["http_server", "http_api", "stats", "heartbeat"]
    private static let plannedVhost = [
        "hls", "dvr", "http_remux", "cluster", "transcode", "forward", "http_hooks", "ingest", "security", "refer",
        "mode", "origin",
    ]

    static let roles: [DirectiveContext: [String: DirectiveRole]] = [
        .root: [
            DirectiveName.listen: .setting(arguments: 1...Int.max, repeatable: true),
            DirectiveName.maxConnections: single,
            DirectiveName.chunkSize: single,
            DirectiveName.pid: single,
            DirectiveName.logTank: single,
            DirectiveName.logLevel: single,
            DirectiveName.logLevelV2: single,
            DirectiveName.logFile: single,
            DirectiveName.rtmpMaxMessageSize: single,
            DirectiveName.handshakeTimeout: single,
            DirectiveName.vhost: .block(.vhost, arguments: one, repeatable: true),
        ].merging(planned(plannedRoot)) { known, _ in known },
        .vhost: [
            DirectiveName.enabled: single,
            DirectiveName.chunkSize: single,
            DirectiveName.tcpNoDelay: single,
            DirectiveName.minLatency: single,
            DirectiveName.play: .block(.play, arguments: 0...0, repeatable: false),
            DirectiveName.publish: .block(.publish, arguments: 0...0, repeatable: false),
        ].merging(planned(plannedVhost)) { known, _ in known },
        .play: [
            DirectiveName.gopCache: single,
            DirectiveName.gopCacheMaxFrames: single,
            DirectiveName.queueLength: single,
            DirectiveName.timeJitter: single,
        ],
        .publish: [
            DirectiveName.firstPacketTimeout: single,
            DirectiveName.normalTimeout: single,
        ],
    ]

    /// The role of `name` in `context`, or `nil` when Headwater does not support it there.
    static func role(of name: String, in context: DirectiveContext) -> DirectiveRole? {
        self.roles[context]?[name]
    }

    private static func planned(_ names: [String]) -> [String: DirectiveRole] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, DirectiveRole.planned) })
    }
}
