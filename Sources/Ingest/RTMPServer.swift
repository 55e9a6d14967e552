public import Live
public import Logging
import Metrics
import NIOConcurrencyHelpers
public import NIOCore
import NIOPosix
import RTMP
public import Sessions

/// The RTMP listener: accepts connections, builds each one's pipeline and tracks them so that
/// a shutdown can close every session cleanly.
///
/// Every connection is registered in the shared `ClientRegistry`, which enforces `max_connections`
/// across RTMP and HTTP: a connection over the bound is closed at accept, before the handshake.
public final class RTMPServer: Sendable {
    private struct State {
        var settings: RTMPServerSettings
        var listeners: [ConnectionListener] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
        var refusedSinceLog = 0
        var lastRefusalLog: NIODeadline = .distantPast
    }

    private static let refusalLogInterval: TimeAmount = .seconds(1)

    /// SO_SNDBUF of every connection (Linux doubles it). Left to autotuning, the kernel buffers up to
    /// `tcp_wmem`'s maximum (4 MiB by default) for a peer that reads slowly, minutes of a typical stream
    /// that `queue_length` never sees; this much still carries ~40 Mbit/s at a 100 ms round trip.
    static let socketSendBuffer = 256 << 10

    private let group: any EventLoopGroup
    private let registry: StreamRegistry
    private let logger: Logger
    private let state: NIOLockedValueBox<State>
    /// Every client of the process; `max_connections` is its bound.
    public let clients: ClientRegistry
    private let policy: any SessionPolicy
    private let upstreams: any StreamUpstreams
    /// Open connections by address (`max_connections_per_ip`), shared with the HTTP server.
    public let connectionsPerIP: ConnectionsPerIP
    private let limits: LimitReporter

    /// - Parameters:
    ///   - clients: the process's client registry (`nil`: a private one bounded by `settings.maxConnections`).
    ///   - policy: decides connect, publish and play (access rules, hooks) and hears when they end.
    ///   - upstreams: pulls and pushes for edge vhosts (the Edge module).
    ///   - connectionsPerIP: open connections by address (`nil`: a private table with no bound).
    public init(
        group: any EventLoopGroup, registry: StreamRegistry, settings: RTMPServerSettings, logger: Logger,
        clients: ClientRegistry? = nil, policy: any SessionPolicy = AllowAllPolicy(),
        upstreams: any StreamUpstreams = NoUpstreams(), connectionsPerIP: ConnectionsPerIP? = nil
    ) {
        self.connectionsPerIP = connectionsPerIP ?? ConnectionsPerIP(limit: 0)
        self.limits = LimitReporter(logger: logger)
        self.upstreams = upstreams
        self.group = group
        self.registry = registry
        self.logger = logger
        self.state = NIOLockedValueBox(State(settings: settings))
        self.clients = clients ?? ClientRegistry(maxConnections: settings.maxConnections)
        self.policy = policy
    }

    /// Replaces the settings new connections get; running sessions keep theirs. `max_connections`
    /// applies at once to new connections (those over a lowered bound stay).
    public func reload(_ settings: RTMPServerSettings) {
        state.withLockedValue { $0.settings = settings }
        clients.setMaxConnections(settings.maxConnections)
    }

    public var connectionCount: Int { state.withLockedValue { $0.connections.count } }

    /// The addresses actually bound (useful with port 0).
    public var localAddresses: [SocketAddress] {
        state.withLockedValue { $0.listeners.map(\.localAddress) }
    }

    /// Binds every address; fails (and closes what was bound) if any cannot be bound.
    public func start(listening addresses: [(host: String, port: Int)]) async throws {
        for address in addresses {
            do {
                let listener = try ConnectionListener(
                    name: "RTMP", host: address.host, port: address.port, sendBufferSize: Self.socketSendBuffer)
                state.withLockedValue { $0.listeners.append(listener) }
                listener.start(logger: logger) { [self] descriptor in adopt(descriptor) }
                logger.info("RTMP listening", metadata: ["address": "\(listener.localAddress)"])
            } catch {
                await stop()
                throw error
            }
        }
    }

    /// Hands an accepted socket to NIO on the next event loop; the pipeline is built before it registers.
    /// The bootstrap runs on that loop, so that it sets the channel up in one go rather than through
    /// `flatSubmit`'s promise and callbacks. A bootstrap per connection: the initializer must know the
    /// descriptor, and a bootstrap is not `Sendable` to share. Its channel options are set in `initialize`,
    /// synchronously: the bootstrap applies its own through a chain of futures, a few per cent of what a
    /// player's join costs.
    private func adopt(_ descriptor: CInt) {
        let loop = group.next()
        loop.execute { [self] in
            ClientBootstrap(group: loop)
                .channelInitializer { [self] channel in initialize(channel, descriptor: descriptor) }
                .withConnectedSocket(descriptor)
                .whenFailure { [logger] error in
                    // NIO closed the socket. A refused connection ends here too, already counted and logged.
                    if !(error is ConnectionRefused) {
                        logger.warning("RTMP connection not set up", metadata: ["error": "\(error)"])
                    }
                }
        }
    }

    /// Stops accepting, then closes every connection (publishers unpublish, players get EOF).
    public func stop() async {
        let (listeners, connections) = state.withLockedValue { state in
            defer {
                state.listeners = []
            }
            return (state.listeners, Array(state.connections.values))
        }
        for listener in listeners { await listener.close() }
        for connection in connections { try? await connection.close() }
    }

    private func initialize(_ channel: any Channel, descriptor: CInt) -> EventLoopFuture<Void> {
        let ip = channel.remoteAddress?.ipAddress ?? ""
        let kick: @Sendable () -> Void = { channel.close(promise: nil) }
        guard connectionsPerIP.acquire(ip) else {
            Counter(label: MetricLabel.refusedClients, dimensions: [("reason", ResourceLimit.maxConnectionsPerIP.rawValue)])
                .increment()
            limits.hit(.maxConnectionsPerIP, value: connectionsPerIP.limit, peer: ip)
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        guard let session = clients.register(ClientInfo(kind: .rtmpConnection, ip: ip), kick: kick) else {
            connectionsPerIP.release(ip)
            Counter(label: MetricLabel.refusedClients, dimensions: [("reason", "max_connections")]).increment()
            LimitReporter.count(.maxConnections)
            state.withLockedValue { $0.refusedSinceLog += 1 }
            logRefusal()
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        let settings = state.withLockedValue { state in
            state.connections[ObjectIdentifier(channel)] = channel
            return state.settings
        }
        // One callback for all of it: each costs an allocation per connection.
        channel.closeFuture.whenComplete { [state, connectionsPerIP] _ in
            connectionsPerIP.release(ip)
            _ = state.withLockedValue { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
            // The handler normally ends it first (after reporting on_close); this is the safety net.
            session.end()
        }
        var logger = self.logger
        // Formatted only if a line is logged: most connections log none at the default level.
        logger[metadataKey: "conn.id"] = .stringConvertible(session.id)
        logger[metadataKey: "conn.peer"] = channel.remoteAddress.map { .stringConvertible($0) } ?? "?"
        logger.debug("connection accepted")
        let registry = self.registry
        let policy = self.policy
        let upstreams = self.upstreams
        let limits = self.limits
        return channel.eventLoop.makeCompletedFuture {
            if let options = channel.syncOptions {
                try options.setOption(.writeBufferWaterMark, value: .init(low: 256 << 10, high: 1 << 20))
                try options.setOption(.maxMessagesPerRead, value: 16)
            }
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ClientTrafficHandler(traffic: session.traffic, descriptor: descriptor))
            // Writes below the session and the inbound handler: messages chunked with this connection's state.
            try pipeline.addHandler(RTMPOutboundHandler())
            // The handshake and its deadline, chunk decoding, acknowledgements, pings and aggregates: one handler.
            try pipeline.addHandler(
                RTMPServerInboundHandler(
                    decoder: .init(
                        maxMessageSize: settings.maxMessageSize, maxChunkStreams: settings.maxChunkStreams,
                        maxPendingBytes: settings.maxPendingBytes),
                    handshakeTimeout: settings.handshakeTimeout, limits: limits, peer: ip))
            try pipeline.addHandler(
                RTMPSessionHandler(
                    registry: registry, settings: settings, logger: logger, session: session, policy: policy,
                    upstreams: upstreams))
        }
    }

    /// Logs refusals at most once per `refusalLogInterval`, with the count since the last line,
    /// so a connection flood cannot flood the log too.
    private func logRefusal() {
        let refused = state.withLockedValue { state -> Int in
            let now = NIODeadline.now()
            guard now - state.lastRefusalLog >= Self.refusalLogInterval else { return 0 }
            state.lastRefusalLog = now
            defer { state.refusedSinceLog = 0 }
            return state.refusedSinceLog
        }
        if refused > 0 {
            logger.warning("max_connections reached, refusing connections", metadata: ["refused": "\(refused)"])
        }
    }
}

/// Fails a connection's set-up when a limit refuses it; NIO then closes the socket before it registers.
private struct ConnectionRefused: Error {}
