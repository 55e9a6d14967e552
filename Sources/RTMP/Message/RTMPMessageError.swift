/// A message whose payload does not match its type: a short control message, an aggregate whose
/// tags overrun it, a command without a name. Equality compares the kind only; `typeID` and
/// `detail` are context for logs.
public struct RTMPMessageError: Error, Hashable, CustomStringConvertible {
    private enum Base: String, Hashable {
        case truncatedPayload = "payload too short"
        case invalidValue = "invalid field value"
        case malformedAggregate = "malformed aggregate message"
        case malformedCommand = "malformed command"
        case malformedData = "malformed data message"
        case notAControlMessage = "not a protocol control message"
    }

    private let base: Base
    /// The RTMP message type id of the offending message.
    public private(set) var typeID: UInt8?
    /// What exactly was wrong, for logs.
    public private(set) var detail: String?

    private init(_ base: Base, typeID: UInt8? = nil, detail: String? = nil) {
        self.base = base
        self.typeID = typeID
        self.detail = detail
    }

    /// The payload ends before the fields its type requires.
    public static let truncatedPayload = RTMPMessageError(.truncatedPayload)
    /// A field holds a value the spec does not allow (an unknown peer-bandwidth limit type, …).
    public static let invalidValue = RTMPMessageError(.invalidValue)
    /// An aggregate message (type 22) whose sub-message headers do not fit its payload.
    public static let malformedAggregate = RTMPMessageError(.malformedAggregate)
    /// A command message (type 17/20) that is not AMF0 or lacks its name or transaction id.
    public static let malformedCommand = RTMPMessageError(.malformedCommand)
    /// A data message (type 15/18) that is not AMF0 or lacks its handler name.
    public static let malformedData = RTMPMessageError(.malformedData)
    /// A message of a type other than 1–6 passed where a protocol control message was expected.
    public static let notAControlMessage = RTMPMessageError(.notAControlMessage)

    func with(typeID: UInt8? = nil, detail: String? = nil) -> RTMPMessageError {
        var copy = self
        if let typeID { copy.typeID = typeID }
        if let detail { copy.detail = detail }
        return copy
    }

    public static func == (lhs: RTMPMessageError, rhs: RTMPMessageError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    public var description: String {
        var text = "RTMPMessageError: \(base.rawValue)"
        if let typeID { text += " (type \(typeID))" }
        if let detail { text += ": \(detail)" }
        return text
    }
}
