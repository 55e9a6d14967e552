/// What a run measures.
public enum BenchMode: String, Sendable, Hashable, CaseIterable {
    /// RTMP players of one URL.
    case play
    /// HTTP-FLV players of one URL.
    case flv
    /// FLV-file publishers only.
    case publish
}
