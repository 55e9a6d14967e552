import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocking POSIX calls the DVR needs, each retried on `EINTR` and mapped to ``DVRError``.
/// Only ever called from a ``DVRSerialQueue`` job, never on an event loop.
enum DVRFileSystem {
    static let fileMode: mode_t = 0o644
    static let folderMode: mode_t = 0o755

    /// Creates the folders leading to `path` (like `mkdir -p` of its parent).
    static func createFolders(leadingTo path: String) throws(DVRError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var prefix = ""
        for (index, component) in components.enumerated() {
            prefix += (index == 0 ? "" : "/") + component
            guard !component.isEmpty, component != "." else { continue }
            if mkdir(prefix, folderMode) == 0 { continue }
            let error = errno
            guard error == EEXIST, isFolder(prefix) else {
                throw .cannotCreateFolder(prefix, systemError: error == EEXIST ? ENOTDIR : error)
            }
        }
    }

    static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Creates `path` for reading and writing, failing if it exists.
    /// - Returns: The descriptor, or `nil` when the name is taken.
    static func createExclusive(_ path: String) throws(DVRError) -> CInt? {
        let descriptor = retryingInterrupts { open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, fileMode) }
        if descriptor >= 0 { return descriptor }
        let error = errno
        if error == EEXIST { return nil }
        throw .cannotCreateFile(path, systemError: error)
    }

    /// Creates or empties `path` for writing.
    static func createTruncating(_ path: String) throws(DVRError) -> CInt {
        let descriptor = retryingInterrupts { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, fileMode) }
        guard descriptor >= 0 else { throw .cannotCreateFile(path, systemError: errno) }
        return descriptor
    }

    /// Writes all readable bytes of `buffer` at the descriptor's position.
    static func write(_ buffer: ByteBuffer, to descriptor: CInt, path: String) throws(DVRError) {
        var remaining = buffer
        while remaining.readableBytes > 0 {
            let written = remaining.withUnsafeReadableBytes { bytes in
                retryingInterrupts { Self.systemWrite(descriptor, bytes.baseAddress, bytes.count) }
            }
            guard written > 0 else { throw .writeFailed(path, systemError: written == 0 ? EIO : errno) }
            remaining.moveReaderIndex(forwardBy: written)
        }
    }

    /// Appends `length` bytes of `source` from `offset` to `destination`, through `buffer` resized to
    /// `chunkSize`: memory stays at one chunk whatever the file size.
    /// - Returns: The number of chunks read.
    @discardableResult
    static func copy(
        from source: CInt, sourcePath: String, offset: Int, length: Int, to destination: CInt, destinationPath: String,
        chunkSize: Int
    ) throws(DVRError) -> Int {
        var buffer = ByteBufferAllocator().buffer(capacity: chunkSize)
        var copied = 0
        var chunks = 0
        while copied < length {
            buffer.clear()
            let wanted = min(chunkSize, length - copied)
            var result = 0
            var failure = EIO
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { bytes in
                result = retryingInterrupts { pread(source, bytes.baseAddress, wanted, off_t(offset + copied)) }
                if result < 0 { failure = errno }
                return max(0, result)
            }
            // A source shorter than promised is as fatal as a read error: the copy would be short.
            guard result > 0 else { throw .readFailed(sourcePath, systemError: failure) }
            let read = result
            chunks += 1
            try write(buffer, to: destination, path: destinationPath)
            copied += read
        }
        return chunks
    }

    /// Gives `source` the additional name `destination` unless that exists (a hard link cannot
    /// replace a file, unlike `rename`); falls back to a checked `rename` on file systems without links.
    /// - Returns: `false` when `destination` exists.
    static func linkWithoutReplacing(_ source: String, to destination: String) throws(DVRError) -> Bool {
        if link(source, destination) == 0 { return true }
        let error = errno
        if error == EEXIST { return false }
        guard error == EPERM || error == ENOTSUP || error == EOPNOTSUPP || error == EXDEV else {
            throw .cannotRename(destination, systemError: error)
        }
        guard !exists(destination) else { return false }
        // Without hard links the source is moved; callers remove it afterwards and tolerate ENOENT.
        guard rename(source, destination) == 0 else { throw .cannotRename(destination, systemError: errno) }
        return true
    }

    static func remove(_ path: String) {
        _ = unlink(path)
    }

    static func truncate(_ descriptor: CInt, to length: Int) {
        _ = retryingInterrupts { ftruncate(descriptor, off_t(length)) }
    }

    static func synchronize(_ descriptor: CInt, path: String) throws(DVRError) {
        guard retryingInterrupts({ fsync(descriptor) }) == 0 else { throw .writeFailed(path, systemError: errno) }
    }

    static func close(_ descriptor: CInt) {
        // Not retried: after EINTR the descriptor state is unspecified on Linux and already released.
        #if canImport(Darwin)
        _ = Darwin.close(descriptor)
        #elseif canImport(Musl)
        _ = Musl.close(descriptor)
        #else
        _ = Glibc.close(descriptor)
        #endif
    }

    private static func systemWrite(_ descriptor: CInt, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
        Darwin.write(descriptor, bytes, count)
        #elseif canImport(Musl)
        Musl.write(descriptor, bytes, count)
        #else
        Glibc.write(descriptor, bytes, count)
        #endif
    }

    private static func retryingInterrupts<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result < 0 && errno == EINTR { continue }
            return result
        }
    }
}
