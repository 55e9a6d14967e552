import Media

/// RFC 6381 `codecs` parameter values, as an HLS master playlist's CODECS attribute lists them
/// (RFC 8216 §4.3.4.2).
enum CodecString {
    /// MPEG-4 audio object type 34 (Layer III) is how HLS names MP3.
    static let mp3 = "mp4a.40.34"

    /// `avc1.PPCCLL`: profile_idc, the constraint flags and level_idc in hex (ISO/IEC 14496-15 Annex E).
    static func avc(_ record: AVCDecoderConfigurationRecord) -> String {
        "avc1." + hex(record.profileIndication) + hex(record.profileCompatibility) + hex(record.levelIndication)
    }

    /// `hvc1.[A-C]profile.compatibility.Tlevel.constraints` (ISO/IEC 14496-15 §E.3): the
    /// compatibility flags bit-reversed in hex, constraint bytes with trailing zero bytes dropped.
    static func hevc(_ record: HEVCDecoderConfigurationRecord) -> String {
        let spaces = ["", "A", "B", "C"]
        var text = "hvc1." + spaces[Int(record.generalProfileSpace & 0x03)] + String(record.generalProfileIDC)
        text += "." + String(bitReversed(record.generalProfileCompatibilityFlags), radix: 16, uppercase: true)
        text += "." + (record.generalTierFlag ? "H" : "L") + String(record.generalLevelIDC)
        var constraints = (0..<6).map { UInt8(truncatingIfNeeded: record.generalConstraintIndicatorFlags >> (40 - 8 * $0)) }
        while constraints.last == 0 { constraints.removeLast() }
        for byte in constraints { text += "." + String(byte, radix: 16, uppercase: true) }
        return text
    }

    /// `mp4a.40.N` with the object type players must support: 5 for HE-AAC, 29 for HE-AAC v2.
    static func aac(_ config: AudioSpecificConfig) -> String {
        let objectType: UInt8 =
            if config.psPresent { AudioObjectType.ps.rawValue }
            else if config.sbrPresent { AudioObjectType.sbr.rawValue }
            else { config.objectType.rawValue }
        return "mp4a.40.\(objectType)"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return byte < 0x10 ? "0" + digits : digits
    }

    private static func bitReversed(_ value: UInt32) -> UInt32 {
        var input = value
        var output: UInt32 = 0
        for _ in 0..<32 {
            output = output << 1 | input & 1
            input >>= 1
        }
        return output
    }
}
