import Media
import NIOCore

/// The video track as its sequence header describes it.
struct VideoTrack: Sendable {
    var codec: TSVideoCodec
    /// The decoder configuration record as received, to tell a repeated sequence header from a new one.
    var configuration: ByteBuffer
    var converter: AnnexBConverter
    /// VPS/SPS/PPS in Annex B form, put in front of random access pictures that lack them.
    var parameterSets: ByteBuffer
    var size: (width: Int, height: Int)?
    var codecString: String
}

extension TSRemuxer {
    mutating func appendVideo(_ packet: MediaPacket, into output: inout ByteBuffer) throws(RemuxError) -> RemuxResult {
        var payload = packet.payload
        let parsed: VideoTagHeader?
        do {
            parsed = try payload.readVideoTagHeader()
        } catch {
            // Codecs and packet types the tag header parser does not know are not ours to mux.
            if error == .unknownCodec || error == .unsupportedPacketType { return .ignored }
            throw .malformedTagHeader("\(error)")
        }
        guard let header = parsed else {
            throw .truncatedTagHeader("video tag of \(packet.payload.readableBytes) bytes")
        }
        let codec: TSVideoCodec
        if header.codec.isAVC {
            codec = .h264
        } else if header.codec.isHEVC {
            codec = .h265
        } else {
            return .ignored
        }
        switch header.packetType {
        case .sequenceStart:
            return try updateVideoConfiguration(codec, record: payload)
        case .codedFrames, .codedFramesX:
            let keyframe = header.isKeyframe || packet.isKeyframe
            return try writeVideoFrame(
                codec, frame: payload, dts: packet.timestamp, compositionTime: Int64(header.compositionTime),
                keyframe: keyframe, into: &output)
        default:
            return .ignored
        }
    }

    /// Takes a new AVC/HEVC decoder configuration record.
    private mutating func updateVideoConfiguration(
        _ codec: TSVideoCodec, record bytes: ByteBuffer
    ) throws(RemuxError) -> RemuxResult {
        if let video, video.codec == codec, video.configuration == bytes { return .configurationUnchanged }
        switch codec {
        case .h264: video = try Self.avcTrack(bytes)
        case .h265: video = try Self.hevcTrack(bytes)
        }
        return .configurationChanged
    }

    private static func avcTrack(_ bytes: ByteBuffer) throws(RemuxError) -> VideoTrack {
        var cursor = bytes
        let parsed: AVCDecoderConfigurationRecord?
        do {
            parsed = try cursor.readAVCDecoderConfigurationRecord()
        } catch {
            throw .invalidSequenceHeader("\(error)")
        }
        guard let record = parsed else { throw .invalidSequenceHeader("AVC decoder configuration record truncated") }
        let sps = try? record.firstSequenceParameterSet()
        return VideoTrack(
            codec: .h264, configuration: bytes,
            converter: AnnexBConverter(codec: .h264, lengthSize: record.nalUnitLengthSize),
            parameterSets: AnnexBConverter.annexB(record.sequenceParameterSets + record.pictureParameterSets),
            size: sps.map { ($0.width, $0.height) }, codecString: CodecString.avc(record))
    }

    private static func hevcTrack(_ bytes: ByteBuffer) throws(RemuxError) -> VideoTrack {
        var cursor = bytes
        let parsed: HEVCDecoderConfigurationRecord?
        do {
            parsed = try cursor.readHEVCDecoderConfigurationRecord()
        } catch {
            throw .invalidSequenceHeader("\(error)")
        }
        guard let record = parsed else { throw .invalidSequenceHeader("HEVC decoder configuration record truncated") }
        let sps = try? record.firstSequenceParameterSet()
        return VideoTrack(
            codec: .h265, configuration: bytes,
            converter: AnnexBConverter(codec: .h265, lengthSize: record.nalUnitLengthSize),
            parameterSets: AnnexBConverter.annexB(
                record.videoParameterSets + record.sequenceParameterSets + record.pictureParameterSets),
            size: sps.map { ($0.width, $0.height) }, codecString: CodecString.hevc(record))
    }

    /// Writes one access unit as a video PES: AUD, parameter sets before random access pictures,
    /// the NAL units, a PCR in the first packet.
    private mutating func writeVideoFrame(
        _ codec: TSVideoCodec, frame: ByteBuffer, dts: Int64, compositionTime: Int64, keyframe: Bool,
        into output: inout ByteBuffer
    ) throws(RemuxError) -> RemuxResult {
        // A frame before its sequence header cannot be decoded, nor can one of another codec.
        guard let track = video, track.codec == codec else { return .ignored }
        let layout = try track.converter.scan(frame)
        guard layout.nalUnitCount > 0 else { return .ignored }
        // An IDR/IRAP picture is a random access point even when the sender forgot to flag it.
        let keyframe = keyframe || layout.hasRandomAccessPicture
        let insertsParameterSets = keyframe && !layout.hasParameterSets
        let annexBLength = track.converter.annexBLength(
            layout, parameterSets: insertsParameterSets ? track.parameterSets.readableBytes : 0)
        let header = PESHeader(
            streamID: .video, pts: ticks(dts &+ compositionTime), dts: ticks(dts), payloadLength: annexBLength,
            dataAlignment: true)
        // Every video PES carries a PCR: that satisfies both "at each random access point" and "every 100 ms".
        let pcr = pcrPID == TSPID.video ? programClockReference(dts: dts) : nil
        let unitLength = header.count + annexBLength
        let packets = TSPacketWriter.packetCount(unitLength: unitLength, pcr: pcr != nil, randomAccess: keyframe)
        var counter = continuityCounters.video
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: packets * TSPacket.size) { destination in
            var writer = TSPacketWriter(
                destination: destination, pid: TSPID.video, continuityCounter: counter, unitLength: unitLength,
                pcr: pcr, randomAccess: keyframe)
            header.withUnsafeBytes { writer.write($0) }
            frame.withUnsafeReadableBytes { frameBytes in
                track.parameterSets.withUnsafeReadableBytes { parameterSetBytes in
                    track.converter.write(
                        frameBytes, layout: layout,
                        parameterSets: insertsParameterSets ? parameterSetBytes : UnsafeRawBufferPointer(start: nil, count: 0),
                        into: &writer)
                }
            }
            precondition(writer.isComplete && writer.offset == packets * TSPacket.size, "video PES size mismatch")
            counter = writer.continuityCounter
            return writer.offset
        }
        continuityCounters.video = counter
        return .wroteVideo(keyframe: keyframe)
    }
}
