import NIOCore

/// A hand-written AMF0 writer for golden tests, independent of the codec under test (AMF0 spec §2).
enum AMF0Bytes {
    static func number(_ value: Double) -> [UInt8] {
        [0x00] + withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init)
    }
    static func boolean(_ value: Bool) -> [UInt8] { [0x01, value ? 1 : 0] }
    static func string(_ value: String) -> [UInt8] { [0x02] + key(value) }
    static func key(_ value: String) -> [UInt8] {
        let utf8 = Array(value.utf8)
        return [UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)] + utf8
    }
    static let null: [UInt8] = [0x05]
    static let undefined: [UInt8] = [0x06]
    static func object(_ properties: [(String, [UInt8])]) -> [UInt8] {
        [0x03] + properties.flatMap { key($0.0) + $0.1 } + [0x00, 0x00, 0x09]
    }
}
