/// The NetStream `play` command (RTMP 1.0 §7.2.2.1). Optional fields are `nil` when the client
/// did not send them, so a decoded command re-encodes to the same bytes.
public struct RTMPPlayCommand: Sendable, Hashable {
    /// `start` of -2: live if there is one, else recorded (the default); -1: live only.
    public static let defaultStart: Double = -2
    /// `duration` of -1: play until the end.
    public static let defaultDuration: Double = -1

    /// Often 0: players do not wait for a `_result` of `play`.
    public var transactionID: Double
    /// The stream name, possibly with `?query`.
    public var streamName: String
    /// Start position in seconds, or -2/-1 (see `defaultStart`).
    public var start: Double?
    /// Duration in seconds, or -1 for all.
    public var duration: Double?
    /// Whether to flush a previous playlist.
    public var reset: Bool?

    /// Creates a `play`; leave optional fields `nil` to omit them on the wire.
    public init(
        transactionID: Double,
        streamName: String,
        start: Double? = nil,
        duration: Double? = nil,
        reset: Bool? = nil
    ) {
        self.transactionID = transactionID
        self.streamName = streamName
        self.start = start
        self.duration = duration
        self.reset = reset
    }

    /// Whether the client asked for a live stream only (start -1).
    public var isLiveOnly: Bool { start == -1 }
}
