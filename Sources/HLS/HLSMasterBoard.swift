import Live

/// What one stream's HLS output reports about itself for a master playlist, after each playlist write.
struct HLSVariantStatus: Sendable {
    var paths: HLSPaths
    /// `hls_path`: variants under another root cannot be named relative to the master, and are left out.
    var root: String
    var listedSegments: Int
    var peakBitRate: Int
    var averageBitRate: Int
    var width: Int?
    var height: Int?
    var codecs: [String]
    var frameRate: Double?
}

/// The master playlists of the ladders whose streams have HLS output: which variants are known, and what
/// was last written for each source, so a master is written only when its text changes.
///
/// The source comes first, then the renditions in the ladder's order; a variant with no listed segment is
/// left out, and no master is written before the source has a segment.
struct HLSMasterBoard {
    enum Change: Sendable, Hashable {
        /// Replace the master at `path` (relative to the source's `hls_path`) with `text`.
        case write(path: String, text: String)
        /// The source's output is gone: remove its master.
        case remove(path: String)
    }

    private struct Written {
        var path: String
        var text: String
        /// The ladder the text was made for: a rendition that ends after its ladder was forgotten (the
        /// transcode stopped) still leaves the master.
        var ladder: HLSLadder
    }

    private(set) var variants: [StreamKey: HLSVariantStatus] = [:]
    private var written: [StreamKey: Written] = [:]

    /// The master last written for `source`, if any.
    func writtenText(for source: StreamKey) -> String? { written[source]?.text }

    /// Records `status` for `key` (`nil`: its output is gone) and says what to do with its ladder's master.
    mutating func update(_ key: StreamKey, status: HLSVariantStatus?, ladder: HLSLadder?) -> Change? {
        variants[key] = status
        if status == nil, let old = written.removeValue(forKey: key) {
            return .remove(path: old.path)
        }
        let known = status == nil ? written.values.first { $0.ladder.contains(key) }?.ladder : nil
        guard let ladder = ladder ?? known, ladder.contains(key) else { return nil }
        guard let master = master(for: ladder), let source = variants[ladder.source] else { return nil }
        let path = source.paths.masterPlaylist
        let text = master.render()
        guard written[ladder.source]?.text != text else { return nil }
        written[ladder.source] = Written(path: path, text: text, ladder: ladder)
        return .write(path: path, text: text)
    }

    /// The master for `ladder` now, or `nil` while its source has no listed segment.
    func master(for ladder: HLSLadder) -> HLSMasterPlaylist? {
        guard let source = variants[ladder.source], source.listedSegments > 0 else { return nil }
        let listing = source.paths.masterPlaylist
        var result = [Self.variant(source, bandwidthHint: nil, listedBy: source.paths, at: listing)]
        for rendition in ladder.renditions where rendition.key != ladder.source {
            guard let status = variants[rendition.key], status.listedSegments > 0, status.root == source.root else {
                continue
            }
            result.append(Self.variant(status, bandwidthHint: rendition.bandwidth, listedBy: source.paths, at: listing))
        }
        return HLSMasterPlaylist(variants: result)
    }

    private static func variant(
        _ status: HLSVariantStatus, bandwidthHint: Int?, listedBy paths: HLSPaths, at listing: String
    ) -> HLSMasterPlaylist.Variant {
        // Three decimals, as §4.3.4.2 allows: finer digits would only make the master change more often.
        let frameRate = status.frameRate.map { ($0 * 1000).rounded() / 1000 }
        return HLSMasterPlaylist.Variant(
            uri: paths.uri(of: status.paths.playlist, listedIn: listing),
            bandwidth: max(status.peakBitRate, bandwidthHint ?? 0),
            averageBandwidth: status.averageBitRate > 0 ? status.averageBitRate : nil,
            width: status.width, height: status.height, codecs: status.codecs, frameRate: frameRate)
    }
}
