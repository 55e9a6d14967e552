import Foundation
import Media
import NIOCore
import RTMP

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking-socket RTMP client for poking the real server on loopback.
///
/// It can send anything: raw bytes (a broken handshake), chunked messages with its own chunk
/// size, or a whole connect/createStream/play-or-publish exchange driven by
/// `RTMPClientSessionStateMachine`. Every read takes a deadline, so a test never hangs on a
/// server that stays silent; writes are bounded by a socket send timeout.
final class TestRTMPClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
        static let closed = Failure("the server closed the connection")
    }

    private enum ReadResult {
        case bytes(ByteBuffer)
        case timedOut
        case closed
    }

    /// Bytes asked for per `recv`.
    private static let readSize = 64 << 10

    private(set) var descriptor: Int32
    /// Whether a read saw EOF or a reset from the server.
    private(set) var isClosedByPeer = false
    private var inbound = ByteBuffer()
    private var decoder = RTMPChunkDecoder()
    private let encoder = RTMPChunkEncoder()
    /// Messages read while a session was starting that are not commands (early media, controls).
    private var pending: [RTMPMessage] = []
    private var session = RTMPClientSessionStateMachine()
    /// The message stream id of the running play or publish.
    private(set) var messageStreamID: UInt32?

    /// Connects to 127.0.0.1:`port`; writes block for at most `sendTimeout` seconds.
    /// - Parameter receiveBufferSize: SO_RCVBUF set before connecting (a small TCP window for a slow reader).
    init(port: Int, sendTimeout: Int = 5, receiveBufferSize: Int32? = nil) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed: errno \(errno)") }
        if var size = receiveBufferSize {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let error = errno
            systemClose(fd)
            throw Failure("connect to 127.0.0.1:\(port) failed: errno \(error)")
        }
        var timeout = timeval(tv_sec: sendTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        descriptor = fd
    }

    deinit {
        close()
    }

    /// Closes our end (idempotent).
    func close() {
        guard descriptor >= 0 else { return }
        systemClose(descriptor)
        descriptor = -1
    }

    // MARK: Writing

    func write(_ bytes: [UInt8]) throws {
        try write(ByteBuffer(bytes: bytes))
    }

    func write(_ buffer: ByteBuffer) throws {
        var buffer = buffer
        while buffer.readableBytes > 0 {
            let sent = buffer.withUnsafeReadableBytes { raw in
                sendNoSignal(descriptor, raw.baseAddress, raw.count)
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw Failure("send failed: errno \(errno)")
            }
            buffer.moveReaderIndex(forwardBy: sent)
        }
    }

    /// Chunks `messages` at our current chunk size (a Set Chunk Size among them changes it for
    /// the messages after it) and sends them in one write.
    func write(_ messages: [RTMPMessage]) throws {
        var out = ByteBuffer()
        for message in messages {
            try encoder.encode(data: message, out: &out)
        }
        try write(out)
    }

    // MARK: Handshake and session

    /// Runs the client handshake (C0+C1, then C2 for the server's S1).
    func handshake(timeout: Double = 5) throws {
        var machine = RTMPHandshakeStateMachine(role: .client)
        guard case .send(let c0c1)? = machine.start() else { throw Failure("handshake machine did not start") }
        try write(c0c1)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            switch readSome(until: deadline) {
            case .timedOut: throw Failure("no S0/S1/S2 within \(timeout) s")
            case .closed: throw Failure.closed
            case .bytes(let bytes):
                for action in machine.receive(bytes) {
                    switch action {
                    case .send(let reply): try write(reply)
                    case .complete(let leftover):
                        inbound = leftover
                        return
                    case .fail(let error): throw Failure("handshake failed: \(error)")
                    }
                }
            }
        }
    }

    /// Sends connect, createStream and play or publish for `url` and waits for Play.Start or
    /// Publish.Start. Returns the message stream id (0 in `.connectOnly` mode, once connect is accepted).
    /// - Parameter connect: a `connect` to send instead of the default one (a tcUrl with a query).
    @discardableResult
    func startSession(
        _ url: String, mode: RTMPClientSessionStateMachine.Mode, chunkSize: UInt32 = 60000,
        timeout: Double = 10, connect: RTMPConnectCommand? = nil
    ) throws -> UInt32 {
        session = RTMPClientSessionStateMachine(configuration: .init(chunkSize: chunkSize))
        var actions = session.start(url: try RTMPURL(url), mode: mode, connect: connect)
        var held: [RTMPMessage] = []
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            for action in actions {
                switch action {
                case .send(let messages):
                    try write(messages)
                case .connected:
                    return 0
                case .playing(let streamID), .publishing(let streamID):
                    messageStreamID = streamID
                    pending.append(contentsOf: held)
                    return streamID
                case .failed(let status), .stopped(let status):
                    throw Failure("session ended before it started: \(status)")
                case .upstreamPublished, .upstreamUnpublished:
                    break
                }
            }
            guard let message = try nextMessage(until: deadline) else {
                throw Failure("no Play.Start/Publish.Start within \(timeout) s")
            }
            if message.type == .amf0Command || message.type == .amf3Command {
                actions = session.received(try RTMPCommand(message))
            } else {
                actions = []
                held.append(message)
            }
        }
    }

    /// Sends FCUnpublish/deleteStream as the session machine says.
    func stopSession() throws {
        for case .send(let messages) in session.stop() {
            try write(messages)
        }
    }

    /// Chunks `message` at `chunkSize` without the encoder's checks, so invalid control values
    /// (a Set Chunk Size of 0) reach the wire as written.
    func writeUnchecked(_ message: RTMPMessage, chunkSize: Int = 128) throws {
        var out = ByteBuffer()
        out.writeRTMPChunks(message, chunkSize: chunkSize)
        try write(out)
    }

    /// Sends an FLV audio or video tag as a media message on the session's stream.
    func sendMedia(_ tag: FLVTag) throws {
        let type: RTMPMessageType
        switch tag.kind {
        case .audio: type = .audio
        case .video: type = .video
        case .data: type = .amf0Data
        }
        try write([RTMPMessage(type: type, streamID: messageStreamID ?? 1, timestamp: tag.timestamp, payload: tag.data)]
        )
    }

    // MARK: Reading

    /// The next whole message, or `nil` when `deadline` passes first.
    /// - Throws: `Failure.closed` when the server closes the connection; decoder errors.
    func nextMessage(until deadline: Date) throws -> RTMPMessage? {
        if !pending.isEmpty { return pending.removeFirst() }
        while true {
            if let message = try decoder.decode(buffer: &inbound) { return message }
            inbound.discardReadBytes()
            switch readSome(until: deadline) {
            case .bytes(var more): inbound.writeBuffer(&more)
            case .timedOut: return nil
            case .closed: throw Failure.closed
            }
        }
    }

    /// Reads and discards until the server closes the connection; `false` if it is still open
    /// after `seconds`.
    func waitUntilClosedByPeer(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            switch readSome(until: deadline) {
            case .bytes: continue
            case .timedOut: return false
            case .closed: return true
            }
        }
    }

    /// Waits until the server has closed every one of `clients`, or `deadline` passes; returns
    /// how many are still open. Polls all sockets at once, so thousands are cheap.
    static func countOpen(_ clients: [TestRTMPClient], until deadline: Date) -> Int {
        var open = clients.filter { !$0.isClosedByPeer && $0.descriptor >= 0 }
        while !open.isEmpty {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { break }
            var descriptors = open.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { break }
            for (index, entry) in descriptors.enumerated() where entry.revents != 0 {
                open[index].drainWithoutBlocking()
            }
            open.removeAll { $0.isClosedByPeer }
        }
        return open.count
    }

    /// Reads what is there without waiting; notes EOF or a reset.
    private func drainWithoutBlocking() {
        var scratch = [UInt8](repeating: 0, count: Self.readSize)
        while true {
            let count = scratch.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count > 0 { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return }
            isClosedByPeer = true
            return
        }
    }

    private func readSome(until deadline: Date) -> ReadResult {
        guard descriptor >= 0 else { return .closed }
        while true {
            let remaining = deadline.timeIntervalSinceNow
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(max(0, min(remaining, 1)) * 1000))
            if ready < 0 {
                if errno == EINTR { continue }
                isClosedByPeer = true
                return .closed
            }
            if ready == 0 {
                if Date() >= deadline { return .timedOut }
                continue
            }
            var scratch = [UInt8](repeating: 0, count: Self.readSize)
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .bytes(ByteBuffer(bytes: scratch[..<count])) }
            if count < 0 && errno == EINTR { continue }
            isClosedByPeer = true
            return .closed
        }
    }

    /// The status of an `onStatus` command message, if `message` is one.
    static func status(of message: RTMPMessage) -> RTMPStatus? {
        guard message.type == .amf0Command || message.type == .amf3Command,
            case .onStatus(let status)? = try? RTMPCommand(message)
        else { return nil }
        return status
    }
}

private func systemClose(_ fd: Int32) {
    #if canImport(Glibc)
        _ = Glibc.close(fd)
    #else
        _ = Darwin.close(fd)
    #endif
}

/// `send` that never raises SIGPIPE (a closed peer must fail the write, not kill the test runner).
private func sendNoSignal(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.send(fd, pointer, count, Int32(MSG_NOSIGNAL))
    #else
        return Darwin.send(fd, pointer, count, 0)
    #endif
}
