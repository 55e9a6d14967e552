#if canImport(Glibc)
import Glibc
#endif
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import Sessions

/// Serves HTTP connections it accepts itself (`ConnectionListener`), as the RTMP server does, so that each
/// connection's descriptor is known and an HTTP-FLV player's bytes can go straight to its socket
/// (`ClientTrafficHandler.send`). Hummingbird's own server accepts through NIO's `ServerBootstrap`, which
/// keeps the descriptor private; this replaces only that part. Each connection is set up and served by
/// the same `ServerChildChannel` Hummingbird would use, in a task of its own, with a `ClientTrafficHandler`
/// (counting nothing until a live request names its client) first in its pipeline.
///
/// Graceful shutdown stops accepting, asks every connection to quiesce (`ChannelShouldQuiesceEvent`: an
/// idle one closes, a response in flight finishes first, an HTTP-FLV response ends) and returns once every
/// connection has closed.
struct HTTPConnectionServer<ChildChannel: ServerChildChannel>: Sendable {
    /// Accepted connections waiting for their task; past this many the newest are closed at once.
    static var acceptQueueLength: Int { 4096 }

    let childChannel: ChildChannel
    let host: String
    let port: Int
    let group: any EventLoopGroup
    let logger: Logger

    /// Binds, reports the bound port to `onListening`, and serves until graceful shutdown or cancellation.
    /// - Throws: NIO's `IOError` when binding fails.
    func run(onListening: @Sendable (Int) async -> Void) async throws {
        let listener = try ConnectionListener(name: "HTTP", host: host, port: port)
        let connections = HTTPOpenConnections()
        let (accepted, continuation) = AsyncStream.makeStream(
            of: CInt.self, bufferingPolicy: .bufferingOldest(Self.acceptQueueLength))
        listener.start(logger: logger) { descriptor in
            switch continuation.yield(descriptor) {
            case .enqueued: break
            case .dropped, .terminated: _ = Glibc.close(descriptor)
            @unknown default: _ = Glibc.close(descriptor)
            }
        }
        logger.info("HTTP listening", metadata: ["address": "\(listener.localAddress)"])
        await onListening(listener.localAddress.port ?? 0)
        let stop: @Sendable () async -> Void = {
            await listener.close()
            continuation.finish()
            connections.quiesce()
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { tasks in
                for await descriptor in accepted {
                    tasks.addTask { await serve(descriptor, connections: connections) }
                }
                // The stream ended (graceful shutdown) or this task was cancelled (the connections' tasks are
                // cancelled with it): either way, stop accepting.
                await stop()
            }
        } onGracefulShutdown: {
            Task { await stop() }
        }
    }

    /// Hands the socket to NIO on the next event loop and serves the connection until it closes.
    private func serve(_ descriptor: CInt, connections: HTTPOpenConnections) async {
        let childChannel = self.childChannel
        let logger = self.logger
        do {
            let value = try await ClientBootstrap(group: group.next())
                .channelOption(.allowRemoteHalfClosure, value: true)
                .withConnectedSocket(descriptor) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ClientTrafficHandler(traffic: nil, descriptor: descriptor))
                        connections.add(channel)
                    }.flatMap { childChannel.setup(channel: channel, logger: logger) }
                }
            await childChannel.handle(value: value, logger: logger)
        } catch is HTTPConnectionRefused {
            // NIO closed the socket; the refusal is counted and logged.
        } catch {
            // NIO closed the socket.
            logger.warning("HTTP connection not set up", metadata: ["error": "\(error)"])
        }
    }
}

/// The open connections of an `HTTPConnectionServer`, so that a shutdown can ask each to quiesce.
final class HTTPOpenConnections: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var isQuiescing = false
    }

    private let state = NIOLockedValueBox(State())

    /// Tracks `channel` until it closes; one that arrives after `quiesce()` is asked to quiesce at once.
    func add(_ channel: any Channel) {
        let isQuiescing = state.withLockedValue { state in
            state.channels[ObjectIdentifier(channel)] = channel
            return state.isQuiescing
        }
        channel.closeFuture.whenComplete { [state] _ in
            _ = state.withLockedValue { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        // After the pipeline is set up: the handlers that act on the event must be there.
        if isQuiescing {
            channel.eventLoop.execute { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        }
    }

    /// Asks every open connection to finish what it is doing and close; only the first call acts.
    func quiesce() {
        let channels = state.withLockedValue { state -> [any Channel] in
            guard !state.isQuiescing else { return [] }
            state.isQuiescing = true
            return Array(state.channels.values)
        }
        for channel in channels {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }
}
