import Edge
import Media
import NIOCore
import Testing

@Suite("Edge timeline across upstream connections")
struct EdgeTimelineTests {
    static let avcHeader = ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F])
    static let otherAVCHeader = ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x4D, 0x00, 0x1E])
    static let keyframe = ByteBuffer(bytes: [0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65])
    static let interframe = ByteBuffer(bytes: [0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x41])

    static func video(_ payload: ByteBuffer, at timestamp: Int64) -> MediaPacket {
        MediaPacket(
            kind: .video, timestamp: timestamp, flags: .classify(kind: .video, payload: payload), payload: payload)
    }

    @Test("the first connection passes timestamps through")
    func firstConnectionIsUnchanged() throws {
        var timeline = EdgeTimeline()
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        let header = timeline.place(Self.video(Self.avcHeader, at: 5000), now: start)
        #expect(header?.timestamp == 5000)
        let frame = timeline.place(Self.video(Self.keyframe, at: 5000), now: start)
        #expect(frame?.timestamp == 5000)
        let next = timeline.place(Self.video(Self.interframe, at: 5040), now: start + .milliseconds(40))
        #expect(next?.timestamp == 5040)
    }

    @Test("a new connection continues after the last timestamp by the wall-clock gap, and drops a repeated header")
    func failoverContinuesTheTimeline() throws {
        var timeline = EdgeTimeline()
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        _ = timeline.place(Self.video(Self.avcHeader, at: 0), now: start)
        _ = timeline.place(Self.video(Self.keyframe, at: 0), now: start)
        _ = timeline.place(Self.video(Self.interframe, at: 9000), now: start + .seconds(9))

        timeline.connectionDidChange()
        // Another origin's clock is behind ours: its header repeats ours, its frames restart near zero.
        let placed = timeline.place(Self.video(Self.avcHeader, at: 300), now: start + .milliseconds(10_500))
        #expect(placed == nil)
        let resumedPlaced = timeline.place(Self.video(Self.keyframe, at: 300), now: start + .milliseconds(10_500))
        let resumed = try #require(resumedPlaced)
        #expect(resumed.timestamp == 10_500)
        let afterPlaced = timeline.place(Self.video(Self.interframe, at: 340), now: start + .milliseconds(10_540))
        let after = try #require(afterPlaced)
        #expect(after.timestamp == 10_540)
    }

    @Test("a changed sequence header is passed on, never stamped before the frames already sent")
    func changedHeaderIsKept() throws {
        var timeline = EdgeTimeline()
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        _ = timeline.place(Self.video(Self.avcHeader, at: 0), now: start)
        _ = timeline.place(Self.video(Self.keyframe, at: 4000), now: start + .seconds(4))
        timeline.connectionDidChange()
        let headerPlaced = timeline.place(Self.video(Self.otherAVCHeader, at: 0), now: start + .seconds(5))
        let header = try #require(headerPlaced)
        #expect(header.timestamp == 4000)
    }

    @Test("a republish at the origin starts afresh: headers are sent again")
    func republishResets() throws {
        var timeline = EdgeTimeline()
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        _ = timeline.place(Self.video(Self.avcHeader, at: 0), now: start)
        timeline.publishDidRestart()
        #expect(timeline.place(Self.video(Self.avcHeader, at: 0), now: start) != nil)
    }

    @Test("timestamps stay 32-bit RTMP timestamps for the hub")
    func wrapsAt32Bits() throws {
        var timeline = EdgeTimeline()
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        _ = timeline.place(Self.video(Self.keyframe, at: 0xFFFF_FF00), now: start)
        timeline.connectionDidChange()
        let wrappedPlaced = timeline.place(Self.video(Self.keyframe, at: 10), now: start + .seconds(1))
        let wrapped = try #require(wrappedPlaced)
        #expect(wrapped.timestamp == Int64((0xFFFF_FF00 + 1000) & 0xFFFF_FFFF))
    }
}
