import CLibAV
import Config
import Media
import NIOCore

/// The video half of a pipeline: H.264 in FLV → decoder → scaler → encoder → FLV, with the output's
/// key frames forced at the source's key frames and each output frame on its source frame's PTS.
final class VideoTranscoder {
    /// Keyframes come only from the source: the encoder's own GOP limit is set far beyond any live GOP.
    static let encoderGOPSize: Int32 = 100_000
    /// The frame rate the encoder's rate control assumes when `vfps` is not set.
    static let defaultFrameRate = 25.0
    /// Milliseconds: the decoder's and encoder's time base, the FLV clock.
    static let millisecondTimeBase = AVRational(num: 1, den: 1000)

    private let engine: TranscodeEngineConfiguration
    private let encoderName: String
    private var decoder: LibAVCodecContext?
    private var decoderConfiguration: [UInt8] = []
    private var encoder: LibAVCodecContext?
    private var parameters: UnsafeMutablePointer<AVCodecParameters>?
    private var packetizer: FLVPacketizer?
    private var scaler: LibAVVideoScaler?
    private let decoded: LibAVFrame
    private let scaled: LibAVFrame
    private let input: LibAVPacket
    private let output: LibAVPacket
    /// PTS (ms) of source key frames not yet out of the decoder.
    private var keyframeTimes: [Int64] = []
    private var nextFrameTime: Double?
    /// Until a key frame, nothing can be decoded: the input is skipped.
    private(set) var isWaitingForKeyframe = true
    /// Whether the user's options turned B-frames on (timestamps then have DTS < PTS).
    private(set) var usesBFrames = false

    init(engine: TranscodeEngineConfiguration, encoderName: String) throws(LibAVError) {
        self.engine = engine
        self.encoderName = encoderName
        decoded = try LibAVFrame()
        scaled = try LibAVFrame()
        input = try LibAVPacket()
        output = try LibAVPacket()
    }

    deinit { avcodec_parameters_free(&parameters) }

    func process(_ packet: MediaPacket) throws(LibAVError) -> [MediaPacket] {
        var body = packet.payload
        guard let header = try? body.readVideoTagHeader() else { return [] }
        guard header.codec.isAVC else {
            throw LibAVError(operation: "transcode video", message: "only H.264 sources can be transcoded")
        }
        var out: [MediaPacket] = []
        switch header.packetType {
        case .sequenceStart:
            let configuration = body.readBytes(length: body.readableBytes) ?? []
            guard configuration != decoderConfiguration else { return [] }
            if decoder != nil { try flushDecoder(into: &out) }
            decoder = try Self.openDecoder(configuration)
            decoderConfiguration = configuration
            isWaitingForKeyframe = true
        case .codedFrames, .codedFramesX:
            guard let decoder else { return [] }
            if isWaitingForKeyframe {
                guard header.isKeyframe else { return [] }
                isWaitingForKeyframe = false
            }
            let pts = packet.timestamp + Int64(header.compositionTime)
            if header.isKeyframe { keyframeTimes.append(pts) }
            try input.fill(body, pts: pts, dts: packet.timestamp, keyframe: header.isKeyframe)
            while try !decoder.send(input) {
                try receiveFrames(from: decoder, into: &out)
            }
            try receiveFrames(from: decoder, into: &out)
        default:
            break
        }
        return out
    }

    /// What the decoder and encoder still hold.
    func drain() throws(LibAVError) -> [MediaPacket] {
        var out: [MediaPacket] = []
        if decoder != nil { try flushDecoder(into: &out) }
        if let encoder {
            try encoder.send(nil as LibAVFrame?)
            try receivePackets(from: encoder, into: &out)
        }
        return out
    }

    private func flushDecoder(into out: inout [MediaPacket]) throws(LibAVError) {
        guard let decoder else { return }
        try decoder.send(nil as LibAVPacket?)
        try receiveFrames(from: decoder, into: &out)
        self.decoder = nil
    }

    private static func openDecoder(_ configuration: [UInt8]) throws(LibAVError) -> LibAVCodecContext {
        let decoder = try LibAVCodecContext(decoderFor: AV_CODEC_ID_H264, extradata: configuration)
        decoder.pointer.pointee.pkt_timebase = millisecondTimeBase
        try decoder.open()
        return decoder
    }

    private func receiveFrames(from decoder: LibAVCodecContext, into out: inout [MediaPacket]) throws(LibAVError) {
        while try decoder.receive(into: decoded) {
            defer { decoded.unref() }
            try encode(decoded, into: &out)
        }
    }

    private func encode(_ frame: LibAVFrame, into out: inout [MediaPacket]) throws(LibAVError) {
        var pts = frame.pointer.pointee.best_effort_timestamp
        if pts == headwater_av_nopts_value() { pts = frame.pointer.pointee.pts }
        guard pts != headwater_av_nopts_value() else { return }
        // A key frame of the source comes out of the decoder at its PTS; older entries were lost frames.
        keyframeTimes.removeAll { $0 < pts }
        let isKeyframe = keyframeTimes.first == pts
        if isKeyframe { keyframeTimes.removeFirst() }
        guard keepsFrame(at: pts, forced: isKeyframe) else { return }

        let encoder: LibAVCodecContext
        if let existing = self.encoder { encoder = existing } else { encoder = try openEncoder(for: frame) }
        let picture: LibAVFrame
        let source = frame.pointer.pointee
        if source.width == encoder.pointer.pointee.width, source.height == encoder.pointer.pointee.height,
            source.format == encoder.pointer.pointee.pix_fmt.rawValue
        {
            picture = frame
        } else {
            let scaler = self.scaler ?? LibAVVideoScaler(
                width: encoder.pointer.pointee.width, height: encoder.pointer.pointee.height,
                format: encoder.pointer.pointee.pix_fmt)
            self.scaler = scaler
            try scaler.scale(frame, into: scaled)
            picture = scaled
        }
        picture.pointer.pointee.pts = pts
        // Only the source's key frames are key frames here: every rendition's segments cut at the same PTS.
        picture.pointer.pointee.pict_type = isKeyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        picture.pointer.pointee.key_frame = isKeyframe ? 1 : 0
        while try !encoder.send(picture) {
            try receivePackets(from: encoder, into: &out)
        }
        try receivePackets(from: encoder, into: &out)
    }

    /// `vfps`: keeps a frame when it is due on the output's frame grid (a quarter frame of slack); a key
    /// frame is always kept (`forced`) and restarts the grid.
    private func keepsFrame(at pts: Int64, forced: Bool) -> Bool {
        guard let fps = engine.videoFPS else { return true }
        let interval = 1000 / fps
        let time = Double(pts)
        guard let next = nextFrameTime, !forced else {
            nextFrameTime = time + interval
            return true
        }
        guard time + interval / 4 >= next else { return false }
        nextFrameTime = time - next > interval ? time + interval : next + interval
        return true
    }

    private func receivePackets(from encoder: LibAVCodecContext, into out: inout [MediaPacket]) throws(LibAVError) {
        guard let packetizer else { return }
        while try encoder.receive(into: output) {
            defer { output.unref() }
            let packet = output.pointer
            // With B-frames (a user's `bf`), x264 shifts DTS below zero at the start: keep them valid.
            if packet.pointee.dts == headwater_av_nopts_value() { packet.pointee.dts = packet.pointee.pts }
            packet.pointee.dts = max(0, min(packet.pointee.dts, packet.pointee.pts))
            out += try packetizer.packetize(packet, stream: 0)
        }
    }

    /// Opens the encoder for the first picture: the configured size (a missing side follows the source's
    /// aspect, rounded to even), the encoder's pixel format, and the options of the engine.
    private func openEncoder(for frame: LibAVFrame) throws(LibAVError) -> LibAVCodecContext {
        let encoder = try LibAVCodecContext(encoderNamed: encoderName, mediaType: AVMEDIA_TYPE_VIDEO)
        let source = frame.pointer.pointee
        let size = Self.outputSize(
            width: engine.videoWidth, height: engine.videoHeight, sourceWidth: Int(source.width),
            sourceHeight: Int(source.height))
        let context = encoder.pointer
        context.pointee.width = Int32(size.width)
        context.pointee.height = Int32(size.height)
        context.pointee.pix_fmt = Self.pixelFormat(for: encoder.codec)
        context.pointee.time_base = Self.millisecondTimeBase
        context.pointee.framerate = av_d2q(engine.videoFPS ?? Self.defaultFrameRate, 1000)
        context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        context.pointee.gop_size = Self.encoderGOPSize
        context.pointee.max_b_frames = 0
        context.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        if let bitrate = engine.videoBitrate { context.pointee.bit_rate = Int64(bitrate) * 1000 }
        // No `vthreads`: libav picks (0 = as many as the machine has), not libav's single-thread default.
        context.pointee.thread_count = Int32(engine.videoThreads ?? 0)
        // No scene-cut key frames of the encoder's own (x264 and the encoders that honour it).
        try? encoder.setOption("sc_threshold", "0")
        try? encoder.setOption("forced-idr", "1")
        if let profile = engine.videoProfile { try encoder.setOption("profile", profile) }
        if let preset = engine.videoPreset { try encoder.setOption("preset", preset) }
        for parameter in engine.videoParameters {
            guard let name = TranscodeOptions.optionName(parameter.name) else { continue }
            try encoder.setOption(name, parameter.value)
        }
        usesBFrames = context.pointee.max_b_frames > 0
        try encoder.open()
        parameters = avcodec_parameters_alloc()
        guard let parameters else { throw LibAVError(operation: "avcodec_parameters_alloc", message: "out of memory") }
        try LibAVError.check(avcodec_parameters_from_context(parameters, context), "avcodec_parameters_from_context")
        packetizer = try FLVPacketizer(inputs: [.init(parameters: parameters, timeBase: context.pointee.time_base)])
        self.encoder = encoder
        return encoder
    }

    static func outputSize(width: Int?, height: Int?, sourceWidth: Int, sourceHeight: Int) -> (width: Int, height: Int) {
        func even(_ value: Double) -> Int { max(2, Int((value / 2).rounded()) * 2) }
        switch (width, height) {
        case (let width?, let height?): return (width, height)
        case (let width?, nil): return (width, even(Double(width) * Double(sourceHeight) / Double(max(1, sourceWidth))))
        case (nil, let height?): return (even(Double(height) * Double(sourceWidth) / Double(max(1, sourceHeight))), height)
        case (nil, nil): return (sourceWidth, sourceHeight)
        }
    }

    /// YUV 4:2:0 when the encoder takes it (what players expect), else the encoder's first format.
    static func pixelFormat(for codec: UnsafePointer<AVCodec>) -> AVPixelFormat {
        guard var format = codec.pointee.pix_fmts else { return AV_PIX_FMT_YUV420P }
        let first = format.pointee
        while format.pointee != AV_PIX_FMT_NONE {
            if format.pointee == AV_PIX_FMT_YUV420P { return AV_PIX_FMT_YUV420P }
            format += 1
        }
        return first
    }
}

/// How engine option names are read: SRS writes some with a stream suffix (`b:v`), and `bsf` is
/// ffmpeg's command line, not an encoder option.
enum TranscodeOptions {
    static let commandLineOnly: Set<String> = ["bsf", "bsf:v", "bsf:a"]

    /// The encoder option name for a written one, or `nil` when it is not an encoder option.
    static func optionName(_ written: String) -> String? {
        guard !commandLineOnly.contains(written) else { return nil }
        if written.hasSuffix(":v") || written.hasSuffix(":a") { return String(written.dropLast(2)) }
        return written
    }
}
