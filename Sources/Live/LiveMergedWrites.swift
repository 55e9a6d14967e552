/// Merged writes, SRS's `play { mw_latency; mw_msgs; }`: a player's socket is flushed once per `latency`
/// of media (and at least `messages` messages) instead of after every batch the publisher sends, so each
/// player costs a few `writev` calls per second whatever the frame rate. Writes themselves are not
/// delayed: they queue in the channel (shared buffers, no copies) until the flush.
///
/// A pure value that the player (RTMP, HTTP-FLV) asks at the end of each batch. The span is measured in
/// media time, so no timer is needed; anything that is not media (status notices, a drained backlog, a
/// socket that stopped being writable, a timestamp that went backwards) flushes at once, and a joining
/// player's first batch (its GOP) is flushed at once for a fast first frame.
public struct LiveMergedWrites: Sendable, Hashable {
    /// The most messages held back, whatever their timestamps say (a stream whose clock stands still).
    public static let maximumHeldMessages = 512

    /// Milliseconds of media per flush; 0 flushes every batch.
    public let latency: Int64
    /// The fewest messages per flush (with `latency` > 0).
    public let messages: Int
    private var firstTimestamp: Int64?
    private var lastTimestamp: Int64 = 0
    private var heldMessages = 0
    private var mustFlush = false
    private var hasFlushedMedia = false

    /// - Parameters:
    ///   - latency: milliseconds of media per flush (SRS `mw_latency`); 0 disables merging.
    ///   - messages: the fewest messages per flush (SRS `mw_msgs`).
    public init(latency: Int64, messages: Int) {
        self.latency = max(0, latency)
        self.messages = max(0, messages)
    }

    /// No merging: every batch is flushed.
    public static let off = LiveMergedWrites(latency: 0, messages: 0)

    /// A media message was written to the channel (not flushed yet).
    public mutating func wroteMedia(timestamp: Int64) {
        if let firstTimestamp, timestamp < firstTimestamp { mustFlush = true }
        if firstTimestamp == nil { firstTimestamp = timestamp }
        lastTimestamp = max(lastTimestamp, timestamp)
        heldMessages += 1
    }

    /// Something that must not wait was written (a status notice), or a backlog was drained.
    public mutating func flushSoon() {
        mustFlush = true
    }

    /// At the end of a batch, with writes pending: whether to flush now. Resets the span when it says yes.
    /// - Parameter isWritable: a channel that stopped being writable is flushed so it can drain.
    public mutating func shouldFlush(isWritable: Bool) -> Bool {
        let due =
            latency == 0 || mustFlush || !isWritable || heldMessages >= Self.maximumHeldMessages
            || (!hasFlushedMedia && heldMessages > 0)
            || firstTimestamp.map { lastTimestamp - $0 >= latency && heldMessages >= messages } ?? true
        guard due else { return false }
        if heldMessages > 0 { hasFlushedMedia = true }
        firstTimestamp = nil
        lastTimestamp = 0
        heldMessages = 0
        mustFlush = false
        return true
    }
}
