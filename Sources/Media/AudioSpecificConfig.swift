public import NIOCore

/// MPEG-4 audio object types (ISO/IEC 14496-3 §1.5.1.1, Table 1.1). A struct, not an enum, so
/// that the dozens of rarely seen types still round-trip.
public struct AudioObjectType: RawRepresentable, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let aacMain = Self(rawValue: 1)
    public static let aacLC = Self(rawValue: 2)
    public static let aacSSR = Self(rawValue: 3)
    public static let aacLTP = Self(rawValue: 4)
    /// Spectral band replication (HE-AAC).
    public static let sbr = Self(rawValue: 5)
    public static let aacScalable = Self(rawValue: 6)
    /// Parametric stereo (HE-AAC v2).
    public static let ps = Self(rawValue: 29)
    /// The escape value: the real type is 32 plus the next six bits.
    static let escape = Self(rawValue: 31)
    /// Object types whose config is a GASpecificConfig (§4.4.1).
    static let generalAudio: Set<UInt8> = [1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]
    /// AAC scalable and ER AAC scalable: their GASpecificConfig has a layerNr (§4.4.1, Table 4.1).
    static let scalable: Set<UInt8> = [6, 20]
}

/// The MPEG-4 AudioSpecificConfig carried by an AAC sequence header (ISO/IEC 14496-3 §1.6.2.1).
///
/// HE-AAC is described by its core: ``objectType`` is the AAC type underneath, ``sbrPresent`` and
/// ``psPresent`` say whether SBR/PS were signalled, explicitly (object type 5/29 first) or by the
/// backward-compatible sync extension (§1.6.5.2).
public struct AudioSpecificConfig: Sendable, Hashable {
    /// The sampling frequencies of samplingFrequencyIndex 0…12 (§1.6.3.4, Table 1.18).
    public static let samplingFrequencies = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]
    /// The index meaning "explicit 24-bit frequency follows".
    static let explicitFrequencyIndex: UInt8 = 15
    static let syncExtensionSBR: UInt32 = 0x2B7
    static let syncExtensionPS: UInt32 = 0x548

    public var objectType: AudioObjectType
    /// Index into ``samplingFrequencies``, or 15 when ``samplingFrequency`` is given explicitly.
    public var samplingFrequencyIndex: UInt8
    public var samplingFrequency: Int
    /// 1…7 per §1.6.3.5 Table 1.19; 0 means a program config element defines the channels.
    public var channelConfiguration: UInt8
    /// GASpecificConfig frameLengthFlag: 960-sample instead of 1024-sample frames.
    public var frameLengthFlag: Bool
    public var sbrPresent: Bool
    public var psPresent: Bool
    /// The output sampling frequency of SBR, when signalled.
    public var extensionSamplingFrequency: Int?

    /// - Parameters:
    ///   - objectType: The (core) audio object type.
    ///   - samplingFrequency: In Hz; a frequency outside the table is stored explicitly.
    ///   - channelConfiguration: 1…7, or 0 for a program config element.
    public init(
        objectType: AudioObjectType, samplingFrequency: Int, channelConfiguration: UInt8, frameLengthFlag: Bool = false
    ) {
        self.objectType = objectType
        self.samplingFrequency = samplingFrequency
        self.samplingFrequencyIndex = Self.samplingFrequencies.firstIndex(of: samplingFrequency).map(UInt8.init)
            ?? Self.explicitFrequencyIndex
        self.channelConfiguration = channelConfiguration
        self.frameLengthFlag = frameLengthFlag
        self.sbrPresent = false
        self.psPresent = false
        self.extensionSamplingFrequency = nil
    }

    /// The number of channels, or `nil` when a program config element defines them.
    public var channelCount: Int? {
        switch channelConfiguration {
        case 1...6: return Int(channelConfiguration)
        case 7: return 8
        default: return nil
        }
    }

    /// PCM samples per channel in one AAC frame (of the core, without SBR).
    public var samplesPerFrame: Int { frameLengthFlag ? 960 : 1024 }

    /// Parses an AudioSpecificConfig from all readable bytes of `buffer`.
    ///
    /// - Throws: ``CodecConfigurationError/truncated`` when the bytes end inside a field,
    ///   ``CodecConfigurationError/invalidValue`` for a reserved sampling frequency index.
    public init(parsing buffer: ByteBuffer) throws(CodecConfigurationError) {
        var bits = BitReader(buffer)
        var objectType = try Self.readObjectType(&bits)
        let (index, frequency) = try Self.readSamplingFrequency(&bits)
        self.init(objectType: objectType, samplingFrequency: frequency, channelConfiguration: 0)
        samplingFrequencyIndex = index
        channelConfiguration = UInt8(try bits.readBits(4, "channelConfiguration"))
        if objectType == .sbr || objectType == .ps {
            // Explicit hierarchical signalling (§1.6.5.3): the extension frequency, then the core type.
            sbrPresent = true
            psPresent = objectType == .ps
            extensionSamplingFrequency = try Self.readSamplingFrequency(&bits).frequency
            objectType = try Self.readObjectType(&bits)
            self.objectType = objectType
        }
        guard AudioObjectType.generalAudio.contains(objectType.rawValue) else { return }
        frameLengthFlag = try bits.readFlag("frameLengthFlag")
        if try bits.readFlag("dependsOnCoreCoder") { try bits.skipBits(14, "coreCoderDelay") }
        let extensionFlag = try bits.readFlag("extensionFlag")
        // A program config element would have to be parsed to find what follows it.
        guard channelConfiguration != 0 else { return }
        if AudioObjectType.scalable.contains(objectType.rawValue) { try bits.skipBits(3, "layerNr") }
        if extensionFlag {
            if objectType.rawValue == 22 { try bits.skipBits(16, "numOfSubFrame, layer_length") }
            if [17, 19, 20, 23].contains(objectType.rawValue) { try bits.skipBits(3, "resilience flags") }
            try bits.skipBits(1, "extensionFlag3")
        }
        try parseSyncExtension(&bits)
    }

    /// The backward-compatible SBR/PS signalling after the core config (§1.6.2.1).
    private mutating func parseSyncExtension(_ bits: inout BitReader) throws(CodecConfigurationError) {
        guard !sbrPresent, bits.bitsLeft >= 16 else { return }
        var lookahead = bits
        guard try lookahead.readBits(11, "syncExtensionType") == Self.syncExtensionSBR,
            try Self.readObjectType(&lookahead) == .sbr
        else { return }
        sbrPresent = try lookahead.readFlag("sbrPresentFlag")
        guard sbrPresent else { return }
        extensionSamplingFrequency = try Self.readSamplingFrequency(&lookahead).frequency
        if lookahead.bitsLeft >= 12, try lookahead.readBits(11, "syncExtensionType") == Self.syncExtensionPS {
            psPresent = try lookahead.readFlag("psPresentFlag")
        }
    }

    private static func readObjectType(_ bits: inout BitReader) throws(CodecConfigurationError) -> AudioObjectType {
        let value = try bits.readBits(5, "audioObjectType")
        guard value == UInt32(AudioObjectType.escape.rawValue) else { return AudioObjectType(rawValue: UInt8(value)) }
        return AudioObjectType(rawValue: UInt8(32 + (try bits.readBits(6, "audioObjectTypeExt"))))
    }

    private static func readSamplingFrequency(
        _ bits: inout BitReader
    ) throws(CodecConfigurationError) -> (index: UInt8, frequency: Int) {
        let index = UInt8(try bits.readBits(4, "samplingFrequencyIndex"))
        if index == explicitFrequencyIndex {
            return (index, Int(try bits.readBits(24, "samplingFrequency")))
        }
        guard Int(index) < samplingFrequencies.count else { throw .invalidValue("samplingFrequencyIndex \(index)") }
        return (index, samplingFrequencies[Int(index)])
    }
}

extension ByteBuffer {
    /// Writes an AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1), padded to a whole byte. SBR/PS are
    /// written with explicit hierarchical signalling; general-audio types get a minimal GASpecificConfig.
    ///
    /// - Returns: The number of bytes written.
    @discardableResult
    public mutating func writeAudioSpecificConfig(_ config: AudioSpecificConfig) -> Int {
        var bits = BitWriter()
        func writeObjectType(_ type: AudioObjectType) {
            if type.rawValue >= 32 {
                bits.write(UInt32(AudioObjectType.escape.rawValue), bits: 5)
                bits.write(UInt32(type.rawValue - 32), bits: 6)
            } else {
                bits.write(UInt32(type.rawValue), bits: 5)
            }
        }
        func writeFrequency(_ frequency: Int) {
            if let index = AudioSpecificConfig.samplingFrequencies.firstIndex(of: frequency) {
                bits.write(UInt32(index), bits: 4)
            } else {
                bits.write(UInt32(AudioSpecificConfig.explicitFrequencyIndex), bits: 4)
                bits.write(UInt32(truncatingIfNeeded: frequency), bits: 24)
            }
        }
        let hierarchical = config.sbrPresent
        writeObjectType(hierarchical ? (config.psPresent ? .ps : .sbr) : config.objectType)
        writeFrequency(config.samplingFrequency)
        bits.write(UInt32(config.channelConfiguration), bits: 4)
        if hierarchical {
            writeFrequency(config.extensionSamplingFrequency ?? config.samplingFrequency * 2)
            writeObjectType(config.objectType)
        }
        if AudioObjectType.generalAudio.contains(config.objectType.rawValue) {
            bits.write(config.frameLengthFlag ? 1 : 0, bits: 1)
            bits.write(0, bits: 2)  // dependsOnCoreCoder, extensionFlag
            // The scalable types carry layerNr whenever channels are signalled; without it the parser (and any
            // decoder) runs out of bits.
            if config.channelConfiguration != 0, AudioObjectType.scalable.contains(config.objectType.rawValue) {
                bits.write(0, bits: 3)  // layerNr
            }
        }
        return writeBytes(bits.bytes)
    }
}
