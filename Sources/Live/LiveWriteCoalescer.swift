public import NIOCore

/// Joins shared encodings that lie back to back in one page (`LivePageWriter`) into a single buffer, so a
/// player hands its socket one write per run of messages instead of one per message.
///
/// Two buffers continue each other when they view the same storage and the second starts where the first
/// ends; anything else (a header serialized on its own, a new page, a skipped message) starts a new run.
public struct LiveWriteCoalescer {
    private var run: ByteBuffer?

    public init() {}

    public var isEmpty: Bool { run == nil }

    /// Adds `bytes` after the run.
    /// - Returns: The run so far when `bytes` do not continue it: write it before anything else.
    public mutating func append(_ bytes: ByteBuffer) -> ByteBuffer? {
        guard var current = run else {
            run = bytes
            return nil
        }
        guard Self.continues(current, with: bytes) else {
            run = bytes
            return current
        }
        run = nil  // keeps `current` the only copy, so moving its index does not copy anything
        current.moveWriterIndex(to: bytes.writerIndex)
        run = current
        return nil
    }

    /// The run, which the caller now writes; the coalescer is empty afterwards.
    public mutating func take() -> ByteBuffer? {
        defer { run = nil }
        return run
    }

    static func continues(_ run: ByteBuffer, with next: ByteBuffer) -> Bool {
        guard run.writerIndex == next.readerIndex, next.writerIndex <= run.capacity else { return false }
        // Both buffers keep their storage alive, so equal base addresses mean the same storage.
        let runBase = run.withVeryUnsafeBytes { $0.baseAddress }
        return runBase != nil && runBase == next.withVeryUnsafeBytes { $0.baseAddress }
    }
}
