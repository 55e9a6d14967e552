import Foundation
import RTMP
import Testing

extension HeadwaterBinaryTests {
    /// A player that stays connected while its publisher goes away and comes back (SRS keeps the
    /// consumer; `time_jitter full` keeps its clock running).
    @Suite("Player across a publisher reconnect", .timeLimit(.minutes(1)))
    struct PlayerResume {
        /// What a player saw, in order.
        enum Event: Equatable {
            case media(kind: RTMPMessageType, timestamp: UInt32)
            case status(RTMPStatusCode)
        }

        @Test("media, UnpublishNotify, PublishNotify, media again with timestamps that only go up")
        func playerSurvivesRepublish() throws {
            let server = try HeadwaterServer()
            let url = server.url("live/resume")
            let player = try TestRTMPClient(port: server.rtmpPort)
            try player.handshake()
            try player.startSession(url, mode: .play)
            // ffmpeg (like librtmp) ends its play at the UnpublishNotify; it must end cleanly.
            let ffmpegPlayer = try ChildProcess(
                try Tools.require("ffmpeg"),
                ["-nostdin", "-loglevel", "error", "-i", url, "-c", "copy", "-f", "null", "-"],
                name: "ffmpeg-player")
            try #require(server.waitForLog("play started", count: 2, timeout: 10), "\(server.log)")

            var events: [Event] = []
            let first = try MediaTools.publishTestPattern(to: url, audio: true, seconds: 3, name: "publisher-1")
            try read(from: player, into: &events, until: .playUnpublishNotify, timeout: 20)
            #expect(first.waitForExit(timeout: 5) && first.exitCode == 0, "\(first.output)")
            #expect(
                ffmpegPlayer.waitForExit(timeout: 10) && ffmpegPlayer.exitCode == 0,
                "ffmpeg player did not end cleanly at the unpublish: \(ffmpegPlayer.output)")

            let beforeCount = events.count
            let second = try MediaTools.publishTestPattern(to: url, audio: true, seconds: 3, name: "publisher-2")
            defer { second.stop() }
            try read(from: player, into: &events, until: .playUnpublishNotify, timeout: 20)

            let before = Array(events[..<beforeCount])
            let after = Array(events[beforeCount...])
            #expect(videoTimestamps(before).count >= 50, "\(before.count) events before the unpublish")
            #expect(after.first == .status(.playPublishNotify), "\(after.prefix(3))")
            #expect(videoTimestamps(after).count >= 50, "\(after.count) events after the republish")
            for kind in [RTMPMessageType.video, .audio] {
                let timestamps = events.compactMap { event -> UInt32? in
                    guard case .media(kind, let timestamp) = event else { return nil }
                    return timestamp
                }
                let backwards = zip(timestamps, timestamps.dropFirst()).filter { $0.1 < $0.0 }
                #expect(backwards.isEmpty, "\(kind) timestamps went back: \(backwards.prefix(5))")
            }
            let lastBefore = videoTimestamps(before).max() ?? 0
            let firstAfter = videoTimestamps(after).min() ?? 0
            #expect(
                firstAfter > lastBefore, "republished video starts at \(firstAfter), before it ended at \(lastBefore)")
            #expect(server.process.isRunning)
        }

        private func videoTimestamps(_ events: [Event]) -> [UInt32] {
            events.compactMap { event in
                guard case .media(.video, let timestamp) = event else { return nil }
                return timestamp
            }
        }

        /// Reads media and statuses until `code` arrives.
        private func read(
            from player: TestRTMPClient, into events: inout [Event], until code: RTMPStatusCode, timeout: Double
        ) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                guard let message = try player.nextMessage(until: deadline) else {
                    throw HarnessError("no \(code) within \(timeout) s; saw \(events.count) events")
                }
                if let status = TestRTMPClient.status(of: message) {
                    events.append(.status(status.code))
                    if status.code == code { return }
                } else if let type = message.type, type == .audio || type == .video {
                    events.append(.media(kind: type, timestamp: message.timestamp))
                }
            }
        }
    }
}
