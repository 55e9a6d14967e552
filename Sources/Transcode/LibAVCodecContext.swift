import CLibAV
import NIOCore

/// An `AVCodecContext` (a decoder or an encoder) owned by Swift: freed in `deinit`.
final class LibAVCodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let codec: UnsafePointer<AVCodec>
    /// libav's name of the codec (`libx264`, `aac`, `h264`).
    let name: String

    private init(codec: UnsafePointer<AVCodec>) throws(LibAVError) {
        guard let context = avcodec_alloc_context3(codec) else {
            throw LibAVError(operation: "avcodec_alloc_context3", message: "out of memory")
        }
        self.codec = codec
        self.pointer = context
        self.name = String(cString: codec.pointee.name)
    }

    /// The encoder libav knows by `name`, of `mediaType`.
    convenience init(encoderNamed name: String, mediaType: AVMediaType) throws(LibAVError) {
        guard let codec = avcodec_find_encoder_by_name(name), codec.pointee.type == mediaType else {
            throw LibAVError(operation: "avcodec_find_encoder_by_name", message: "unknown encoder '\(name)'")
        }
        try self.init(codec: codec)
    }

    /// A decoder for `id`, with the codec configuration (`extradata`) libav reads at open.
    convenience init(decoderFor id: AVCodecID, extradata: [UInt8]) throws(LibAVError) {
        guard let codec = avcodec_find_decoder(id) else {
            throw LibAVError(operation: "avcodec_find_decoder", message: "no decoder for codec id \(id.rawValue)")
        }
        try self.init(codec: codec)
        if !extradata.isEmpty {
            let size = extradata.count
            guard let buffer = av_mallocz(size + Int(AV_INPUT_BUFFER_PADDING_SIZE)) else {
                throw LibAVError(operation: "av_mallocz", message: "out of memory")
            }
            extradata.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: size) }
            pointer.pointee.extradata = buffer.assumingMemoryBound(to: UInt8.self)
            pointer.pointee.extradata_size = Int32(size)
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    /// Sets an option by libav's name: the codec's private options first (x264's `preset`, `profile`,
    /// `x264-params`), then the generic ones (`bf`, `g`, `sc_threshold`).
    func setOption(_ name: String, _ value: String) throws(LibAVError) {
        if let privateData = pointer.pointee.priv_data {
            let result = av_opt_set(privateData, name, value, 0)
            if result != LibAVError.optionNotFound {
                try LibAVError.check(result, "\(self.name) option \(name)=\(value)")
                return
            }
        }
        try LibAVError.check(
            av_opt_set(UnsafeMutableRawPointer(pointer), name, value, Int32(AV_OPT_SEARCH_CHILDREN)),
            "\(self.name) option \(name)=\(value)")
    }

    /// Whether the codec (privately or generically) has an option called `name`.
    func hasOption(_ name: String) -> Bool {
        av_opt_find(UnsafeMutableRawPointer(pointer), name, nil, 0, Int32(AV_OPT_SEARCH_CHILDREN)) != nil
    }

    func open() throws(LibAVError) {
        try LibAVError.check(avcodec_open2(pointer, codec, nil), "avcodec_open2 \(name)")
    }

    /// Feeds a packet to a decoder (`nil`: end of input). Returns `false` when the decoder wants its
    /// output read first.
    @discardableResult
    func send(_ packet: LibAVPacket?) throws(LibAVError) -> Bool {
        let result = avcodec_send_packet(pointer, packet?.pointer)
        if result == LibAVError.again || result == LibAVError.endOfFile { return false }
        try LibAVError.check(result, "avcodec_send_packet \(name)")
        return true
    }

    /// Reads a decoded frame; `false` when the decoder has none now.
    func receive(into frame: LibAVFrame) throws(LibAVError) -> Bool {
        let result = avcodec_receive_frame(pointer, frame.pointer)
        if result == LibAVError.again || result == LibAVError.endOfFile { return false }
        try LibAVError.check(result, "avcodec_receive_frame \(name)")
        return true
    }

    /// Feeds a frame to an encoder (`nil`: flush).
    @discardableResult
    func send(_ frame: LibAVFrame?) throws(LibAVError) -> Bool {
        let result = avcodec_send_frame(pointer, frame?.pointer)
        if result == LibAVError.again || result == LibAVError.endOfFile { return false }
        try LibAVError.check(result, "avcodec_send_frame \(name)")
        return true
    }

    /// Reads an encoded packet; `false` when the encoder has none now.
    func receive(into packet: LibAVPacket) throws(LibAVError) -> Bool {
        let result = avcodec_receive_packet(pointer, packet.pointer)
        if result == LibAVError.again || result == LibAVError.endOfFile { return false }
        try LibAVError.check(result, "avcodec_receive_packet \(name)")
        return true
    }
}

/// An `AVFrame` owned by Swift.
final class LibAVFrame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws(LibAVError) {
        guard let frame = av_frame_alloc() else { throw LibAVError(operation: "av_frame_alloc", message: "out of memory") }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    func unref() { av_frame_unref(pointer) }

    /// Planes as `av_audio_fifo_*` wants them.
    var audioPlanes: UnsafeMutablePointer<UnsafeMutableRawPointer?> {
        UnsafeMutableRawPointer(pointer.pointee.extended_data!).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    }
}

/// An `AVPacket` owned by Swift.
final class LibAVPacket {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws(LibAVError) {
        guard let packet = av_packet_alloc() else { throw LibAVError(operation: "av_packet_alloc", message: "out of memory") }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    func unref() { av_packet_unref(pointer) }

    /// Fills the packet with a copy of `bytes`' readable bytes (libav pads it as decoders need).
    func fill(_ bytes: ByteBuffer, pts: Int64, dts: Int64, keyframe: Bool) throws(LibAVError) {
        av_packet_unref(pointer)
        try LibAVError.check(av_new_packet(pointer, Int32(bytes.readableBytes)), "av_new_packet")
        let destination = UnsafeMutableRawPointer(pointer.pointee.data)
        bytes.withUnsafeReadableBytes { source in
            if let base = source.baseAddress, let destination, source.count > 0 {
                destination.copyMemory(from: base, byteCount: source.count)
            }
        }
        pointer.pointee.pts = pts
        pointer.pointee.dts = dts
        pointer.pointee.flags = keyframe ? AV_PKT_FLAG_KEY : 0
    }
}
