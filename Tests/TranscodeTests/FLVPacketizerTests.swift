import CLibAV
import Foundation
import Media
import NIOCore
import Testing

@testable import Transcode

/// The packetizer against libav's own demuxer: what it writes must be the sample's tags, byte for byte.
@Suite struct FLVPacketizerTests {
    static let sample = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples/sample.flv").path

    /// Demuxes `path` with libavformat and packetizes every packet.
    static func packetize(_ path: String, remuxingTo format: String? = nil) throws -> [MediaPacket] {
        var input: UnsafeMutablePointer<AVFormatContext>?
        try LibAVError.check(avformat_open_input(&input, path, nil, nil), "avformat_open_input")
        defer { avformat_close_input(&input) }
        try LibAVError.check(avformat_find_stream_info(input, nil), "avformat_find_stream_info")
        let context = try #require(input)
        let inputs = (0..<Int(context.pointee.nb_streams)).map { index in
            let stream = context.pointee.streams[index]!
            return FLVPacketizer.Input(parameters: UnsafePointer(stream.pointee.codecpar), timeBase: stream.pointee.time_base)
        }
        let packetizer = try FLVPacketizer(inputs: inputs)
        let packet = try LibAVPacket()
        var packets: [MediaPacket] = []
        while av_read_frame(context, packet.pointer) >= 0 {
            packets += try packetizer.packetize(packet.pointer, stream: Int(packet.pointer.pointee.stream_index))
            av_packet_unref(packet.pointer)
        }
        return packets
    }

    static func tags(of path: String) throws -> [FLVTag] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var buffer = ByteBuffer(bytes: data)
        _ = try buffer.readFLVHeader()
        var tags: [FLVTag] = []
        while let tag = try buffer.readFLVTag() { tags.append(tag) }
        return tags
    }

    @Test func flvInputComesOutAsItsOwnTags() throws {
        let packets = try Self.packetize(Self.sample)
        // Not the script tag, nor the end-of-sequence tag libav's demuxer does not return as a packet.
        let original = try Self.tags(of: Self.sample).filter { $0.kind != .data && $0.data.readableBytes > 5 }
        #expect(packets.count == original.count)
        #expect(packets.first?.isSequenceHeader == true)
        for (packet, tag) in zip(packets, original) {
            #expect(packet.kind == tag.kind)
            #expect(packet.timestamp == Int64(tag.timestamp))
            #expect(packet.payload == tag.data)
        }
        #expect(packets.filter { $0.kind == .video && $0.isKeyframe && !$0.isSequenceHeader }.count == 5)
    }

    @Test func mpegTSInputBecomesAVCCAndRawAAC() throws {
        // Annex B H.264 and ADTS AAC: the shapes an RTSP, SRT or HLS input has.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("packetizer-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ts = directory.appendingPathComponent("sample.ts").path
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        ffmpeg.arguments = ["-nostdin", "-loglevel", "error", "-y", "-i", Self.sample, "-t", "2", "-c", "copy", "-f", "mpegts", ts]
        try ffmpeg.run()
        ffmpeg.waitUntilExit()
        try #require(ffmpeg.terminationStatus == 0)

        let packets = try Self.packetize(ts)
        let video = packets.filter { $0.kind == .video }
        let audio = packets.filter { $0.kind == .audio }
        let videoHeader = try #require(video.first)
        #expect(videoHeader.isSequenceHeader)
        let size = try #require(LiveVideoInfoProbe.size(of: videoHeader.payload))
        #expect(size.0 == 640 && size.1 == 360)
        #expect(audio.first?.isSequenceHeader == true)
        #expect(audio.filter(\.isSequenceHeader).count == 1)
        // The same frames as the FLV carried, now converted back from Annex B and ADTS.
        let original = try Self.tags(of: Self.sample)
        let originalFrames = original.filter { $0.kind == .video && !MediaPacket($0).isSequenceHeader }
        let frames = video.filter { !$0.isSequenceHeader }
        try #require(frames.count >= 40)
        // MPEG-TS added an access unit delimiter and in-band SPS/PPS; the picture itself, the last NAL unit,
        // must come back as it was.
        let first = try #require(frames.first?.payload)
        let originalFirst = try #require(originalFrames.first?.data)
        let tail = 4000
        #expect(first.readableBytes > originalFirst.readableBytes)
        #expect(first.getSlice(at: first.writerIndex - tail, length: tail) == originalFirst.getSlice(at: originalFirst.writerIndex - tail, length: tail))
    }
}

/// Reads a picture size from an AVC sequence header without depending on Live.
enum LiveVideoInfoProbe {
    static func size(of payload: ByteBuffer) -> (Int, Int)? {
        var body = payload
        guard let header = try? body.readVideoTagHeader(), header.isSequenceHeader,
            let record = try? body.readAVCDecoderConfigurationRecord(),
            let sps = try? record.firstSequenceParameterSet()
        else { return nil }
        return (sps.width, sps.height)
    }
}
