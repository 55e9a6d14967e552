public import NIOCore

/// A network player (RTMP, HTTP-FLV) whose media its loop's relay can write while it keeps up.
///
/// A player handles each packet itself (pacing, queueing, merged writes) until it reports `canFollow`.
/// From then on the relay does not call it per packet: it keeps the shared bytes of the loop's batches in
/// one trail and, once per `mergedWritesSetting` span, hands the player everything it has not sent yet as
/// a few page runs (`liveStreamFollowerFlush`). The player touches its own state only at those flushes, a
/// few times a second instead of once per packet. Anything that needs the player's judgement (a status
/// event, a message without shared bytes, a socket that filled up, a pause) hands pacing back to it,
/// with the packets it was not sent yet.
public protocol LiveFollower: LiveConsumer {
    /// The merged-writes setting (SRS `mw_latency`, `mw_msgs`) the relay flushes this player by.
    var mergedWritesSetting: LiveMergedWrites { get }
    /// Whether the player keeps up and holds nothing back: writable, nothing queued or waiting to be
    /// flushed, not paused, not waiting for a keyframe. Asked after each batch it handled itself.
    var canFollow: Bool { get }
    /// Writes `runs` (the shared bytes of `messages` media messages, in order) and flushes, when the
    /// player can take them now (`canFollow`).
    /// - Returns: Whether it wrote them. `false` ends following: the relay then delivers those messages
    ///   as packets, and the player paces them itself (queues them while its socket is full, drops them
    ///   while paused).
    func liveStreamFollowerFlush(_ runs: LiveFollowRuns, messages: Int) -> Bool
}

/// The bytes a following player has not been sent yet: the tail of its relay's trail, as page runs.
public struct LiveFollowRuns {
    let trail: LiveFollowTrail
    let position: LiveFollowTrail.Position

    /// Calls `body` with each run, oldest first; each is a view of a page, written without copying.
    public func forEach(_ body: (ByteBuffer) -> Void) {
        trail.forEach(from: position, body)
    }

    /// The number of bytes in all runs.
    public var byteCount: Int {
        var total = 0
        forEach { total += $0.readableBytes }
        return total
    }
}

/// The shared bytes one relay has delivered for one format, as maximal runs of back-to-back page bytes,
/// kept from the oldest position a follower has not sent yet.
struct LiveFollowTrail {
    /// Everything before `offset` in run `run` (and all earlier runs) is sent. A run may still grow at its
    /// end (the next message continues it), so a follower that sent all of it stays at its writer index.
    struct Position: Equatable {
        var run: Int
        var offset: Int
    }

    private var runs: [ByteBuffer] = []
    /// The absolute index of `runs[0]`; indices only grow, so positions stay valid while runs are dropped.
    private var firstIndex = 0

    /// Where a follower stands once it has sent everything so far.
    var end: Position {
        guard let last = runs.last else { return Position(run: firstIndex, offset: 0) }
        return Position(run: firstIndex + runs.count - 1, offset: last.writerIndex)
    }

    mutating func append(_ bytes: ByteBuffer) {
        if let last = runs.last, LiveWriteCoalescer.continues(last, with: bytes) {
            runs[runs.count - 1].moveWriterIndex(to: bytes.writerIndex)
        } else {
            runs.append(bytes)
        }
    }

    func forEach(from position: Position, _ body: (ByteBuffer) -> Void) {
        let start = max(position.run - firstIndex, 0)
        guard start < runs.count else { return }
        for index in start..<runs.count {
            var run = runs[index]
            if index == start && position.run >= firstIndex {
                guard position.offset < run.writerIndex else { continue }
                run.moveReaderIndex(to: max(run.readerIndex, position.offset))
            }
            body(run)
        }
    }

    /// Drops the runs before `run`: no follower needs them any more.
    mutating func dropRuns(before run: Int) {
        let count = min(max(run - firstIndex, 0), runs.count)
        guard count > 0 else { return }
        runs.removeFirst(count)
        firstIndex += count
    }

    /// Forgets every run (the format has no followers left).
    mutating func removeAll() {
        firstIndex += runs.count
        runs.removeAll(keepingCapacity: true)
    }
}
