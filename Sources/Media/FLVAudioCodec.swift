/// Legacy FLV sound formats, the high nibble of the first audio tag byte (FLV 10.1 §E.4.2.1).
public enum FLVAudioFormat: UInt8, Sendable, Hashable, CaseIterable {
    case linearPCMPlatformEndian = 0
    case adpcm = 1
    case mp3 = 2
    case linearPCMLittleEndian = 3
    case nellymoser16kHzMono = 4
    case nellymoser8kHzMono = 5
    case nellymoser = 6
    case g711ALaw = 7
    case g711MuLaw = 8
    /// Not a codec: the enhanced-RTMP ExAudioTagHeader follows (E-RTMP v2), codec given by FourCC.
    case exHeader = 9
    case aac = 10
    case speex = 11
    case mp3At8kHz = 14
    case deviceSpecific = 15
}

/// Enhanced-RTMP audio FourCCs (E-RTMP v2 AudioFourCc), as big-endian integers of their ASCII.
public enum FLVAudioFourCC: UInt32, Sendable, Hashable, CaseIterable {
    case ac3 = 0x6163_2D33  // "ac-3"
    case eac3 = 0x6563_2D33  // "ec-3"
    case opus = 0x4F70_7573  // "Opus"
    case mp3 = 0x2E6D_7033  // ".mp3"
    case flac = 0x664C_6143  // "fLaC"
    case aac = 0x6D70_3461  // "mp4a"
}

/// What an audio tag carries: E-RTMP AudioPacketType, whose first two values equal the legacy
/// AACPacketType (FLV 10.1 §E.4.2.1), so both headers map onto it.
public enum FLVAudioPacketType: UInt8, Sendable, Hashable {
    /// Codec configuration (the AAC AudioSpecificConfig).
    case sequenceStart = 0
    case codedFrames = 1
    /// End of sequence (enhanced only).
    case sequenceEnd = 2
    /// Channel layout (enhanced only).
    case multichannelConfig = 4
    /// Several tracks in one message (enhanced only).
    case multitrack = 5
    /// A modifier extension before the real packet type (enhanced only).
    case modEx = 7
}
