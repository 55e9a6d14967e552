public import DequeModule
public import Media
public import NIOCore

/// A consumer's bounded backlog, measured in seconds of media (SRS `queue_length`).
///
/// Used while the consumer's socket is not writable. When the backlog grows past the bound it
/// is cut back to its newest keyframe (headers kept), or emptied to wait for the next keyframe:
/// the player skips ahead instead of the server buffering without limit.
public struct LiveConsumerQueue {
    public struct Item {
        public var packet: MediaPacket
        public var bytes: ByteBuffer?
    }

    public private(set) var items: Deque<Item> = []
    /// Milliseconds of media the queue may span.
    public var maximumDuration: Int64
    /// Bytes the queue may hold whatever the timestamps say (a publisher's clock can stand still
    /// or run backwards, which would keep `duration` small).
    public var maximumBytes: Int
    /// Packets discarded since the consumer started.
    public private(set) var droppedPackets = 0
    /// Times the queue was cut back since it was last empty: a measure of a peer that stays behind.
    public private(set) var cutsSinceDrained = 0
    private var waitingForKeyframe = false
    private var hasVideo = false
    private var queuedBytes = 0

    /// The default byte bound: 30 s of an 8 Mbit/s stream.
    public static let defaultMaximumBytes = 32 << 20

    public init(maximumDuration seconds: Double, maximumBytes: Int = LiveConsumerQueue.defaultMaximumBytes) {
        self.maximumDuration = Int64(seconds * 1000)
        self.maximumBytes = maximumBytes
    }

    public var isEmpty: Bool { items.isEmpty }
    public var count: Int { items.count }
    public var byteCount: Int { queuedBytes }
    /// Whether the queue was cut and admits nothing but headers until the next keyframe.
    public var isWaitingForKeyframe: Bool { waitingForKeyframe }

    /// Milliseconds between the oldest and newest queued media packet.
    ///
    /// Headers and metadata do not count: a cut keeps them with their old timestamps, and
    /// measuring from them would make every later append look like a new cut.
    public var duration: Int64 {
        guard let last = items.last, let first = items.first(where: { !Self.isHeader($0.packet) }) else { return 0 }
        return last.packet.timestamp - first.packet.timestamp
    }

    private static func isHeader(_ packet: MediaPacket) -> Bool {
        packet.isSequenceHeader || packet.flags.contains(.metadata)
    }

    /// Whether a packet may bypass the queue: it must not overtake queued ones, and after a cut
    /// only headers pass until the next keyframe.
    public mutating func admitsDirectWrite(_ packet: MediaPacket) -> Bool {
        items.isEmpty && admits(packet)
    }

    /// Queues a packet, cutting the backlog if it now spans more than `maximumDuration`.
    /// - Returns: how many packets were dropped by this call.
    @discardableResult
    public mutating func append(_ packet: MediaPacket, bytes: ByteBuffer?) -> Int {
        guard admits(packet) else {
            droppedPackets += 1
            return 1
        }
        items.append(Item(packet: packet, bytes: bytes))
        queuedBytes += bytes?.readableBytes ?? packet.payload.readableBytes
        guard duration > maximumDuration || queuedBytes > maximumBytes else { return 0 }
        return cut()
    }

    public mutating func popFirst() -> Item? {
        guard let item = items.popFirst() else { return nil }
        queuedBytes -= item.bytes?.readableBytes ?? item.packet.payload.readableBytes
        if items.isEmpty { cutsSinceDrained = 0 }
        return item
    }

    private mutating func admits(_ packet: MediaPacket) -> Bool {
        if packet.kind == .video && !packet.isSequenceHeader { hasVideo = true }
        guard waitingForKeyframe else { return true }
        if packet.isSequenceHeader || packet.flags.contains(.metadata) { return true }
        if packet.kind == .video && packet.isKeyframe {
            waitingForKeyframe = false
            return true
        }
        return !hasVideo  // audio-only streams have no keyframes to wait for
    }

    private func bytes(from index: Int) -> Int {
        items[index...].reduce(0) { $0 + ($1.bytes?.readableBytes ?? $1.packet.payload.readableBytes) }
    }

    /// Drops media up to the newest keyframe (or everything, then waits for one); keeps headers.
    private mutating func cut() -> Int {
        cutsSinceDrained += 1
        let newestKeyframe = hasVideo ? items.lastIndex(where: { $0.packet.kind == .video && $0.packet.isKeyframe }) : nil
        let keepFrom: Int
        if let newestKeyframe, newestKeyframe > items.startIndex,
            items[items.index(before: items.endIndex)].packet.timestamp - items[newestKeyframe].packet.timestamp
                <= maximumDuration,
            bytes(from: newestKeyframe) <= maximumBytes
        {
            keepFrom = newestKeyframe
        } else if hasVideo {
            keepFrom = items.endIndex
            waitingForKeyframe = true
        } else {
            // Audio only: keep the newest half of the window.
            let cutoff = items[items.index(before: items.endIndex)].packet.timestamp - maximumDuration / 2
            var from = items.firstIndex(where: { $0.packet.timestamp >= cutoff }) ?? items.endIndex
            if queuedBytes > maximumBytes { from = max(from, items.count / 2) }  // a clock that stands still
            keepFrom = from
        }
        var kept: Deque<Item> = []
        var dropped = 0
        for index in items.indices {
            let item = items[index]
            if index >= keepFrom || item.packet.isSequenceHeader || item.packet.flags.contains(.metadata) {
                kept.append(item)
            } else {
                dropped += 1
            }
        }
        items = kept
        queuedBytes = items.reduce(0) { $0 + ($1.bytes?.readableBytes ?? $1.packet.payload.readableBytes) }
        droppedPackets += dropped
        return dropped
    }
}
