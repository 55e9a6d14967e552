import Config
import Foundation
@testable import HLS
import Live
import Media
import NIOCore
import Remux
import Testing

@Suite struct HLSMasterPlaylistTests {
    let source = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam")
    let low = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam_low")
    let mid = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam_mid")
    let date = Date(timeIntervalSince1970: 1_700_000_000)

    var ladder: HLSLadder {
        HLSLadder(source: source, renditions: [.init(key: mid, bandwidth: 1_200_000), .init(key: low, bandwidth: 400_000)])
    }

    func status(
        _ key: StreamKey, _ configuration: HLSConfiguration = HLSConfiguration(), segments: Int = 3,
        peak: Int = 900_000, average: Int = 800_000, size: (Int, Int)? = (1280, 720),
        codecs: [String] = ["avc1.64001f", "mp4a.40.2"]
    ) throws -> HLSVariantStatus {
        HLSVariantStatus(
            paths: try HLSPaths(key: key, configuration: configuration, now: date), root: "/hls",
            listedSegments: segments, peakBitRate: peak, averageBitRate: average, width: size?.0, height: size?.1,
            codecs: codecs, frameRate: 25)
    }

    @Test func rendersTheVariantAttributes() {
        let master = HLSMasterPlaylist(variants: [
            .init(uri: "cam.m3u8", bandwidth: 2_500_000, averageBandwidth: 2_000_000, width: 1920, height: 1080,
                  codecs: ["avc1.640028", "mp4a.40.2"], frameRate: 29.97),
            .init(uri: "cam_audio.m3u8", bandwidth: 64_000, codecs: ["mp4a.40.2"]),
        ])
        #expect(master.render() == """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-STREAM-INF:BANDWIDTH=2500000,AVERAGE-BANDWIDTH=2000000,RESOLUTION=1920x1080,\
            CODECS="avc1.640028,mp4a.40.2",FRAME-RATE=29.970
            cam.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"
            cam_audio.m3u8

            """)
    }

    @Test func sourceFirstThenRenditionsWithSegmentsAndNeverBelowTheHint() throws {
        var board = HLSMasterBoard()
        // A rendition before the source has a segment: nothing to write yet.
        #expect(board.update(low, status: try status(low, peak: 300_000, average: 250_000, size: (640, 360)), ladder: ladder) == nil)
        #expect(board.update(source, status: try status(source, segments: 0), ladder: ladder) == nil)
        let change = board.update(source, status: try status(source), ladder: ladder)
        // cam_mid has no status at all and is left out; cam_low's measured 300 kbit/s is raised to its hint.
        #expect(change == .write(path: "live/cam_abr.m3u8", text: """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=1280x720,\
            CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=25.000
            cam.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=400000,AVERAGE-BANDWIDTH=250000,RESOLUTION=640x360,\
            CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=25.000
            cam_low.m3u8

            """))
    }

    @Test func writesOnlyWhenTheTextChanges() throws {
        var board = HLSMasterBoard()
        #expect(board.update(source, status: try status(source), ladder: ladder) != nil)
        // The same report again, and a rendition without a listed segment: the text is the same.
        #expect(board.update(source, status: try status(source), ladder: ladder) == nil)
        #expect(board.update(mid, status: try status(mid, segments: 0), ladder: ladder) == nil)
        // Its first segment lists it.
        guard case .write(_, let text)? = board.update(mid, status: try status(mid, peak: 1_000_000), ladder: ladder) else {
            Issue.record("no rewrite")
            return
        }
        #expect(text.contains("BANDWIDTH=1200000,") && text.hasSuffix("cam_mid.m3u8\n"))
        #expect(board.update(mid, status: try status(mid, peak: 1_000_000), ladder: ladder) == nil)
        // A rendition that goes away leaves the master; the source going away removes it.
        guard case .write(_, let without)? = board.update(mid, status: nil, ladder: ladder) else {
            Issue.record("no rewrite")
            return
        }
        #expect(!without.contains("cam_mid"))
        // The transcode stopped (no ladder any more): a rendition that ends still leaves the master.
        _ = board.update(low, status: try status(low), ladder: ladder)
        #expect(board.writtenText(for: source)?.contains("cam_low") == true)
        guard case .write(_, let alone)? = board.update(low, status: nil, ladder: nil) else {
            Issue.record("no rewrite")
            return
        }
        #expect(!alone.contains("cam_low"))
        #expect(board.update(source, status: nil, ladder: ladder) == .remove(path: "live/cam_abr.m3u8"))
        #expect(board.writtenText(for: source) == nil)
    }

    @Test func urisAreRelativeToTheMasterOrCarryTheEntryPrefix() throws {
        var configuration = HLSConfiguration()
        configuration.m3u8File = "[app]/[stream]/index.m3u8"
        var board = HLSMasterBoard()
        _ = board.update(low, status: try status(low, configuration), ladder: ladder)
        #expect(board.master(for: ladder) == nil)
        _ = board.update(source, status: try status(source, configuration), ladder: ladder)
        var text = try #require(board.master(for: ladder)).render()
        #expect(try status(source, configuration).paths.masterPlaylist == "live/cam/index_abr.m3u8")
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") } == ["index.m3u8", "../cam_low/index.m3u8"])

        configuration.entryPrefix = "https://cdn.example.com/hls/"
        board = HLSMasterBoard()
        _ = board.update(low, status: try status(low, configuration), ladder: ladder)
        _ = board.update(source, status: try status(source, configuration), ladder: ladder)
        text = try #require(board.master(for: ladder)).render()
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") } == [
            "https://cdn.example.com/hls/live/cam/index.m3u8", "https://cdn.example.com/hls/live/cam_low/index.m3u8",
        ])
    }

    @Test func theMasterSitsBesideThePlaylist() throws {
        #expect(try HLSPaths(key: source, configuration: HLSConfiguration(), now: date).masterPlaylist == "live/cam_abr.m3u8")
        var configuration = HLSConfiguration()
        configuration.m3u8File = "./[vhost]/[app]-[stream].m3u8"
        let paths = try HLSPaths(key: source, configuration: configuration, now: date)
        #expect(paths.masterPlaylist == "./__defaultVhost__/live-cam_abr.m3u8")
        #expect(paths.uri(of: paths.playlist, listedIn: paths.masterPlaylist) == "live-cam.m3u8")
    }

    @Test func codecsAndSizeComeFromTheConfigurationRecords() throws {
        guard let packets = try samplePackets() else { return }
        // The sample's own headers: x264 High profile level 3.0, AAC LC, 640x360.
        var remuxer = TSRemuxer()
        var output = ByteBuffer()
        for packet in packets where packet.isSequenceHeader { _ = try remuxer.append(packet, into: &output) }
        #expect(remuxer.codecs == ["avc1.64001e", "mp4a.40.2"])
        #expect(remuxer.videoSize.map { [$0.width, $0.height] } == [640, 360])

        // Hand-made records: Constrained Baseline 3.1 (constraint_set0/1 flags 0xC0) and HE-AAC (object type 5).
        let sps: [UInt8] = try #require(Self.sampleSPS(packets))
        var record: [UInt8] = [0x17, 0x00, 0, 0, 0, 0x01, 0x42, 0xC0, 0x1F, 0xFF, 0xE1]
        record += [UInt8(sps.count >> 8), UInt8(sps.count & 0xFF)] + sps + [0x01, 0x00, 0x04, 0x68, 0xEE, 0x3C, 0x80]
        // AudioSpecificConfig: SBR (5), 22.05 kHz core, stereo, extension 44.1 kHz, AAC LC inside.
        let audio: [UInt8] = [0xAF, 0x00, 0x2B, 0x92, 0x08, 0x00]
        var other = TSRemuxer()
        _ = try other.append(MediaPacket(kind: .video, timestamp: 0, flags: [.keyframe, .sequenceHeader], payload: ByteBuffer(bytes: record)), into: &output)
        _ = try other.append(MediaPacket(kind: .audio, timestamp: 0, flags: .sequenceHeader, payload: ByteBuffer(bytes: audio)), into: &output)
        #expect(other.codecs == ["avc1.42c01f", "mp4a.40.5"])
    }

    /// The first SPS NAL unit of the sample's AVC decoder configuration record.
    static func sampleSPS(_ packets: [MediaPacket]) -> [UInt8]? {
        guard var body = packets.first(where: { $0.kind == .video && $0.isSequenceHeader })?.payload else { return nil }
        guard (try? body.readVideoTagHeader()) != nil else { return nil }
        guard let record = try? body.readAVCDecoderConfigurationRecord(), let sps = record.sequenceParameterSets.first else {
            return nil
        }
        return Array(sps.readableBytesView)
    }
}
