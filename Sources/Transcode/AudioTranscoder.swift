import CLibAV
import Config
import Media
import NIOCore

/// The audio half of a pipeline: AAC in FLV → decoder → resampler → FIFO of the encoder's frame size →
/// encoder → FLV, with output timestamps on the input's clock.
final class AudioTranscoder {
    /// A jump of the input clock larger than this re-anchors the output clock (100 ms, in fractions of a second).
    static let resyncDivisor: Int64 = 10
    /// Encoders without a fixed frame size (PCM-like) get frames of this many samples.
    static let defaultFrameSize: Int32 = 1024

    private let engine: TranscodeEngineConfiguration
    private let encoderName: String
    private var decoder: LibAVCodecContext?
    private var decoderConfiguration: [UInt8] = []
    private var encoder: LibAVCodecContext?
    private var resampler: LibAVAudioResampler?
    private var parameters: UnsafeMutablePointer<AVCodecParameters>?
    private var packetizer: FLVPacketizer?
    private let decoded: LibAVFrame
    private let chunk: LibAVFrame
    private let input: LibAVPacket
    private let output: LibAVPacket
    /// Output-rate sample index of the next sample written into the FIFO, and of the FIFO's head.
    private var nextInputSample: Int64?
    private var nextOutputSample: Int64 = 0

    init(engine: TranscodeEngineConfiguration, encoderName: String) throws(LibAVError) {
        self.engine = engine
        self.encoderName = encoderName
        decoded = try LibAVFrame()
        chunk = try LibAVFrame()
        input = try LibAVPacket()
        output = try LibAVPacket()
    }

    deinit { avcodec_parameters_free(&parameters) }

    func process(_ packet: MediaPacket) throws(LibAVError) -> [MediaPacket] {
        var body = packet.payload
        guard let header = try? body.readAudioTagHeader() else { return [] }
        guard header.codec.isAAC else {
            throw LibAVError(operation: "transcode audio", message: "only AAC sources can be transcoded")
        }
        var out: [MediaPacket] = []
        switch header.packetType {
        case .sequenceStart:
            let configuration = body.readBytes(length: body.readableBytes) ?? []
            guard configuration != decoderConfiguration else { return [] }
            if decoder != nil { try flushDecoder(into: &out) }
            let decoder = try LibAVCodecContext(decoderFor: AV_CODEC_ID_AAC, extradata: configuration)
            decoder.pointer.pointee.pkt_timebase = VideoTranscoder.millisecondTimeBase
            try decoder.open()
            self.decoder = decoder
            decoderConfiguration = configuration
        case .codedFrames:
            guard let decoder else { return [] }
            try input.fill(body, pts: packet.timestamp, dts: packet.timestamp, keyframe: true)
            while try !decoder.send(input) {
                try receiveFrames(from: decoder, into: &out)
            }
            try receiveFrames(from: decoder, into: &out)
        default:
            break
        }
        return out
    }

    func drain() throws(LibAVError) -> [MediaPacket] {
        var out: [MediaPacket] = []
        if decoder != nil { try flushDecoder(into: &out) }
        if let encoder, let resampler {
            if try resampler.read(frameSize(encoder), partial: true, into: chunk) { try send(chunk, to: encoder, into: &out) }
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

    private func receiveFrames(from decoder: LibAVCodecContext, into out: inout [MediaPacket]) throws(LibAVError) {
        while try decoder.receive(into: decoded) {
            defer { decoded.unref() }
            try encode(decoded, into: &out)
        }
    }

    private func frameSize(_ encoder: LibAVCodecContext) -> Int32 {
        encoder.pointer.pointee.frame_size > 0 ? encoder.pointer.pointee.frame_size : Self.defaultFrameSize
    }

    private func encode(_ frame: LibAVFrame, into out: inout [MediaPacket]) throws(LibAVError) {
        let encoder: LibAVCodecContext
        if let existing = self.encoder { encoder = existing } else { encoder = try openEncoder(for: frame) }
        guard let resampler else { return }
        let rate = Int64(encoder.pointer.pointee.sample_rate)
        var pts = frame.pointer.pointee.best_effort_timestamp
        if pts == headwater_av_nopts_value() { pts = frame.pointer.pointee.pts }
        if pts != headwater_av_nopts_value() {
            let start = pts * rate / 1000
            if let expected = nextInputSample {
                // Keep the output on the input's clock across gaps and jumps (a republish, lost packets).
                if abs(start - expected) > rate / Self.resyncDivisor {
                    nextOutputSample += start - expected
                    nextInputSample = start
                }
            } else {
                nextInputSample = start
                nextOutputSample = start
            }
        }
        let before = resampler.bufferedSamples
        try resampler.write(frame)
        nextInputSample = (nextInputSample ?? 0) + Int64(resampler.bufferedSamples - before)
        let size = frameSize(encoder)
        while try resampler.read(size, into: chunk) {
            try send(chunk, to: encoder, into: &out)
        }
    }

    private func send(_ frame: LibAVFrame, to encoder: LibAVCodecContext, into out: inout [MediaPacket]) throws(LibAVError) {
        frame.pointer.pointee.pts = nextOutputSample
        nextOutputSample += Int64(frame.pointer.pointee.nb_samples)
        while try !encoder.send(frame) {
            try receivePackets(from: encoder, into: &out)
        }
        try receivePackets(from: encoder, into: &out)
    }

    private func receivePackets(from encoder: LibAVCodecContext, into out: inout [MediaPacket]) throws(LibAVError) {
        guard let packetizer else { return }
        // libav stamps encoded audio `initial_padding` samples early (the priming); FLV has no way to say
        // "skip the priming", so the packets keep their input frame's time and A/V stays in step.
        let padding = Int64(encoder.pointer.pointee.initial_padding)
        while try encoder.receive(into: output) {
            defer { output.unref() }
            let packet = output.pointer
            if packet.pointee.pts != headwater_av_nopts_value() { packet.pointee.pts += padding }
            packet.pointee.dts = packet.pointee.dts == headwater_av_nopts_value()
                ? packet.pointee.pts : packet.pointee.dts + padding
            out += try packetizer.packetize(packet, stream: 0)
        }
    }

    private func openEncoder(for frame: LibAVFrame) throws(LibAVError) -> LibAVCodecContext {
        let encoder = try LibAVCodecContext(encoderNamed: encoderName, mediaType: AVMEDIA_TYPE_AUDIO)
        let context = encoder.pointer
        let rate = Int32(engine.audioSampleRate ?? Int(frame.pointer.pointee.sample_rate))
        let channels = Int32(engine.audioChannels ?? Int(frame.pointer.pointee.ch_layout.nb_channels))
        context.pointee.sample_rate = rate
        av_channel_layout_default(&context.pointee.ch_layout, channels)
        context.pointee.sample_fmt = encoder.codec.pointee.sample_fmts?.pointee ?? AV_SAMPLE_FMT_FLTP
        context.pointee.time_base = AVRational(num: 1, den: rate)
        context.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        if let bitrate = engine.audioBitrate { context.pointee.bit_rate = Int64(bitrate) * 1000 }
        for parameter in engine.audioParameters {
            guard let name = TranscodeOptions.optionName(parameter.name) else { continue }
            try encoder.setOption(name, parameter.value)
        }
        try encoder.open()
        resampler = try LibAVAudioResampler(sampleRate: rate, channels: channels, format: context.pointee.sample_fmt)
        parameters = avcodec_parameters_alloc()
        guard let parameters else { throw LibAVError(operation: "avcodec_parameters_alloc", message: "out of memory") }
        try LibAVError.check(avcodec_parameters_from_context(parameters, context), "avcodec_parameters_from_context")
        packetizer = try FLVPacketizer(inputs: [.init(parameters: parameters, timeBase: context.pointee.time_base)])
        self.encoder = encoder
        return encoder
    }
}
