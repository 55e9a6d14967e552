public import CLibAV
public import Media
import NIOCore

/// Turns libav packets (from a demuxer or an encoder) into the live stream's packets: FLV tag payloads
/// with sequence headers first, timestamps in milliseconds.
///
/// libavformat's own FLV muxer does the codec work (Annex B to AVCC, `avcC` from SPS/PPS, ADTS to raw AAC
/// with `aac_adtstoasc`, new extradata mid-stream), writing into memory through a custom `AVIOContext`;
/// the tags it writes are read back with Media's FLV reader. One copy of each payload, on the engine's
/// thread, never on an event loop. Used from one thread.
public final class FLVPacketizer {
    /// One input stream: its codec parameters and the time base of its packets' timestamps.
    public struct Input {
        public var parameters: UnsafePointer<AVCodecParameters>
        public var timeBase: AVRational

        public init(parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational) {
            self.parameters = parameters
            self.timeBase = timeBase
        }
    }

    private let muxer: UnsafeMutablePointer<AVFormatContext>
    private let bytes: MuxedBytes
    /// Per input: the muxer's stream index, its time base, and the ADTS filter AAC from MPEG-TS needs.
    private var routes: [Route?]
    private let scratch: LibAVPacket
    private var lastTimestamp: Int64?

    private struct Route {
        let stream: Int32
        let inputTimeBase: AVRational
        let filter: BitstreamFilter?
    }

    /// - Parameter inputs: the streams, by the index `packetize` is given; at most one video and one audio.
    /// - Throws: when a codec cannot be carried in FLV (the message names it).
    public init(inputs: [Input]) throws(LibAVError) {
        var context: UnsafeMutablePointer<AVFormatContext>?
        try LibAVError.check(avformat_alloc_output_context2(&context, nil, "flv", nil), "avformat_alloc_output_context2 flv")
        guard let context else { throw LibAVError(operation: "avformat_alloc_output_context2", message: "no context") }
        muxer = context
        bytes = MuxedBytes()
        scratch = try LibAVPacket()
        routes = []
        do {
            try setUp(inputs)
        } catch {
            Self.release(context)
            throw error
        }
    }

    deinit {
        Self.release(muxer)
    }

    private func setUp(_ inputs: [Input]) throws(LibAVError) {
        var kinds: Set<Int32> = []
        for input in inputs {
            let type = input.parameters.pointee.codec_type
            guard type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO else {
                routes.append(nil)
                continue
            }
            guard kinds.insert(type.rawValue).inserted else {
                throw LibAVError(operation: "FLVPacketizer", message: "FLV carries one video and one audio track")
            }
            guard let stream = avformat_new_stream(muxer, nil) else {
                throw LibAVError(operation: "avformat_new_stream", message: "out of memory")
            }
            try LibAVError.check(avcodec_parameters_copy(stream.pointee.codecpar, input.parameters), "avcodec_parameters_copy")
            // A tag from the input's container (MP4 `avc1`, MPEG-TS 0x1b) means nothing to FLV: let the muxer pick.
            stream.pointee.codecpar.pointee.codec_tag = 0
            stream.pointee.time_base = input.timeBase
            var filter: BitstreamFilter?
            let parameters = input.parameters.pointee
            if parameters.codec_id == AV_CODEC_ID_AAC && parameters.extradata_size == 0 {
                // ADTS (MPEG-TS, raw .aac): FLV wants raw frames and an AudioSpecificConfig.
                filter = try BitstreamFilter(name: "aac_adtstoasc", parameters: input.parameters, timeBase: input.timeBase)
            }
            routes.append(Route(stream: stream.pointee.index, inputTimeBase: input.timeBase, filter: filter))
        }
        guard !kinds.isEmpty else {
            throw LibAVError(operation: "FLVPacketizer", message: "the input has no audio or video track")
        }
        guard let buffer = av_malloc(Self.ioBufferSize) else {
            throw LibAVError(operation: "av_malloc", message: "out of memory")
        }
        let opaque = Unmanaged.passUnretained(bytes).toOpaque()
        guard
            let io = avio_alloc_context(
                buffer.assumingMemoryBound(to: UInt8.self), Int32(Self.ioBufferSize), 1, opaque, nil, Self.write, nil)
        else {
            av_free(buffer)
            throw LibAVError(operation: "avio_alloc_context", message: "out of memory")
        }
        muxer.pointee.pb = io
        var options: OpaquePointer?
        // No onMetaData (it would describe the input, not the live stream), no end-of-sequence tag, and no
        // seeking back to patch durations: the output is a stream.
        av_dict_set(&options, "flvflags", "no_metadata+no_sequence_end+no_duration_filesize", 0)
        let result = avformat_write_header(muxer, &options)
        av_dict_free(&options)
        try LibAVError.check(result, "avformat_write_header flv")
        avio_flush(io)
        bytes.skipHeader()
    }

    /// The packets for one libav packet of input `stream`: the sequence header(s) the first time, then
    /// the frame. Packets of streams not given at `init` return nothing. `packet` is not modified.
    public func packetize(_ packet: UnsafeMutablePointer<AVPacket>, stream: Int) throws(LibAVError) -> [MediaPacket] {
        guard routes.indices.contains(stream), let route = routes[stream] else { return [] }
        if let filter = route.filter {
            var output: [MediaPacket] = []
            for filtered in try filter.filter(packet) {
                output += try write(filtered.pointer, route: route)
            }
            return output
        }
        return try write(packet, route: route)
    }

    private func write(_ packet: UnsafeMutablePointer<AVPacket>, route: Route) throws(LibAVError) -> [MediaPacket] {
        let copy = scratch.pointer
        try LibAVError.check(av_packet_ref(copy, packet), "av_packet_ref")
        defer { av_packet_unref(copy) }
        copy.pointee.stream_index = route.stream
        guard let stream = muxer.pointee.streams[Int(route.stream)] else { return [] }
        av_packet_rescale_ts(copy, route.inputTimeBase, stream.pointee.time_base)
        try LibAVError.check(av_write_frame(muxer, copy), "av_write_frame flv")
        avio_flush(muxer.pointee.pb)
        return try tags()
    }

    /// The tags written so far, as packets on an unwrapped 64-bit millisecond clock.
    private func tags() throws(LibAVError) -> [MediaPacket] {
        var packets: [MediaPacket] = []
        do {
            while let tag = try bytes.buffer.readFLVTag() {
                var packet = MediaPacket(tag)
                // Written at the header for a track whose configuration only its first packet brings (ADTS
                // AAC): an empty record that would only confuse players. The real one follows.
                if packet.isSequenceHeader && tag.data.readableBytes <= Self.emptyConfigurationSize(tag.kind) {
                    continue
                }
                packet.timestamp = unwrap(tag.timestamp)
                packets.append(packet)
            }
        } catch {
            throw LibAVError(operation: "FLVPacketizer", message: "the FLV muxer wrote an unreadable tag: \(error)")
        }
        bytes.buffer.discardReadBytes()
        return packets
    }

    private func unwrap(_ timestamp: UInt32) -> Int64 {
        guard let last = lastTimestamp else {
            lastTimestamp = Int64(timestamp)
            return Int64(timestamp)
        }
        let next = last + Int64(Int32(bitPattern: timestamp &- UInt32(truncatingIfNeeded: last)))
        lastTimestamp = next
        return next
    }

    private static let ioBufferSize = 64 << 10

    /// The tag header bytes before a codec configuration: AAC's 2, AVC's 5.
    private static func emptyConfigurationSize(_ kind: MediaKind) -> Int {
        kind == .audio ? 2 : 5
    }

    /// libav 5.1's `write_packet`: appends what the muxer wrote.
    private static let write: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
        opaque, data, size in
        guard let opaque, let data, size > 0 else { return 0 }
        let bytes = Unmanaged<MuxedBytes>.fromOpaque(opaque).takeUnretainedValue()
        bytes.buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: Int(size)))
        return size
    }

    private static func release(_ context: UnsafeMutablePointer<AVFormatContext>) {
        if let pb = context.pointee.pb {
            var io: UnsafeMutablePointer<AVIOContext>? = pb
            av_freep(&pb.pointee.buffer)
            avio_context_free(&io)
            context.pointee.pb = nil
        }
        avformat_free_context(context)
    }
}

/// What the muxer has written and the packetizer not yet read.
private final class MuxedBytes {
    var buffer = ByteBufferAllocator().buffer(capacity: 64 << 10)

    /// Drops the FLV file header the muxer writes first; live packets carry only tags.
    func skipHeader() {
        buffer.moveReaderIndex(forwardBy: min(buffer.readableBytes, FLVHeader.encodedLength))
    }
}

/// A libavcodec bitstream filter (`aac_adtstoasc`…) on one stream.
final class BitstreamFilter {
    private var context: UnsafeMutablePointer<AVBSFContext>

    init(name: String, parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational) throws(LibAVError) {
        guard let filter = av_bsf_get_by_name(name) else {
            throw LibAVError(operation: "av_bsf_get_by_name", message: "this libav has no bitstream filter \(name)")
        }
        var context: UnsafeMutablePointer<AVBSFContext>?
        try LibAVError.check(av_bsf_alloc(filter, &context), "av_bsf_alloc \(name)")
        guard let context else { throw LibAVError(operation: "av_bsf_alloc", message: "no context") }
        self.context = context
        try LibAVError.check(avcodec_parameters_copy(context.pointee.par_in, parameters), "avcodec_parameters_copy")
        context.pointee.time_base_in = timeBase
        try LibAVError.check(av_bsf_init(context), "av_bsf_init \(name)")
    }

    deinit {
        var context: UnsafeMutablePointer<AVBSFContext>? = self.context
        av_bsf_free(&context)
    }

    /// The filtered packets for one input packet (often exactly one).
    func filter(_ packet: UnsafeMutablePointer<AVPacket>) throws(LibAVError) -> [LibAVPacket] {
        let input = try LibAVPacket()
        try LibAVError.check(av_packet_ref(input.pointer, packet), "av_packet_ref")
        try LibAVError.check(av_bsf_send_packet(context, input.pointer), "av_bsf_send_packet")
        var output: [LibAVPacket] = []
        while true {
            let filtered = try LibAVPacket()
            let result = av_bsf_receive_packet(context, filtered.pointer)
            if result == LibAVError.again || result == LibAVError.endOfFile { break }
            try LibAVError.check(result, "av_bsf_receive_packet")
            output.append(filtered)
        }
        return output
    }
}
