/// Elementary stream types carried in the PMT (ISO/IEC 13818-1 Table 2-34; H.265 from Amendment 3).
public enum TSStreamType: UInt8, Sendable, Hashable {
    /// MPEG-1 audio, used for MP3.
    case mpeg1Audio = 0x03
    /// MPEG-2 audio (MP3 at the lower sample rates).
    case mpeg2Audio = 0x04
    /// AAC in ADTS (ISO/IEC 13818-7).
    case aacADTS = 0x0F
    /// H.264 / AVC (ISO/IEC 14496-10).
    case h264 = 0x1B
    /// H.265 / HEVC (ISO/IEC 23008-2).
    case h265 = 0x24
}
