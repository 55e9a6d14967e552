import Config
import Foundation
import Logging
import Media
import Testing

@testable import Transcode

@Suite struct IngestSessionTests {
    private let url = "rtmp://127.0.0.1:1935/live/live1"

    private func session(
        _ ingest: IngestConfiguration, outputs: CollectingOutputs, engine: TranscodeEngineConfiguration? = nil
    ) -> IngestSession {
        let plan = IngestSession.Plan(
            vhost: "__defaultVhost__", ingest: ingest, engine: engine ?? ingest.engines[0], outputURL: url)
        return IngestSession(plan: plan, outputs: outputs, logger: Logger(label: "test"))
    }

    private func frames(_ packets: [MediaPacket], _ kind: MediaKind) -> [Int64] {
        packets.filter { $0.kind == kind && !$0.isSequenceHeader }.map(\.timestamp)
    }

    @Test func copiesTheSampleSequenceHeadersFirstPacedInRealTime() async throws {
        let outputs = CollectingOutputs()
        let session = session(.testing(type: .file, url: IngestSamples.sampleFLV), outputs: outputs)
        let clock = ContinuousClock()
        let started = clock.now
        session.start()
        try await Task.sleep(for: .seconds(1))
        let packets = outputs.publishers(url).first?.packets ?? []
        // A busy test host may wake us well after a second; pacing is judged against the time that really passed.
        let elapsed = (clock.now - started) / .milliseconds(1)
        session.stop()
        #expect(session.join(timeout: .seconds(5)))

        try #require(packets.count > 4)
        #expect(Set(packets.prefix(2).map(\.kind)) == [.video, .audio])
        #expect(packets.prefix(2).allSatisfy { $0.isSequenceHeader })
        #expect(!packets.dropFirst(2).contains { $0.isSequenceHeader })
        #expect(packets.dropFirst(2).first(where: { $0.kind == .video })?.isKeyframe == true)
        // About as much media as time passed (plus the reader's small lead), not all ten seconds at once.
        let latest = packets.map(\.timestamp).max() ?? 0
        #expect(latest > 300 && Double(latest) < elapsed + 2_000, "\(latest) ms of media after \(elapsed) ms")
        #expect(Double(frames(packets, .video).count) < (elapsed + 2_000) / 1_000 * 25)
        #expect(session.snapshot.restarts == 0)
        #expect(try await eventually { outputs.publishers(url).first?.isFinished == true })
        try await outputs.shutdown()
    }

    @Test func loopsAFileWithContinuousTimestamps() async throws {
        let directory = try IngestSamples.temporaryDirectory()
        let short = try IngestSamples.shortSample(seconds: 1, in: directory)
        let outputs = CollectingOutputs()
        let session = session(.testing(type: .file, url: short), outputs: outputs)
        session.start()
        let looped = try await eventually(timeout: .seconds(4)) {
            (outputs.publishers(url).first?.packets.map(\.timestamp).max() ?? 0) > 2_200
        }
        session.stop()
        #expect(session.join(timeout: .seconds(5)))
        #expect(looped)

        let packets = try #require(outputs.publishers(url).first).packets
        for kind in [MediaKind.video, .audio] {
            let timestamps = frames(packets, kind)
            #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 }, "\(kind) goes back")
            // No gap larger than a few frames where the file starts over.
            #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $1 - $0 <= 100 }, "\(kind) jumps")
        }
        // One publish for the whole session, the sequence headers once.
        #expect(outputs.publishers(url).count == 1)
        #expect(packets.filter { $0.isSequenceHeader }.count == 2)
        #expect(session.snapshot.restarts == 0)
        try await outputs.shutdown()
    }

    @Test func aStreamThatEndsReconnectsAndItsTimestampsGoOn() async throws {
        let directory = try IngestSamples.temporaryDirectory()
        let short = try IngestSamples.shortSample(seconds: 1, in: directory)
        let outputs = CollectingOutputs()
        // A stream is not paced: the file is read at once, ends, and is reopened after 0.5 s.
        let session = session(.testing(type: .stream, url: short), outputs: outputs)
        session.start()
        let reconnected = try await eventually(timeout: .seconds(3)) {
            session.snapshot.restarts >= 1
                && (outputs.publishers(url).first?.packets.map(\.timestamp).max() ?? 0) > 1_200
        }
        session.stop()
        #expect(session.join(timeout: .seconds(5)))
        #expect(reconnected)
        let packets = try #require(outputs.publishers(url).first).packets
        let video = frames(packets, .video)
        #expect(zip(video, video.dropFirst()).allSatisfy { $0 < $1 })
        #expect(outputs.publishers(url).count == 1)
        try await outputs.shutdown()
    }

    @Test func aMissingStreamReconnectsWithBackoff() async throws {
        let outputs = CollectingOutputs()
        let session = session(.testing(type: .stream, url: "/nonexistent/live.flv"), outputs: outputs)
        let clock = ContinuousClock()
        let started = clock.now
        session.start()
        // Failures at about 0 s, 0.5 s, 1.5 s, 3.5 s, 7.5 s...
        let retried = try await eventually(timeout: .seconds(3)) { session.snapshot.restarts >= 3 }
        let status = session.snapshot
        let elapsed = (clock.now - started) / .seconds(1)
        session.stop()
        #expect(session.join(timeout: .seconds(5)))
        #expect(retried)
        // Backoff: the n-th failure comes 0.5 * (2^(n-1) - 1) s after the first, however late this test wakes.
        #expect(Double(status.restarts) <= 2 + log2(2 * elapsed + 1), "\(status.restarts) failures in \(elapsed) s")
        #expect(status.lastError?.contains("No such file or directory") == true)
        #expect(outputs.publishers(url).isEmpty)
        #expect(session.snapshot.state == .stopped)
        try await outputs.shutdown()
    }

    @Test func stopInterruptsAnInputThatHangs() async throws {
        try await withSilentServer { port in
            let outputs = CollectingOutputs()
            let session = session(.testing(type: .stream, url: "http://127.0.0.1:\(port)/live.flv"), outputs: outputs)
            let startedAt = ContinuousClock.now
            session.start()
            try await Task.sleep(for: .milliseconds(200))
            let stoppedAt = ContinuousClock.now
            session.stop()
            // The input waits up to 10 s for a silent peer; stop does not.
            #expect(session.join(timeout: .seconds(8)))
            #expect(ContinuousClock.now - stoppedAt < .seconds(8))
            // Stopped while the open still hung, nothing failed. On a loaded machine the sleep can outlast
            // the input's 10 s deadline, and then one failure is the input's honest answer.
            let hungUntilStop = stoppedAt - startedAt < MediaInput.defaultNetworkTimeout
            let restarts = session.snapshot.restarts
            #expect(hungUntilStop ? restarts == 0 : restarts >= 1, "\(restarts) restarts, stopped after \(stoppedAt - startedAt)")
            #expect(outputs.publishers(url).isEmpty)
            try await outputs.shutdown()
        }
    }

    @Test func anEngineCanDropTheAudio() async throws {
        var engine = TranscodeEngineConfiguration(name: "video", location: SourceLocation(file: "t", line: 1))
        engine.enabled = true
        engine.videoCodec = .copy
        engine.audioCodec = .drop
        engine.output = "rtmp://127.0.0.1:[port]/[app]/[stream]"
        let outputs = CollectingOutputs()
        let session = session(.testing(type: .file, url: IngestSamples.sampleFLV, engine: engine), outputs: outputs)
        #expect(session.plan.isCopy)
        session.start()
        let started = try await eventually { (outputs.publishers(url).first?.packets.count ?? 0) > 5 }
        session.stop()
        #expect(session.join(timeout: .seconds(5)))
        #expect(started)
        let packets = try #require(outputs.publishers(url).first).packets
        #expect(packets.allSatisfy { $0.kind == .video })
        #expect(packets.first?.isSequenceHeader == true)
        try await outputs.shutdown()
    }

    @Test func aRefusedPublishIsRetriedAndStartsWithTheSequenceHeaders() async throws {
        let outputs = CollectingOutputs(failures: 1)
        let session = session(.testing(type: .file, url: IngestSamples.sampleFLV), outputs: outputs)
        session.start()
        let published = try await eventually { (outputs.publishers(url).first?.packets.count ?? 0) > 5 }
        session.stop()
        #expect(session.join(timeout: .seconds(5)))
        #expect(published)
        let packets = try #require(outputs.publishers(url).first).packets
        #expect(packets.prefix(2).allSatisfy { $0.isSequenceHeader })
        #expect(session.snapshot.lastError?.hasPrefix("publish") == true)
        try await outputs.shutdown()
    }
}
