/// Conversion of FLV milliseconds to the 33-bit 90 kHz system clock (ISO/IEC 13818-1 §2.4.3.7).
enum TSTimestamp {
    static let clockRate: Int64 = 90_000
    static let ticksPerMillisecond: Int64 = 90
    static let mask: UInt64 = (1 << 33) - 1

    /// `milliseconds` on the 90 kHz clock, wrapped to 33 bits as the field wraps.
    static func ticks(milliseconds: Int64) -> UInt64 {
        UInt64(bitPattern: milliseconds &* ticksPerMillisecond) & mask
    }
}

/// The PES_packet header (ISO/IEC 13818-1 §2.4.3.6–§2.4.3.7) for one access unit or aggregated
/// audio frames: start code, stream_id, length, flags and PTS (plus DTS when it differs).
///
/// The bytes live inline in the value, so building a header never allocates.
struct PESHeader {
    /// stream_id values (§2.4.3.7, Table 2-22): the first video and audio stream.
    enum StreamID: UInt8 {
        case video = 0xE0
        case audio = 0xC0
    }

    static let startCodePrefix: UInt32 = 0x00_0001
    /// Bytes up to and including PES_packet_length.
    static let prefixLength = 6
    /// The '10' marker, no scrambling, no priority, data_alignment_indicator clear.
    static let markerByte: UInt8 = 0x80
    static let dataAlignmentIndicator: UInt8 = 0x04
    /// PTS_DTS_flags '10' (PTS only) and '11' (PTS and DTS).
    static let ptsOnlyFlags: UInt8 = 0x80
    static let ptsAndDTSFlags: UInt8 = 0xC0
    /// The 4-bit prefixes of the PTS and DTS fields.
    static let ptsOnlyPrefix: UInt8 = 0x2
    static let ptsPrefix: UInt8 = 0x3
    static let dtsPrefix: UInt8 = 0x1
    static let timestampLength = 5
    /// PES_packet_length 0: unbounded, allowed only for video (§2.4.3.7).
    static let maximumPacketLength = 0xFFFF

    /// Up to 19 bytes: 9 fixed bytes and two 5-byte timestamps.
    private var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)
    /// The number of header bytes.
    private(set) var count = 0

    /// - Parameters:
    ///   - streamID: The elementary stream.
    ///   - pts: The presentation time in 90 kHz ticks (33 bits).
    ///   - dts: The decoding time; written only when it differs from `pts`.
    ///   - payloadLength: Elementary-stream bytes after the header.
    ///   - dataAlignment: Whether the payload starts with an access unit or sync word.
    init(streamID: StreamID, pts: UInt64, dts: UInt64?, payloadLength: Int, dataAlignment: Bool) {
        let hasDTS = dts.map { $0 != pts } ?? false
        let headerDataLength = hasDTS ? 2 * Self.timestampLength : Self.timestampLength
        // PES_packet_length counts everything after itself; 0 means "unbounded" when it does not fit.
        let packetLength = 3 + headerDataLength + payloadLength
        let lengthField = packetLength > Self.maximumPacketLength ? 0 : packetLength
        append(UInt8(Self.startCodePrefix >> 16))
        append(UInt8(truncatingIfNeeded: Self.startCodePrefix >> 8))
        append(UInt8(truncatingIfNeeded: Self.startCodePrefix))
        append(streamID.rawValue)
        append(UInt8(truncatingIfNeeded: lengthField >> 8))
        append(UInt8(truncatingIfNeeded: lengthField))
        append(Self.markerByte | (dataAlignment ? Self.dataAlignmentIndicator : 0))
        append(hasDTS ? Self.ptsAndDTSFlags : Self.ptsOnlyFlags)
        append(UInt8(headerDataLength))
        appendTimestamp(pts, prefix: hasDTS ? Self.ptsPrefix : Self.ptsOnlyPrefix)
        if hasDTS, let dts { appendTimestamp(dts, prefix: Self.dtsPrefix) }
    }

    /// The header bytes.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        Swift.withUnsafeBytes(of: storage) { body(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
    }

    /// The header bytes as an array, for tests and diagnostics.
    var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    private mutating func append(_ byte: UInt8) {
        let index = count
        Swift.withUnsafeMutableBytes(of: &storage) { $0[index] = byte }
        count += 1
    }

    /// A 33-bit timestamp as '4-bit prefix, 3 bits, marker, 15 bits, marker, 15 bits, marker'.
    private mutating func appendTimestamp(_ value: UInt64, prefix: UInt8) {
        let value = value & TSTimestamp.mask
        append(prefix << 4 | UInt8(truncatingIfNeeded: value >> 29) & 0x0E | 1)
        append(UInt8(truncatingIfNeeded: value >> 22))
        append(UInt8(truncatingIfNeeded: value >> 14) | 1)
        append(UInt8(truncatingIfNeeded: value >> 7))
        append(UInt8(truncatingIfNeeded: value << 1) | 1)
    }
}
