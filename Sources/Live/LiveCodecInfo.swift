import Media
public import NIOCore

/// What a stream's video is, read once from its sequence header, named as SRS's API names it.
public struct LiveVideoInfo: Sendable, Hashable {
    /// `H264`, `HEVC`, `AV1`, `VP9`, `VP6` or `Other` (SRS `srs_video_codec_id2str`).
    public var codec: String
    /// For example `High`, `Main`, `Main10`; `nil` when the codec has no profile SRS names.
    public var profile: String?
    /// For example `3.1`; `nil` when the codec has no level SRS names.
    public var level: String?
    /// Picture size in pixels after cropping; 0 when the header does not say.
    public var width: Int
    public var height: Int

    public init(codec: String, profile: String? = nil, level: String? = nil, width: Int = 0, height: Int = 0) {
        self.codec = codec
        self.profile = profile
        self.level = level
        self.width = width
        self.height = height
    }

    /// Reads the codec, profile, level and size from a video sequence header's FLV tag body.
    /// - Returns: `nil` when the payload is not a video sequence header; partial information when its
    ///   configuration record or SPS is damaged (the codec is still known).
    public static func parse(sequenceHeader payload: ByteBuffer) -> LiveVideoInfo? {
        var body = payload
        guard let header = try? body.readVideoTagHeader(), header.isSequenceHeader else { return nil }
        if header.codec.isAVC {
            return avc(body)
        }
        if header.codec.isHEVC {
            return hevc(body)
        }
        switch header.codec {
        case .fourCC(.av01): return LiveVideoInfo(codec: "AV1")
        case .fourCC(.vp09): return LiveVideoInfo(codec: "VP9")
        default: return LiveVideoInfo(codec: "Other")
        }
    }

    private static func avc(_ body: ByteBuffer) -> LiveVideoInfo {
        var body = body
        var info = LiveVideoInfo(codec: "H264")
        guard let record = try? body.readAVCDecoderConfigurationRecord() else { return info }
        info.profile = avcProfileName(record.profileIndication, constraints: 0)
        info.level = avcLevelName(record.levelIndication)
        if let sps = try? record.firstSequenceParameterSet() {
            info.profile = avcProfileName(sps.profileIDC, constraints: sps.constraintFlags)
            info.level = avcLevelName(sps.levelIDC)
            info.width = sps.width
            info.height = sps.height
        }
        return info
    }

    private static func hevc(_ body: ByteBuffer) -> LiveVideoInfo {
        var body = body
        var info = LiveVideoInfo(codec: "HEVC")
        guard let record = try? body.readHEVCDecoderConfigurationRecord() else { return info }
        info.profile = hevcProfileName(record.generalProfileIDC)
        info.level = hevcLevelName(record.generalLevelIDC)
        if let sps = try? record.firstSequenceParameterSet() {
            info.width = sps.width
            info.height = sps.height
        }
        return info
    }

    /// H.264 profile_idc names (ITU-T H.264 Annex A.2), spelled as SRS's `srs_avc_profile2str`.
    static func avcProfileName(_ idc: UInt8, constraints: UInt8) -> String {
        /// constraint_set1_flag, the second-highest bit of the constraint byte (H.264 §7.4.2.1.1).
        let constraintSet1: UInt8 = 0x40
        switch idc {
        case 66: return constraints & constraintSet1 != 0 ? "ConstrainedBaseline" : "Baseline"
        case 77: return "Main"
        case 88: return "Extended"
        case 100: return "High"
        case 110: return "High(10)"
        case 122: return "High(422)"
        case 244: return "High(444)"
        default: return "Other"
        }
    }

    /// H.264 level_idc is ten times the level ("31" is 3.1; §A.3); 9 is level 1b.
    static func avcLevelName(_ idc: UInt8) -> String {
        guard idc > 0 else { return "Other" }
        if idc == 9 { return "1b" }
        return idc % 10 == 0 ? "\(idc / 10)" : "\(idc / 10).\(idc % 10)"
    }

    /// H.265 general_profile_idc names (ITU-T H.265 Annex A.3).
    static func hevcProfileName(_ idc: UInt8) -> String {
        switch idc {
        case 1: return "Main"
        case 2: return "Main10"
        case 3: return "MainStillPicture"
        case 4: return "RExt"
        default: return "Other"
        }
    }

    /// H.265 general_level_idc is thirty times the level ("93" is 3.1; §A.4.1).
    static func hevcLevelName(_ idc: UInt8) -> String {
        guard idc > 0, idc % 3 == 0 else { return "Other" }
        let major = idc / 30
        let minor = (idc % 30) / 3
        return minor == 0 ? "\(major)" : "\(major).\(minor)"
    }
}

/// What a stream's audio is, named as SRS's API names it.
public struct LiveAudioInfo: Sendable, Hashable {
    /// `AAC`, `MP3`, `Opus` or `Other` (SRS `srs_audio_codec_id2str`).
    public var codec: String
    /// Samples per second.
    public var sampleRate: Int
    /// Channels (SRS `channel`).
    public var channels: Int
    /// The AAC object type: `Main`, `LC`, `SSR`, `HE`, `HEv2` (SRS `srs_aac_object2str`); `nil` for other codecs.
    public var profile: String?

    public init(codec: String, sampleRate: Int, channels: Int, profile: String? = nil) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.profile = profile
    }

    /// The legacy SoundRate values in Hz (FLV 10.1 §E.4.2.1).
    static let legacySampleRates = [5512, 11025, 22050, 44100]

    /// Reads the codec, rate and channels from an audio tag body: the AudioSpecificConfig of an AAC
    /// sequence header, or the legacy header flags of other codecs.
    /// - Returns: `nil` for AAC frames that are not the sequence header (the header is authoritative),
    ///   and for payloads too short to hold a header.
    public static func parse(_ payload: ByteBuffer) -> LiveAudioInfo? {
        var body = payload
        guard let header = try? body.readAudioTagHeader() else { return nil }
        if header.codec.isAAC {
            guard header.isSequenceHeader else { return nil }
            guard let config = try? AudioSpecificConfig(parsing: body) else {
                return LiveAudioInfo(codec: "AAC", sampleRate: 0, channels: 0)
            }
            return LiveAudioInfo(
                codec: "AAC", sampleRate: config.extensionSamplingFrequency ?? config.samplingFrequency,
                channels: config.channelCount ?? 0, profile: aacProfileName(config))
        }
        switch header.codec {
        case .legacy(let format):
            let flags = header.soundFlags
            let rate = legacySampleRates[Int(flags >> 2 & 0x03)]
            // SoundType: bit 0, 0 mono and 1 stereo.
            let channels = Int(flags & 0x01) + 1
            let name = format == .mp3 || format == .mp3At8kHz ? "MP3" : "Other"
            return LiveAudioInfo(codec: name, sampleRate: format == .mp3At8kHz ? 8000 : rate, channels: channels)
        case .fourCC(let fourCC):
            let name = fourCC == .opus ? "Opus" : fourCC == .mp3 ? "MP3" : "Other"
            return LiveAudioInfo(codec: name, sampleRate: 0, channels: 0)
        }
    }

    static func aacProfileName(_ config: AudioSpecificConfig) -> String {
        if config.psPresent || config.objectType == .ps { return "HEv2" }
        if config.sbrPresent || config.objectType == .sbr { return "HE" }
        switch config.objectType {
        case .aacMain: return "Main"
        case .aacLC: return "LC"
        case .aacSSR: return "SSR"
        default: return "Other"
        }
    }
}
