public import NIOCore

/// Everything a run needs; the command line fills it.
public struct BenchConfiguration: Sendable {
    public var mode: BenchMode
    /// `rtmp://host[:port]/app/stream` for `play`/`publish`, `http://host[:port]/path.flv` for `flv`.
    public var url: String
    /// Players to start (play, flv).
    public var players: Int
    /// Players started per second while ramping.
    public var rate: Double
    /// Seconds from the first player's start to the end of the run (the drain comes after).
    public var duration: Double
    /// Batched reads once playing (`.zero`: read as data arrives).
    public var batchInterval: TimeAmount
    /// No media for this long while the publisher is live counts as a stall.
    public var stallAfter: TimeAmount
    /// An FLV file to publish from this process (`publish` mode, or `play`/`flv` with latency).
    public var publishFile: String?
    /// The RTMP URL the in-process publisher publishes to (play/flv: defaults to `url` for play).
    public var publishURL: String?
    /// Publishers in `publish` mode: `1` publishes `url`, more publish `url_0 ... url_{n-1}`.
    public var streams: Int
    public var connectTimeout: TimeAmount
    /// Event loop threads (defaults to the core count).
    public var threads: Int
    /// Every this many RTMP players (index 0, N, 2N, ...) parse every message for the whole run (latency,
    /// frame counts); the others parse until their first video frame and only count bytes after it, which
    /// keeps the tool's own cost per player small. `1`: all players parse everything.
    public var parseEvery: Int

    /// Upper bounds that keep a mistyped argument from exhausting the machine.
    public static let maximumPlayers = 100_000
    public static let maximumStreams = 1000
    public static let maximumDuration = 24 * 3600.0

    public init(
        mode: BenchMode, url: String, players: Int = 1, rate: Double = 100, duration: Double = 10,
        batchInterval: TimeAmount = .milliseconds(200), stallAfter: TimeAmount = .seconds(2),
        publishFile: String? = nil, publishURL: String? = nil, streams: Int = 1,
        connectTimeout: TimeAmount = .seconds(5), threads: Int = 1, parseEvery: Int = 1
    ) {
        self.mode = mode
        self.url = url
        self.players = min(max(players, 0), Self.maximumPlayers)
        self.rate = max(rate, 0.1)
        self.duration = min(max(duration, 0), Self.maximumDuration)
        self.batchInterval = batchInterval
        self.stallAfter = stallAfter
        self.publishFile = publishFile
        self.publishURL = publishURL
        self.streams = min(max(streams, 1), Self.maximumStreams)
        self.connectTimeout = connectTimeout
        self.threads = max(threads, 1)
        self.parseEvery = max(parseEvery, 1)
    }
}
