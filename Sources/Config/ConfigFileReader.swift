import Foundation

/// Reads configuration files from disk, bounded in size, and resolves `include` paths.
struct ConfigFileReader {
    /// Configuration files are small; anything larger is a mistake (a log or media file named by accident).
    static let maximumFileSize = 4 << 20

    /// Reads a whole file as UTF-8.
    /// - Parameters:
    ///   - path: The file to read.
    ///   - include: The `include` directive asking for it, or `nil` for the top-level file.
    /// - Returns: The file's text.
    /// - Throws: `ConfigError` located at the include directive, or at the file itself for the top level.
    func read(path: String, includedBy include: SourceLocation?) throws(ConfigError) -> String {
        let kind: ConfigError.Kind = include == nil ? .unreadableFile : .include
        let location = include ?? SourceLocation(file: path, line: 0)
        let subject = include == nil ? "configuration file" : "include file '\(path)'"

        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(kind, at: location, "\(subject) not found")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(kind, at: location, "\(subject) is a directory")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= Self.maximumFileSize else {
            throw ConfigError(kind, at: location, "\(subject) is larger than \(Self.maximumFileSize) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= Self.maximumFileSize else {
            throw ConfigError(kind, at: location, "\(subject) cannot be read")
        }
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw ConfigError(kind, at: location, "\(subject) is not valid UTF-8")
        }
        return text
    }

    /// Where an `include` argument points: absolute paths as written; relative ones against the directory of
    /// the including file, which keeps a config tree movable as a whole. SRS resolves them against the working
    /// directory instead (`include ./conf/include.vhost.conf;` in SRS's own files), so when the first path
    /// does not exist and the second does, the second is used.
    /// - Parameters:
    ///   - include: The `include` argument.
    ///   - file: The including file's name as shown in messages.
    /// - Returns: The path to read, relative to the working directory when `file` was.
    static func resolveInclude(_ include: String, relativeTo file: String) -> String {
        guard !include.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return include }
        let besideIncluder = String(file[...slash]) + include
        if !FileManager.default.fileExists(atPath: besideIncluder) && FileManager.default.fileExists(atPath: include) {
            return include
        }
        return besideIncluder
    }

    /// The identity of a file for cycle detection: absolute, `..` removed, symbolic links followed.
    static func canonicalPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
