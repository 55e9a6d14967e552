/// The `Cache-Control` each kind of file gets.
///
/// Segments are immutable once renamed into place, so caches may keep them for good. The live playlist changes
/// every segment, so it may be cached only briefly (about half a segment). DVR files and the rest may be
/// replaced, so caches must revalidate (`no-cache` still allows a cheap 304 through the validators).
enum HTTPCachePolicy {
    /// For `.ts` and `.m4s` segments (RFC 8246 for `immutable`).
    static let immutable = "public, max-age=31536000, immutable"
    /// For everything that may change under the same name, and for error responses.
    static let revalidate = "no-cache"

    /// The `Cache-Control` value for a file.
    /// - Parameters:
    ///   - name: The file name (or path); only its extension matters.
    ///   - playlistMaxAge: Seconds a `.m3u8` may be reused.
    /// - Returns: The field value.
    static func cacheControl(forFile name: String, playlistMaxAge: Int) -> String {
        switch HTTPContentType.fileExtension(of: name) {
        case "m3u8": "public, max-age=\(max(playlistMaxAge, 0))"
        case "ts", "m4s": immutable
        default: revalidate
        }
    }
}
