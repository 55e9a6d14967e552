/// What an HLS client needs from a media playlist (RFC 8216 §4.3.3): the target duration and
/// the segments with their media sequence numbers.
public struct HLSPlaylist: Sendable, Hashable {
    public struct Segment: Sendable, Hashable {
        public var sequence: Int
        public var uri: String
    }

    /// Target duration assumed when the tag is missing (seconds).
    public static let defaultTargetDuration = 10

    public var targetDuration: Int
    public var segments: [Segment]
    public var ended: Bool

    /// Parses playlist text; `nil` when it does not start with `#EXTM3U` (§4.3.1.1).
    public init?(_ text: Substring) {
        var lines = text.split(whereSeparator: \.isNewline).makeIterator()
        guard lines.next()?.hasPrefix("#EXTM3U") == true else { return nil }
        var target = Self.defaultTargetDuration
        var sequence = 0
        var segments: [Segment] = []
        var ended = false
        while let line = lines.next() {
            if line.hasPrefix("#EXT-X-TARGETDURATION:") {
                target = Int(line.dropFirst("#EXT-X-TARGETDURATION:".count)) ?? target
            } else if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") {
                sequence = Int(line.dropFirst("#EXT-X-MEDIA-SEQUENCE:".count)) ?? sequence
            } else if line.hasPrefix("#EXT-X-ENDLIST") {
                ended = true
            } else if !line.hasPrefix("#"), !line.allSatisfy(\.isWhitespace) {
                segments.append(Segment(sequence: sequence + segments.count, uri: String(line)))
            }
        }
        self.targetDuration = max(1, target)
        self.segments = segments
        self.ended = ended
    }

    /// The request path of `uri` relative to the playlist at `playlistPath` (same host only).
    public static func path(of uri: String, relativeTo playlistPath: String) -> String {
        if uri.hasPrefix("/") { return uri }
        for scheme in ["http://", "https://"] where uri.hasPrefix(scheme) {
            let rest = uri.dropFirst(scheme.count)
            return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }
        let base = playlistPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? playlistPath
        let directory = base.lastIndex(of: "/").map { base[...$0] } ?? "/"
        return directory + uri
    }
}
