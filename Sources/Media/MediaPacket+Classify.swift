public import NIOCore

extension MediaPacket.Flags {
    /// The flags a packet's payload implies: `.keyframe` for a video random-access picture and
    /// `.sequenceHeader` for codec configuration (AVC/HEVC/AV1/VP9 records, AAC
    /// AudioSpecificConfig, enhanced sequence starts). `.metadata` is never set here: whether a
    /// data message is `onMetaData` is for the caller to decide.
    ///
    /// A payload whose header cannot be parsed gets no flags.
    ///
    /// - Parameters:
    ///   - kind: The packet's kind.
    ///   - payload: The FLV tag body / RTMP message payload.
    public static func classify(kind: MediaKind, payload: ByteBuffer) -> MediaPacket.Flags {
        var payload = payload
        switch kind {
        case .video:
            guard let header = try? payload.readVideoTagHeader() else { return [] }
            var flags: MediaPacket.Flags = []
            if header.isKeyframe { flags.insert(.keyframe) }
            if header.isSequenceHeader { flags.insert(.sequenceHeader) }
            return flags
        case .audio:
            guard let header = try? payload.readAudioTagHeader() else { return [] }
            return header.isSequenceHeader ? .sequenceHeader : []
        case .data:
            return []
        }
    }
}
