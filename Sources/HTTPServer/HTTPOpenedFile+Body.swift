import Hummingbird
import Logging
import NIOCore
import NIOPosix

extension HTTPOpenedFile {
    /// A response body that streams `range` of the file, one chunk at a time, each read on `threadPool`.
    ///
    /// Only `chunkSize` bytes are in memory per download, and the writer's backpressure paces the reads, so a
    /// slow client never makes the server read ahead.
    /// - Parameters:
    ///   - range: The bytes to send, inside the file.
    ///   - chunkSize: Bytes per read.
    ///   - threadPool: Where the blocking reads run.
    ///   - logger: Where a failed read is reported.
    /// - Returns: A body with `Content-Length` equal to `range.count`.
    func responseBody(
        range: ClosedRange<Int>,
        chunkSize: Int,
        threadPool: NIOThreadPool,
        logger: Logger
    ) -> ResponseBody {
        ResponseBody(contentLength: range.count) { writer in
            let allocator = ByteBufferAllocator()
            var offset = range.lowerBound
            while offset <= range.upperBound {
                let count = min(chunkSize, range.upperBound - offset + 1)
                let chunk: ByteBuffer
                do {
                    chunk = try await threadPool.runIfActive { [offset] in
                        try self.read(at: offset, count: count, allocator: allocator)
                    }
                } catch {
                    logger.warning("file read failed", metadata: ["file.path": "\(self.path)", "error": "\(error)"])
                    throw error
                }
                try await writer.write(chunk)
                offset += count
            }
            try await writer.finish(nil)
        }
    }
}
