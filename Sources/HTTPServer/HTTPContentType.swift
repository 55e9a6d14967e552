/// The media types Headwater serves, by file extension.
enum HTTPContentType {
    /// RFC 8216 §4: playlists are `application/vnd.apple.mpegurl`.
    static let playlist = "application/vnd.apple.mpegurl"
    static let transportStream = "video/mp2t"
    static let flv = "video/x-flv"
    static let fallback = "application/octet-stream"

    private static let byExtension: [String: String] = [
        "m3u8": playlist,
        "ts": transportStream,
        "flv": flv,
        "mp4": "video/mp4",
        "m4s": "video/iso.segment",
        "aac": "audio/aac",
        "mp3": "audio/mpeg",
        "key": "application/octet-stream",
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "json": "application/json",
        "txt": "text/plain; charset=utf-8",
        "xml": "application/xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "ico": "image/x-icon",
        "svg": "image/svg+xml",
    ]

    /// The `Content-Type` for a file name, by its extension (case-insensitive).
    static func forFile(named name: String) -> String {
        fileExtension(of: name).flatMap { byExtension[$0] } ?? fallback
    }

    /// The lowercased extension of the last path segment of `name`, without the dot; `nil` when there is none.
    static func fileExtension(of name: String) -> String? {
        let lastSegment = name.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = lastSegment.lastIndex(of: ".") else { return nil }
        return lastSegment[lastSegment.index(after: dot)...].lowercased()
    }
}
