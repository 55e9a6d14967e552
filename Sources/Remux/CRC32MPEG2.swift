/// The CRC-32 of PSI sections (ISO/IEC 13818-1 Annex A): polynomial 0x04C11DB7, MSB first,
/// initial value 0xFFFFFFFF, no final XOR ("CRC-32/MPEG-2").
///
/// The value over a whole section including its CRC_32 field is zero.
struct CRC32MPEG2 {
    static let polynomial: UInt32 = 0x04C1_1DB7
    static let initialValue: UInt32 = 0xFFFF_FFFF

    /// One entry per byte value: the register after shifting that byte through it.
    private static let table: [UInt32] = (0..<256).map { byte in
        var register = UInt32(byte) << 24
        for _ in 0..<8 {
            register = register & 0x8000_0000 != 0 ? register << 1 ^ polynomial : register << 1
        }
        return register
    }

    private(set) var value: UInt32 = initialValue

    init() {}

    /// Feeds bytes into the checksum.
    mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        var register = value
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes {
                register = register << 8 ^ table[Int(UInt8(truncatingIfNeeded: register >> 24) ^ byte)]
            }
        }
        value = register
    }

    /// The checksum of `bytes`.
    static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc = CRC32MPEG2()
        crc.update(bytes)
        return crc.value
    }
}
