import Media
import NIOCore

/// Reads an audio/video/data payload the way the server does: tag header, then the codec configuration
/// it carries, then what is derived from that configuration (SPS, ADTS header).
enum MediaPayloads {
    static func inspect(kind: MediaKind, payload: ByteBuffer) {
        _ = MediaPacket.Flags.classify(kind: kind, payload: payload)
        var body = payload
        switch kind {
        case .audio:
            guard let header = try? body.readAudioTagHeader() else { return }
            if header.packetType == .sequenceStart, header.codec.isAAC {
                audioSpecificConfig(body)
            }
        case .video:
            guard let header = try? body.readVideoTagHeader() else { return }
            if header.packetType == .sequenceStart {
                if header.codec.isAVC { avcRecord(body) }
                if header.codec.isHEVC { hevcRecord(body) }
            }
        case .data:
            _ = try? body.readAMF0Values()
        }
    }

    /// Property: a record read, written and read again is the same record.
    static func avcRecord(_ bytes: ByteBuffer) {
        var buffer = bytes
        guard let record = try? buffer.readAVCDecoderConfigurationRecord() else { return }
        _ = try? record.firstSequenceParameterSet()
        for sps in record.sequenceParameterSets {
            _ = try? AVCSequenceParameterSet(parsing: sps)
        }
        var written = ByteBuffer()
        written.writeAVCDecoderConfigurationRecord(record)
        var reread = written
        let back = try? reread.readAVCDecoderConfigurationRecord()
        fuzzCheck(back == record, "avcC does not survive write+read")
    }

    /// Property: a record read, written and read again is the same record.
    static func hevcRecord(_ bytes: ByteBuffer) {
        var buffer = bytes
        guard let record = try? buffer.readHEVCDecoderConfigurationRecord() else { return }
        _ = try? record.firstSequenceParameterSet()
        for sps in record.nalUnits(ofType: HEVCNALUnitType.sequenceParameterSet) {
            _ = try? HEVCSequenceParameterSet(parsing: sps)
        }
        var written = ByteBuffer()
        written.writeHEVCDecoderConfigurationRecord(record)
        var reread = written
        let back = try? reread.readHEVCDecoderConfigurationRecord()
        fuzzCheck(back == record, "hvcC does not survive write+read")
    }

    /// Property: the core fields survive write+parse; an ADTS header, when one can be written, is 7 bytes
    /// with the sync word.
    static func audioSpecificConfig(_ bytes: ByteBuffer) {
        guard let config = try? AudioSpecificConfig(parsing: bytes) else { return }
        var written = ByteBuffer()
        written.writeAudioSpecificConfig(config)
        let back = try? AudioSpecificConfig(parsing: written)
        fuzzCheck(
            back?.objectType == config.objectType && back?.samplingFrequency == config.samplingFrequency
                && back?.channelConfiguration == config.channelConfiguration,
            "AudioSpecificConfig core fields do not survive write+parse")
        var adts = ByteBuffer()
        if let count = try? adts.writeADTSHeader(config, frameLength: bytes.readableBytes) {
            fuzzCheck(count == 7 && adts.getInteger(at: 0, as: UInt16.self).map { $0 & 0xFFF0 } == 0xFFF0, "bad ADTS header")
        }
    }
}
