import Media
import NIOCore
import Testing

@testable import Remux

// MARK: - A small transport stream reader, written independently of the muxer, to check its output.

/// One parsed 188-byte packet.
struct ParsedPacket {
    var pid: UInt16
    var payloadUnitStart: Bool
    var continuityCounter: UInt8
    var hasAdaptationField: Bool
    /// adaptation_field_length, when there is an adaptation field.
    var adaptationFieldLength: Int?
    var randomAccess = false
    var pcrBase: UInt64?
    /// Trailing 0xFF bytes of the adaptation field.
    var stuffingCount = 0
    var payload: [UInt8]
}

/// A PES packet reassembled from transport packets.
struct ParsedPES {
    var streamID: UInt8
    var packetLength: Int
    var dataAlignment: Bool
    var pts: UInt64?
    var dts: UInt64?
    var data: [UInt8]
    /// The transport packets it came in.
    var packets: [ParsedPacket]
}

/// Splits a buffer into transport packets, checking size and sync byte of each.
func parsePackets(_ buffer: ByteBuffer) throws -> [ParsedPacket] {
    let bytes = Array(buffer.readableBytesView)
    try #require(bytes.count % 188 == 0, "output is not a whole number of packets: \(bytes.count)")
    return try stride(from: 0, to: bytes.count, by: 188).map { try parsePacket(Array(bytes[$0..<$0 + 188])) }
}

func parsePacket(_ bytes: [UInt8]) throws -> ParsedPacket {
    try #require(bytes.count == 188)
    try #require(bytes[0] == 0x47, "sync byte")
    var packet = ParsedPacket(
        pid: UInt16(bytes[1] & 0x1F) << 8 | UInt16(bytes[2]), payloadUnitStart: bytes[1] & 0x40 != 0,
        continuityCounter: bytes[3] & 0x0F, hasAdaptationField: bytes[3] & 0x20 != 0, payload: [])
    #expect(bytes[1] & 0x80 == 0, "transport_error_indicator")
    #expect(bytes[3] & 0xC0 == 0, "transport_scrambling_control")
    var index = 4
    if packet.hasAdaptationField {
        let length = Int(bytes[4])
        packet.adaptationFieldLength = length
        try #require(length <= 183)
        if length > 0 {
            let flags = bytes[5]
            packet.randomAccess = flags & 0x40 != 0
            var fieldIndex = 6
            if flags & 0x10 != 0 {
                let base = bytes[6..<10].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } << 1 | UInt64(bytes[10] >> 7)
                #expect(bytes[10] & 0x7E == 0x7E, "PCR reserved bits")
                #expect(UInt16(bytes[10] & 1) << 8 | UInt16(bytes[11]) == 0, "PCR extension")
                packet.pcrBase = base
                fieldIndex += 6
            }
            let end = 5 + length
            packet.stuffingCount = end - fieldIndex
            #expect(bytes[fieldIndex..<end].allSatisfy { $0 == 0xFF }, "stuffing bytes")
        }
        index = 5 + length
    }
    #expect(bytes[3] & 0x10 != 0, "every packet the muxer writes has a payload")
    packet.payload = Array(bytes[index...])
    return packet
}

/// PES packets of one PID, reassembled on payload_unit_start_indicator.
func parsePES(_ packets: [ParsedPacket], pid: UInt16) throws -> [ParsedPES] {
    var units: [[ParsedPacket]] = []
    for packet in packets where packet.pid == pid {
        if packet.payloadUnitStart {
            units.append([packet])
        } else {
            try #require(!units.isEmpty, "continuation packet before any PES start")
            units[units.count - 1].append(packet)
        }
    }
    return try units.map { unit in
        var pes = try parsePESBytes(unit.flatMap(\.payload))
        pes.packets = unit
        return pes
    }
}

func parsePESBytes(_ bytes: [UInt8]) throws -> ParsedPES {
    try #require(bytes.count >= 9 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 1, "PES start code")
    let packetLength = Int(bytes[4]) << 8 | Int(bytes[5])
    #expect(bytes[6] & 0xC0 == 0x80, "'10' marker")
    let flags = bytes[7] >> 6
    let headerLength = Int(bytes[8])
    var pes = ParsedPES(
        streamID: bytes[3], packetLength: packetLength, dataAlignment: bytes[6] & 0x04 != 0, data: [], packets: [])
    if flags & 0x2 != 0 {
        pes.pts = try decodeTimestamp(Array(bytes[9..<14]), prefix: flags == 0x3 ? 0x3 : 0x2)
    }
    if flags == 0x3 {
        pes.dts = try decodeTimestamp(Array(bytes[14..<19]), prefix: 0x1)
    }
    pes.data = Array(bytes[(9 + headerLength)...])
    if packetLength != 0 {
        #expect(packetLength == bytes.count - 6, "PES_packet_length")
    }
    return pes
}

/// A 5-byte PTS/DTS field, checking prefix and marker bits.
func decodeTimestamp(_ bytes: [UInt8], prefix: UInt8) throws -> UInt64 {
    try #require(bytes.count == 5)
    #expect(bytes[0] >> 4 == prefix, "timestamp prefix")
    #expect(bytes[0] & 1 == 1 && bytes[2] & 1 == 1 && bytes[4] & 1 == 1, "timestamp marker bits")
    return UInt64(bytes[0] >> 1 & 0x07) << 30 | ((UInt64(bytes[1]) << 8 | UInt64(bytes[2])) >> 1) << 15
        | (UInt64(bytes[3]) << 8 | UInt64(bytes[4])) >> 1
}

/// Checks that each PID's continuity counter goes up by one (mod 16) from packet to packet.
func expectContinuity(_ packets: [ParsedPacket], sourceLocation: SourceLocation = #_sourceLocation) {
    var last: [UInt16: UInt8] = [:]
    for packet in packets {
        if let previous = last[packet.pid] {
            #expect(packet.continuityCounter == (previous + 1) & 0x0F, "PID \(packet.pid)", sourceLocation: sourceLocation)
        }
        last[packet.pid] = packet.continuityCounter
    }
}

/// Splits Annex B bytes into NAL units (4-byte start codes, as the muxer writes them).
func annexBNALUnits(_ bytes: [UInt8]) -> [[UInt8]] {
    var units: [[UInt8]] = []
    var index = 0
    var start: Int?
    while index + 4 <= bytes.count {
        if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 0, bytes[index + 3] == 1 {
            if let start { units.append(Array(bytes[start..<index])) }
            index += 4
            start = index
        } else {
            index += 1
        }
    }
    if let start { units.append(Array(bytes[start...])) }
    return units
}

/// 90 kHz ticks of a millisecond timestamp with the default 1000 ms offset.
func ticks(_ milliseconds: Int64, offset: Int64 = 1000) -> UInt64 { UInt64(milliseconds + offset) * 90 }

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.filter { !$0.isWhitespace }.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(String([high, low]), radix: 16)!)
        }
        self = bytes
    }
}
