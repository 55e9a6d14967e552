/// A chunk stream the server got wrong, or a limit it exceeded, as ``LightChunkReader`` saw it.
///
/// Errors compare equal when they are the same kind; the context fields are not compared.
public struct LightChunkReaderError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case missingPreviousHeader
        case tooManyChunkStreams
        case messageTooLarge
        case invalidChunkSize
        case malformedControlMessage
    }

    private let base: Base
    /// The chunk stream the offending chunk or message arrived on.
    public let chunkStreamID: UInt32
    /// The declared length of a kept message that was too large.
    public let length: Int?

    private init(_ base: Base, chunkStreamID: UInt32, length: Int? = nil) {
        self.base = base
        self.chunkStreamID = chunkStreamID
        self.length = length
    }

    /// A type 2 or 3 chunk on a chunk stream with no earlier type 0/1 header (RTMP 1.0 §5.3.1.2).
    public static func missingPreviousHeader(chunkStreamID: UInt32) -> Self {
        Self(.missingPreviousHeader, chunkStreamID: chunkStreamID)
    }
    /// More distinct chunk stream ids than the reader's limit.
    public static func tooManyChunkStreams(chunkStreamID: UInt32) -> Self {
        Self(.tooManyChunkStreams, chunkStreamID: chunkStreamID)
    }
    /// A control or command message longer than the reader keeps.
    public static func messageTooLarge(chunkStreamID: UInt32, length: Int) -> Self {
        Self(.messageTooLarge, chunkStreamID: chunkStreamID, length: length)
    }
    /// Set Chunk Size without a size in 1...0x7FFFFFFF (RTMP 1.0 §5.4.1).
    public static func invalidChunkSize(chunkStreamID: UInt32) -> Self {
        Self(.invalidChunkSize, chunkStreamID: chunkStreamID)
    }
    /// An Abort message shorter than its 4-byte field (RTMP 1.0 §5.4.2).
    public static func malformedControlMessage(chunkStreamID: UInt32) -> Self {
        Self(.malformedControlMessage, chunkStreamID: chunkStreamID)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    public var description: String {
        "LightChunkReaderError.\(base)(chunkStreamID: \(chunkStreamID)\(length.map { ", length: \($0)" } ?? ""))"
    }
}
