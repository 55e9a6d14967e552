import DequeModule
import Live
import Media
import Testing

@Suite struct LiveConsumerQueueTests {
    @Test func cutsBackToTheNewestKeyframeKeepingHeaders() {
        var queue = LiveConsumerQueue(maximumDuration: 1)
        queue.append(Packets.video(0, header: true), bytes: nil)
        queue.append(Packets.video(0, key: true), bytes: nil)
        for t in stride(from: Int64(40), to: 800, by: 40) { queue.append(Packets.video(t), bytes: nil) }
        queue.append(Packets.video(800, key: true), bytes: nil)
        let dropped = queue.append(Packets.video(1040), bytes: nil)
        #expect(dropped == 20)
        #expect(queue.items.map(\.packet.timestamp) == [0, 800, 1040])
        #expect(queue.items[0].packet.isSequenceHeader)
        #expect(queue.cutsSinceDrained == 1)
    }

    @Test func withoutAKeyframeItEmptiesAndWaitsForTheNextOne() {
        var queue = LiveConsumerQueue(maximumDuration: 1)
        queue.append(Packets.video(0, key: true), bytes: nil)
        for t in stride(from: Int64(40), through: 1040, by: 40) { queue.append(Packets.video(t), bytes: nil) }
        #expect(queue.isEmpty)
        #expect(queue.append(Packets.video(1080), bytes: nil) == 1)
        #expect(queue.append(Packets.audio(1090), bytes: nil) == 1)
        let direct = queue.admitsDirectWrite(Packets.video(1100))
        #expect(!direct)
        #expect(queue.append(Packets.video(1120, key: true), bytes: nil) == 0)
        #expect(queue.count == 1)
        #expect(queue.droppedPackets == 29)
    }

    @Test func audioOnlyKeepsTheNewestHalfWindow() {
        var queue = LiveConsumerQueue(maximumDuration: 1)
        for t in stride(from: Int64(0), through: 1023, by: 23) { queue.append(Packets.audio(t), bytes: nil) }
        #expect(queue.duration <= 500)
        #expect(!queue.isEmpty)
        while queue.popFirst() != nil {}
        #expect(queue.cutsSinceDrained == 0)
        #expect(queue.byteCount == 0)
    }

    @Test func aClockThatStandsStillIsBoundedByBytes() {
        var queue = LiveConsumerQueue(maximumDuration: 10, maximumBytes: 10_000)
        queue.append(Packets.video(0, key: true, size: 1000), bytes: nil)
        for _ in 0..<100 { queue.append(Packets.video(0, size: 1000), bytes: nil) }
        #expect(queue.duration == 0)
        #expect(queue.byteCount <= 10_000, "a flat clock let the backlog grow to \(queue.byteCount) bytes")
        #expect(queue.droppedPackets > 0)

        var audio = LiveConsumerQueue(maximumDuration: 10, maximumBytes: 2_000)
        for _ in 0..<200 { audio.append(Packets.audio(5), bytes: nil) }
        #expect(audio.byteCount <= 2_000)
    }
}
