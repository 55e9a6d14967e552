#if canImport(Glibc)
import Glibc
#endif
import CSocketShim
public import Logging
public import NIOCore
import NIOPosix
import Synchronization

/// A listening socket a server (RTMP, HTTP) accepts on itself, so that it knows each connection's
/// descriptor (NIO's `ServerBootstrap` keeps it private): a player's bytes can then go straight to its
/// socket (`ClientTrafficHandler.send`). Each accepted socket is handed to NIO at once with
/// `ClientBootstrap.withConnectedSocket`, which gives it an event loop as `ServerBootstrap` would.
///
/// One thread per listener blocks in `accept4`, two system calls fewer per connection than waiting in
/// `poll` and draining the queue until `EAGAIN`; `close` wakes it with `shutdown`, after which Linux
/// fails the blocked call. A full descriptor table (`EMFILE`) pauses accepting briefly instead of
/// spinning, and leaves the connections queued.
public final class ConnectionListener: Sendable {
    /// The pause after an accept error such as a full descriptor table.
    static let errorPause: UInt32 = 100_000

    public let localAddress: SocketAddress
    /// Names the server in log lines ("RTMP", "HTTP").
    private let name: String
    private let descriptor: CInt
    private let thread: NIOThreadPool
    private let stopping = Atomic<Bool>(false)

    /// Binds and listens on `host:port` (port 0: any free port); throws NIO's `IOError` with the call
    /// that failed and its errno (`bind`: address already in use, for example).
    ///
    /// - Parameters:
    ///   - name: Names the server in log lines ("RTMP", "HTTP").
    ///   - sendBufferSize: SO_SNDBUF for every accepted socket, which inherits it from the listener
    ///     (`nil`: the kernel's autotuning).
    public init(name: String, host: String, port: Int, backlog: Int32 = 1024, sendBufferSize: Int? = nil) throws {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let family = address.protocol.rawValue
        // Blocking: the accept thread waits in accept4 itself.
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            // Accepted sockets inherit TCP_NODELAY and SO_SNDBUF from the listener on Linux, which saves
            // two system calls per connection (ClientBootstrap sets TCP_NODELAY again regardless).
            var options = [(SOL_SOCKET, SO_REUSEADDR, CInt(1)), (CInt(IPPROTO_TCP), TCP_NODELAY, CInt(1))]
            if let sendBufferSize { options.append((SOL_SOCKET, SO_SNDBUF, CInt(sendBufferSize))) }
            for (level, option, value) in options {
                var value = value
                guard setsockopt(descriptor, level, option, &value, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
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
        self.name = name
        self.descriptor = descriptor
        self.thread = NIOThreadPool(numberOfThreads: 1)
    }

    /// Starts accepting; `accepted` gets each new socket (non-blocking, close-on-exec) and owns it.
    public func start(logger: Logger, accepted: @escaping @Sendable (CInt) -> Void) {
        thread.start()
        thread.submit { [self] state in
            guard case .active = state else { return }
            acceptLoop(logger: logger, accepted: accepted)
        }
    }

    /// Stops accepting and closes the listening socket; connections already handed over stay. Only the
    /// first call acts: a second close of the descriptor could close another file that reused its number.
    public func close() async {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // Fails a blocked accept4 with EINVAL, and every later one at once.
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
        try? await thread.shutdownGracefully()
        Glibc.close(descriptor)
    }

    private func acceptLoop(logger: Logger, accepted: (CInt) -> Void) {
        var lastErrorLog = NIODeadline.distantPast
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        while !stopping.load(ordering: .acquiring) {
            let connection = accept4(descriptor, nil, nil, flags)
            if connection >= 0 {
                accepted(connection)
                continue
            }
            let code = errno
            // A client that gave up before we took it, or a signal: the next one may be fine.
            if code == EINTR || code == ECONNABORTED || code == EPROTO { continue }
            if stopping.load(ordering: .acquiring) { return }
            let now = NIODeadline.now()
            if now - lastErrorLog >= .seconds(1) {
                lastErrorLog = now
                logger.error(
                    "\(name) accept failed; pausing before the next",
                    metadata: ["error": "\(IOError(errnoCode: code, reason: "accept"))"])
            }
            usleep(Self.errorPause)
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
