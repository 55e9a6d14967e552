/// The blocks whose directives Headwater reads.
enum DirectiveContext: Hashable, Sendable {
    case root
    case vhost
    case play
    case publish
    case hls
    case dvr
    case httpServer
    case httpRemux
    case security
    case httpHooks
    case httpAPI
    case httpAPIAuth
    case cluster
    case forward
    case transcode
    case transcodeEngine
    /// `vparams { }` / `aparams { }`: encoder options, any names, read without the table.
    case encoderParameters
    case ingest
    case ingestInput
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
    /// Headwater's own limits (`LimitsConfiguration`).
    static let maxConnectionsPerIP = "max_connections_per_ip"
    static let rtmpMaxChunkStreams = "rtmp_max_chunk_streams"
    static let rtmpMaxPendingBytes = "rtmp_max_pending_bytes"
    static let httpMaxHeaderSize = "http_max_header_size"
    static let httpMaxRequestsPerIP = "http_max_requests_per_ip"
    static let httpHooksMaxPending = "http_hooks_max_pending"
    static let hlsMaxBacklogBytes = "hls_max_backlog_bytes"
    static let dvrMaxBacklogBytes = "dvr_max_backlog_bytes"
    /// Headwater's own: the GOP cache's byte bound, beside SRS's `gop_cache_max_frames`.
    static let gopCacheMaxBytes = "gop_cache_max_bytes"
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
    static let mwLatency = "mw_latency"
    static let mwMessages = "mw_msgs"

    static let firstPacketTimeout = "firstpkt_timeout"
    static let normalTimeout = "normal_timeout"

    static let hls = "hls"
    static let hlsFragment = "hls_fragment"
    static let hlsTDRatio = "hls_td_ratio"
    static let hlsAOFRatio = "hls_aof_ratio"
    static let hlsWindow = "hls_window"
    static let hlsOnError = "hls_on_error"
    static let hlsPath = "hls_path"
    static let hlsM3U8File = "hls_m3u8_file"
    static let hlsTSFile = "hls_ts_file"
    static let hlsEntryPrefix = "hls_entry_prefix"
    static let hlsAudioCodec = "hls_acodec"
    static let hlsVideoCodec = "hls_vcodec"
    static let hlsCleanup = "hls_cleanup"
    static let hlsDispose = "hls_dispose"
    static let hlsWaitKeyframe = "hls_wait_keyframe"

    static let dvr = "dvr"
    static let dvrApply = "dvr_apply"
    static let dvrPlan = "dvr_plan"
    static let dvrPath = "dvr_path"
    static let dvrDuration = "dvr_duration"
    static let dvrWaitKeyframe = "dvr_wait_keyframe"

    static let httpServer = "http_server"
    static let dir = "dir"
    static let crossdomain = "crossdomain"

    static let httpRemux = "http_remux"
    static let mount = "mount"
    static let security = "security"
    static let allow = "allow"
    static let deny = "deny"

    static let httpHooks = "http_hooks"
    /// Headwater's own: seconds one HTTP callback may take.
    static let hookTimeout = "timeout"
    /// Headwater's own: what a callback that times out or fails means (deny or allow).
    static let hookOnFailure = "on_failure"
    static let httpAPI = "http_api"
    static let auth = "auth"
    static let username = "username"
    static let password = "password"

    static let cluster = "cluster"
    static let mode = "mode"
    static let origin = "origin"
    static let tokenTraverse = "token_traverse"
    static let debugSrsUpnode = "debug_srs_upnode"
    static let clusterProtocol = "protocol"
    static let followClient = "follow_client"
    /// Headwater's own: seconds an edge keeps an upstream open after its last player left.
    static let idleTimeout = "idle_timeout"
    /// Headwater's own: seconds without media (or to connect) before an edge moves to the next origin.
    static let upstreamTimeout = "upstream_timeout"
    static let forward = "forward"
    static let destination = "destination"

    static let transcode = "transcode"
    static let ingest = "ingest"
    static let engine = "engine"
    /// SRS's path to its ffmpeg binary: read and ignored, engines run in-process.
    static let ffmpeg = "ffmpeg"
    static let vcodec = "vcodec"
    static let vbitrate = "vbitrate"
    static let vfps = "vfps"
    static let vwidth = "vwidth"
    static let vheight = "vheight"
    static let vthreads = "vthreads"
    static let vprofile = "vprofile"
    static let vpreset = "vpreset"
    static let vparams = "vparams"
    static let acodec = "acodec"
    static let abitrate = "abitrate"
    static let asampleRate = "asample_rate"
    static let achannels = "achannels"
    static let aparams = "aparams"
    static let iformat = "iformat"
    static let oformat = "oformat"
    static let output = "output"
    static let input = "input"
    static let type = "type"
    static let url = "url"
}

/// Which directives Headwater knows, where, and in what shape. Anything absent here is unsupported.
enum DirectiveTable {
    private static let one: ClosedRange<Int> = 1...1
    private static let single = DirectiveRole.setting(arguments: one, repeatable: false)

    /// Sections later Headwater issues will implement, by the context SRS puts them in.
    private static let plannedRoot = ["stats", "heartbeat"]
    private static let plannedVhost = ["refer"]
    /// SRS's ffmpeg filters and per-file options: a later release may map them onto libavfilter.
    private static let plannedEngine = ["vfilter", "perfile"]
    /// SRS's MESH origin cluster (SRS 6 dropped it for a proxy); an edge's `origin` list covers the common use.
    private static let plannedCluster = ["origin_cluster", "coworkers"]
    /// SRS's AES-128 segment encryption (DESIGN: HLS keys come later). SRS's other `hls` directives
    /// (`hls_ctx`, `hls_ts_floor`, `hls_use_fmp4`...) are simply unsupported.
    private static let plannedHLS = [
        "hls_keys", "hls_fragments_per_key", "hls_key_file", "hls_key_file_path", "hls_key_url",
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
            DirectiveName.maxConnectionsPerIP: single,
            DirectiveName.rtmpMaxChunkStreams: single,
            DirectiveName.rtmpMaxPendingBytes: single,
            DirectiveName.httpMaxHeaderSize: single,
            DirectiveName.httpMaxRequestsPerIP: single,
            DirectiveName.httpHooksMaxPending: single,
            DirectiveName.hlsMaxBacklogBytes: single,
            DirectiveName.dvrMaxBacklogBytes: single,
            DirectiveName.vhost: .block(.vhost, arguments: one, repeatable: true),
            DirectiveName.httpServer: .block(.httpServer, arguments: 0...0, repeatable: false),
            DirectiveName.httpAPI: .block(.httpAPI, arguments: 0...0, repeatable: false),
        ].merging(planned(plannedRoot)) { known, _ in known },
        .vhost: [
            DirectiveName.enabled: single,
            DirectiveName.chunkSize: single,
            DirectiveName.tcpNoDelay: single,
            DirectiveName.minLatency: single,
            DirectiveName.play: .block(.play, arguments: 0...0, repeatable: false),
            DirectiveName.publish: .block(.publish, arguments: 0...0, repeatable: false),
            DirectiveName.hls: .block(.hls, arguments: 0...0, repeatable: false),
            DirectiveName.dvr: .block(.dvr, arguments: 0...0, repeatable: false),
            DirectiveName.httpRemux: .block(.httpRemux, arguments: 0...0, repeatable: false),
            DirectiveName.security: .block(.security, arguments: 0...0, repeatable: false),
            DirectiveName.httpHooks: .block(.httpHooks, arguments: 0...0, repeatable: false),
            DirectiveName.cluster: .block(.cluster, arguments: 0...0, repeatable: false),
            // SRS 1.x's vhost-level spelling of what `cluster { }` holds today.
            DirectiveName.mode: single,
            DirectiveName.origin: .setting(arguments: 1...Int.max, repeatable: false),
            // A block, or SRS 1.x's `forward HOST:PORT ...;`.
            DirectiveName.forward: .block(.forward, arguments: 0...Int.max, repeatable: false),
            DirectiveName.transcode: .block(.transcode, arguments: 0...1, repeatable: true),
            DirectiveName.ingest: .block(.ingest, arguments: one, repeatable: true),
        ].merging(planned(plannedVhost)) { known, _ in known },
        .transcode: [
            DirectiveName.enabled: single,
            DirectiveName.ffmpeg: single,
            DirectiveName.engine: .block(.transcodeEngine, arguments: 0...1, repeatable: true),
        ],
        .ingest: [
            DirectiveName.enabled: single,
            DirectiveName.ffmpeg: single,
            DirectiveName.input: .block(.ingestInput, arguments: 0...0, repeatable: false),
            DirectiveName.engine: .block(.transcodeEngine, arguments: 0...1, repeatable: true),
        ],
        .ingestInput: [
            DirectiveName.type: single,
            DirectiveName.url: single,
        ],
        .transcodeEngine: [
            DirectiveName.enabled: single,
            DirectiveName.vcodec: single,
            DirectiveName.vbitrate: single,
            DirectiveName.vfps: single,
            DirectiveName.vwidth: single,
            DirectiveName.vheight: single,
            DirectiveName.vthreads: single,
            DirectiveName.vprofile: single,
            DirectiveName.vpreset: single,
            DirectiveName.vparams: .block(.encoderParameters, arguments: 0...0, repeatable: false),
            DirectiveName.acodec: single,
            DirectiveName.abitrate: single,
            DirectiveName.asampleRate: single,
            DirectiveName.achannels: single,
            DirectiveName.aparams: .block(.encoderParameters, arguments: 0...0, repeatable: false),
            DirectiveName.iformat: single,
            DirectiveName.oformat: single,
            DirectiveName.output: single,
        ].merging(planned(plannedEngine)) { known, _ in known },
        .cluster: [
            DirectiveName.mode: single,
            DirectiveName.origin: .setting(arguments: 1...Int.max, repeatable: false),
            DirectiveName.tokenTraverse: single,
            DirectiveName.vhost: single,
            DirectiveName.debugSrsUpnode: single,
            DirectiveName.clusterProtocol: single,
            DirectiveName.followClient: single,
            DirectiveName.idleTimeout: single,
            DirectiveName.upstreamTimeout: single,
        ].merging(planned(plannedCluster)) { known, _ in known },
        .forward: [
            DirectiveName.enabled: single,
            DirectiveName.destination: .setting(arguments: 1...Int.max, repeatable: false),
        ],
        .play: [
            DirectiveName.gopCache: single,
            DirectiveName.gopCacheMaxFrames: single,
            DirectiveName.gopCacheMaxBytes: single,
            DirectiveName.queueLength: single,
            DirectiveName.timeJitter: single,
            DirectiveName.mwLatency: single,
            DirectiveName.mwMessages: single,
        ],
        .publish: [
            DirectiveName.firstPacketTimeout: single,
            DirectiveName.normalTimeout: single,
        ],
        .hls: [
            DirectiveName.enabled: single,
            DirectiveName.hlsFragment: single,
            DirectiveName.hlsTDRatio: single,
            DirectiveName.hlsAOFRatio: single,
            DirectiveName.hlsWindow: single,
            DirectiveName.hlsOnError: single,
            DirectiveName.hlsPath: single,
            DirectiveName.hlsM3U8File: single,
            DirectiveName.hlsTSFile: single,
            DirectiveName.hlsEntryPrefix: single,
            DirectiveName.hlsAudioCodec: single,
            DirectiveName.hlsVideoCodec: single,
            DirectiveName.hlsCleanup: single,
            DirectiveName.hlsDispose: single,
            DirectiveName.hlsWaitKeyframe: single,
        ].merging(planned(plannedHLS)) { known, _ in known },
        .dvr: [
            DirectiveName.enabled: single,
            DirectiveName.dvrApply: .setting(arguments: 1...Int.max, repeatable: false),
            DirectiveName.dvrPlan: single,
            DirectiveName.dvrPath: single,
            DirectiveName.dvrDuration: single,
            DirectiveName.dvrWaitKeyframe: single,
            DirectiveName.timeJitter: single,
        ],
        .httpServer: [
            DirectiveName.enabled: single,
            DirectiveName.listen: single,
            DirectiveName.dir: single,
            DirectiveName.crossdomain: single,
        ],
        .httpRemux: [
            DirectiveName.enabled: single,
            DirectiveName.mount: single,
        ],
        .security: [
            DirectiveName.enabled: single,
            DirectiveName.allow: .setting(arguments: 2...2, repeatable: true),
            DirectiveName.deny: .setting(arguments: 2...2, repeatable: true),
        ],
        .httpHooks: [
            DirectiveName.enabled: single,
            DirectiveName.hookTimeout: single,
            DirectiveName.hookOnFailure: single,
        ].merging(
            HTTPHooksConfiguration.Hook.allCases.map {
                ($0.rawValue, DirectiveRole.setting(arguments: 1...Int.max, repeatable: false))
            }
        ) { known, _ in known },
        .httpAPI: [
            DirectiveName.enabled: single,
            DirectiveName.listen: single,
            DirectiveName.crossdomain: single,
            DirectiveName.auth: .block(.httpAPIAuth, arguments: 0...0, repeatable: false),
        ],
        .httpAPIAuth: [
            DirectiveName.enabled: single,
            DirectiveName.username: single,
            DirectiveName.password: single,
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
