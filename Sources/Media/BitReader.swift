import NIOCore

/// An MSB-first bit reader over a small byte array, with the Exp-Golomb codes of
/// ITU-T H.264 §9.1 / H.265 §9.2. Used only for parameter sets and AudioSpecificConfig, which are
/// tens of bytes, so an array copy is cheaper than cleverness.
struct BitReader {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(_ buffer: ByteBuffer) {
        self.bytes = Array(buffer.readableBytesView)
    }

    var bitsLeft: Int { bytes.count * 8 - position }

    mutating func readBits(_ count: Int, _ field: String) throws(CodecConfigurationError) -> UInt32 {
        precondition(count >= 0 && count <= 32)
        guard count <= bitsLeft else { throw .truncated(field) }
        var value: UInt32 = 0
        for _ in 0..<count {
            let bit = bytes[position >> 3] >> (7 - UInt8(position & 7)) & 1
            value = value << 1 | UInt32(bit)
            position += 1
        }
        return value
    }

    mutating func readFlag(_ field: String) throws(CodecConfigurationError) -> Bool {
        try readBits(1, field) == 1
    }

    mutating func skipBits(_ count: Int, _ field: String) throws(CodecConfigurationError) {
        guard count <= bitsLeft else { throw .truncated(field) }
        position += count
    }

    /// ue(v): unsigned Exp-Golomb.
    mutating func readUE(_ field: String) throws(CodecConfigurationError) -> UInt32 {
        var leadingZeros = 0
        while try readBits(1, field) == 0 {
            leadingZeros += 1
            // 32 zeros would describe a value beyond 32 bits, which no syntax element allows.
            guard leadingZeros < 32 else { throw .invalidValue(field) }
        }
        let suffix = try readBits(leadingZeros, field)
        return UInt32((UInt64(1) << leadingZeros) - 1 + UInt64(suffix))
    }

    /// se(v): signed Exp-Golomb.
    mutating func readSE(_ field: String) throws(CodecConfigurationError) -> Int32 {
        let code = Int64(try readUE(field))
        return Int32(code & 1 == 1 ? (code + 1) / 2 : -(code / 2))
    }

    /// The RBSP of a NAL unit: its bytes with every emulation-prevention byte (the 0x03 in
    /// 0x00 0x00 0x03) removed (H.264 §7.4.1, H.265 §7.4.2).
    static func rbsp(_ nalUnit: ByteBuffer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(nalUnit.readableBytes)
        var zeros = 0
        for byte in nalUnit.readableBytesView {
            if zeros >= 2 && byte == 0x03 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            output.append(byte)
        }
        return output
    }
}

/// The MSB-first counterpart of ``BitReader``, for writing AudioSpecificConfig and ADTS headers.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var bitCount = 0

    mutating func write(_ value: UInt32, bits: Int) {
        precondition(bits >= 0 && bits <= 32)
        for index in stride(from: bits - 1, through: 0, by: -1) {
            if bitCount & 7 == 0 { bytes.append(0) }
            let bit = UInt8(truncatingIfNeeded: value >> UInt32(index) & 1)
            bytes[bytes.count - 1] |= bit << (7 - UInt8(bitCount & 7))
            bitCount += 1
        }
    }
}
