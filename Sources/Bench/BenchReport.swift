/// The figures of a run (or of one second of it), printed as one `key=value` line that a script can
/// split on spaces and `=`. A figure with no sample (no latency without an in-process publisher) is `na`.
///
/// Keys, in order: `mode players connected failed mbps per_player_kbps_min per_player_kbps_median
/// ttff_p50_ms ttff_p99_ms stalled latency_p50_ms latency_p99_ms latency_samples frames_sent
/// frames_received_min frames_received_max frame_diff_min frame_diff_max duration_s`.
public struct BenchReport: Sendable, Hashable {
    public var mode: BenchMode
    /// Players asked for (publishers in `publish` mode).
    public var players: Int
    /// Players that reached playing (publishers that reached publishing).
    public var connected: Int
    /// Players that failed to connect, to handshake, or were refused or closed before playing; in the
    /// summary also those still connecting at the end.
    public var failed: Int
    /// Megabits per second received by all players together (sent, in `publish` mode).
    public var mbps: Double
    public var perPlayerKbps: Percentiles
    /// Connect start to the first video frame, in milliseconds.
    public var ttffMilliseconds: Percentiles
    /// Players that had no media for the stall interval while the publisher was live, at least once.
    public var stalled: Int
    /// Arrival minus the in-process publisher's send time of the same video timestamp, in milliseconds.
    public var latencyMilliseconds: Percentiles
    /// Video frames (not sequence headers) the in-process publisher sent; `nil` without one.
    public var framesSent: Int?
    /// Video frames each player received from its first keyframe on.
    public var framesReceived: Percentiles
    /// Per player: frames received minus frames the publisher sent from the player's first keyframe on.
    public var frameDifference: Percentiles
    public var durationSeconds: Double

    public init(
        mode: BenchMode, players: Int, connected: Int = 0, failed: Int = 0, mbps: Double = 0,
        perPlayerKbps: Percentiles = Percentiles([]), ttffMilliseconds: Percentiles = Percentiles([]),
        stalled: Int = 0, latencyMilliseconds: Percentiles = Percentiles([]), framesSent: Int? = nil,
        framesReceived: Percentiles = Percentiles([]), frameDifference: Percentiles = Percentiles([]),
        durationSeconds: Double = 0
    ) {
        self.mode = mode
        self.players = players
        self.connected = connected
        self.failed = failed
        self.mbps = mbps
        self.perPlayerKbps = perPlayerKbps
        self.ttffMilliseconds = ttffMilliseconds
        self.stalled = stalled
        self.latencyMilliseconds = latencyMilliseconds
        self.framesSent = framesSent
        self.framesReceived = framesReceived
        self.frameDifference = frameDifference
        self.durationSeconds = durationSeconds
    }

    /// The fields in print order.
    public var fields: [(key: String, value: String)] {
        [
            ("mode", mode.rawValue),
            ("players", "\(players)"),
            ("connected", "\(connected)"),
            ("failed", "\(failed)"),
            ("mbps", Self.format(mbps, decimals: 1)),
            ("per_player_kbps_min", Self.whole(perPlayerKbps.minimum)),
            ("per_player_kbps_median", Self.whole(perPlayerKbps.median)),
            ("ttff_p50_ms", Self.whole(ttffMilliseconds.median)),
            ("ttff_p99_ms", Self.whole(ttffMilliseconds.value(at: 99))),
            ("stalled", "\(stalled)"),
            ("latency_p50_ms", Self.whole(latencyMilliseconds.median)),
            ("latency_p99_ms", Self.whole(latencyMilliseconds.value(at: 99))),
            ("latency_samples", "\(latencyMilliseconds.count)"),
            ("frames_sent", framesSent.map { "\($0)" } ?? Self.missing),
            ("frames_received_min", Self.whole(framesReceived.minimum)),
            ("frames_received_max", Self.whole(framesReceived.maximum)),
            ("frame_diff_min", Self.whole(frameDifference.minimum)),
            ("frame_diff_max", Self.whole(frameDifference.maximum)),
            ("duration_s", Self.format(durationSeconds, decimals: 1)),
        ]
    }

    /// `summary key=value ...`: the final line.
    public var summaryLine: String { line(prefix: "summary") }

    /// `prefix key=value ...`.
    public func line(prefix: String) -> String {
        ([prefix] + fields.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }

    /// The `key=value` pairs of a line printed by ``line(prefix:)``; the prefix is ignored.
    public static func parse(_ line: Substring) -> [String: String] {
        var pairs: [String: String] = [:]
        for word in line.split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { continue }
            pairs[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        return pairs
    }

    static let missing = "na"

    static func whole(_ value: Double?) -> String {
        guard let value else { return missing }
        return "\(Int(value.rounded()))"
    }

    static func format(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = abs(scaled % Int(scale))
        guard decimals > 0 else { return "\(whole)" }
        let digits = String(fraction)
        let sign = value < 0 && whole == 0 && scaled != 0 ? "-" : ""
        return sign + "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}
