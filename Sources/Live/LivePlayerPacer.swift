public import Media
public import NIOCore

/// The pacing rules every network player shares (RTMP, HTTP-FLV): pause and resume at a keyframe,
/// write straight to the socket while it is writable, otherwise queue in a bounded
/// `LiveConsumerQueue` that skips ahead to keyframes, and give up on a player that stays behind.
///
/// A pure value: the player owns the socket and asks the pacer, packet by packet, what to do.
public struct LivePlayerPacer {
    /// Cuts in a row without the queue draining, after which a player is disconnected.
    public static let defaultMaximumCutsBeforeDisconnect = 3
    /// The shortest interval between two "lagging" log lines of one player.
    public static let lagLogInterval: TimeAmount = .seconds(5)

    /// Where a packet that `accepts` let through goes.
    public enum Placement: Equatable, Sendable {
        /// Write it now: the socket is writable and nothing waits before it.
        case write
        /// Queued behind earlier packets; written by `popFirst` when the socket drains.
        case queued
        /// The queue was cut back to a keyframe (or the packet dropped while waiting for one).
        case dropped(Int)
        /// The player stayed behind for too long: close it. Carries the packets dropped by this call.
        case disconnect(dropped: Int)
    }

    public private(set) var queue: LiveConsumerQueue
    public let maximumCutsBeforeDisconnect: Int
    public private(set) var isPaused = false
    private var needsKeyframe = false
    /// Whether the stream has sent video frames: only then does a resume wait for a keyframe.
    private var hasVideo = false
    private var lastLagLog: NIODeadline = .distantPast

    /// - Parameters:
    ///   - queueLength: Seconds of media the queue may hold (SRS `queue_length`).
    ///   - maximumCutsBeforeDisconnect: Cuts in a row after which the player is given up.
    public init(queueLength: Double, maximumCutsBeforeDisconnect: Int = Self.defaultMaximumCutsBeforeDisconnect) {
        self.queue = LiveConsumerQueue(maximumDuration: queueLength)
        self.maximumCutsBeforeDisconnect = maximumCutsBeforeDisconnect
    }

    /// Pauses or resumes; a resume waits for the next keyframe when the stream has video.
    public mutating func setPaused(_ paused: Bool) {
        isPaused = paused
        if !paused { needsKeyframe = true }
    }

    /// Whether a packet goes to the player at all: not while paused, and after a resume only headers
    /// until the next video keyframe.
    public mutating func accepts(_ packet: MediaPacket) -> Bool {
        if packet.kind == .video && !packet.isSequenceHeader { hasVideo = true }
        if isPaused { return false }
        if needsKeyframe && hasVideo {
            guard packet.isSequenceHeader || packet.flags.contains(.metadata) || (packet.kind == .video && packet.isKeyframe)
            else { return false }
            if packet.kind == .video && packet.isKeyframe && !packet.isSequenceHeader { needsKeyframe = false }
        }
        return true
    }

    /// Decides between writing an accepted packet now and queueing it.
    /// - Parameters:
    ///   - bytes: The packet's shared encoding, kept with it when queued.
    ///   - isWritable: Whether the player's channel is writable now.
    public mutating func place(_ packet: MediaPacket, bytes: ByteBuffer?, isWritable: Bool) -> Placement {
        if isWritable && queue.admitsDirectWrite(packet) { return .write }
        let dropped = queue.append(packet, bytes: bytes)
        guard dropped > 0 else { return .queued }
        if queue.cutsSinceDrained >= maximumCutsBeforeDisconnect { return .disconnect(dropped: dropped) }
        return .dropped(dropped)
    }

    /// The oldest queued packet, to write now that the socket drained.
    public mutating func popFirst() -> LiveConsumerQueue.Item? {
        queue.popFirst()
    }

    public var isQueueEmpty: Bool { queue.isEmpty }

    /// Whether every packet would go straight to a writable socket: not paused, not waiting for a
    /// keyframe, nothing queued.
    public var isSteady: Bool {
        !isPaused && !(needsKeyframe && hasVideo) && queue.isEmpty && !queue.isWaitingForKeyframe
    }

    /// Whether a "lagging" warning may be logged now (at most once per `lagLogInterval`).
    public mutating func shouldLogLag(now: NIODeadline) -> Bool {
        guard now - lastLagLog > Self.lagLogInterval else { return false }
        lastLagLog = now
        return true
    }
}
