import Config
import Foundation
import Live
import Logging
import Media
import NIOCore
import NIOPosix
import Testing

@testable import DVR

/// `samples/sample.flv` (10 s, H.264 + AAC, a keyframe every 2 s) recorded end to end.
@Suite struct DVRSampleTests {
    @Test func segmentsOfTheSamplePlayAloneAndPassExternalChecks() throws {
        guard let packets = try samplePackets() else { return }  // the sample is optional
        let harness = try RecorderHarness { configuration in
            configuration.plan = .segment
            configuration.duration = .seconds(4)
        }
        defer { harness.folder.remove() }
        let session = try harness.publish("sample")
        harness.send(packets, to: session)
        harness.unpublish(session)

        let recordings = harness.catalog.recordings(for: RecorderHarness.key("sample"))
        #expect(recordings.count == 3)
        let files = try harness.files("sample")
        let input = packets.filter { !$0.isSequenceHeader && $0.kind != .data }
        #expect(files.map(\.mediaTags.count).reduce(0, +) == input.count)
        for file in files {
            let metadata = try #require(file.metadata)
            #expect(metadata["width"] == .number(640) && metadata["height"] == .number(360))
            #expect(metadata["videocodecid"] == .number(7) && metadata["audiocodecid"] == .number(10))
            let positions = metadata["keyframes"]?["filepositions"]
            let keyframeOffsets = file.tags.filter { $0.packet.isKeyframe }.map { AMF0Value.number(Double($0.offset)) }
            #expect(positions == .strictArray(keyframeOffsets))
        }

        // Optional external tools: skipped where not installed.
        for recording in recordings {
            let probe = ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", recording.path]
            if let duration = try Self.run("ffprobe", probe) {
                #expect(duration.status == 0 && duration.errors.isEmpty, "ffprobe: \(duration.errors)")
                let seconds = try #require(Double(duration.output.trimmingCharacters(in: .whitespacesAndNewlines)))
                let expected = Double(recording.duration.components.seconds)
                    + Double(recording.duration.components.attoseconds) / 1e18
                #expect(abs(seconds - expected) < 0.1, "\(recording.path): \(seconds) s, expected \(expected) s")
            }
            if let check = try Self.run("flvmeta", ["--check", recording.path]) {
                // Warnings remain by design: flvmeta counts sequence headers and end-of-sequence tags as
                // keyframes, the index holds only pictures a decoder can start from (as ffmpeg's does).
                let summary = check.output.split(separator: "\n").last { $0.contains("error(s)") }
                #expect(check.status == 0 && summary?.hasPrefix("0 error(s)") == true, "flvmeta: \(check.output)")
            }
        }
    }

    @Test func recordersOnRealThreadsFinishEveryFileOnShutdown() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var configuration = DVRConfiguration()
        configuration.enabled = true
        configuration.plan = .segment
        configuration.duration = .seconds(2)
        configuration.path = folder.path + "/[app]/[stream].[seq].flv"
        let settings = configuration
        let observer = CollectingObserver()
        let registry = StreamRegistry()
        let controller = DVRController(
            registry: registry, threadPool: pool, observer: observer, limits: DVRLimits(batchBytes: 4_096),
            logger: Logger(label: "dvr-tests"), configuration: { _ in settings })
        registry.addPublishObserver(controller)

        let loop = group.next()
        let keys = ["one", "two"].map { StreamKey(vhost: "__defaultVhost__", app: "live", stream: $0) }
        var sessions: [LivePublishSession] = []
        for key in keys {
            sessions.append(try await registry.publish(key, configuration: LiveStreamConfiguration(), on: loop).get())
        }
        let packets = Payloads.stream(seconds: 5)
        for session in sessions {
            try await loop.submit {
                for start in stride(from: 0, to: packets.count, by: 30) {
                    for packet in packets[start..<min(packets.count, start + 30)] { session.append(packet) }
                    session.flush()
                }
            }.get()
        }
        // SIGTERM while publishing: the open files are finalized, not left as .tmp.
        await controller.shutdown()
        #expect(folder.files() == [
            "live/one.0.flv", "live/one.1.flv", "live/one.2.flv", "live/two.0.flv", "live/two.1.flv", "live/two.2.flv",
        ])
        #expect(observer.recordings.count == 6)
        for key in keys {
            let files = try controller.catalog.recordings(for: key).map { try ParsedFLV(path: $0.path) }
            #expect(files.map(\.mediaTags.count).reduce(0, +) == packets.count - 2)
        }
        for session in sessions { try await loop.submit { session.finish() }.get() }
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
    }

    @Test func theCatalogIsBounded() {
        let catalog = DVRCatalog(maximumPerStream: 2, maximumStreams: 2)
        func recording(_ stream: String, _ index: Int) -> DVRRecording {
            DVRRecording(
                key: StreamKey(vhost: "v", app: "a", stream: stream), path: "\(stream)-\(index).flv",
                relativePath: "\(stream)-\(index).flv", size: index, duration: .seconds(1), startDate: Date(),
                isIndexed: true)
        }
        for index in 0..<3 { catalog.add(recording("x", index)) }
        #expect(catalog.recordings(for: StreamKey(vhost: "v", app: "a", stream: "x")).map(\.size) == [1, 2])
        catalog.add(recording("y", 0))
        catalog.add(recording("z", 0))
        #expect(Set(catalog.streams.map(\.stream)) == ["y", "z"])
    }

    @Test func theFixedFolderOfATemplateRootsTheRelativePaths() {
        #expect(DVRPathRule.root(of: PathTemplate("./objs/nginx/html/[app]/[stream].flv")) == "./objs/nginx/html/")
        #expect(DVRPathRule.root(of: PathTemplate("[app]/[stream].flv")) == "")
        #expect(DVRPathRule.root(of: PathTemplate("/rec/fixed.flv")) == "/rec/")
        let relative = DVRPathRule.relativePath(of: "./objs/nginx/html/live/a.flv", root: "./objs/nginx/html/")
        #expect(relative == "live/a.flv")
    }

    /// Runs a tool from PATH; `nil` when it is not installed.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String)? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let candidates = paths.map { "\($0)/\(tool)" }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }
}
