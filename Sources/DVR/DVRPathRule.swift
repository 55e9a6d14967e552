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

    /// The fixed folder of a template: everything up to the last `/` before its first variable
    /// (`./objs/nginx/html/` for `./objs/nginx/html/[app]/[stream].flv`). Files below it are named
    /// relative to it in URLs.
    /// - Returns: The folder with its trailing `/`, or an empty string when the template has none.
    public static func root(of template: PathTemplate) -> String {
        let text = template.text
        let fixed = text.firstIndex(of: "[").map { text[..<$0] } ?? text[...]
        guard let slash = fixed.lastIndex(of: "/") else { return "" }
        return String(text[...slash])
    }

    /// `path` relative to `root`, or `path` itself when it is not below `root`.
    public static func relativePath(of path: String, root: String) -> String {
        guard !root.isEmpty, path.hasPrefix(root) else { return path }
        return String(path.dropFirst(root.count))
    }
}
