import Config
import Foundation
import HLS
import Live
import Logging
import Media
import NIOCore
import NIOEmbedded
import Testing

/// A source and a rendition published through a real registry with a ladder: aligned cuts and the master.
/// The loop is `NIOAsyncTestingEventLoop`: the segment writer hops back to it from its own thread.
@Suite struct HLSLadderSinkTests {
    let loop = NIOAsyncTestingEventLoop()
    let registry = StreamRegistry()
    let source = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam")
    let low = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam_low")
    /// In the ladder but never published: never listed.
    let mid = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam_mid")
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    func controller(ladder: Bool) -> HLSController {
        var configuration = HLSConfiguration()
        configuration.enabled = true
        configuration.fragment = .seconds(3)
        configuration.window = .seconds(60)
        configuration.dispose = .seconds(5)
        configuration.path = folder.path
        let fixed = configuration
        let members = HLSLadder(
            source: source, renditions: [.init(key: mid, bandwidth: 900_000), .init(key: low, bandwidth: 50_000_000)])
        let controller = HLSController(
            registry: registry, logger: Logger(label: "test"),
            ladder: { ladder && members.contains($0) ? members : nil }) { _ in fixed }
        registry.addPublishObserver(controller)
        return controller
    }

    func publish(_ key: StreamKey, _ packets: [MediaPacket]) async throws {
        let future = registry.publish(key, configuration: LiveStreamConfiguration(timeJitter: .off), on: loop)
        await loop.run()
        let session = try await future.get()
        await loop.run()
        try await loop.executeInContext {
            for packet in packets { session.append(packet) }
            session.flush()
            session.finish()
        }
        await loop.run()
    }

    func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// Waits until the writers are done: no temporary file and the same folder contents twice in a row.
    func settle() async throws {
        func snapshot() -> [String] {
            folder.files(in: "live").map { $0 + ":" + String(decoding: folder.read("live/" + $0) ?? [], as: UTF8.self).prefix(4096) }
        }
        var last: [String] = []
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            let now = snapshot()
            if now == last, !now.contains(where: { $0.contains(".tmp:") }) { return }
            last = now
        }
    }

    func withLoop(_ body: () async throws -> Void) async throws {
        try await loop.runTest(body, settle: settle)
    }

    func text(_ path: String) -> String { String(decoding: folder.read(path) ?? [], as: UTF8.self) }

    /// The sample from its second keyframe on (headers and metadata kept), as a rendition that started late.
    static func lateStart(_ packets: [MediaPacket]) throws -> (packets: [MediaPacket], firstPTS: Int64) {
        let keyframes = packets.filter { $0.kind == .video && $0.isKeyframe && !$0.isSequenceHeader }
        let second = try #require(keyframes.dropFirst().first)
        let late = packets.filter { $0.kind == .data || $0.isSequenceHeader || $0.timestamp >= second.timestamp }
        return (late, try presentation(second))
    }

    static func presentation(_ packet: MediaPacket) throws -> Int64 {
        var payload = packet.payload
        let header = try #require(try payload.readVideoTagHeader())
        return packet.timestamp + Int64(header.compositionTime)
    }

    /// Where each segment after the first starts, in PTS: the first segment's start plus the durations.
    func boundaries(_ playlist: String, start: Int64) -> [Int64] {
        let durations = playlist.split(separator: "\n").filter { $0.hasPrefix("#EXTINF:") }
            .compactMap { Double($0.dropFirst(8).dropLast()) }.map { Int64(($0 * 1000).rounded()) }
        var time = start
        return durations.dropLast().map { time += $0; return time }
    }

    func firstPTS(_ packets: [MediaPacket]) throws -> Int64 {
        try Self.presentation(try #require(packets.first { $0.kind == .video && $0.isKeyframe && !$0.isSequenceHeader }))
    }

    @Test func aRenditionThatStartsLateCutsWhereTheSourceCuts() async throws {
        try await withLoop {
            guard let packets = try samplePackets() else { return }
            _ = controller(ladder: true)
            let late = try Self.lateStart(packets)
            try await publish(source, packets)
            try await publish(low, late.packets)
            try await waitUntil { text("live/cam_abr.m3u8").contains("cam_low.m3u8") }
            try await settle()
            let sourceCuts = boundaries(text("live/cam.m3u8"), start: try firstPTS(packets))
            let renditionCuts = boundaries(text("live/cam_low.m3u8"), start: late.firstPTS)
            // Keyframes every 2 s from PTS 80, 3 s cells: the first keyframe of cells 1 and 2.
            #expect(sourceCuts == [4_080, 6_080])
            #expect(renditionCuts == sourceCuts.filter { $0 > late.firstPTS })
        }
    }

    @Test func aRenditionWhoseLadderIsKnownOnlyAfterItStartsStillCutsOnTheGrid() async throws {
        try await withLoop {
            guard let packets = try samplePackets() else { return }
            let known = Flag()
            var configuration = HLSConfiguration()
            configuration.enabled = true
            configuration.fragment = .seconds(3)
            configuration.path = folder.path
            let fixed = configuration
            let members = HLSLadder(source: source, renditions: [.init(key: low)])
            let controller = HLSController(
                registry: registry, logger: Logger(label: "test"), ladder: { _ in known.value ? members : nil }) { _ in fixed }
            registry.addPublishObserver(controller)
            let late = try Self.lateStart(packets)
            let future = registry.publish(low, configuration: LiveStreamConfiguration(timeJitter: .off), on: loop)
            await loop.run()
            let session = try await future.get()
            await loop.run()
            // The transcoder registers the ladder after the rendition's publish began, before its first keyframe.
            known.set()
            let latePackets = late.packets
            try await loop.executeInContext {
                for packet in latePackets { session.append(packet) }
                session.flush()
                session.finish()
            }
            await loop.run()
            try await waitUntil { text("live/cam_low.m3u8").contains("#EXTINF") }
            try await settle()
            #expect(boundaries(text("live/cam_low.m3u8"), start: late.firstPTS) == [4_080, 6_080])
        }
    }

    @Test func withoutALadderTheLateStreamCutsOnItsOwnClock() async throws {
        try await withLoop {
            guard let packets = try samplePackets() else { return }
            _ = controller(ladder: false)
            let late = try Self.lateStart(packets)
            try await publish(low, late.packets)
            try await waitUntil { text("live/cam_low.m3u8").contains("#EXTINF") }
            try await settle()
            #expect(boundaries(text("live/cam_low.m3u8"), start: late.firstPTS) == [6_080])
            #expect(folder.read("live/cam_low_abr.m3u8") == nil && folder.read("live/cam_abr.m3u8") == nil)
        }
    }

    @Test func theMasterListsTheSourceAndEachRenditionWithSegmentsThenGoesWithTheSource() async throws {
        try await withLoop {
            guard let packets = try samplePackets() else { return }
            let controller = controller(ladder: true)
            try await publish(source, packets)
            try await waitUntil { folder.read("live/cam_abr.m3u8") != nil }
            #expect(text("live/cam_abr.m3u8").hasSuffix("\ncam.m3u8\n"))
            try await publish(low, try Self.lateStart(packets).packets)
            try await waitUntil { text("live/cam_abr.m3u8").contains("cam_low.m3u8") }
            try await settle()
            let master = text("live/cam_abr.m3u8")
            let lines = master.split(separator: "\n").map(String.init)
            #expect(lines.count == 6, "\(master)")
            #expect(Array(lines.prefix(2)) == ["#EXTM3U", "#EXT-X-VERSION:3"])
            #expect(lines[3] == "cam.m3u8" && lines[5] == "cam_low.m3u8")
            let attributes = ",RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",FRAME-RATE=25.000"
            #expect(lines[2] == "#EXT-X-STREAM-INF:BANDWIDTH=\(try peak("live/cam.m3u8")),"
                + "AVERAGE-BANDWIDTH=\(try average("live/cam.m3u8"))" + attributes)
            // Measured far below its 50 Mbit/s hint: the hint is announced.
            #expect(lines[4].hasPrefix("#EXT-X-STREAM-INF:BANDWIDTH=50000000,AVERAGE-BANDWIDTH="))
            #expect(lines[4].hasSuffix(attributes))
            #expect(!master.contains("cam_mid"))

            // hls_dispose (5 s) and the linger (target duration) later, the master goes with the source's files.
            await loop.advanceTime(by: .seconds(5))
            await loop.advanceTime(by: .seconds(20))
            try await waitUntil { controller.activeStreams.isEmpty && folder.files(in: "live").isEmpty }
            #expect(folder.files(in: "live").isEmpty)
        }
    }

    /// The playlist's segments: (bytes on disk, milliseconds).
    func segments(_ playlist: String) throws -> [(bytes: Int, milliseconds: Int64)] {
        let lines = text(playlist).split(separator: "\n")
        var result: [(Int, Int64)] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("#EXTINF:") {
            let milliseconds = Int64((try #require(Double(line.dropFirst(8).dropLast())) * 1000).rounded())
            let bytes = try #require(folder.read("live/" + lines[index + 1])).count
            result.append((bytes, milliseconds))
        }
        return result
    }

    func peak(_ playlist: String) throws -> Int {
        try segments(playlist).map { Int((Double($0.bytes) * 8000 / Double($0.milliseconds)).rounded(.up)) }.max() ?? 0
    }

    func average(_ playlist: String) throws -> Int {
        let all = try segments(playlist)
        let bytes = all.reduce(0) { $0 + $1.bytes }
        let milliseconds = all.reduce(0) { $0 + $1.milliseconds }
        return Int((Double(bytes) * 8000 / Double(milliseconds)).rounded(.up))
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    var value: Bool { lock.withLock { isSet } }
    func set() { lock.withLock { isSet = true } }
}
