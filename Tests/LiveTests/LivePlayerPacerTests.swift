import Live
import Media
import NIOCore
import Testing

/// A reference to a pacer, so `#expect` can call its mutating members.
private final class Pacer {
    var value: LivePlayerPacer
    init(queueLength: Double, maximumCutsBeforeDisconnect: Int = LivePlayerPacer.defaultMaximumCutsBeforeDisconnect) {
        value = LivePlayerPacer(queueLength: queueLength, maximumCutsBeforeDisconnect: maximumCutsBeforeDisconnect)
    }
    func accepts(_ packet: MediaPacket) -> Bool { value.accepts(packet) }
    func place(_ packet: MediaPacket, bytes: ByteBuffer?, isWritable: Bool) -> LivePlayerPacer.Placement {
        value.place(packet, bytes: bytes, isWritable: isWritable)
    }
    func popFirst() -> LiveConsumerQueue.Item? { value.popFirst() }
    func setPaused(_ paused: Bool) { value.setPaused(paused) }
    func shouldLogLag(now: NIODeadline) -> Bool { value.shouldLogLag(now: now) }
    var isQueueEmpty: Bool { value.isQueueEmpty }
    var queue: LiveConsumerQueue { value.queue }
}

@Suite struct LivePlayerPacerTests {
    @Test func writesDirectlyWhileWritableAndQueuesOtherwise() {
        let pacer = Pacer(queueLength: 10)
        let key = Packets.video(0, key: true)
        #expect(pacer.accepts(key))
        #expect(pacer.place(key, bytes: nil, isWritable: true) == .write)
        #expect(pacer.place(Packets.video(40), bytes: nil, isWritable: false) == .queued)
        // A writable socket must not let a packet overtake the queued one.
        #expect(pacer.place(Packets.video(80), bytes: nil, isWritable: true) == .queued)
        #expect(pacer.popFirst()?.packet.timestamp == 40)
        #expect(pacer.popFirst()?.packet.timestamp == 80)
        #expect(pacer.isQueueEmpty)
        #expect(pacer.place(Packets.video(120), bytes: nil, isWritable: true) == .write)
    }

    @Test func resumeWaitsForAKeyframeButLetsHeadersThrough() {
        let pacer = Pacer(queueLength: 10)
        #expect(pacer.accepts(Packets.video(0, key: true)))
        pacer.setPaused(true)
        #expect(!pacer.accepts(Packets.video(40)))
        pacer.setPaused(false)
        #expect(!pacer.accepts(Packets.video(80)))
        #expect(!pacer.accepts(Packets.audio(80)))
        #expect(pacer.accepts(Packets.video(90, header: true)))
        #expect(pacer.accepts(Packets.video(120, key: true)))
        #expect(pacer.accepts(Packets.video(160)))
        #expect(pacer.accepts(Packets.audio(160)))
    }

    @Test func audioOnlyResumesAtOnce() {
        let pacer = Pacer(queueLength: 10)
        pacer.setPaused(true)
        pacer.setPaused(false)
        #expect(pacer.accepts(Packets.audio(0)))
    }

    @Test func aPlayerThatStaysBehindIsGivenUp() {
        let pacer = Pacer(queueLength: 1, maximumCutsBeforeDisconnect: 2)
        var placements: [LivePlayerPacer.Placement] = []
        var timestamp: Int64 = 0
        // Never writable: every GOP of 1.6 s overflows the 1 s queue.
        for _ in 0..<5 {
            for frame in 0..<40 {
                placements.append(
                    pacer.place(Packets.video(timestamp, key: frame == 0), bytes: nil, isWritable: false))
                timestamp += 40
            }
        }
        let cuts = placements.filter { if case .dropped = $0 { return true } else { return false } }
        #expect(!cuts.isEmpty)
        #expect(placements.contains { if case .disconnect = $0 { return true } else { return false } })
        #expect(pacer.queue.droppedPackets > 0)
    }

    @Test func lagLogsAreRateLimited() {
        let pacer = Pacer(queueLength: 1)
        let now = NIODeadline.now()
        #expect(pacer.shouldLogLag(now: now))
        #expect(!pacer.shouldLogLag(now: now + .seconds(1)))
        #expect(pacer.shouldLogLag(now: now + .seconds(6)))
    }
}
