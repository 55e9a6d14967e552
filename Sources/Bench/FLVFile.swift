public import Media
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole (small) FLV file into tags once, at start-up.
public enum FLVFile {
    /// Files larger than this are refused: the publisher keeps the file in memory.
    public static let maximumSize = 256 << 20

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(path: String) throws -> [FLVTag] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
        while true {
            guard buffer.readableBytes < maximumSize else {
                throw Failure(description: "\(path) is larger than \(maximumSize) bytes")
            }
            var failed = false
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1 << 16) { raw in
                let count = read(fd, raw.baseAddress, raw.count)
                failed = count < 0
                return max(0, count)
            }
            if failed { throw Failure(description: "cannot read \(path): errno \(errno)") }
            if count == 0 { break }
        }
        var decoder = FLVTagDecoder()
        var tags: [FLVTag] = []
        while let tag = try decoder.decode(buffer: &buffer) { tags.append(tag) }
        guard !tags.isEmpty else { throw Failure(description: "\(path) holds no FLV tags") }
        return tags
    }
}
