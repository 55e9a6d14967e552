import Media
import NIOCore
import Testing

@testable import Transcode

@Suite struct IngestTimelineTests {
    private func packet(_ kind: MediaKind, _ timestamp: Int64, header: Bool = false) -> MediaPacket {
        MediaPacket(kind: kind, timestamp: timestamp, flags: header ? .sequenceHeader : [], payload: ByteBuffer())
    }

    @Test func firstSegmentStartsAtZero() {
        var timeline = IngestTimeline()
        timeline.startSegment()
        #expect(timeline.map(packet(.video, 5_000, header: true)).timestamp == 0)
        #expect(timeline.map(packet(.video, 5_000)).timestamp == 0)
        #expect(timeline.map(packet(.video, 5_040)).timestamp == 40)
        #expect(timeline.map(packet(.audio, 5_023)).timestamp == 23)
    }

    @Test func nextSegmentContinuesOneFrameLater() {
        var timeline = IngestTimeline()
        timeline.startSegment()
        for frame in 0..<25 { _ = timeline.map(packet(.video, Int64(frame) * 33)) }
        #expect(timeline.latest == 792)
        timeline.startSegment()
        // The source clock restarts at 0; the output goes on one frame (33 ms) after the latest.
        #expect(timeline.map(packet(.video, 0, header: true)).timestamp == 825)
        #expect(timeline.map(packet(.video, 0)).timestamp == 825)
        #expect(timeline.map(packet(.video, 33)).timestamp == 858)
    }

    @Test func neverGoesBackEvenWhenTheSourceJumpsBack() {
        var timeline = IngestTimeline()
        timeline.startSegment()
        _ = timeline.map(packet(.video, 100_000))
        _ = timeline.map(packet(.video, 100_040))
        timeline.startSegment()
        let first = timeline.map(packet(.video, 7))
        #expect(first.timestamp == 80)
        // Audio that precedes the segment's first packet still lands inside the segment.
        #expect(timeline.map(packet(.audio, 2)).timestamp == 80)
    }

    @Test func emptySegmentsDoNotMoveTheClock() {
        var timeline = IngestTimeline()
        timeline.startSegment()
        timeline.startSegment()
        #expect(timeline.map(packet(.audio, 300)).timestamp == 0)
        timeline.startSegment()
        timeline.startSegment()
        #expect(timeline.map(packet(.audio, 0)).timestamp == IngestTimeline.defaultFrameDuration)
    }

    @Test func pacerWaitsForMediaTime() {
        var pacer = IngestPacer()
        let second: UInt64 = 1_000_000_000
        #expect(pacer.delay(for: 0, now: 10 * second) == 0)
        #expect(pacer.delay(for: 500, now: 10 * second) == second / 2)
        #expect(pacer.delay(for: 500, now: 10 * second + second / 2) == 0)
        #expect(pacer.delay(for: 1_000, now: 10 * second + second / 4) == 3 * second / 4)
    }

    @Test func pacerRestartsOnJumpsAndStalls() {
        var pacer = IngestPacer()
        let second: UInt64 = 1_000_000_000
        _ = pacer.delay(for: 0, now: second)
        // An hour ahead is a discontinuity: no hour-long sleep.
        #expect(pacer.delay(for: 3_600_000, now: second) == 0)
        #expect(pacer.delay(for: 3_600_040, now: second) == 40_000_000)
        // Five seconds behind (a stall): no burst catching up, the clock restarts.
        #expect(pacer.delay(for: 3_600_080, now: 7 * second) == 0)
        #expect(pacer.delay(for: 3_600_120, now: 7 * second) == 40_000_000)
    }

    @Test func backoffDoublesToEightSecondsAndResetsAfterAMinute() {
        var backoff = IngestBackoff()
        let delays = (0..<7).map { _ in backoff.delay(afterRunningFor: .seconds(1)) }
        #expect(
            delays == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8),
            ])
        #expect(backoff.delay(afterRunningFor: .seconds(61)) == .milliseconds(500))
        #expect(backoff.delay(afterRunningFor: .zero) == .seconds(1))
    }
}
