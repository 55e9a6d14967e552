import Config
import Foundation
import Live
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import Transcode

/// Paths of the package's sample media.
enum IngestSamples {
    static var packageRoot: String {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)  // Tests/TranscodeTests/IngestSupport.swift
        return components.joined(separator: "/")
    }

    static var sampleFLV: String { packageRoot + "/samples/sample.flv" }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "headwater-ingest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The first `seconds` of the sample, remuxed by ffmpeg into `directory`.
    static func shortSample(seconds: Int, in directory: String) throws -> String {
        let path = directory + "/short.flv"
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        ffmpeg.arguments = [
            "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", sampleFLV, "-t", "\(seconds)", "-c", "copy", path,
        ]
        try ffmpeg.run()
        ffmpeg.waitUntilExit()
        guard ffmpeg.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return path
    }
}

/// Collects what an ingest publishes.
final class CollectingPublisher: LivePublishing, Sendable {
    private let state = NIOLockedValueBox<(pending: [MediaPacket], flushed: [MediaPacket], finished: Bool)>(
        ([], [], false))

    func append(_ packet: MediaPacket) { state.withLockedValue { $0.pending.append(packet) } }

    func flush() {
        state.withLockedValue { state in
            state.flushed += state.pending
            state.pending = []
        }
    }

    func finish() { state.withLockedValue { $0.finished = true } }

    var packets: [MediaPacket] { state.withLockedValue { $0.flushed } }
    var isFinished: Bool { state.withLockedValue { $0.finished } }
}

/// `TranscodeOutputs` that publishes into `CollectingPublisher`s, or refuses `failures` times first.
final class CollectingOutputs: TranscodeOutputs {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let state = NIOLockedValueBox<(publishers: [String: [CollectingPublisher]], failures: Int)>(([:], 0))

    init(failures: Int = 0) {
        state.withLockedValue { $0.failures = failures }
    }

    func publish(url: String, on eventLoop: any EventLoop) -> EventLoopFuture<TranscodeOutputPublisher> {
        let publisher = state.withLockedValue { state -> CollectingPublisher? in
            guard state.failures == 0 else {
                state.failures -= 1
                return nil
            }
            let publisher = CollectingPublisher()
            state.publishers[url, default: []].append(publisher)
            return publisher
        }
        guard let publisher else { return eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
        return eventLoop.makeSucceededFuture(TranscodeOutputPublisher(publisher: publisher, localKey: nil))
    }

    func localKey(for url: String) -> StreamKey? { nil }

    func nextEventLoop() -> any EventLoop { group.next() }

    func publishers(_ url: String) -> [CollectingPublisher] { state.withLockedValue { $0.publishers[url] ?? [] } }

    func shutdown() async throws { try await group.shutdownGracefully() }
}

extension IngestConfiguration {
    static func testing(
        id: String = "live1", type: InputType, url: String, engine: TranscodeEngineConfiguration? = nil
    ) -> IngestConfiguration {
        let location = SourceLocation(file: "test.conf", line: 1)
        var ingest = IngestConfiguration(id: id, location: location)
        ingest.enabled = true
        ingest.inputType = type
        ingest.inputURL = url
        var copy = TranscodeEngineConfiguration(name: "", location: location)
        copy.output = "rtmp://127.0.0.1:[port]/[app]/[stream]"
        ingest.engines = [engine ?? copy]
        return ingest
    }
}

/// Polls `condition` every 20 ms for up to `timeout`.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// A TCP server that accepts and never answers, as a dead peer does.
func withSilentServer(_ body: (Int) async throws -> Void) async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let server = try await ServerBootstrap(group: group)
        .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
        .bind(host: "127.0.0.1", port: 0).get()
    do {
        try await body(try #require(server.localAddress?.port))
    } catch {
        try? await server.close()
        try? await group.shutdownGracefully()
        throw error
    }
    try await server.close()
    try await group.shutdownGracefully()
}
