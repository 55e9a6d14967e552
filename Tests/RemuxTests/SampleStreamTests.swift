import Foundation
import Media
import NIOCore
import Testing

@testable import Remux

/// Muxes samples/sample.flv (H.264 High 640x360 with B-frames, AAC-LC; see samples/make-sample.sh)
/// the way the HLS segmenter will: program tables at every keyframe, audio flushed before them.
@Suite(.enabled(if: SampleStream.isAvailable, "samples/sample.flv not found"))
struct SampleStreamTests {
    @Test func muxesTheWholeSampleConsistently() throws {
        let sample = try SampleStream.mux()
        let packets = try parsePackets(sample.output)
        expectContinuity(packets)
        #expect(sample.codecs == ["avc1.64001e", "mp4a.40.2"])
        #expect(sample.videoSize?.width == 640 && sample.videoSize?.height == 360)

        let video = try parsePES(packets, pid: 0x100)
        #expect(video.count == sample.videoFrames)
        var lastDTS: UInt64 = 0
        var lastPCR: UInt64 = 0
        for pes in video {
            let units = annexBNALUnits(pes.data)
            #expect(units.first == [0x09, 0xF0], "AUD first")
            let types = Set(units.map { $0[0] & 0x1F })
            if types.contains(5) {
                #expect(types.isSuperset(of: [7, 8]), "SPS and PPS with every IDR")
                #expect(pes.packets[0].randomAccess)
            }
            let dts = try #require(pes.dts ?? pes.pts)
            #expect(dts > lastDTS)
            lastDTS = dts
            let pcr = try #require(pes.packets[0].pcrBase)
            #expect(pcr >= lastPCR && pcr <= dts)
            lastPCR = pcr
        }

        let audio = try parsePES(packets, pid: 0x101)
        var adtsFrames = 0
        var lastPTS: UInt64 = 0
        for pes in audio {
            let pts = try #require(pes.pts)
            #expect(pts > lastPTS)
            lastPTS = pts
            var index = 0
            while index < pes.data.count {
                try #require(pes.data[index] == 0xFF && pes.data[index + 1] & 0xF0 == 0xF0, "ADTS sync")
                index += Int(pes.data[index + 3] & 0x03) << 11 | Int(pes.data[index + 4]) << 3 | Int(pes.data[index + 5] >> 5)
                adtsFrames += 1
            }
            #expect(index == pes.data.count)
        }
        #expect(adtsFrames == sample.audioFrames)
        // 10 s of audio in PES of five frames (116 ms), plus the shorter ones flushed at keyframes.
        #expect((85...95).contains(audio.count))
    }

    @Test(.enabled(if: SampleStream.ffprobe != nil, "ffprobe not on PATH"))
    func ffprobeReadsTheStreamWithoutErrors() throws {
        let sample = try SampleStream.mux()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("remux-\(UUID().uuidString).ts")
        try Data(sample.output.readableBytesView).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let ffprobe = try #require(SampleStream.ffprobe)
        let process = Process()
        process.executableURL = ffprobe
        process.arguments = ["-v", "error", "-show_streams", "-show_packets", "-of", "json", file.path]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let json = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(errors.isEmpty, "ffprobe reported: \(errors)")

        let root = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let streams = try #require(root["streams"] as? [[String: Any]])
        let codecNames = streams.compactMap { $0["codec_name"] as? String }
        #expect(codecNames.sorted() == ["aac", "h264"])
        let videoStream = try #require(streams.first { $0["codec_name"] as? String == "h264" })
        #expect(videoStream["width"] as? Int == 640)
        #expect(videoStream["height"] as? Int == 360)
        let videoIndex = try #require(videoStream["index"] as? Int)

        let packets = try #require(root["packets"] as? [[String: Any]])
        let videoPackets = packets.filter { $0["stream_index"] as? Int == videoIndex }
        let audioPackets = packets.filter { $0["stream_index"] as? Int != videoIndex }
        #expect(videoPackets.count == sample.videoFrames)
        #expect(audioPackets.count == sample.audioFrames)
        // With B-frames only decode order is monotonic for video; audio PTS must be.
        let videoDTS = videoPackets.compactMap { ($0["dts"] as? Int) }
        let audioPTS = audioPackets.compactMap { ($0["pts"] as? Int) }
        #expect(videoDTS.count == videoPackets.count && audioPTS.count == audioPackets.count)
        #expect(zip(videoDTS, videoDTS.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(audioPTS, audioPTS.dropFirst()).allSatisfy { $0 < $1 })
        #expect(videoDTS.first == 90_000, "the first DTS is the 1 s offset")
        let keyframes = videoPackets.filter { ($0["flags"] as? String)?.hasPrefix("K") == true }
        #expect(keyframes.count == 5)
    }
}

/// samples/sample.flv, found relative to this file, muxed once per call.
enum SampleStream {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples/sample.flv")
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: url.path) }

    static var ffprobe: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("ffprobe") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Result {
        var output: ByteBuffer
        var videoFrames = 0
        var audioFrames = 0
        var codecs: [String] = []
        var videoSize: (width: Int, height: Int)?
    }

    static func packets() throws -> [MediaPacket] {
        var buffer = ByteBuffer(bytes: try Data(contentsOf: url))
        var decoder = FLVTagDecoder()
        var packets: [MediaPacket] = []
        while let tag = try decoder.decode(buffer: &buffer) { packets.append(MediaPacket(tag)) }
        return packets
    }

    static func mux() throws -> Result {
        var remuxer = TSRemuxer()
        var result = Result(output: ByteBuffer())
        result.output.reserveCapacity(600_000)
        var started = false
        for packet in try packets() {
            let firstMedia = !started && packet.kind != .data && !packet.isSequenceHeader
            if firstMedia || (packet.kind == .video && packet.isKeyframe) {
                // A new segment: what is pending belongs to the previous one.
                remuxer.flush(into: &result.output)
                remuxer.writeProgramTables(into: &result.output)
                started = true
            }
            switch try remuxer.append(packet, into: &result.output) {
            case .wroteVideo: result.videoFrames += 1
            case .wroteAudio: result.audioFrames += 1
            default: break
            }
        }
        remuxer.flush(into: &result.output)
        result.codecs = remuxer.codecs
        result.videoSize = remuxer.videoSize
        return result
    }
}
