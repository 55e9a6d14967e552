#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// A regular file the file server has opened, with the size and time `fstat` gave for that very descriptor.
///
/// Headers and body come from the same open file, so a playlist renamed over mid-request cannot make the body
/// disagree with `Content-Length`. The descriptor closes when the last reference goes (after the body is written,
/// or when a HEAD, 304 or error response is dropped), so no path can leak it.
final class HTTPOpenedFile: Sendable {
    /// The name the client asked for (or `index.html`), which picks `Content-Type` and `Cache-Control`.
    let name: String
    /// Size in bytes.
    let size: Int
    /// Last data modification.
    let modification: HTTPFileTimestamp
    /// The real path, for error messages.
    let path: String
    private let descriptor: CInt

    init(descriptor: CInt, name: String, path: String, size: Int, modification: HTTPFileTimestamp) {
        self.descriptor = descriptor
        self.name = name
        self.path = path
        self.size = size
        self.modification = modification
    }

    deinit {
        _ = close(descriptor)
    }

    /// Reads `count` bytes at `offset` with `pread`. Blocking: call it on a thread pool.
    /// - Parameters:
    ///   - offset: Where to start, in bytes from the file start.
    ///   - count: How many bytes.
    ///   - allocator: Allocates the buffer.
    /// - Returns: Exactly `count` bytes.
    /// - Throws: `HTTPFileIOError` when the read fails or the file ends early.
    func read(at offset: Int, count: Int, allocator: ByteBufferAllocator) throws(HTTPFileIOError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count)
        while buffer.readableBytes < count {
            let position = off_t(offset + buffer.readableBytes)
            let remaining = count - buffer.readableBytes
            var failure: CInt = 0
            let result = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: remaining) { bytes in
                let result = pread(descriptor, bytes.baseAddress, remaining, position)
                if result < 0 { failure = errno }
                return max(result, 0)
            }
            switch (result, failure) {
            case (1..., _), (_, EINTR): continue
            case (_, 0): throw .truncated(path: path)
            default: throw HTTPFileIOError(operation: .read, code: failure, path: path)
            }
        }
        return buffer
    }
}
