import Foundation
import Media
import NIOCore
import Testing

/// A publisher that dies halfway through a video message, by FIN and by reset.
@Suite("Fault: publisher dies mid-message", .serialized, .integration, .timeLimit(.minutes(2)))
struct FaultPublisherDeathTests {
    static let outputs = FaultTimestampTests.outputs

    /// Completed recordings of `stream`, oldest first (by modification time: names may carry `-1`).
    static func recordings(of stream: String, in folder: String) -> [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix(stream + ".") && $0.hasSuffix(".flv") }.map { folder + "/" + $0 }
        func modified(_ path: String) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return files.sorted { modified($0) < modified($1) }
    }

    /// Publishes `seconds` of the sample at twice real time, then sends the first half of the next
    /// keyframe message and dies. Returns the media time sent.
    static func publishAndDie(_ server: HeadwaterServer, sample: SampleMedia, seconds: Int64, reset: Bool) throws -> Int64 {
        let dying = try RawPublisher(port: server.rtmpPort, url: server.url("live/dying"), headers: .delta)
        for header in sample.headers { try dying.send(header, timestamp: 0) }
        let frames = sample.frames(for: seconds * 1000 + 2_000)
        let start = Date()
        var sent: Int64 = 0
        for frame in frames {
            if frame.time >= seconds * 1000 && frame.isKeyframe {
                // Past the first chunk (4 KiB) and its header, inside a later one.
                #expect(frame.data.readableBytes > RawPublisher.chunkSize + 100, "the keyframe spans chunks")
                try dying.sendPart(of: frame, timestamp: UInt32(frame.time), bytes: frame.data.readableBytes / 2)
                break
            }
            let due = start.addingTimeInterval(Double(frame.time) / 2_000)
            if due > Date() { Thread.sleep(until: due) }
            try dying.send(frame, timestamp: UInt32(frame.time))
            sent = frame.time
        }
        usleep(100_000)
        if reset { dying.client.reset() } else { dying.client.close() }
        return sent
    }

    @Test("half a video message then FIN, then RST: other streams go on, DVR files are closed and valid, republish works")
    func diesMidMessage() throws {
        let server = try HeadwaterServer(vhostBody: Self.outputs)
        let sample = try SampleMedia()
        let folder = server.htmlPath + "/live"
        let otherPlayer = try FrameRecorder(port: server.rtmpPort, url: server.url("live/other"))
        let other = try PacedPublisher(port: server.rtmpPort, url: server.url("live/other"), sample: sample, duration: 16_000)
        let dyingPlayer = try FrameRecorder(port: server.rtmpPort, url: server.url("live/dying"))

        // First death: a FIN in the middle of a keyframe's chunks.
        let firstSent = try Self.publishAndDie(server, sample: sample, seconds: 4, reset: false)
        #expect(server.waitForLog("publish stopped", timeout: 3), "\(server.log.suffix(2000))")
        #expect(MediaTools.waitFor({ Self.recordings(of: "dying", in: folder).count == 1 }, timeout: 5))
        // Second: a republish is accepted at once, then dies by reset.
        let secondSent = try Self.publishAndDie(server, sample: sample, seconds: 4, reset: true)
        #expect(server.waitForLog("publish stopped", count: 2, timeout: 3), "\(server.log.suffix(2000))")
        #expect(MediaTools.waitFor({ Self.recordings(of: "dying", in: folder).count == 2 }, timeout: 5))
        // And a third publish still works and reaches its player.
        let beforeThird = dyingPlayer.video.count
        let third = try PacedPublisher(
            port: server.rtmpPort, url: server.url("live/dying"), sample: sample, duration: 2_000, speed: 2)
        #expect(third.wait(timeout: 5))
        #expect(third.error == nil, "\(third.error ?? "")")

        #expect(other.wait(timeout: 20))
        third.stop()
        usleep(1_000_000)
        otherPlayer.stop()
        dyingPlayer.stop()
        // The other stream's player got every frame that was published, through both deaths.
        #expect(other.error == nil, "\(other.error ?? "")")
        #expect(otherPlayer.video.count >= other.sentVideo * 97 / 100, "\(otherPlayer.video.count) of \(other.sentVideo)")
        #expect(dyingPlayer.video.count - beforeThird >= third.sentVideo * 9 / 10, "the republish reached the player")

        // HLS of the other stream went on; the dying stream's recordings are complete files.
        let playlist = PlaylistText(try String(contentsOfFile: folder + "/other.m3u8", encoding: .utf8))
        #expect(playlist.entries.map(\.duration).reduce(0, +) >= 12, "\(playlist.entries.map(\.duration))")
        #expect(MediaTools.waitFor({ Self.recordings(of: "other", in: folder).count == 1 }, timeout: 5))
        if let otherFile = Self.recordings(of: "other", in: folder).first {
            let seconds = try DVRRecordingTests.duration(of: otherFile)
            #expect(abs(seconds - Double(other.sentVideo) * 0.04) <= 0.5, "other stream recorded \(seconds) s")
        }
        let files = Self.recordings(of: "dying", in: folder)
        #expect(files.count >= 2, "\(files)")
        #expect(MediaTools.waitFor({ Self.recordings(of: "dying", in: folder).count == 3 }, timeout: 5))
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.filter { $0.hasPrefix("dying") }.isEmpty, "\(leftovers)")
        for (file, sent) in zip(files.prefix(2), [firstSent, secondSent]) {
            let probe = try ProbedPackets(file)
            #expect(probe.errors.isEmpty, "\(file): \(probe.errors)")
            let seconds = try DVRRecordingTests.duration(of: file)
            #expect(abs(seconds - Double(sent) / 1000) <= 0.5, "\(file): \(seconds) s for \(sent) ms sent")
            if let flvmeta = Tools.path(of: "flvmeta") {
                let check = try ChildProcess.run(flvmeta, ["--check", "--level=error", file])
                #expect(check.code == 0, "flvmeta --check \(file): \(check.output)")
            }
        }
        #expect(server.process.isRunning)
    }
}
