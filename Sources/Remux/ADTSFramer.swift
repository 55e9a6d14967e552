import Media
import NIOCore

/// Prefixes raw AAC frames with ADTS headers (ISO/IEC 14496-3 §1.A.2.2), the framing MPEG-TS
/// carries AAC in (stream_type 0x0F).
///
/// The header is fixed for a stream except for frame_length, so it is built once from the
/// AudioSpecificConfig (by Media's `writeADTSHeader`, which also rejects configs ADTS cannot
/// describe) and only that field is patched per frame, with no allocation.
struct ADTSFramer: Hashable, Sendable {
    static let headerLength = 7
    /// The largest raw frame: frame_length is 13 bits and includes the header.
    static let maximumFrameLength = 0x1FFF - headerLength
    /// frame_length sits in bits 30…42 of the 56-bit header (counted from the right: 13…25).
    private static let frameLengthShift: UInt64 = 13
    private static let frameLengthMask: UInt64 = 0x1FFF << frameLengthShift

    /// The seven header bytes in the low 56 bits, frame_length zeroed.
    private let template: UInt64

    /// Returns `nil` when ADTS cannot describe `config` (an object type above 4, for example).
    init?(config: AudioSpecificConfig) {
        var header = ByteBuffer()
        guard (try? header.writeADTSHeader(config, frameLength: 0)) != nil else { return nil }
        var value: UInt64 = 0
        for byte in header.readableBytesView { value = value << 8 | UInt64(byte) }
        template = value & ~Self.frameLengthMask
    }

    /// The header for a raw frame of `frameLength` bytes, in the low 56 bits.
    ///
    /// - Precondition: `frameLength <= ADTSFramer.maximumFrameLength`.
    func header(frameLength: Int) -> UInt64 {
        precondition(frameLength >= 0 && frameLength <= Self.maximumFrameLength)
        return template | UInt64(frameLength + Self.headerLength) << Self.frameLengthShift
    }
}
