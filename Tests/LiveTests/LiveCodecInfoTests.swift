import Foundation
import Media
import NIOCore
import NIOEmbedded
import Testing

@testable import Live

/// Codec, profile, level, size and audio format read once from real sequence headers, and the
/// statistics the API reads (frames, publisher id, reset on unpublish).
@Suite struct LiveCodecInfoTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("MediaTests/Fixtures")

    /// The tags of the tiny H.264/AAC sample (98x58 baseline, AAC-LC 22.05 kHz mono), as packets.
    static func samplePackets() throws -> [MediaPacket] {
        var buffer = ByteBuffer(bytes: try Data(contentsOf: fixtures.appendingPathComponent("tiny-h264-aac.flv")))
        // FLV header (9 bytes) and the first PreviousTagSize (4).
        buffer.moveReaderIndex(forwardBy: 13)
        var packets: [MediaPacket] = []
        while let tag = try buffer.readFLVTag() {
            packets.append(
                MediaPacket(
                    kind: tag.kind, timestamp: Int64(tag.timestamp),
                    flags: MediaPacket.Flags.classify(kind: tag.kind, payload: tag.data), payload: tag.data))
        }
        return packets
    }

    @Test func avcSequenceHeader() throws {
        let header = try #require(try Self.samplePackets().first { $0.kind == .video && $0.isSequenceHeader })
        let info = try #require(LiveVideoInfo.parse(sequenceHeader: header.payload))
        #expect(info.codec == "H264")
        // x264's baseline sets constraint_set1: Constrained Baseline, as ffprobe says too.
        #expect(info.profile == "ConstrainedBaseline")
        #expect(info.level == "1")  // level_idc 10, as ffprobe reports
        #expect(info.width == 98)
        #expect(info.height == 58)
    }

    @Test func aacSequenceHeader() throws {
        let header = try #require(try Self.samplePackets().first { $0.kind == .audio && $0.isSequenceHeader })
        let info = try #require(LiveAudioInfo.parse(header.payload))
        #expect(info == LiveAudioInfo(codec: "AAC", sampleRate: 22050, channels: 1, profile: "LC"))
    }

    @Test func hevcSequenceHeader() throws {
        let record = try Data(contentsOf: Self.fixtures.appendingPathComponent("x265-202x122.hvcc"))
        var payload = ByteBuffer()
        // Legacy FLV video header: keyframe + codec 12 (HEVC), packet type 0 (sequence header), CTS 0.
        payload.writeBytes([0x1C, 0x00, 0x00, 0x00, 0x00])
        payload.writeBytes(record)
        let info = try #require(LiveVideoInfo.parse(sequenceHeader: payload))
        #expect(info.codec == "HEVC")
        #expect(info.profile == "Main")
        #expect(info.width == 202)
        #expect(info.height == 122)
        #expect(info.level != nil && info.level != "Other")
    }

    @Test func framesAndDamagedHeaders() throws {
        // A coded frame is not a sequence header.
        #expect(LiveVideoInfo.parse(sequenceHeader: Packets.video(0, key: true).payload) == nil)
        // A damaged AVC record still names the codec.
        #expect(LiveVideoInfo.parse(sequenceHeader: Packets.video(0, header: true).payload)?.codec == "H264")
        #expect(LiveVideoInfo.parse(sequenceHeader: ByteBuffer()) == nil)
        // AAC frames before the header say nothing; legacy MP3 flags do.
        #expect(LiveAudioInfo.parse(Packets.audio(0).payload) == nil)
        let mp3 = LiveAudioInfo.parse(ByteBuffer(bytes: [0x2F, 0xFF, 0xFB]))
        #expect(mp3 == LiveAudioInfo(codec: "MP3", sampleRate: 44100, channels: 2))
    }

    @Test(arguments: [(UInt8(31), "3.1"), (30, "3"), (9, "1b"), (51, "5.1"), (0, "Other")])
    func avcLevels(idc: UInt8, name: String) {
        #expect(LiveVideoInfo.avcLevelName(idc) == name)
    }

    @Test(arguments: [(UInt8(93), "3.1"), (120, "4"), (60, "2"), (153, "5.1"), (7, "Other")])
    func hevcLevels(idc: UInt8, name: String) {
        #expect(LiveVideoInfo.hevcLevelName(idc) == name)
    }

    /// An embedded loop runs submitted work only when told to.
    static func snapshot(_ stream: LiveStream, _ loop: EmbeddedEventLoop) throws -> LiveStreamStatistics {
        let future = stream.statisticsSnapshot()
        loop.run()
        return try future.wait()
    }

    @Test func statisticsOfAPublish() throws {
        let loop = EmbeddedEventLoop()
        let registry = StreamRegistry()
        let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "s")
        let future = registry.publish(key, configuration: LiveStreamConfiguration(), on: loop, clientID: 42)
        loop.run()
        let session = try future.wait()
        let packets = try Self.samplePackets()
        for packet in packets { session.append(packet) }
        session.flush()
        loop.run()
        var statistics = try Self.snapshot(session.stream, loop)
        #expect(statistics.isPublishing)
        #expect(statistics.publisherClientID == 42)
        #expect(statistics.publishStartedAt != nil)
        #expect(statistics.video?.width == 98)
        #expect(statistics.audio?.sampleRate == 22050)
        let codedVideo = packets.filter { $0.kind == .video && !$0.isSequenceHeader }.count
        #expect(statistics.videoFrames == codedVideo)
        #expect(codedVideo > 0)

        session.finish()
        loop.run()
        statistics = try Self.snapshot(session.stream, loop)
        #expect(!statistics.isPublishing)
        #expect(statistics.publisherClientID == nil)
        #expect(statistics.video == nil && statistics.audio == nil)
        // Counters of the stream survive the publish.
        #expect(statistics.videoFrames == codedVideo)
        try loop.syncShutdownGracefully()
    }
}
