public import Config

/// SRS's rule for `dvr_path`: a path that names a folder rather than a file records
/// `[stream].[timestamp].flv` inside it.
public enum DVRPathRule {
    /// The file name used when `dvr_path` has none.
    public static let defaultFileName = "[stream].[timestamp].flv"

    /// The full template for a configured `dvr_path`.
    /// - Parameter path: The configured path, e.g. `./objs/nginx/html/[app]` or `./rec/[stream].flv`.
    /// - Returns: The path, with `defaultFileName` appended when it does not end in `.flv`.
    public static func template(for path: String) -> PathTemplate {
        if path.lowercased().hasSuffix(".flv") { return PathTemplate(path) }
        let folder = path.hasSuffix("/") ? path : path + "/"
        return PathTemplate(folder + defaultFileName)
    }
}
