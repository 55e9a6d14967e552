import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A player's TCP connection, opened by the tool itself so that it knows the socket's descriptor.
///
/// NIO runs the connection (handshake, session, parsing) on that descriptor; once a player only
/// counts bytes, its shard reads the descriptor directly in its batch sweep, until the channel goes
/// inactive (NIO closed the descriptor, whose number may then be reused): one `recv` per player per
/// batch, where a read through NIO costs two `epoll_ctl` calls (arm, disarm), a pipeline pass and a
/// buffer. No duplicate descriptor: 12,000 players would need 24,000 descriptors.
enum PlayerSocket {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Connects to `host:port`, blocking the calling thread for at most `timeout`, and returns the
    /// socket. Blocking: call it on a thread pool.
    static func connected(host: String, port: Int, timeout: TimeAmount) throws -> CInt {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        #if canImport(Glibc)
            let streamType = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        #else
            let streamType = SOCK_STREAM
        #endif
        let fd = socket(CInt(address.protocol.rawValue), streamType, 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        // connect(2) honours the send timeout on Linux: a full accept queue fails after `timeout`.
        var limit = timeval(
            tv_sec: .init(timeout.nanoseconds / 1_000_000_000),
            tv_usec: .init(timeout.nanoseconds % 1_000_000_000 / 1000))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let result = address.withSockAddr { pointer, length in
            connect(fd, pointer, socklen_t(length))
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect to \(host):\(port): \(reason)")
        }
        var none = timeval()
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Takes what the socket holds, up to `maximumReads` calls of `limit` bytes. `nil`: the peer closed or
    /// the socket failed; otherwise the byte count (0: nothing was waiting). On Linux the bytes are
    /// discarded in the kernel (`MSG_TRUNC` on TCP) without a copy: these players only count them.
    static func drain(_ descriptor: CInt, limit: Int, maximumReads: Int) -> Int? {
        var total = 0
        for _ in 0..<maximumReads {
            #if os(Linux)
                let count = recv(descriptor, nil, limit, CInt(MSG_TRUNC) | CInt(MSG_DONTWAIT))
            #else
                let count = withUnsafeTemporaryAllocation(byteCount: 1 << 16, alignment: 16) {
                    recv(descriptor, $0.baseAddress, min(limit, $0.count), MSG_DONTWAIT)
                }
            #endif
            if count > 0 {
                total += count
                // A short read emptied the socket: another would only return EAGAIN.
                if count < limit { return total }
                continue
            }
            if count == 0 { return nil }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return total
            case EINTR: continue
            default: return nil
            }
        }
        return total
    }

    /// Writes a small control message without blocking. False when it did not go out whole: a client
    /// that sends nothing else has an empty send buffer, so that means the connection is broken.
    static func send(_ bytes: [UInt8], to descriptor: CInt) -> Bool {
        bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count
    }
}
