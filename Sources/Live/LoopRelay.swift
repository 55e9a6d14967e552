import Media
import NIOCore

/// Delivers a stream's batches to the consumers of one event loop.
///
/// The stream hops to each relay's loop once per batch (`EventLoop.execute`), not once per
/// consumer or per packet; the relay then hands every local consumer the shared buffers and
/// lets each flush once. Players that keep up follow instead (`LiveFollower`): the relay keeps the
/// batch's bytes in a trail per format and writes each follower its share when its merged-writes span
/// is due, so per packet only the relay's own state is touched. A follower that cannot take its share
/// (its socket filled up, it paused) is handed the packets it was not sent, one by one as before, and
/// paces them itself. `members`, `trails` and `followed` are only touched on `eventLoop`; `pending` and
/// `subscriberCount` only on the stream's loop.
final class LoopRelay: @unchecked Sendable {
    struct Member {
        let consumer: any LiveConsumer
        let follower: (any LiveFollower)?
        let slot: Int?
        var following = false
        /// The follower's `mergedWritesSetting`, kept here so a batch touches no player that is not due.
        var setting = LiveMergedWrites.off
        /// Where the follower's unsent bytes start in its slot's trail.
        var position = LiveFollowTrail.Position(run: 0, offset: 0)
        /// `mediaCount` and `lastTimestamp` at the follower's last flush: the index of its first unsent packet.
        var flushedCount = 0
        var flushedTimestamp: Int64 = 0
    }

    let eventLoop: any EventLoop
    private var members: [Member] = []
    /// One trail per format slot with followers, indexed by slot.
    private var trails: [LiveFollowTrail?] = []
    private var followerCount = 0
    /// The packets followers may still be owed, from the absolute index `firstFollowedIndex`.
    private var followed: [EncodedPacket] = []
    private var firstFollowedIndex = 0
    /// Media messages kept for followers so far (the absolute index of the next), and the newest timestamp.
    private var mediaCount = 0
    private var lastTimestamp: Int64 = 0

    // Owned by the stream's loop.
    var pending: [RelayEntry] = []
    var subscriberCount = 0

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Sends the pending entries to this relay's loop (inline when it is the stream's loop).
    func flush(from streamLoop: any EventLoop) {
        guard !pending.isEmpty else { return }
        if eventLoop === streamLoop {
            // Lend, then reuse the storage. Consumers reach the stream only through `execute`,
            // so nothing appends to `pending` while it is being delivered.
            deliver(pending)
            pending.removeAll(keepingCapacity: true)
        } else {
            let batch = pending
            pending = []
            eventLoop.execute { self.deliver(batch) }
        }
    }

    func deliver(_ batch: [RelayEntry]) {
        eventLoop.preconditionInEventLoop()
        guard !members.isEmpty else { return }
        for entry in batch {
            if case .media(let encoded) = entry {
                let timestamp = encoded.packet.timestamp
                // Audio and video interleave a little out of order; only a real jump back restarts the spans
                // (a follower whose span went negative is flushed at once).
                lastTimestamp = timestamp < lastTimestamp - Self.backwardJump ? timestamp : max(lastTimestamp, timestamp)
                if followerCount > 0 { keepForFollowers(encoded) }
                // Indexed, not `for member in members`: copying a member would retain its references.
                for index in members.indices where !members[index].following {
                    let bytes = members[index].slot.flatMap { encoded[$0] }
                    members[index].consumer.liveStream(didReceive: .media(encoded.packet, encoded: bytes))
                }
            } else {
                // Status events need each player's own handling, after everything it was owed.
                if followerCount > 0 { releaseAllFollowers() }
                for member in members {
                    member.consumer.liveStream(didReceive: Self.event(for: entry, slot: member.slot))
                }
            }
        }
        if followerCount > 0 { flushDueFollowers() }
        for index in members.indices where !members[index].following {
            members[index].consumer.liveStreamDidFinishBatch()
            if let follower = members[index].follower, members[index].slot != nil, follower.canFollow {
                startFollowing(index, setting: follower.mergedWritesSetting)
            }
        }
        if followerCount > 0 { dropSent() } else if !followed.isEmpty { forgetFollowed() }
    }

    /// Adds a consumer after giving it its join snapshot; runs on `eventLoop`.
    func join(_ consumer: any LiveConsumer, slot: Int?, snapshot: [RelayEntry]) {
        eventLoop.preconditionInEventLoop()
        for entry in snapshot {
            consumer.liveStream(didReceive: Self.event(for: entry, slot: slot))
        }
        if !snapshot.isEmpty { consumer.liveStreamDidFinishBatch() }
        members.append(Member(consumer: consumer, follower: consumer as? any LiveFollower, slot: slot))
    }

    func leave(_ consumer: any LiveConsumer) {
        eventLoop.preconditionInEventLoop()
        guard let index = members.firstIndex(where: { $0.consumer === consumer }) else { return }
        if members[index].following { stopFollowing(index) }
        members.remove(at: index)
    }

    private static func event(for entry: RelayEntry, slot: Int?) -> LiveEvent {
        switch entry {
        case .media(let encoded):
            return .media(encoded.packet, encoded: slot.flatMap { encoded[$0] })
        case .publishStarted:
            return .publishStarted
        case .unpublished:
            return .unpublished
        }
    }

    // MARK: Followers

    private func keepForFollowers(_ encoded: EncodedPacket) {
        for slot in trails.indices where trails[slot] != nil {
            guard let bytes = encoded[slot] else {
                // No shared bytes for this format (it was added mid-batch): its followers take the packet themselves.
                release(slot: slot)
                continue
            }
            trails[slot]!.append(bytes)
        }
        followed.append(encoded)
        mediaCount += 1
    }

    /// A timestamp this far behind the newest one is a jump, not interleaving.
    private static let backwardJump: Int64 = 1000

    /// Flushes every follower whose merged-writes span is complete.
    private func flushDueFollowers() {
        for index in members.indices where members[index].following {
            let held = mediaCount - members[index].flushedCount
            guard held > 0 else { continue }
            let span = lastTimestamp - members[index].flushedTimestamp
            let setting = members[index].setting
            let due =
                setting.latency == 0 || span < 0 || held >= LiveMergedWrites.maximumHeldMessages
                || (span >= setting.latency && held >= setting.messages)
            if due { flushFollower(index) }
        }
    }

    /// Writes a follower what it is owed, or hands it the packets when it cannot take them now.
    private func flushFollower(_ index: Int) {
        guard let follower = members[index].follower, let slot = members[index].slot, let trail = trails[slot] else { return }
        let runs = LiveFollowRuns(trail: trail, position: members[index].position)
        guard follower.liveStreamFollowerFlush(runs, messages: mediaCount - members[index].flushedCount) else {
            release(index)
            return
        }
        members[index].position = trail.end
        members[index].flushedCount = mediaCount
        members[index].flushedTimestamp = lastTimestamp
    }

    /// Stops following and gives the consumer, through its own pacing, every packet it was not sent.
    private func release(_ index: Int) {
        let member = members[index]
        stopFollowing(index)
        let start = max(member.flushedCount - firstFollowedIndex, 0)
        guard start < followed.count else { return }
        for entry in followed[start...] {
            member.consumer.liveStream(didReceive: .media(entry.packet, encoded: member.slot.flatMap { entry[$0] }))
        }
    }

    private func startFollowing(_ index: Int, setting: LiveMergedWrites) {
        guard let slot = members[index].slot else { return }
        members[index].setting = setting
        if trails.count <= slot { trails.append(contentsOf: repeatElement(nil, count: slot - trails.count + 1)) }
        if trails[slot] == nil { trails[slot] = LiveFollowTrail() }
        members[index].following = true
        members[index].position = trails[slot]!.end
        members[index].flushedCount = mediaCount
        members[index].flushedTimestamp = lastTimestamp
        followerCount += 1
    }

    private func stopFollowing(_ index: Int) {
        members[index].following = false
        followerCount -= 1
        if let slot = members[index].slot, !members.contains(where: { $0.following && $0.slot == slot }) {
            trails[slot] = nil
        }
    }

    /// Hands the followers of `slot` their pacing back, with the packets they were not sent.
    private func release(slot: Int) {
        for index in members.indices where members[index].following && members[index].slot == slot {
            release(index)
        }
    }

    private func releaseAllFollowers() {
        for slot in trails.indices where trails[slot] != nil {
            release(slot: slot)
        }
    }

    /// Forgets the packets and runs every follower has been sent.
    private func dropSent() {
        var oldestPacket = Int.max
        for index in members.indices where members[index].following {
            oldestPacket = min(oldestPacket, members[index].flushedCount)
        }
        let sent = min(max(oldestPacket - firstFollowedIndex, 0), followed.count)
        if sent > 0 {
            followed.removeFirst(sent)
            firstFollowedIndex += sent
        }
        for slot in trails.indices where trails[slot] != nil {
            var oldest = Int.max
            for index in members.indices where members[index].following && members[index].slot == slot {
                oldest = min(oldest, members[index].position.run)
            }
            trails[slot]!.dropRuns(before: oldest)
        }
    }

    private func forgetFollowed() {
        firstFollowedIndex += followed.count
        followed.removeAll(keepingCapacity: true)
    }
}
