/// The video codecs the remuxer carries in MPEG-TS.
public enum TSVideoCodec: Sendable, Hashable {
    /// H.264 / AVC, stream_type 0x1B.
    case h264
    /// H.265 / HEVC, stream_type 0x24.
    case h265

    /// The PMT stream_type (ISO/IEC 13818-1 Table 2-34).
    public var streamType: TSStreamType {
        switch self {
        case .h264: return .h264
        case .h265: return .h265
        }
    }
}

/// The audio codecs the remuxer carries in MPEG-TS.
public enum TSAudioCodec: Sendable, Hashable {
    /// AAC, carried as ADTS (stream_type 0x0F).
    case aac
    /// MP3, carried as is (stream_type 0x03, or 0x04 below 32 kHz).
    case mp3
}

/// The elementary streams of the remuxer's single program, as the PMT lists them.
public struct TSTracks: Sendable, Hashable {
    /// The video codec, on PID 0x100; `nil` without video.
    public var video: TSVideoCodec?
    /// The audio codec, on PID 0x101; `nil` without audio.
    public var audio: TSAudioCodec?

    public init(video: TSVideoCodec? = nil, audio: TSAudioCodec? = nil) {
        self.video = video
        self.audio = audio
    }

    /// Whether there is no track at all.
    public var isEmpty: Bool { video == nil && audio == nil }
}
