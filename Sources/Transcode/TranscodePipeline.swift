public import Config
import DequeModule
public import Media

/// One engine's media work, used from one thread: decodes the live stream's packets, scales, resamples,
/// encodes as `engine` says (or copies), and returns the output's packets on the same timeline.
///
/// Timeline: output key frames are exactly the source's, each output video frame keeps its source
/// frame's PTS, and audio keeps the input's clock, so every rendition's HLS segments cut at the same
/// instants and A/V sync is the source's. `onMetaData` is dropped (its sizes would describe the source).
public final class TranscodePipeline {
    /// Audio held back while the video encoder catches up is bounded by this span (ms).
    static let maximumAudioHold: Int64 = 3_000

    private enum Track {
        case copy
        case drop
        case video(VideoTranscoder)
        case audio(AudioTranscoder)
    }

    private let video: Track
    private let audio: Track
    private var sawVideo = false
    /// Whether the video output has started (until then audio is skipped, as the source's first GOP is).
    private var videoStarted = false
    private var copyWaitsForKeyframe = true
    /// Audio output waiting for the video output to reach its time, so the output stays interleaved.
    private var heldAudio: Deque<MediaPacket> = []
    private var videoOutputTime: Int64 = .min

    public init(engine: TranscodeEngineConfiguration) throws(LibAVError) {
        switch engine.videoCodec {
        case .copy: video = .copy
        case .drop: video = .drop
        case .encode(let name): video = .video(try VideoTranscoder(engine: engine, encoderName: name))
        }
        switch engine.audioCodec {
        case .copy: audio = .copy
        case .drop: audio = .drop
        case .encode(let name): audio = .audio(try AudioTranscoder(engine: engine, encoderName: name))
        }
    }

    /// Whether the user's options gave the video encoder B-frames (DTS then trails PTS).
    public var usesBFrames: Bool {
        if case .video(let transcoder) = video { return transcoder.usesBFrames }
        return false
    }

    /// The output packets that `packet` (an input packet, timestamp in ms on the stream's clock) gives.
    public func process(_ packet: MediaPacket) throws(LibAVError) -> [MediaPacket] {
        switch packet.kind {
        case .data:
            return packet.flags.contains(.metadata) ? [] : [packet]
        case .video:
            sawVideo = true
            return try processVideo(packet)
        case .audio:
            return try processAudio(packet)
        }
    }

    /// What the encoders still hold, at the end of the input.
    public func drain() throws(LibAVError) -> [MediaPacket] {
        var out: [MediaPacket] = []
        if case .video(let transcoder) = video { out += try videoOutput(transcoder.drain()) }
        if case .audio(let transcoder) = audio { heldAudio += try transcoder.drain() }
        out += heldAudio
        heldAudio.removeAll()
        return out
    }

    private func processVideo(_ packet: MediaPacket) throws(LibAVError) -> [MediaPacket] {
        switch video {
        case .drop:
            return []
        case .copy:
            if packet.isSequenceHeader { return [packet] }
            if copyWaitsForKeyframe {
                guard packet.isKeyframe else { return [] }
                copyWaitsForKeyframe = false
            }
            videoStarted = true
            return [packet]
        case .video(let transcoder):
            let out = try transcoder.process(packet)
            if !transcoder.isWaitingForKeyframe { videoStarted = true }
            return try videoOutput(out)
        case .audio:
            return []
        }
    }

    private func videoOutput(_ packets: [MediaPacket]) throws(LibAVError) -> [MediaPacket] {
        guard let last = packets.last(where: { !$0.isSequenceHeader }) else { return packets }
        videoOutputTime = max(videoOutputTime, last.timestamp)
        var out: [MediaPacket] = []
        var videoPackets = packets[...]
        // Merge the held audio in by time.
        while let audio = heldAudio.first, audio.timestamp <= videoOutputTime {
            while let next = videoPackets.first, next.timestamp <= audio.timestamp || next.isSequenceHeader {
                out.append(next)
                videoPackets = videoPackets.dropFirst()
            }
            out.append(audio)
            heldAudio.removeFirst()
        }
        out += videoPackets
        return out
    }

    private func processAudio(_ packet: MediaPacket) throws(LibAVError) -> [MediaPacket] {
        let hasVideo = sawVideo && !isVideoDropped
        // Audio before the video's first key frame would start the output without pictures.
        if hasVideo, !videoStarted, !packet.isSequenceHeader, case .copy = audio { return [] }
        let out: [MediaPacket]
        switch audio {
        case .drop, .video: return []
        case .copy: out = [packet]
        case .audio(let transcoder):
            let encoded = try transcoder.process(packet)
            out = hasVideo && !videoStarted ? encoded.filter(\.isSequenceHeader) : encoded
        }
        guard hasVideo, isVideoEncoded else { return out }
        heldAudio += out
        var released: [MediaPacket] = []
        while let first = heldAudio.first,
            first.timestamp <= videoOutputTime || heldAudio.last!.timestamp - first.timestamp > Self.maximumAudioHold
        {
            released.append(first)
            heldAudio.removeFirst()
        }
        return released
    }

    private var isVideoDropped: Bool {
        if case .drop = video { return true }
        return false
    }

    private var isVideoEncoded: Bool {
        if case .video = video { return true }
        return false
    }
}
