public import CLibAV

/// An opened libav input (a file or any URL libav reads): its demuxer, and the video and audio
/// streams an ingest carries. Used from one thread; the format context is closed in `deinit`.
public final class MediaInput {
    /// One chosen stream, as the packetizer needs it.
    public struct Stream {
        public var index: Int
        public var parameters: UnsafePointer<AVCodecParameters>
        public var timeBase: AVRational
    }

    public let url: String
    public let video: Stream?
    public let audio: Stream?
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let interrupt: MediaInterrupt
    private let readTimeout: Duration?

    /// How long a blocking network call may take before the input counts as dead (libav µs options and
    /// the interrupt deadline both use it).
    public static let defaultNetworkTimeout: Duration = .seconds(10)

    /// Opens `url`, probes it, and picks its best video and audio streams.
    ///
    /// - Parameters:
    ///   - isNetwork: sets libav's I/O timeouts and the per-call deadline; a local file has neither.
    ///   - interrupt: stops or abandons blocking calls; kept alive by the input.
    /// - Throws: libav's failure to open or probe, or an input with neither video nor audio.
    public init(
        url: String, isNetwork: Bool, interrupt: MediaInterrupt,
        timeout: Duration = MediaInput.defaultNetworkTimeout
    ) throws(LibAVError) {
        self.url = url
        self.interrupt = interrupt
        self.readTimeout = isNetwork ? timeout : nil

        guard let allocated = avformat_alloc_context() else {
            throw LibAVError(operation: "avformat_alloc_context", message: "out of memory")
        }
        allocated.pointee.interrupt_callback = interrupt.callback
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        if isNetwork {
            let microseconds = String(Self.microseconds(timeout))
            // `rw_timeout` is every URL protocol's I/O timeout; RTSP's socket timeout is `timeout` (libav 5).
            av_dict_set(&options, "rw_timeout", microseconds, 0)
            if url.lowercased().hasPrefix("rtsp") {
                av_dict_set(&options, "timeout", microseconds, 0)
            }
        }
        interrupt.arm(readTimeout)
        defer { interrupt.arm(nil) }
        var opened: UnsafeMutablePointer<AVFormatContext>? = allocated
        // On failure libav frees the context and sets it to NULL.
        try LibAVError.check(avformat_open_input(&opened, url, nil, &options), "avformat_open_input \(url)")
        interrupt.arm(readTimeout)
        let probed = avformat_find_stream_info(opened, nil)
        guard probed >= 0, let context = opened else {
            avformat_close_input(&opened)
            throw LibAVError(code: probed, operation: "avformat_find_stream_info \(url)")
        }
        self.context = context
        video = Self.best(AVMEDIA_TYPE_VIDEO, in: context)
        audio = Self.best(AVMEDIA_TYPE_AUDIO, in: context)
        guard video != nil || audio != nil else {
            // `deinit` closes the context.
            throw LibAVError(operation: "av_find_best_stream \(url)", message: "no video or audio stream")
        }
    }

    deinit {
        if context != nil { avformat_close_input(&context) }
    }

    /// Reads the next packet of any stream into `packet` (which the caller unreferences).
    ///
    /// - Returns: `false` at the end of the input.
    /// - Throws: libav's read failure, `AVERROR_EXIT` when stopped or past the read deadline.
    public func read(into packet: UnsafeMutablePointer<AVPacket>) throws(LibAVError) -> Bool {
        interrupt.arm(readTimeout)
        defer { interrupt.arm(nil) }
        let result = av_read_frame(context, packet)
        if result == LibAVError.endOfFile { return false }
        try LibAVError.check(result, "av_read_frame \(url)")
        return true
    }

    /// Goes back to the start, for looping a file.
    public func rewind() throws(LibAVError) {
        try LibAVError.check(
            avformat_seek_file(context, -1, Int64.min, 0, Int64.max, 0), "avformat_seek_file \(url)")
    }

    private static func best(_ type: AVMediaType, in context: UnsafeMutablePointer<AVFormatContext>) -> Stream? {
        let index = av_find_best_stream(context, type, -1, -1, nil, 0)
        guard index >= 0, let stream = context.pointee.streams[Int(index)],
            let parameters = stream.pointee.codecpar
        else { return nil }
        return Stream(index: Int(index), parameters: UnsafePointer(parameters), timeBase: stream.pointee.time_base)
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
