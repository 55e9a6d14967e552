/// A chunk stream the peer got wrong, or a limit it exceeded.
///
/// Errors compare equal when they are the same kind (`error == .messageTooLarge`); the context
/// fields say where it happened and are not compared.
public struct RTMPChunkDecoderError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case invalidChunkSize
        case messageTooLarge
        case tooManyChunkStreams
        case missingPreviousHeader
        case malformedControlMessage
        case pendingBytesLimitExceeded
    }

    private let base: Base
    /// The chunk stream the offending chunk or message arrived on.
    public let chunkStreamID: UInt32?
    /// The message type id, when a message header had been read.
    public let messageType: UInt8?
    /// The offending number: the chunk size asked for, the message length, or the limit hit.
    public let value: UInt64?

    private init(_ base: Base, chunkStreamID: UInt32? = nil, messageType: UInt8? = nil, value: UInt64? = nil) {
        self.base = base
        self.chunkStreamID = chunkStreamID
        self.messageType = messageType
        self.value = value
    }

    /// Set Chunk Size asked for 0 or a value with the top bit set (RTMP 1.0 §5.4.1).
    public static let invalidChunkSize = Self(.invalidChunkSize)
    /// A message header declared more bytes than `Configuration.maxMessageSize`.
    public static let messageTooLarge = Self(.messageTooLarge)
    /// The peer used more chunk stream ids than `Configuration.maxChunkStreams`.
    public static let tooManyChunkStreams = Self(.tooManyChunkStreams)
    /// A type 1, 2 or 3 chunk arrived on a chunk stream with no earlier type 0 header.
    public static let missingPreviousHeader = Self(.missingPreviousHeader)
    /// A Set Chunk Size or Abort message shorter than its 4-byte field.
    public static let malformedControlMessage = Self(.malformedControlMessage)
    /// Incomplete messages across all chunk streams declared more than
    /// `Configuration.maxPendingBytes`.
    public static let pendingBytesLimitExceeded = Self(.pendingBytesLimitExceeded)

    /// This error with context attached.
    func with(chunkStreamID: UInt32?, messageType: UInt8? = nil, value: UInt64? = nil) -> Self {
        Self(self.base, chunkStreamID: chunkStreamID, messageType: messageType, value: value)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.base == rhs.base
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.base)
    }

    public var description: String {
        var text = "RTMPChunkDecoderError.\(self.base)"
        if let chunkStreamID { text += " chunkStreamID=\(chunkStreamID)" }
        if let messageType { text += " messageType=\(messageType)" }
        if let value { text += " value=\(value)" }
        return text
    }
}
