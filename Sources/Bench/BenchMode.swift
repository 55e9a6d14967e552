/// What a run measures.
public enum BenchMode: String, Sendable, Hashable, CaseIterable {
    /// RTMP players of one URL.
    case play
    /// HTTP-FLV players of one URL.
    case flv
    /// HLS clients of one media playlist URL.
    case hls
    /// FLV-file publishers only.
    case publish
}
