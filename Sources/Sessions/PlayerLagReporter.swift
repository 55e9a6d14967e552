public import Live
public import Logging
import Metrics
import NIOCore

/// Counts and logs what a player's pacer decided when the player fell behind, the same way for every
/// kind of player. One reporter per kind, shared: players hold no metric objects of their own.
public struct PlayerLagReporter: Sendable {
    public static let rtmpPlayer = PlayerLagReporter(kind: .rtmpPlayer)
    public static let flvPlayer = PlayerLagReporter(kind: .flvPlayer)

    private let dropped: Counter
    private let disconnected: Counter

    init(kind: ClientKind) {
        dropped = Counter(label: MetricLabel.droppedPackets, dimensions: [("kind", kind.rawValue)])
        disconnected = Counter(label: MetricLabel.slowPlayersDisconnected, dimensions: [("kind", kind.rawValue)])
    }

    /// Records a `.dropped` or `.disconnect` placement (others need nothing): the metrics, and a log line
    /// (rate-limited by the pacer while the player only lags).
    /// - Returns: whether the player must be disconnected.
    public func report(_ placement: LivePlayerPacer.Placement, pacer: inout LivePlayerPacer, logger: Logger) -> Bool {
        switch placement {
        case .write, .queued:
            return false
        case .dropped(let count):
            dropped.increment(by: Int64(count))
            if pacer.shouldLogLag(now: .now()) {
                logger.warning(
                    "player lagging, skipped to keyframe",
                    metadata: ["dropped": "\(pacer.queue.droppedPackets)", "queue.ms": "\(pacer.queue.duration)"])
            }
            return false
        case .disconnect(let count):
            dropped.increment(by: Int64(count))
            disconnected.increment()
            logger.warning(
                "player too slow, disconnecting",
                metadata: ["dropped": "\(pacer.queue.droppedPackets)", "queued.bytes": "\(pacer.queue.byteCount)"])
            return true
        }
    }
}
