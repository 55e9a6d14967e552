import Media
import NIOCore

/// Builders for FLV packets, using Media's writers so the tag layout is the one ingest produces.
enum TestMedia {
    /// SPS and PPS of samples/sample.flv: H.264 High, level 3.0, 640x360.
    static let avcSPS = [UInt8](hex: "6764001eacd940a02ff97011000003000100000300320f162d96")
    static let avcPPS = [UInt8](hex: "68efbcb0")
    /// VPS, SPS and PPS of a 320x240 libx265 Main profile picture.
    static let hevcVPS = [UInt8](hex: "40010c01ffff01600000030090000003000003003c959809")
    static let hevcSPS = [UInt8](hex: "42010101600000030090000003000003003ca00a080f165959a4932bc05a020000030002000003003210")
    static let hevcPPS = [UInt8](hex: "4401c172b46240")
    /// AAC-LC, 44.1 kHz, stereo.
    static let aacConfig: [UInt8] = [0x12, 0x10]

    static func avcRecord(lengthSizeMinusOne: UInt8 = 3) -> AVCDecoderConfigurationRecord {
        AVCDecoderConfigurationRecord(
            profileIndication: 0x64, profileCompatibility: 0x00, levelIndication: 0x1E,
            lengthSizeMinusOne: lengthSizeMinusOne, sequenceParameterSets: [ByteBuffer(bytes: avcSPS)],
            pictureParameterSets: [ByteBuffer(bytes: avcPPS)])
    }

    static func avcSequenceHeader(_ record: AVCDecoderConfigurationRecord = avcRecord(), timestamp: Int64 = 0)
        -> MediaPacket
    {
        var payload = ByteBuffer()
        payload.writeVideoTagHeader(VideoTagHeader(codec: .legacy(.avc), frameType: .keyframe, packetType: .sequenceStart))
        payload.writeAVCDecoderConfigurationRecord(record)
        return packet(.video, timestamp, payload)
    }

    /// A coded frame of length-prefixed NAL units.
    static func videoFrame(
        _ nalUnits: [[UInt8]], codec: VideoTagHeader.Codec = .legacy(.avc), keyframe: Bool, timestamp: Int64,
        compositionTime: Int32 = 0, lengthSize: Int = 4
    ) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeVideoTagHeader(
            VideoTagHeader(
                codec: codec, frameType: keyframe ? .keyframe : .interframe, packetType: .codedFrames,
                compositionTime: compositionTime))
        for nal in nalUnits {
            switch lengthSize {
            case 1: payload.writeInteger(UInt8(nal.count))
            case 2: payload.writeInteger(UInt16(nal.count))
            default: payload.writeInteger(UInt32(nal.count))
            }
            payload.writeBytes(nal)
        }
        return packet(.video, timestamp, payload)
    }

    /// An IDR slice NAL unit (H.264 type 5) with some recognisable body bytes.
    static func idrSlice(_ size: Int = 40) -> [UInt8] { [0x65] + (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 | 1) } }
    /// A non-IDR slice (H.264 type 1).
    static func slice(_ size: Int = 20) -> [UInt8] { [0x41] + (0..<size).map { UInt8(truncatingIfNeeded: $0 | 0x80) } }

    static func hevcRecord() -> HEVCDecoderConfigurationRecord {
        HEVCDecoderConfigurationRecord(
            generalProfileIDC: 1, generalProfileCompatibilityFlags: 0x6000_0000,
            generalConstraintIndicatorFlags: 0x9000_0000_0000, generalLevelIDC: 60,
            arrays: [
                .init(nalUnitType: HEVCNALUnitType.videoParameterSet, nalUnits: [ByteBuffer(bytes: hevcVPS)]),
                .init(nalUnitType: HEVCNALUnitType.sequenceParameterSet, nalUnits: [ByteBuffer(bytes: hevcSPS)]),
                .init(nalUnitType: HEVCNALUnitType.pictureParameterSet, nalUnits: [ByteBuffer(bytes: hevcPPS)]),
            ])
    }

    static func hevcSequenceHeader(codec: VideoTagHeader.Codec = .fourCC(.hvc1)) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeVideoTagHeader(VideoTagHeader(codec: codec, frameType: .keyframe, packetType: .sequenceStart))
        payload.writeHEVCDecoderConfigurationRecord(hevcRecord())
        return packet(.video, 0, payload)
    }

    /// An IDR_W_RADL slice (H.265 type 19) and a TRAIL_R slice (type 1).
    static func hevcIDRSlice() -> [UInt8] { [0x26, 0x01] + [UInt8](repeating: 0xAB, count: 30) }
    static func hevcSlice() -> [UInt8] { [0x02, 0x01] + [UInt8](repeating: 0xCD, count: 12) }

    static func aacSequenceHeader(_ config: [UInt8] = aacConfig) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeAudioTagHeader(
            AudioTagHeader(codec: .legacy(.aac), packetType: .sequenceStart, soundFlags: AudioTagHeader.aacSoundFlags))
        payload.writeBytes(config)
        return packet(.audio, 0, payload)
    }

    static func aacFrame(_ bytes: [UInt8], timestamp: Int64) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeAudioTagHeader(
            AudioTagHeader(codec: .legacy(.aac), packetType: .codedFrames, soundFlags: AudioTagHeader.aacSoundFlags))
        payload.writeBytes(bytes)
        return packet(.audio, timestamp, payload)
    }

    /// A raw AAC frame of `size` bytes whose content identifies it.
    static func aacPayload(_ index: Int, size: Int = 50) -> [UInt8] {
        [UInt8(truncatingIfNeeded: index)] + [UInt8](repeating: 0x21, count: size - 1)
    }

    /// An MP3 tag: FLV sound format 2 with the given sound-rate bits, then one frame.
    static func mp3Frame(header: [UInt8], soundRate: UInt8 = 3, timestamp: Int64, size: Int = 104) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeAudioTagHeader(AudioTagHeader(codec: .legacy(.mp3), packetType: .codedFrames, soundFlags: soundRate << 2 | 0x3))
        payload.writeBytes(header)
        payload.writeRepeatingByte(0x55, count: size - header.count)
        return packet(.audio, timestamp, payload)
    }

    /// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz; and MPEG-2 Layer III, 64 kbit/s, 22.05 kHz.
    static let mpeg1FrameHeader: [UInt8] = [0xFF, 0xFB, 0x90, 0x64]
    static let mpeg2FrameHeader: [UInt8] = [0xFF, 0xF3, 0x80, 0x64]

    static func packet(_ kind: MediaKind, _ timestamp: Int64, _ payload: ByteBuffer) -> MediaPacket {
        MediaPacket(
            kind: kind, timestamp: timestamp, flags: .classify(kind: kind, payload: payload), payload: payload)
    }
}
