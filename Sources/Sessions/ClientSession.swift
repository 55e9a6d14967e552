import NIOConcurrencyHelpers
public import NIOCore

/// One registered client: its id (SRS `client_id`), what it does, its traffic, and how to kick it.
///
/// Registered with `ClientRegistry.register`; `end()` removes it (idempotent). The connection
/// updates `info` when it learns more (connect, publish, play), which is rare next to packets.
public final class ClientSession: Sendable {
    public let id: UInt64
    /// When the client connected (for SRS's `alive` seconds).
    public let connectedAt: NIODeadline
    public let traffic = ClientTraffic()
    private let state: NIOLockedValueBox<ClientInfo>
    private let kickHandler: @Sendable () -> Void
    private let registry: ClientRegistry

    init(
        id: UInt64, info: ClientInfo, connectedAt: NIODeadline, registry: ClientRegistry,
        kick: @escaping @Sendable () -> Void
    ) {
        self.id = id
        self.connectedAt = connectedAt
        self.state = NIOLockedValueBox(info)
        self.kickHandler = kick
        self.registry = registry
    }

    public var info: ClientInfo { state.withLockedValue { $0 } }

    public func update(_ body: (inout ClientInfo) -> Void) {
        state.withLockedValue { body(&$0) }
    }

    /// Closes the client's connection (API `DELETE /api/v1/clients/{id}`); the connection then calls `end()`.
    public func kick() {
        kickHandler()
    }

    /// Removes the client from the registry; its bytes stay counted in the registry's totals.
    public func end() {
        registry.remove(self)
    }
}
