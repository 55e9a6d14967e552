public import Media
import NIOCore

/// What an FLV file holds, counted tag by tag as it is laid out: the numbers its final
/// `onMetaData` reports (duration, data rates, codecs, picture size, frame rate).
public struct FLVFileStatistics: Sendable, Hashable {
    /// Coded video frames (sequence headers not counted).
    public private(set) var videoFrames = 0
    public private(set) var audioFrames = 0
    /// Tag body bytes per kind, headers included, as data rates are usually computed.
    public private(set) var videoBytes = 0
    public private(set) var audioBytes = 0
    public private(set) var firstVideoTimestamp: Int64?
    public private(set) var lastVideoTimestamp: Int64?
    public private(set) var firstAudioTimestamp: Int64?
    public private(set) var lastAudioTimestamp: Int64?
    /// The largest timestamp written.
    public private(set) var lastTimestamp: Int64 = 0
    public private(set) var keyframes = 0
    public private(set) var lastKeyframeTimestamp: Int64?
    public private(set) var lastKeyframePosition: Int?
    /// Whether the last media tag is a video keyframe (a player may seek to the very end).
    public private(set) var endsWithKeyframe = false
    /// The legacy codec id, or the enhanced-RTMP FourCC as a number.
    public private(set) var videoCodecID: UInt32?
    public private(set) var audioCodecID: UInt32?
    public private(set) var width: Int?
    public private(set) var height: Int?
    public private(set) var audioSampleRate: Int?
    public private(set) var audioSampleSize: Int?
    public private(set) var isStereo: Bool?

    /// Legacy SoundRate values (FLV 10.1 §E.4.2.1), indexed by the 2-bit field.
    static let soundRates = [5_512, 11_025, 22_050, 44_100]
    static let soundSizeBit: UInt8 = 0x02
    static let soundTypeBit: UInt8 = 0x01

    public init() {}

    public var hasVideo: Bool { videoFrames > 0 }
    public var hasAudio: Bool { audioFrames > 0 }

    /// Counts one tag about to be written at `position` with the file timestamp `timestamp`.
    public mutating func record(_ packet: MediaPacket, timestamp: Int64, position: Int) {
        lastTimestamp = max(lastTimestamp, timestamp)
        switch packet.kind {
        case .video:
            videoBytes += packet.payload.readableBytes
            if videoCodecID == nil || packet.isSequenceHeader { readVideo(packet.payload) }
            guard !packet.isSequenceHeader else { return }
            videoFrames += 1
            firstVideoTimestamp = firstVideoTimestamp ?? timestamp
            lastVideoTimestamp = timestamp
            endsWithKeyframe = packet.isKeyframe
            if packet.isKeyframe {
                keyframes += 1
                lastKeyframeTimestamp = timestamp
                lastKeyframePosition = position
            }
        case .audio:
            audioBytes += packet.payload.readableBytes
            if audioCodecID == nil || packet.isSequenceHeader { readAudio(packet.payload) }
            guard !packet.isSequenceHeader else { return }
            audioFrames += 1
            firstAudioTimestamp = firstAudioTimestamp ?? timestamp
            lastAudioTimestamp = timestamp
            endsWithKeyframe = false
        case .data:
            break
        }
    }

    /// Milliseconds between frames of a track, from its first and last timestamps.
    static func averageInterval(first: Int64?, last: Int64?, count: Int) -> Double? {
        guard let first, let last, count > 1, last > first else { return nil }
        return Double(last - first) / Double(count - 1)
    }

    public var averageVideoInterval: Double? {
        Self.averageInterval(first: firstVideoTimestamp, last: lastVideoTimestamp, count: videoFrames)
    }

    public var averageAudioInterval: Double? {
        Self.averageInterval(first: firstAudioTimestamp, last: lastAudioTimestamp, count: audioFrames)
    }

    /// Frames per second from the video timestamps, when there are enough of them.
    public var frameRate: Double? {
        averageVideoInterval.map { (1000 / $0 * 1000).rounded() / 1000 }
    }

    /// Milliseconds of media: the end of the track that ends last, a track ending one frame after its
    /// last timestamp, so that back-to-back files add up to the stream's length (ffmpeg's FLV muxer
    /// counts the same way).
    public var durationMilliseconds: Double {
        var end = Double(lastTimestamp)
        if let last = lastVideoTimestamp { end = max(end, Double(last) + (averageVideoInterval ?? 0)) }
        if let last = lastAudioTimestamp { end = max(end, Double(last) + (averageAudioInterval ?? 0)) }
        return end
    }

    private mutating func readVideo(_ payload: ByteBuffer) {
        var body = payload
        guard let header = try? body.readVideoTagHeader() else { return }
        switch header.codec {
        case .legacy(let id): videoCodecID = UInt32(id.rawValue)
        case .fourCC(let fourCC): videoCodecID = fourCC.rawValue
        }
        guard header.isSequenceHeader else { return }
        if header.codec.isAVC,
            let record = try? body.readAVCDecoderConfigurationRecord(),
            let sps = try? record.firstSequenceParameterSet()
        {
            width = sps.width
            height = sps.height
        } else if header.codec.isHEVC,
            let record = try? body.readHEVCDecoderConfigurationRecord(),
            let sps = try? record.firstSequenceParameterSet()
        {
            width = sps.width
            height = sps.height
        }
    }

    private mutating func readAudio(_ payload: ByteBuffer) {
        var body = payload
        guard let header = try? body.readAudioTagHeader() else { return }
        switch header.codec {
        case .legacy(let format):
            audioCodecID = UInt32(format.rawValue)
            audioSampleRate = audioSampleRate ?? Self.soundRates[Int(header.soundFlags >> 2 & 0x03)]
            audioSampleSize = header.soundFlags & Self.soundSizeBit != 0 ? 16 : 8
            isStereo = isStereo ?? (header.soundFlags & Self.soundTypeBit != 0)
        case .fourCC(let fourCC):
            audioCodecID = fourCC.rawValue
        }
        // For AAC the AudioSpecificConfig is authoritative; the legacy flags are fixed at 44 kHz stereo.
        if header.codec.isAAC, header.isSequenceHeader, let config = try? AudioSpecificConfig(parsing: body) {
            audioSampleRate = config.extensionSamplingFrequency ?? config.samplingFrequency
            if let channels = config.channelCount { isStereo = channels > 1 }
        }
    }
}
