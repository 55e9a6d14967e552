import Media
import NIOCore

/// The audio track as its sequence header (AAC) or first frame (MP3) describes it.
struct AudioTrack: Sendable {
    var codec: TSAudioCodec
    var streamType: TSStreamType
    /// The AudioSpecificConfig as received (AAC only), to tell a repeated sequence header from a new one.
    var configuration: ByteBuffer?
    /// ADTS framing for AAC; `nil` for MP3, whose frames carry their own headers.
    var framer: ADTSFramer?
    var codecString: String
    /// Milliseconds of sound in one frame (rounded down), so a pending PES is known to span
    /// ``TSRemuxer/Configuration/audioAggregation`` as soon as its last frame arrives.
    var frameDuration: Int64
}

/// Audio frames waiting to share one PES (SRS `SrsTsMessageCache`, mediacommon's writer do the same).
/// They are slices of the packets' payloads, so holding them copies nothing.
struct PendingAudio: Sendable {
    /// PES_packet_length must describe an audio PES: 16 bits minus the flags, header length and PTS.
    static let maximumPayloadLength = PESHeader.maximumPacketLength - 3 - PESHeader.timestampLength

    var frames: [ByteBuffer] = []
    /// The DTS of the first frame, which becomes the PES's PTS.
    var firstTimestamp: Int64 = 0
    /// Elementary-stream bytes, ADTS headers included.
    var payloadLength = 0

    var isEmpty: Bool { frames.isEmpty }

    mutating func append(_ frame: ByteBuffer, length: Int, timestamp: Int64) {
        if frames.isEmpty { firstTimestamp = timestamp }
        frames.append(frame)
        payloadLength += length
    }

    mutating func removeAll() {
        frames.removeAll(keepingCapacity: true)
        payloadLength = 0
    }
}

extension TSRemuxer {
    mutating func appendAudio(_ packet: MediaPacket, into output: inout ByteBuffer) throws(RemuxError) -> RemuxResult {
        var payload = packet.payload
        let parsed: AudioTagHeader?
        do {
            parsed = try payload.readAudioTagHeader()
        } catch {
            if error == .unknownCodec || error == .unsupportedPacketType { return .ignored }
            throw .malformedTagHeader("\(error)")
        }
        guard let header = parsed else {
            throw .truncatedTagHeader("audio tag of \(packet.payload.readableBytes) bytes")
        }
        if header.codec.isAAC {
            switch header.packetType {
            case .sequenceStart: return try updateAACConfiguration(payload, into: &output)
            case .codedFrames: return try appendAACFrame(payload, timestamp: packet.timestamp, into: &output)
            default: return .ignored
            }
        }
        if let streamType = Self.mp3StreamType(header), header.packetType == .codedFrames {
            return try appendMP3Frame(payload, fallbackStreamType: streamType, timestamp: packet.timestamp, into: &output)
        }
        return .ignored
    }

    /// Takes a new AudioSpecificConfig. One that ADTS cannot carry (an object type above 4, say)
    /// removes the audio track, so its frames are ignored rather than framed wrongly.
    private mutating func updateAACConfiguration(
        _ bytes: ByteBuffer, into output: inout ByteBuffer
    ) throws(RemuxError) -> RemuxResult {
        if let audio, audio.codec == .aac, audio.configuration == bytes { return .configurationUnchanged }
        let config: AudioSpecificConfig
        do {
            config = try AudioSpecificConfig(parsing: bytes)
        } catch {
            throw .invalidSequenceHeader("\(error)")
        }
        guard let framer = ADTSFramer(config: config) else {
            guard audio != nil else { return .ignored }
            replaceAudioTrack(nil, into: &output)
            return .configurationChanged
        }
        replaceAudioTrack(
            AudioTrack(
                codec: .aac, streamType: .aacADTS, configuration: bytes, framer: framer,
                codecString: CodecString.aac(config),
                frameDuration: Int64(config.samplesPerFrame * 1000 / max(1, config.samplingFrequency))),
            into: &output)
        return .configurationChanged
    }

    private mutating func appendAACFrame(
        _ frame: ByteBuffer, timestamp: Int64, into output: inout ByteBuffer
    ) throws(RemuxError) -> RemuxResult {
        guard let audio, audio.codec == .aac, audio.framer != nil, frame.readableBytes > 0 else { return .ignored }
        guard frame.readableBytes <= ADTSFramer.maximumFrameLength else {
            throw .invalidAudioFrame("AAC frame of \(frame.readableBytes) bytes is too long for ADTS")
        }
        enqueueAudio(frame, length: ADTSFramer.headerLength + frame.readableBytes, timestamp: timestamp, into: &output)
        return .wroteAudio
    }

    private mutating func appendMP3Frame(
        _ frame: ByteBuffer, fallbackStreamType: TSStreamType, timestamp: Int64, into output: inout ByteBuffer
    ) throws(RemuxError) -> RemuxResult {
        guard frame.readableBytes > 0 else { return .ignored }
        guard frame.readableBytes <= PendingAudio.maximumPayloadLength else {
            throw .invalidAudioFrame("MP3 tag of \(frame.readableBytes) bytes")
        }
        var result = RemuxResult.wroteAudio
        if audio?.codec != .mp3 {
            let streamType = MP3FrameHeader.streamType(of: frame) ?? fallbackStreamType
            replaceAudioTrack(
                AudioTrack(
                    codec: .mp3, streamType: streamType, framer: nil, codecString: CodecString.mp3,
                    frameDuration: MP3FrameHeader.typicalFrameDuration),
                into: &output)
            result = .configurationChanged
        }
        enqueueAudio(frame, length: frame.readableBytes, timestamp: timestamp, into: &output)
        return result
    }

    /// The stream type for an MP3 tag from its FLV header, or `nil` when the tag is not MP3.
    /// MPEG-2 audio (0x04) covers the sample rates below 32 kHz (ISO/IEC 13818-3).
    private static func mp3StreamType(_ header: AudioTagHeader) -> TSStreamType? {
        switch header.codec {
        case .legacy(.mp3):
            return header.soundFlags >> 2 & 0x03 == FLVSoundRate.rate44kHz ? .mpeg1Audio : .mpeg2Audio
        case .legacy(.mp3At8kHz): return .mpeg2Audio
        case .fourCC(.mp3): return .mpeg1Audio
        default: return nil
        }
    }

    /// Frames pending under the old track are written with its framing before the track changes.
    private mutating func replaceAudioTrack(_ track: AudioTrack?, into output: inout ByteBuffer) {
        if !pendingAudio.isEmpty { writePendingAudio(into: &output) }
        audio = track
    }

    /// Adds a frame to the pending PES, writing the PES first when the frame cannot join it and
    /// afterwards when the pending frames hold ``TSRemuxer/Configuration/audioAggregation`` ms of sound.
    private mutating func enqueueAudio(
        _ frame: ByteBuffer, length: Int, timestamp: Int64, into output: inout ByteBuffer
    ) {
        if !pendingAudio.isEmpty,
            timestamp < pendingAudio.firstTimestamp
                || pendingAudio.payloadLength + length > PendingAudio.maximumPayloadLength
        {
            writePendingAudio(into: &output)
        }
        pendingAudio.append(frame, length: length, timestamp: timestamp)
        let pendingDuration = timestamp &- pendingAudio.firstTimestamp &+ (audio?.frameDuration ?? 0)
        if pendingDuration >= configuration.audioAggregation {
            writePendingAudio(into: &output)
        }
    }

    /// Writes all pending frames as one audio PES whose PTS is the first frame's.
    mutating func writePendingAudio(into output: inout ByteBuffer) {
        var frames: [ByteBuffer] = []
        swap(&frames, &pendingAudio.frames)
        let framer = audio?.framer
        let header = PESHeader(
            streamID: .audio, pts: ticks(pendingAudio.firstTimestamp), dts: nil,
            payloadLength: pendingAudio.payloadLength, dataAlignment: true)
        // In a program without video the audio PID carries the PCR, and every PES is a random access point.
        let carriesPCR = pcrPID == TSPID.audio
        let pcr = carriesPCR ? programClockReference(dts: pendingAudio.firstTimestamp) : nil
        let unitLength = header.count + pendingAudio.payloadLength
        let packets = TSPacketWriter.packetCount(unitLength: unitLength, pcr: carriesPCR, randomAccess: carriesPCR)
        var counter = continuityCounters.audio
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: packets * TSPacket.size) { destination in
            var writer = TSPacketWriter(
                destination: destination, pid: TSPID.audio, continuityCounter: counter, unitLength: unitLength,
                pcr: pcr, randomAccess: carriesPCR)
            header.withUnsafeBytes { writer.write($0) }
            for frame in frames {
                if let framer {
                    writer.write(bigEndian: framer.header(frameLength: frame.readableBytes), count: ADTSFramer.headerLength)
                }
                frame.withUnsafeReadableBytes { writer.write($0) }
            }
            precondition(writer.isComplete && writer.offset == packets * TSPacket.size, "audio PES size mismatch")
            counter = writer.continuityCounter
            return writer.offset
        }
        continuityCounters.audio = counter
        // Hand the emptied array back so its capacity is reused by the next PES.
        frames.removeAll(keepingCapacity: true)
        pendingAudio.frames = frames
        pendingAudio.payloadLength = 0
    }
}

/// The FLV SoundRate field (FLV 10.1 §E.4.2.1), bits 2–3 of the first audio tag byte.
enum FLVSoundRate {
    static let rate44kHz: UInt8 = 3
}

/// The leading bits of an MPEG audio frame header (ISO/IEC 11172-3 §2.4.1.3, ISO/IEC 13818-3).
enum MP3FrameHeader {
    /// The 11-bit frame sync, all ones.
    static let syncMask: UInt16 = 0xFFE0
    /// The 2-bit version ID: '11' is MPEG-1; '10' MPEG-2 and '00' MPEG-2.5 use sample rates below 32 kHz.
    static let mpeg1Version: UInt16 = 0x3
    /// Layer III frames last 26 ms at 44.1 kHz (1152 samples) and 22.05 kHz (576 samples), the
    /// rates FLV signals; other rates are within a few milliseconds, close enough for aggregation.
    static let typicalFrameDuration: Int64 = 26

    /// The stream type the frame's version implies, or `nil` when `frame` does not start with a frame header.
    static func streamType(of frame: ByteBuffer) -> TSStreamType? {
        guard let bits = frame.getInteger(at: frame.readerIndex, as: UInt16.self), bits & syncMask == syncMask else {
            return nil
        }
        return bits >> 3 & 0x3 == mpeg1Version ? .mpeg1Audio : .mpeg2Audio
    }
}
