import Media
import NIOCore

/// Stores a stream's shared encodings of one format back to back in large pages, so that the messages a
/// player is handed in a row sit next to each other in memory and leave as one write (`LiveWriteCoalescer`).
///
/// Each stored message is a view of its page: a copy of the page's `ByteBuffer` whose reader and writer
/// indices frame the message, sharing its storage. Appending must never copy the page (the views already
/// handed out keep its storage shared, so any mutating `ByteBuffer` call would), so the bytes are copied
/// past the writer index through the storage pointer and only the page's indices move. Views cover bytes
/// written before they were made, so readers on other loops never see bytes that are still changing.
/// Pages are freed by reference counting once no view, GOP cache entry or pending socket write uses them.
struct LivePageWriter {
    /// Page sizes are fitted to about a second of the stream, within these bounds.
    static let minimumPageSize = 16 << 10
    static let maximumPageSize = 512 << 10
    /// The encoding buffer is dropped after a message this large, so one huge frame does not pin it.
    private static let maximumRetainedScratch = 1 << 20

    private var page: ByteBuffer
    private var scratch = ByteBuffer()
    private let allocator = ByteBufferAllocator()
    /// The stream's byte rate is measured over a window of media time that spans pages, since a page
    /// may hold a single large frame.
    private var windowStart: Int64?
    private var windowEnd: Int64 = 0
    private var windowBytes = 0
    private var bytesPerSecond = 0
    /// Media time a rate window covers before it is restarted.
    private static let rateWindow: Int64 = 2000

    /// The first page is allocated by the first `store`.
    init() {
        page = ByteBuffer()
    }

    /// Encodes `packet` in `format` at the end of the current page and returns its view.
    mutating func store(_ packet: MediaPacket, format: LiveFormat) -> ByteBuffer {
        scratch.clear()
        format.write(packet, into: &scratch)
        let length = scratch.readableBytes
        if page.capacity - page.writerIndex < length {
            startPage(fitting: length)
        }
        let start = page.writerIndex
        page.withVeryUnsafeBytes { storage in
            scratch.withUnsafeReadableBytes { source in
                guard let base = storage.baseAddress, let bytes = source.baseAddress else { return }
                // The page's bytes from `start` on belong to no view yet: writing them races with nobody.
                UnsafeMutableRawPointer(mutating: base + start).copyMemory(from: bytes, byteCount: length)
            }
        }
        page.moveWriterIndex(forwardBy: length)
        if scratch.capacity > Self.maximumRetainedScratch { scratch = ByteBuffer() }
        measureRate(length, at: packet.timestamp)

        var view = page
        view.moveReaderIndex(to: start)
        return view
    }

    /// Replaces the full page with one sized to about a second of the stream.
    private mutating func startPage(fitting length: Int) {
        let size = min(max(bytesPerSecond, Self.minimumPageSize), Self.maximumPageSize)
        page = allocator.buffer(capacity: max(size, length))
    }

    private mutating func measureRate(_ length: Int, at timestamp: Int64) {
        guard let start = windowStart, timestamp >= start else {
            // The first message, or the clock went back: start over.
            windowStart = timestamp
            windowEnd = timestamp
            windowBytes = length
            return
        }
        windowBytes += length
        windowEnd = max(windowEnd, timestamp)
        let span = windowEnd - start
        guard span >= Self.rateWindow else { return }
        bytesPerSecond = windowBytes * 1000 / Int(clamping: span)
        windowStart = windowEnd
        windowBytes = 0
    }
}
