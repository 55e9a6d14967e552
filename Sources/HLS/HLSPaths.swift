public import Config
public import Foundation
public import Live

/// Where one stream's playlist and segments go, and how the playlist names the segments.
public struct HLSPaths: Sendable {
    public let key: StreamKey
    /// The playlist, relative to `hls_path`; fixed for the life of the stream's HLS output.
    public let playlist: String
    private let segmentTemplate: PathTemplate
    private let entryPrefix: String

    /// - Throws: `PathTemplate.ExpansionError` when the stream's names cannot be used in a path.
    public init(key: StreamKey, configuration: HLSConfiguration, now: Date) throws {
        self.key = key
        self.segmentTemplate = PathTemplate(configuration.tsFile)
        self.entryPrefix = configuration.entryPrefix
        self.playlist = try PathTemplate(configuration.m3u8File).expand(
            PathTemplate.Values(vhost: key.vhost, app: key.app, stream: key.stream, date: now))
    }

    /// A segment's path relative to `hls_path`; `duration` (milliseconds) is known only once it is closed.
    public func segment(sequence: Int, duration: Int64?, date: Date) -> String {
        let values = PathTemplate.Values(
            vhost: key.vhost, app: key.app, stream: key.stream, sequence: sequence,
            duration: duration.map { Double($0) / 1000 }, date: date)
        // The names were checked when the playlist path was expanded; they cannot fail here.
        return (try? segmentTemplate.expand(values)) ?? "\(key.stream)-\(sequence).ts"
    }

    /// The master playlist of an adaptive ladder whose source this stream is, relative to `hls_path`: the
    /// playlist's name without `.m3u8`, then `_abr.m3u8` (`live/cam.m3u8` gives `live/cam_abr.m3u8`).
    public var masterPlaylist: String {
        let suffix = ".m3u8"
        let stem = playlist.hasSuffix(suffix) ? String(playlist.dropLast(suffix.count)) : playlist
        return stem + "_abr" + suffix
    }

    /// The URI the playlist uses for a segment: `hls_entry_prefix` plus its path, or its path relative to
    /// the playlist's folder.
    public func uri(forSegment path: String) -> String {
        uri(of: path, listedIn: playlist)
    }

    /// The URI a playlist at `listing` uses for the file at `path` (both relative to `hls_path`):
    /// `hls_entry_prefix` plus the path, or the path relative to the listing's folder.
    public func uri(of path: String, listedIn listing: String) -> String {
        if !entryPrefix.isEmpty {
            let prefix = entryPrefix.hasSuffix("/") ? String(entryPrefix.dropLast()) : entryPrefix
            return prefix + "/" + Self.trimmed(path)
        }
        return Self.relative(Self.trimmed(path), from: Self.folder(of: Self.trimmed(listing)))
    }

    /// `path` as seen from `folder`, both relative to the same root, with `..` where they part.
    static func relative(_ path: String, from folder: [Substring]) -> String {
        let target = path.split(separator: "/")
        var shared = 0
        while shared < folder.count, shared < target.count - 1, folder[shared] == target[shared] { shared += 1 }
        let ups = Array(repeating: "..", count: folder.count - shared)
        return (ups + target[shared...].map(String.init)).joined(separator: "/")
    }

    static func folder(of path: String) -> [Substring] {
        Array(path.split(separator: "/").dropLast())
    }

    /// Drops `./` so templates written either way give the same URIs.
    static func trimmed(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }
}
