/// What ``TSRemuxer/append(_:into:)`` did with a packet.
public enum RemuxResult: Sendable, Hashable {
    /// A video access unit was written; `keyframe` when it is a random access point (a place to cut a segment).
    case wroteVideo(keyframe: Bool)
    /// An audio frame was accepted. It is written when its aggregated PES completes, or by
    /// ``TSRemuxer/flush(into:)``, so it may still be pending.
    case wroteAudio
    /// A sequence header that differs from the current one, or a new or vanished track:
    /// ``TSRemuxer/tracks``, ``TSRemuxer/codecs`` or the PMT may have changed, so a new segment
    /// should start. Audio pending under a replaced audio configuration has been written first; the
    /// first MP3 frame, which reveals its track, is kept pending like any audio frame.
    case configurationChanged
    /// A sequence header identical to the current one.
    case configurationUnchanged
    /// Nothing to mux: metadata, an excluded kind, an unsupported codec, a frame before its
    /// sequence header, or an end-of-sequence tag.
    case ignored
}
