/// Fixed sizes and field values of the transport packet (ISO/IEC 13818-1 §2.4.3.2, §2.4.3.4).
enum TSPacket {
    static let size = 188
    static let headerSize = 4
    static let payloadCapacity = size - headerSize
    static let syncByte: UInt8 = 0x47
    /// Second header byte: payload_unit_start_indicator.
    static let payloadUnitStartBit: UInt8 = 0x40
    /// Fourth header byte: adaptation_field_control "payload only" and "adaptation field, then payload".
    static let payloadOnly: UInt8 = 0x10
    static let adaptationAndPayload: UInt8 = 0x30
    /// Adaptation field flags (§2.4.3.4).
    static let randomAccessFlag: UInt8 = 0x40
    static let pcrFlag: UInt8 = 0x10
    /// adaptation_field_length plus the flags byte.
    static let adaptationFieldPrefix = 2
    /// program_clock_reference_base (33), reserved (6), program_clock_reference_extension (9).
    static let pcrSize = 6
    static let stuffingByte: UInt8 = 0xFF
    static let continuityCounterMask: UInt8 = 0x0F
}

/// Packet identifiers used by the remuxer; the values match what FFmpeg's muxer writes, which
/// players and tools know well.
enum TSPID {
    static let programAssociation: UInt16 = 0x0000
    static let programMap: UInt16 = 0x1000
    static let video: UInt16 = 0x0100
    static let audio: UInt16 = 0x0101
    /// PCR_PID of a program that carries no PCR (§2.4.4.9).
    static let none: UInt16 = 0x1FFF
}

/// The 4-bit continuity_counter of each PID the remuxer writes (§2.4.3.3). They keep counting
/// across segments, so a player that concatenates segments sees no discontinuity.
struct ContinuityCounters: Hashable, Sendable {
    var programAssociation: UInt8 = 0
    var programMap: UInt8 = 0
    var video: UInt8 = 0
    var audio: UInt8 = 0

    /// Returns the counter for the next packet of a PID and advances it.
    static func next(_ counter: inout UInt8) -> UInt8 {
        defer { counter = (counter &+ 1) & TSPacket.continuityCounterMask }
        return counter
    }
}

/// Splits one PES packet into 188-byte transport packets written straight into reserved memory.
///
/// The first packet gets payload_unit_start_indicator and, when asked, the PCR and
/// random_access_indicator; the last packet is filled up with adaptation-field stuffing
/// (§2.4.3.5), since PES data may not be padded. Every write is bounds-checked once per packet,
/// so a wrong length can trap but never write outside the destination.
struct TSPacketWriter {
    private let destination: UnsafeMutableRawBufferPointer
    private let pid: UInt16
    private(set) var offset: Int
    private(set) var continuityCounter: UInt8
    /// Bytes of the unit (PES header and data) not yet placed.
    private var unitRemaining: Int
    /// Payload bytes that still fit into the current packet.
    private var packetRoom = 0

    /// Starts a unit by writing its first packet's header and adaptation field.
    ///
    /// - Parameters:
    ///   - destination: Memory with room for ``packetCount(unitLength:pcr:randomAccess:)`` packets from `offset`.
    ///   - unitLength: The exact number of bytes that will be passed to ``write(_:)``.
    ///   - pcr: The 27 MHz-derived PCR base (90 kHz), written in the first packet when present.
    init(
        destination: UnsafeMutableRawBufferPointer, offset: Int = 0, pid: UInt16, continuityCounter: UInt8,
        unitLength: Int, pcr: UInt64?, randomAccess: Bool
    ) {
        precondition(unitLength > 0, "a transport unit cannot be empty")
        self.destination = destination
        self.offset = offset
        self.pid = pid
        self.continuityCounter = continuityCounter
        self.unitRemaining = unitLength
        startPacket(first: true, pcr: pcr, randomAccess: randomAccess)
    }

    /// The number of packets a unit of `unitLength` bytes takes.
    static func packetCount(unitLength: Int, pcr: Bool, randomAccess: Bool) -> Int {
        let firstRoom = TSPacket.payloadCapacity - mandatoryAdaptationLength(pcr: pcr, randomAccess: randomAccess)
        guard unitLength > firstRoom else { return 1 }
        return 1 + (unitLength - firstRoom + TSPacket.payloadCapacity - 1) / TSPacket.payloadCapacity
    }

    /// Adaptation field bytes the first packet needs before any stuffing.
    private static func mandatoryAdaptationLength(pcr: Bool, randomAccess: Bool) -> Int {
        if pcr { return TSPacket.adaptationFieldPrefix + TSPacket.pcrSize }
        return randomAccess ? TSPacket.adaptationFieldPrefix : 0
    }

    /// Whether every byte of the unit has been written (the last packet is then complete).
    var isComplete: Bool { unitRemaining == 0 && packetRoom == 0 }

    /// Appends unit bytes, starting new packets as needed.
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= unitRemaining + packetRoom, "more bytes than the unit length announced")
        var index = 0
        while index < bytes.count {
            if packetRoom == 0 { startPacket(first: false, pcr: nil, randomAccess: false) }
            let count = min(packetRoom, bytes.count - index)
            (destination.baseAddress! + offset).copyMemory(from: bytes.baseAddress! + index, byteCount: count)
            offset += count
            index += count
            packetRoom -= count
        }
    }

    /// Appends the low `count` bytes of `value`, most significant first (start codes, ADTS headers).
    mutating func write(bigEndian value: UInt64, count: Int) {
        precondition(count > 0 && count <= 8)
        withUnsafeBytes(of: (value << (64 - 8 * UInt64(count))).bigEndian) { bytes in
            write(UnsafeRawBufferPointer(rebasing: bytes.prefix(count)))
        }
    }

    /// Writes a packet header and adaptation field and claims the unit bytes this packet will carry.
    private mutating func startPacket(first: Bool, pcr: UInt64?, randomAccess: Bool) {
        precondition(offset >= 0 && offset + TSPacket.size <= destination.count, "transport packet out of bounds")
        let packet = UnsafeMutableRawBufferPointer(rebasing: destination[offset..<offset + TSPacket.size])
        let mandatory = first ? Self.mandatoryAdaptationLength(pcr: pcr != nil, randomAccess: randomAccess) : 0
        let room = TSPacket.payloadCapacity - mandatory
        // Only the last packet is short of data; stuffing goes into its adaptation field.
        let stuffing = max(0, room - unitRemaining)
        let adaptationLength = mandatory + stuffing
        let counter = ContinuityCounters.next(&continuityCounter)
        packet[0] = TSPacket.syncByte
        packet[1] = (first ? TSPacket.payloadUnitStartBit : 0) | UInt8(truncatingIfNeeded: pid >> 8) & 0x1F
        packet[2] = UInt8(truncatingIfNeeded: pid)
        packet[3] = (adaptationLength > 0 ? TSPacket.adaptationAndPayload : TSPacket.payloadOnly) | counter
        var index = TSPacket.headerSize
        if adaptationLength > 0 {
            // adaptation_field_length excludes itself; a single stuffing byte is just a zero length.
            packet[index] = UInt8(adaptationLength - 1)
            index += 1
            if adaptationLength > 1 {
                var flags: UInt8 = 0
                if randomAccess && first { flags |= TSPacket.randomAccessFlag }
                if pcr != nil && first { flags |= TSPacket.pcrFlag }
                packet[index] = flags
                index += 1
            }
            if first, let pcr {
                withUnsafeBytes(of: PCR.encode(base: pcr).bigEndian) { bytes in
                    for byte in bytes.suffix(TSPacket.pcrSize) {
                        packet[index] = byte
                        index += 1
                    }
                }
            }
            let payloadStart = TSPacket.headerSize + adaptationLength
            for stuffingIndex in index..<payloadStart { packet[stuffingIndex] = TSPacket.stuffingByte }
            index = payloadStart
        }
        offset += index
        packetRoom = TSPacket.size - index
        unitRemaining -= packetRoom
    }
}

/// Program clock reference encoding (ISO/IEC 13818-1 §2.4.3.5).
enum PCR {
    /// reserved bits between base and extension.
    static let reservedBits: UInt64 = 0x3F << 9

    /// The 48-bit field: a 33-bit 90 kHz base, six reserved ones, and a 9-bit extension of 0,
    /// because FLV's millisecond clock has nothing finer to offer.
    static func encode(base: UInt64) -> UInt64 {
        (base & TSTimestamp.mask) << 15 | reservedBits
    }
}
