import NIOCore

/// The program-specific information the remuxer writes: a PAT naming one program and that
/// program's PMT (ISO/IEC 13818-1 §2.4.4.3, §2.4.4.8). Sections are built once per change and
/// kept as bytes; each fits into a single transport packet.
enum PSITables {
    /// table_id values (§2.4.4.4, Table 2-31).
    enum TableID: UInt8 {
        case programAssociation = 0x00
        case programMap = 0x02
    }

    /// One entry of the PMT's elementary stream loop.
    struct ElementaryStream: Hashable, Sendable {
        var streamType: TSStreamType
        var pid: UInt16
    }

    /// transport_stream_id and program_number: a single-program stream, numbered as FFmpeg does.
    static let transportStreamID: UInt16 = 1
    static let programNumber: UInt16 = 1
    /// section_syntax_indicator '1', '0', reserved '11'; section_length follows in 12 bits.
    static let sectionSyntaxBits: UInt16 = 0xB000
    /// reserved '11', then version_number (5 bits) and current_next_indicator '1'.
    static let versionReservedBits: UInt8 = 0xC0
    static let currentNextIndicator: UInt8 = 0x01
    /// Three reserved '1' bits before every 13-bit PID field.
    static let pidReservedBits: UInt16 = 0xE000
    /// Four reserved '1' bits before every 12-bit info length.
    static let infoLengthReservedBits: UInt16 = 0xF000
    static let versionMask: UInt8 = 0x1F
    static let crcLength = 4
    /// The byte before the section in a packet whose payload starts one (§2.4.4.2).
    static let pointerField: UInt8 = 0

    /// A program_association_section listing program 1 at `programMapPID`.
    static func programAssociationSection(programMapPID: UInt16 = TSPID.programMap) -> [UInt8] {
        var body: [UInt8] = []
        append(programNumber, to: &body)
        append(pidReservedBits | programMapPID, to: &body)
        return section(.programAssociation, idExtension: transportStreamID, version: 0, body: body)
    }

    /// A TS_program_map_section for program 1.
    ///
    /// - Parameters:
    ///   - version: version_number, changed whenever the content changes.
    ///   - pcrPID: The PID carrying the PCR, or ``TSPID/none``.
    ///   - streams: The elementary streams, in PID order.
    static func programMapSection(version: UInt8, pcrPID: UInt16, streams: [ElementaryStream]) -> [UInt8] {
        var body: [UInt8] = []
        append(pidReservedBits | pcrPID, to: &body)
        append(infoLengthReservedBits, to: &body)  // program_info_length 0: no descriptors
        for stream in streams {
            body.append(stream.streamType.rawValue)
            append(pidReservedBits | stream.pid, to: &body)
            append(infoLengthReservedBits, to: &body)  // ES_info_length 0
        }
        return section(.programMap, idExtension: programNumber, version: version, body: body)
    }

    /// The long section syntax (§2.4.4.3, §2.4.4.8) around `body`, with its CRC_32.
    private static func section(_ table: TableID, idExtension: UInt16, version: UInt8, body: [UInt8]) -> [UInt8] {
        // section_length counts the bytes after itself: five header bytes, the body and the CRC.
        let sectionLength = 5 + body.count + crcLength
        var bytes: [UInt8] = [table.rawValue]
        bytes.reserveCapacity(3 + sectionLength)
        append(sectionSyntaxBits | UInt16(sectionLength), to: &bytes)
        append(idExtension, to: &bytes)
        bytes.append(versionReservedBits | (version & versionMask) << 1 | currentNextIndicator)
        bytes.append(0)  // section_number
        bytes.append(0)  // last_section_number
        bytes.append(contentsOf: body)
        let crc = CRC32MPEG2.checksum(bytes)
        append(UInt16(crc >> 16), to: &bytes)
        append(UInt16(truncatingIfNeeded: crc), to: &bytes)
        return bytes
    }

    private static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }
}

extension ByteBuffer {
    /// Writes one PSI section as a single transport packet: header, pointer_field, the section,
    /// and 0xFF stuffing after it (§2.4.4.2).
    ///
    /// - Precondition: The section fits into one packet.
    /// - Returns: The number of bytes written (188).
    @discardableResult
    mutating func writePSIPacket(section: [UInt8], pid: UInt16, continuityCounter: inout UInt8) -> Int {
        let used = TSPacket.headerSize + 1 + section.count
        precondition(used <= TSPacket.size, "PSI section longer than one packet")
        let counter = ContinuityCounters.next(&continuityCounter)
        writeMultipleIntegers(
            TSPacket.syncByte, TSPacket.payloadUnitStartBit | UInt8(pid >> 8) & 0x1F, UInt8(truncatingIfNeeded: pid),
            TSPacket.payloadOnly | counter, PSITables.pointerField)
        writeBytes(section)
        writeRepeatingByte(TSPacket.stuffingByte, count: TSPacket.size - used)
        return TSPacket.size
    }
}
