import Live
import Testing

@Suite("Merged writes")
struct LiveMergedWritesTests {
    @Test("off flushes every batch")
    func offFlushesEveryBatch() {
        var writes = LiveMergedWrites.off
        writes.wroteMedia(timestamp: 0)
        let due1 = writes.shouldFlush(isWritable: true)
        #expect(due1)
        writes.wroteMedia(timestamp: 40)
        let due2 = writes.shouldFlush(isWritable: true)
        #expect(due2)
    }

    @Test("the first media batch (a joining player's GOP) goes at once; then once per latency of media")
    func flushesOncePerLatency() {
        var writes = LiveMergedWrites(latency: 350, messages: 8)
        writes.wroteMedia(timestamp: 1000)
        let due3 = writes.shouldFlush(isWritable: true)
        #expect(due3)
        var flushes: [Int64] = []
        // 25 fps video plus 43 audio frames a second, one message per batch.
        for frame in 1...250 {
            let timestamp = 1000 + Int64(frame) * 20
            writes.wroteMedia(timestamp: timestamp)
            if writes.shouldFlush(isWritable: true) { flushes.append(timestamp) }
        }
        // 5 s of media: about one flush per 350 ms, never closer.
        #expect(flushes.count >= 13 && flushes.count <= 15, "\(flushes)")
        #expect(zip(flushes, flushes.dropFirst()).allSatisfy { $1 - $0 >= 350 })
    }

    @Test("fewer than mw_msgs messages wait even past the latency")
    func waitsForMessages() {
        var writes = LiveMergedWrites(latency: 100, messages: 4)
        writes.wroteMedia(timestamp: 0)
        _ = writes.shouldFlush(isWritable: true)
        writes.wroteMedia(timestamp: 0)
        writes.wroteMedia(timestamp: 500)
        let due4 = writes.shouldFlush(isWritable: true)
        #expect(!due4)
        writes.wroteMedia(timestamp: 520)
        writes.wroteMedia(timestamp: 540)
        let due5 = writes.shouldFlush(isWritable: true)
        #expect(due5)
    }

    @Test("notices, a socket that is not writable, and a clock that went back flush at once")
    func urgentCasesFlush() {
        var writes = LiveMergedWrites(latency: 350, messages: 0)
        writes.wroteMedia(timestamp: 0)
        _ = writes.shouldFlush(isWritable: true)

        writes.wroteMedia(timestamp: 40)
        let due6 = writes.shouldFlush(isWritable: true)
        #expect(!due6)
        writes.flushSoon()
        let due7 = writes.shouldFlush(isWritable: true)
        #expect(due7)

        writes.wroteMedia(timestamp: 80)
        let due8 = writes.shouldFlush(isWritable: false)
        #expect(due8)

        writes.wroteMedia(timestamp: 5000)
        writes.wroteMedia(timestamp: 100)
        let due9 = writes.shouldFlush(isWritable: true)
        #expect(due9)
    }

    @Test("a stream whose clock stands still is flushed after a bounded number of messages")
    func boundedHold() {
        var writes = LiveMergedWrites(latency: 350, messages: 0)
        writes.wroteMedia(timestamp: 0)
        _ = writes.shouldFlush(isWritable: true)
        var held = 0
        while held < 10_000 {
            writes.wroteMedia(timestamp: 7)
            held += 1
            if writes.shouldFlush(isWritable: true) { break }
        }
        #expect(held == LiveMergedWrites.maximumHeldMessages)
    }
}
