public import NIOCore

/// The moments a client asks to do something that may be refused (SRS's on_connect, on_publish, on_play).
public enum SessionAction: String, Sendable, Hashable {
    case connect
    case publish
    case play
}

/// The moments a client stops doing something (SRS's on_close, on_unpublish, on_stop); never refused.
public enum SessionEnd: String, Sendable, Hashable {
    case close
    case unpublish
    case stop
}

/// What a policy answers.
public enum SessionDecision: Sendable, Hashable {
    case allow
    /// Refused; the reason goes to the client (RTMP status description, HTTP body) and the log.
    case deny(reason: String)
}

/// Decides whether a client may connect, publish or play (access rules, HTTP hooks), and hears
/// when it stops. Implementations must never block the caller's loop: slow answers (hooks) come
/// back through the future, bounded by their own timeout.
public protocol SessionPolicy: Sendable {
    /// - Parameters:
    ///   - client: the client's id (SRS `client_id`) and what it asks for (the vhost, app, stream
    ///     and param of the publish or play; for `connect`, the tcUrl's).
    ///   - eventLoop: the caller's loop, on which the future completes.
    func authorize(_ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop)
        -> EventLoopFuture<SessionDecision>

    /// The decision when the policy can give it without calling out (no hook, no upstream check), else
    /// nil. A caller that gets one skips `authorize` and its future; `authorize` would answer the same.
    func immediateDecision(_ action: SessionAction, client: ClientSessionSnapshot) -> SessionDecision?

    /// Fire and forget: the caller does not wait.
    func sessionDidEnd(_ end: SessionEnd, client: ClientSessionSnapshot)
}

extension SessionPolicy {
    /// Always asks `authorize`.
    public func immediateDecision(_ action: SessionAction, client: ClientSessionSnapshot) -> SessionDecision? {
        nil
    }

    /// Hands `decided` the decision on `action`: at once when ``immediateDecision(_:client:)`` has it,
    /// else when `authorize`'s future completes, on `eventLoop`.
    public func decide(
        _ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop,
        _ decided: @escaping @Sendable (Result<SessionDecision, any Error>) -> Void
    ) {
        if let decision = immediateDecision(action, client: client) {
            decided(.success(decision))
        } else {
            authorize(action, client: client, on: eventLoop).whenComplete(decided)
        }
    }
}

/// A client's id and info at one moment, as a policy sees it.
public struct ClientSessionSnapshot: Sendable, Hashable {
    public var id: UInt64
    public var info: ClientInfo
    /// Bytes received from the client until the snapshot (SRS on_close `recv_bytes`).
    public var receivedBytes: Int
    /// Bytes sent to the client until the snapshot (SRS on_close `send_bytes`).
    public var sentBytes: Int

    public init(id: UInt64, info: ClientInfo, receivedBytes: Int = 0, sentBytes: Int = 0) {
        self.id = id
        self.info = info
        self.receivedBytes = receivedBytes
        self.sentBytes = sentBytes
    }
}

extension ClientSession {
    public var snapshot: ClientSessionSnapshot {
        ClientSessionSnapshot(
            id: id, info: info, receivedBytes: traffic.receivedBytes, sentBytes: traffic.sentBytes)
    }
}

/// Allows everything: the policy when no access rules or hooks are configured.
public struct AllowAllPolicy: SessionPolicy {
    public init() {}

    public func authorize(_ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop)
        -> EventLoopFuture<SessionDecision>
    {
        eventLoop.makeSucceededFuture(.allow)
    }

    public func sessionDidEnd(_ end: SessionEnd, client: ClientSessionSnapshot) {}
}
