#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOFileSystem

/// Opens what a resolved path names under the root, refusing anything whose real path leaves it.
///
/// Every call blocks (realpath, open, fstat): run it on a thread pool. The root's real path is taken on each
/// call, because HLS and DVR may create the folder after the server starts.
struct HTTPFileOpener: Sendable {
    /// The served folder, as configured.
    let root: String

    /// The name a directory answers with.
    static let indexName = "index.html"

    /// Opens the regular file `path` names, or a directory's `index.html`.
    /// - Parameter path: A path from `HTTPPathResolver`.
    /// - Returns: The open file, or `nil` when there is nothing servable there (answer 404).
    /// - Throws: `HTTPFileIOError` for failures other than "not there" (answer 500).
    func openFile(_ path: HTTPResolvedPath) throws(HTTPFileIOError) -> HTTPOpenedFile? {
        guard path.isServable, let realRoot = try Self.realPath(root) else { return nil }
        var candidate = realRoot == "/" ? "/" : realRoot + "/"
        candidate += path.relativePath
        if path.hasTrailingSlash, !path.components.isEmpty {
            // Keeps "file.ts/" from naming file.ts: realpath fails on it with ENOTDIR.
            candidate += "/"
        }
        return try open(candidate, realRoot: realRoot, name: path.components.last ?? "", allowIndex: true)
    }

    private func open(
        _ candidate: String,
        realRoot: String,
        name: String,
        allowIndex: Bool
    ) throws(HTTPFileIOError) -> HTTPOpenedFile? {
        guard let real = try Self.realPath(candidate), Self.isServable(real, under: realRoot) else { return nil }
        // O_NOFOLLOW: the last component was just resolved, so a symlink there now is a swap; O_NONBLOCK: a FIFO
        // must not hang the thread; both are harmless for the regular files served.
        let descriptor = Self.systemOpen(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else {
            let code = errno
            if Self.meansNotFound(code) { return nil }
            throw HTTPFileIOError(operation: .open, code: code, path: real)
        }
        // NIO's FileInfo reads the stat fields for us: on Linux, with MemberImportVisibility, the compiler credits
        // glibc's `struct stat` members to NIO's internal C module, which this target cannot import.
        let info = withUnsafeTemporaryAllocation(of: stat.self, capacity: 1) { status -> FileInfo? in
            guard let status = status.baseAddress, fstat(descriptor, status) == 0 else { return nil }
            return FileInfo(platformSpecificStatus: status.pointee)
        }
        guard let info else {
            let code = errno
            _ = close(descriptor)
            throw HTTPFileIOError(operation: .fstat, code: code, path: real)
        }
        switch info.type {
        case .regular:
            let modification = HTTPFileTimestamp(
                seconds: info.lastDataModificationTime.seconds, nanoseconds: info.lastDataModificationTime.nanoseconds)
            return HTTPOpenedFile(
                descriptor: descriptor, name: name, path: real, size: Int(info.size), modification: modification)
        case .directory where allowIndex:
            _ = close(descriptor)
            let index = (real == "/" ? "" : real) + "/" + Self.indexName
            return try open(index, realRoot: realRoot, name: Self.indexName, allowIndex: false)
        default:
            _ = close(descriptor)
            return nil
        }
    }

    /// Whether `real` is the root or inside it, with every segment below the root servable.
    static func isServable(_ real: String, under realRoot: String) -> Bool {
        if real == realRoot { return true }
        let prefix = realRoot == "/" ? "/" : realRoot + "/"
        guard real.hasPrefix(prefix) else { return false }
        return real.dropFirst(prefix.count).split(separator: "/").allSatisfy(HTTPPathResolver.isServableName)
    }

    /// The canonical absolute path, or `nil` when it does not exist or may not be looked at.
    private static func realPath(_ path: String) throws(HTTPFileIOError) -> String? {
        guard let resolved = realpath(path, nil) else {
            let code = errno
            if meansNotFound(code) { return nil }
            throw HTTPFileIOError(operation: .realpath, code: code, path: path)
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Errors that mean "nothing to serve here": answered 404 so the reply says nothing about the disk.
    private static func meansNotFound(_ code: CInt) -> Bool {
        [ENOENT, ENOTDIR, ELOOP, EACCES, EPERM, ENAMETOOLONG].contains(code)
    }

    private static func systemOpen(_ path: String, _ flags: CInt) -> CInt {
        #if canImport(Darwin)
        Darwin.open(path, flags)
        #elseif canImport(Musl)
        Musl.open(path, flags)
        #else
        Glibc.open(path, flags)
        #endif
    }
}
