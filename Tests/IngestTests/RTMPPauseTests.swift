import Live
import Media
import NIOCore
import RTMP
import Testing

@testable import Ingest

@Suite("RTMP pause and resume")
struct RTMPPauseTests {
    static func pause(_ player: FakeRTMPClient, _ isPause: Bool, at milliseconds: Double = 0) throws -> [RTMPMessage] {
        try player.send(
            RTMPCommand.pause(transactionID: 0, isPause: isPause, milliseconds: milliseconds).message(streamID: 1))
        return try player.receiveMessages()
    }

    @Test("a paused player gets no media and resumes at the next keyframe")
    func pauseAndResumeVideo() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("test")
        var media = MediaGenerator(keyframeInterval: 5)
        try publisher.send(media.headers())
        try publisher.send(media.tick())
        let player = try harness.client()
        try player.play("test")

        let paused = try Self.pause(player, true)
        #expect(paused.statusCodes == [.pauseNotify])
        #expect(paused.compactMap(\.control).contains(.userControl(.streamEOF(streamID: 1))))
        try publisher.send(batches: media.ticks(milliseconds: 120))
        #expect(try player.receive().isEmpty)

        let resumed = try Self.pause(player, false)
        #expect(resumed.statusCodes == [.unpauseNotify])
        #expect(resumed.compactMap(\.control).contains(.userControl(.streamBegin(streamID: 1))))
        // Ticks 4 (inter frame) then 5 (keyframe): nothing before the keyframe reaches the player.
        let inter = media.tick()
        let keyframe = media.tick()
        try publisher.send(inter)
        try publisher.send(keyframe)
        let received = try player.receiveMessages().media
        #expect(received.first.map(TestMedia.isKeyframe) == true)
        #expect(received.compactMap(TestMedia.id(of:)) == keyframe.compactMap(TestMedia.id(of:)))
        #expect(player.isActive)
    }

    @Test("an audio-only stream resumes after a pause")
    func pauseAndResumeAudioOnly() throws {
        let harness = IngestHarness()
        defer { harness.finish() }
        let publisher = try harness.client()
        try publisher.publish("radio")
        try publisher.send(TestMedia.audioHeader())
        let player = try harness.client()
        try player.play("radio")
        var id: UInt32 = 1
        var time: UInt32 = 0
        func audio(_ count: Int) -> [RTMPMessage] {
            (0..<count).map { _ in
                defer { id += 1; time += 23 }
                return TestMedia.audio(id: id, timestamp: time)
            }
        }
        try publisher.send(audio(3))
        #expect(try player.receiveMessages().media.count == 3)

        _ = try Self.pause(player, true)
        try publisher.send(audio(3))
        #expect(try player.receive().isEmpty)
        _ = try Self.pause(player, false)
        let resumed = audio(3)
        try publisher.send(resumed)

        #expect(
            try player.receiveMessages().media.compactMap(TestMedia.id(of:)) == resumed.compactMap(TestMedia.id(of:)),
            "with no video there is no keyframe to wait for")
    }
}
