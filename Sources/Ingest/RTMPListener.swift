#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A listening socket the RTMP server accepts on itself, so that it knows each connection's descriptor
/// (NIO's `ServerBootstrap` keeps it private): a player's bytes can then go straight to its socket
/// (`ClientTrafficHandler.send`). Each accepted socket is handed to NIO at once with
/// `ClientBootstrap.withConnectedSocket`, which gives it an event loop as `ServerBootstrap` would.
///
/// One thread per listener waits in `poll` and drains the accept queue; a full descriptor table
/// (`EMFILE`) pauses accepting briefly instead of spinning, and leaves the connections queued.
final class RTMPListener: Sendable {
    /// How long the accept thread waits in `poll` before it looks whether it should stop.
    static let pollInterval: Int32 = 200
    /// Accepts per wake-up, so that a flood cannot keep the thread from noticing a stop.
    static let acceptsPerWake = 256
    /// The pause after an accept error such as a full descriptor table.
    static let errorPause: UInt32 = 100_000

    let localAddress: SocketAddress
    private let descriptor: CInt
    private let thread: NIOThreadPool
    private let stopping = NIOLockedValueBox(false)

    /// Binds and listens on `host:port` (port 0: any free port); throws NIO's `IOError` with the call
    /// that failed and its errno (`bind`: address already in use, for example).
    init(host: String, port: Int, backlog: Int32 = 1024) throws {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let family = address.protocol.rawValue
        let descriptor = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            var on: CInt = 1
            // Accepted sockets inherit TCP_NODELAY from the listener on Linux (ServerBootstrap sets it too).
            for (level, option) in [(SOL_SOCKET, SO_REUSEADDR), (CInt(IPPROTO_TCP), TCP_NODELAY)] {
                guard setsockopt(descriptor, level, option, &on, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
                    throw IOError(errnoCode: errno, reason: "setsockopt")
                }
            }
            try address.withSockAddr { pointer, size in
                guard bind(descriptor, pointer, socklen_t(size)) == 0 else {
                    throw IOError(errnoCode: errno, reason: "bind \(address)")
                }
            }
            guard listen(descriptor, backlog) == 0 else { throw IOError(errnoCode: errno, reason: "listen") }
            self.localAddress = try Self.boundAddress(descriptor, host: host)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.thread = NIOThreadPool(numberOfThreads: 1)
    }

    /// Starts accepting; `accepted` gets each new socket (close-on-exec) and owns it.
    func start(logger: Logger, accepted: @escaping @Sendable (CInt) -> Void) {
        thread.start()
        let descriptor = self.descriptor
        let stopping = self.stopping
        thread.submit { state in
            guard case .active = state else { return }
            Self.acceptLoop(descriptor, stopping: stopping, logger: logger, accepted: accepted)
        }
    }

    /// Stops accepting and closes the listening socket; connections already handed over stay.
    func close() async {
        stopping.withLockedValue { $0 = true }
        try? await thread.shutdownGracefully()
        Glibc.close(descriptor)
    }

    private static func acceptLoop(
        _ descriptor: CInt, stopping: NIOLockedValueBox<Bool>, logger: Logger, accepted: (CInt) -> Void
    ) {
        var lastErrorLog = NIODeadline.distantPast
        var readable = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while !stopping.withLockedValue({ $0 }) {
            guard poll(&readable, 1, pollInterval) > 0 else { continue }
            for _ in 0..<acceptsPerWake {
                // accept4 is not in Swift's Glibc module; NIO makes the socket non-blocking when it adopts it.
                let connection = accept(descriptor, nil, nil)
                if connection >= 0 {
                    _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                    accepted(connection)
                    continue
                }
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK { break }
                // A client that gave up before we took it, or a signal: the next one may be fine.
                if code == EINTR || code == ECONNABORTED || code == EPROTO { continue }
                let now = NIODeadline.now()
                if now - lastErrorLog >= .seconds(1) {
                    lastErrorLog = now
                    logger.error(
                        "RTMP accept failed; pausing before the next",
                        metadata: ["error": "\(IOError(errnoCode: code, reason: "accept"))"])
                }
                usleep(errorPause)
                break
            }
        }
    }

    private static func boundAddress(_ descriptor: CInt, host: String) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        switch CInt(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { SocketAddress($0.load(as: sockaddr_in.self), host: host) }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { SocketAddress($0.load(as: sockaddr_in6.self), host: host) }
        default:
            throw IOError(errnoCode: EAFNOSUPPORT, reason: "getsockname")
        }
    }
}
