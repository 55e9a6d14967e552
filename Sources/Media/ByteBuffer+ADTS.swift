public import NIOCore

/// Fixed values of the ADTS header (ISO/IEC 14496-3 §1.A.2.2, Table 1.A.5–1.A.7).
enum ADTS {
    static let headerLength = 7
    static let syncWord: UInt32 = 0xFFF
    /// frame_length is 13 bits and includes the header.
    static let maximumFrameLength = 0x1FFF
    /// adts_buffer_fullness 0x7FF signals a variable-rate stream, the only honest value for a remuxer.
    static let variableRateFullness: UInt32 = 0x7FF
    /// The ADTS profile field is 2 bits: object types 1…4 only.
    static let maximumObjectType: UInt8 = 4
    static let maximumChannelConfiguration: UInt8 = 7
}

extension ByteBuffer {
    /// Writes a 7-byte ADTS header without CRC (ISO/IEC 14496-3 §1.A.2.2) for one raw AAC frame,
    /// as HLS/MPEG-TS needs before each frame. HE-AAC is written as its AAC core, which players
    /// upsample with implicit SBR.
    ///
    /// - Parameters:
    ///   - config: The stream's AudioSpecificConfig.
    ///   - frameLength: The length of the raw AAC frame that follows; the header's own 7 bytes are
    ///     added for the frame_length field.
    /// - Returns: The number of bytes written (7).
    /// - Throws: ``CodecConfigurationError/unsupported`` when ADTS cannot describe the config
    ///   (object type above 4, a sampling frequency outside the table, channel configuration above 7) or the
    ///   frame is longer than 13 bits allow.
    @discardableResult
    public mutating func writeADTSHeader(
        _ config: AudioSpecificConfig, frameLength: Int
    ) throws(CodecConfigurationError) -> Int {
        guard (1...ADTS.maximumObjectType).contains(config.objectType.rawValue) else {
            throw .unsupported("ADTS profile for object type \(config.objectType.rawValue)")
        }
        // An explicitly coded frequency that is in the table can still be signalled by index.
        guard let frequencyIndex = AudioSpecificConfig.samplingFrequencies.firstIndex(of: config.samplingFrequency) else {
            throw .unsupported("ADTS sampling frequency \(config.samplingFrequency)")
        }
        guard config.channelConfiguration <= ADTS.maximumChannelConfiguration else {
            throw .unsupported("ADTS channel configuration")
        }
        let total = frameLength + ADTS.headerLength
        guard frameLength >= 0, total <= ADTS.maximumFrameLength else { throw .unsupported("ADTS frame_length") }
        var bits = BitWriter()
        bits.write(ADTS.syncWord, bits: 12)
        bits.write(0, bits: 1)  // ID: MPEG-4
        bits.write(0, bits: 2)  // layer
        bits.write(1, bits: 1)  // protection_absent: no CRC
        bits.write(UInt32(config.objectType.rawValue - 1), bits: 2)
        bits.write(UInt32(frequencyIndex), bits: 4)
        bits.write(0, bits: 1)  // private_bit
        bits.write(UInt32(config.channelConfiguration), bits: 3)
        bits.write(0, bits: 4)  // original_copy, home, copyright_identification_bit/start
        bits.write(UInt32(total), bits: 13)
        bits.write(ADTS.variableRateFullness, bits: 11)
        bits.write(0, bits: 2)  // number_of_raw_data_blocks_in_frame - 1
        return writeBytes(bits.bytes)
    }
}
