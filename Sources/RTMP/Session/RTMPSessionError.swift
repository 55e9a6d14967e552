/// Why a session state machine ends a connection. Equality compares the kind only; `detail`
/// (the offending command, the status code) is context for logs.
public struct RTMPSessionError: Error, Hashable, CustomStringConvertible {
    private enum Base: String, Hashable {
        case commandBeforeConnect = "command before connect"
        case duplicateConnect = "connect received twice"
        case invalidTcUrl = "connect without a usable tcUrl"
        case invalidStreamName = "invalid stream name"
        case publishRejected = "publish rejected"
        case playRejected = "play rejected"
        case unexpectedCommand = "command not allowed in this state"
        case connectRejected = "connect rejected"
        case tooManyQueuedCommands = "too many commands while the connect is pending"
    }

    private let base: Base
    /// Details for logs: the command name, tcUrl or status code involved.
    public private(set) var detail: String?

    private init(_ base: Base, detail: String? = nil) {
        self.base = base
        self.detail = detail
    }

    /// A command other than `connect` arrived first; publishing before connecting is a protocol error.
    public static let commandBeforeConnect = RTMPSessionError(.commandBeforeConnect)
    /// A second `connect` on the same connection.
    public static let duplicateConnect = RTMPSessionError(.duplicateConnect)
    /// `connect` had no tcUrl, or one that does not parse as an RTMP URL.
    public static let invalidTcUrl = RTMPSessionError(.invalidTcUrl)
    /// `publish`/`play` with an empty or unusable name.
    public static let invalidStreamName = RTMPSessionError(.invalidStreamName)
    /// The application refused a publish (`publishRejected`).
    public static let publishRejected = RTMPSessionError(.publishRejected)
    /// The application refused a play (`playRejected`).
    public static let playRejected = RTMPSessionError(.playRejected)
    /// `publish`/`play` while a publish or play is already pending or running on the connection.
    public static let unexpectedCommand = RTMPSessionError(.unexpectedCommand)
    /// The application refused the connect (`connectRejected`).
    public static let connectRejected = RTMPSessionError(.connectRejected)
    /// More than `maximumQueuedCommands` commands arrived while the connect was pending.
    public static let tooManyQueuedCommands = RTMPSessionError(.tooManyQueuedCommands)

    func with(detail: String) -> RTMPSessionError {
        var copy = self
        copy.detail = detail
        return copy
    }

    public static func == (lhs: RTMPSessionError, rhs: RTMPSessionError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    public var description: String {
        detail.map { "RTMPSessionError: \(base.rawValue): \($0)" } ?? "RTMPSessionError: \(base.rawValue)"
    }
}
