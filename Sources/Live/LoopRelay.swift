import NIOCore

/// Delivers a stream's batches to the consumers of one event loop.
///
/// The stream hops to each relay's loop once per batch (`EventLoop.execute`), not once per
/// consumer or per packet; the relay then hands every local consumer the shared buffers and
/// lets each flush once. `members` is only touched on `eventLoop`; `pending` and
/// `subscriberCount` only on the stream's loop.
final class LoopRelay: @unchecked Sendable {
    struct Member {
        let consumer: any LiveConsumer
        let slot: Int?
    }

    let eventLoop: any EventLoop
    private var members: [Member] = []

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
            for member in members {
                member.consumer.liveStream(didReceive: Self.event(for: entry, slot: member.slot))
            }
        }
        for member in members {
            member.consumer.liveStreamDidFinishBatch()
        }
    }

    /// Adds a consumer after giving it its join snapshot; runs on `eventLoop`.
    func join(_ consumer: any LiveConsumer, slot: Int?, snapshot: [RelayEntry]) {
        eventLoop.preconditionInEventLoop()
        for entry in snapshot {
            consumer.liveStream(didReceive: Self.event(for: entry, slot: slot))
        }
        if !snapshot.isEmpty { consumer.liveStreamDidFinishBatch() }
        members.append(Member(consumer: consumer, slot: slot))
    }

    func leave(_ consumer: any LiveConsumer) {
        eventLoop.preconditionInEventLoop()
        members.removeAll { $0.consumer === consumer }
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
}
