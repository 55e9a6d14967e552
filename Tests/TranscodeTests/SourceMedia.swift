import CLibAV
import Foundation
import Media
import NIOCore

@testable import Transcode

/// A live source made in-test with libav: x264 with B-frames (so composition times are not zero) and a
/// key frame every `gop` frames, plus an AAC sine, packetized into the stream's FLV payloads.
struct SourceMedia {
    var width: Int32 = 320
    var height: Int32 = 240
    var fps: Int32 = 30
    var frames = 60
    var gop: Int32 = 15
    var sampleRate: Int32 = 44_100

    /// The packets in DTS order, video and audio interleaved as a publisher sends them.
    func packets() throws -> [MediaPacket] {
        let videoEncoder = try LibAVCodecContext(encoderNamed: "libx264", mediaType: AVMEDIA_TYPE_VIDEO)
        let video = videoEncoder.pointer
        video.pointee.width = width
        video.pointee.height = height
        video.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        video.pointee.time_base = AVRational(num: 1, den: fps)
        video.pointee.framerate = AVRational(num: fps, den: 1)
        video.pointee.gop_size = gop
        video.pointee.max_b_frames = 2
        video.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        try videoEncoder.setOption("preset", "ultrafast")
        // ultrafast turns B-frames off; the source must have them.
        try videoEncoder.setOption("x264-params", "bframes=2:scenecut=0:keyint=\(gop):min-keyint=\(gop)")
        try videoEncoder.open()

        let audioEncoder = try LibAVCodecContext(encoderNamed: "aac", mediaType: AVMEDIA_TYPE_AUDIO)
        let audio = audioEncoder.pointer
        audio.pointee.sample_rate = sampleRate
        av_channel_layout_default(&audio.pointee.ch_layout, 2)
        audio.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        audio.pointee.time_base = AVRational(num: 1, den: sampleRate)
        audio.pointee.bit_rate = 96_000
        audio.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        try audioEncoder.open()

        let videoParameters = avcodec_parameters_alloc()!
        let audioParameters = avcodec_parameters_alloc()!
        defer {
            var v: UnsafeMutablePointer<AVCodecParameters>? = videoParameters
            var a: UnsafeMutablePointer<AVCodecParameters>? = audioParameters
            avcodec_parameters_free(&v)
            avcodec_parameters_free(&a)
        }
        try LibAVError.check(avcodec_parameters_from_context(videoParameters, video), "parameters")
        try LibAVError.check(avcodec_parameters_from_context(audioParameters, audio), "parameters")
        let packetizer = try FLVPacketizer(inputs: [
            .init(parameters: videoParameters, timeBase: video.pointee.time_base),
            .init(parameters: audioParameters, timeBase: audio.pointee.time_base),
        ])

        var out: [MediaPacket] = []
        let frame = try LibAVFrame()
        let packet = try LibAVPacket()
        func collect(_ encoder: LibAVCodecContext, stream: Int) throws {
            while try encoder.receive(into: packet) {
                out += try packetizer.packetize(packet.pointer, stream: stream)
                packet.unref()
            }
        }
        for index in 0..<frames {
            frame.unref()
            frame.pointer.pointee.width = width
            frame.pointer.pointee.height = height
            frame.pointer.pointee.format = AV_PIX_FMT_YUV420P.rawValue
            try LibAVError.check(av_frame_get_buffer(frame.pointer, 0), "av_frame_get_buffer")
            for plane in 0..<3 {
                let rows = plane == 0 ? Int(height) : Int(height) / 2
                let columns = plane == 0 ? Int(width) : Int(width) / 2
                let lineSize = Int(withUnsafePointer(to: frame.pointer.pointee.linesize) {
                    $0.withMemoryRebound(to: Int32.self, capacity: 8) { $0[plane] }
                })
                let base = withUnsafePointer(to: frame.pointer.pointee.data) {
                    $0.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { $0[plane]! }
                }
                // Stripes that move from frame to frame: something for the encoder to predict.
                for y in 0..<rows {
                    (base + y * lineSize).update(repeating: UInt8(truncatingIfNeeded: y * 2 + index * 5 + plane * 60), count: columns)
                }
            }
            frame.pointer.pointee.pts = Int64(index)
            try videoEncoder.send(frame)
            try collect(videoEncoder, stream: 0)
        }
        try videoEncoder.send(nil as LibAVFrame?)
        try collect(videoEncoder, stream: 0)

        let samples = Int(sampleRate) * frames / Int(fps)
        let frameSize = Int(audio.pointee.frame_size)
        var position = 0
        while position < samples {
            frame.unref()
            frame.pointer.pointee.nb_samples = Int32(frameSize)
            frame.pointer.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            frame.pointer.pointee.sample_rate = sampleRate
            av_channel_layout_default(&frame.pointer.pointee.ch_layout, 2)
            try LibAVError.check(av_frame_get_buffer(frame.pointer, 0), "av_frame_get_buffer")
            for channel in 0..<2 {
                let plane = frame.audioPlanes[channel]!.assumingMemoryBound(to: Float.self)
                for sample in 0..<frameSize {
                    plane[sample] = 0.3 * Float(sin(Double(position + sample) * 2 * .pi * 440 / Double(sampleRate)))
                }
            }
            frame.pointer.pointee.pts = Int64(position)
            position += frameSize
            try audioEncoder.send(frame)
            try collect(audioEncoder, stream: 1)
        }
        try audioEncoder.send(nil as LibAVFrame?)
        try collect(audioEncoder, stream: 1)
        // A publisher interleaves by DTS; sequence headers first.
        let headers = out.filter(\.isSequenceHeader)
        let media = out.filter { !$0.isSequenceHeader }.enumerated().sorted {
            ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset)
        }.map(\.element)
        return headers + media
    }
}

extension MediaPacket {
    /// PTS of a video frame: DTS + composition time.
    var presentationTime: Int64 {
        var body = payload
        guard kind == .video, let header = try? body.readVideoTagHeader() else { return timestamp }
        return timestamp + Int64(header.compositionTime)
    }
}
