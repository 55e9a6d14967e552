import CLibAV

/// A `SwsContext` scaling (and converting) pictures to one size and pixel format; it follows
/// changes of the input's size by making a new context.
final class LibAVVideoScaler {
    let width: Int32
    let height: Int32
    let format: AVPixelFormat
    private var context: OpaquePointer?
    private var input: (width: Int32, height: Int32, format: Int32) = (0, 0, -1)

    init(width: Int32, height: Int32, format: AVPixelFormat) {
        self.width = width
        self.height = height
        self.format = format
    }

    deinit { sws_freeContext(context) }

    /// Scales `source` into a fresh picture in `destination` (times and flags are the caller's).
    func scale(_ source: LibAVFrame, into destination: LibAVFrame) throws(LibAVError) {
        let frame = source.pointer.pointee
        if context == nil || input != (frame.width, frame.height, frame.format) {
            sws_freeContext(context)
            context = sws_getContext(
                frame.width, frame.height, AVPixelFormat(frame.format), width, height, format, SWS_BICUBIC,
                nil, nil, nil)
            guard context != nil else {
                throw LibAVError(operation: "sws_getContext", message: "cannot scale \(frame.width)x\(frame.height)")
            }
            input = (frame.width, frame.height, frame.format)
        }
        destination.unref()
        destination.pointer.pointee.width = width
        destination.pointer.pointee.height = height
        destination.pointer.pointee.format = format.rawValue
        try LibAVError.check(sws_scale_frame(context, destination.pointer, source.pointer), "sws_scale_frame")
    }
}

/// A `SwrContext` resampling to the encoder's rate, layout and sample format, feeding an
/// `AVAudioFifo` that hands out the encoder's fixed frame size (AAC: 1024 samples).
final class LibAVAudioResampler {
    let sampleRate: Int32
    let channels: Int32
    let format: AVSampleFormat
    private var context: OpaquePointer?
    private var input: (rate: Int32, channels: Int32, format: Int32) = (0, 0, -1)
    private let fifo: OpaquePointer
    private let converted: LibAVFrame

    init(sampleRate: Int32, channels: Int32, format: AVSampleFormat) throws(LibAVError) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
        guard let fifo = av_audio_fifo_alloc(format, channels, 4096) else {
            throw LibAVError(operation: "av_audio_fifo_alloc", message: "out of memory")
        }
        self.fifo = fifo
        self.converted = try LibAVFrame()
    }

    deinit {
        swr_free(&context)
        av_audio_fifo_free(fifo)
    }

    var bufferedSamples: Int { Int(av_audio_fifo_size(fifo)) }

    /// Resamples `source` and queues the result.
    func write(_ source: LibAVFrame) throws(LibAVError) {
        let frame = source.pointer.pointee
        if context == nil || input != (frame.sample_rate, frame.ch_layout.nb_channels, frame.format) {
            swr_free(&context)
            var outLayout = AVChannelLayout()
            av_channel_layout_default(&outLayout, channels)
            var inLayout = source.pointer.pointee.ch_layout
            try LibAVError.check(
                swr_alloc_set_opts2(
                    &context, &outLayout, format, sampleRate, &inLayout, AVSampleFormat(frame.format), frame.sample_rate,
                    0, nil),
                "swr_alloc_set_opts2")
            try LibAVError.check(swr_init(context), "swr_init")
            input = (frame.sample_rate, frame.ch_layout.nb_channels, frame.format)
        }
        converted.unref()
        av_channel_layout_default(&converted.pointer.pointee.ch_layout, channels)
        converted.pointer.pointee.sample_rate = sampleRate
        converted.pointer.pointee.format = format.rawValue
        try LibAVError.check(swr_convert_frame(context, converted.pointer, source.pointer), "swr_convert_frame")
        let count = converted.pointer.pointee.nb_samples
        guard count > 0 else { return }
        let written = av_audio_fifo_write(fifo, converted.audioPlanes, count)
        try LibAVError.check(written, "av_audio_fifo_write")
    }

    /// Takes `count` samples (or what is left, with `partial`) into a fresh frame, or `nil` when fewer wait.
    func read(_ count: Int32, partial: Bool = false, into frame: LibAVFrame) throws(LibAVError) -> Bool {
        let available = av_audio_fifo_size(fifo)
        guard available >= count || (partial && available > 0) else { return false }
        let samples = min(count, available)
        frame.unref()
        frame.pointer.pointee.nb_samples = samples
        frame.pointer.pointee.format = format.rawValue
        frame.pointer.pointee.sample_rate = sampleRate
        av_channel_layout_default(&frame.pointer.pointee.ch_layout, channels)
        try LibAVError.check(av_frame_get_buffer(frame.pointer, 0), "av_frame_get_buffer")
        try LibAVError.check(av_audio_fifo_read(fifo, frame.audioPlanes, samples), "av_audio_fifo_read")
        return true
    }
}
