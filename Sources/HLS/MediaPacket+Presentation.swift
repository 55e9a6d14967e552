import Media

extension MediaPacket {
    /// The presentation time in milliseconds: the DTS plus an H.264/H.265 frame's composition time offset
    /// (FLV 10.1 §E.4.3.1 CompositionTime); the DTS for other codecs, audio or a damaged header.
    var presentationTime: Int64 {
        guard kind == .video else { return timestamp }
        var body = payload
        guard let header = try? body.readVideoTagHeader(), header.hasCompositionTimeField else { return timestamp }
        return timestamp + Int64(header.compositionTime)
    }
}
