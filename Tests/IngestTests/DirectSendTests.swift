#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Sessions
import Testing

@testable import Ingest

/// `ConnectionListener` and `ClientTrafficHandler.send` on real loopback sockets: the server's own accept, and
/// bytes put straight on the socket that never overtake or get overtaken by NIO's writes.
@Suite("Direct sends on accepted sockets", .timeLimit(.minutes(1)))
struct DirectSendTests {
    @Test(
        "the listener binds port 0, hands over non-blocking, close-on-exec sockets with its send buffer, and refuses connections once closed"
    )
    func listenerAcceptsAndCloses() async throws {
        let listener = try ConnectionListener(name: "RTMP", host: "127.0.0.1", port: 0, sendBufferSize: 96 << 10)
        let port = try #require(listener.localAddress.port)
        #expect(port > 0)
        let accepted = NIOLockedValueBox<[CInt]>([])
        listener.start(logger: Logger(label: "test")) { descriptor in accepted.withLockedValue { $0.append(descriptor) } }
        let client = try LoopbackClient(port: port)
        #expect(await waitUntil { accepted.withLockedValue { $0.count } == 1 })
        // The descriptor is the server's end of this very connection.
        let descriptor = try #require(accepted.withLockedValue { $0.first })
        #expect(Self.peerPort(descriptor) == client.localPort)
        #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(descriptor, F_GETFL) & O_NONBLOCK != 0)
        var sendBuffer: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        #expect(getsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &sendBuffer, &length) == 0)
        #expect(sendBuffer == 2 * (96 << 10), "Linux doubles SO_SNDBUF; the accepted socket inherits it")
        close(descriptor)
        client.close()

        // The accept thread is blocked in accept4 now; closing must wake it (the suite's time limit).
        await listener.close()
        #expect(throws: (any Error).self) { try LoopbackClient(port: port) }
    }

    @Test("a second listener on a bound port fails with the call and the reason")
    func bindConflict() async throws {
        let listener = try ConnectionListener(name: "RTMP", host: "127.0.0.1", port: 0)
        let port = try #require(listener.localAddress.port)
        do {
            _ = try ConnectionListener(name: "RTMP", host: "127.0.0.1", port: port)
            Issue.record("bound twice")
        } catch {
            #expect("\(error)".contains("bind"), "\(error)")
            #expect("\(error)".lowercased().contains("address already in use"), "\(error)")
        }
        await listener.close()
    }

    @Test("sends go straight to the socket; when it fills, the rest and later sends wait in NIO, in order")
    func orderKeptAcrossBackpressure() async throws {
        let connection = try await AdoptedConnection.make()
        defer { connection.finish() }
        // A few direct batches first, read as they come.
        var expected: [UInt8] = []
        for batch in 0..<3 {
            let bytes = Self.pattern(batch, count: 1000)
            expected += bytes
            try connection.send([ByteBuffer(bytes: bytes)])
        }
        #expect(try connection.client.read(count: expected.count) == expected)
        #expect(try connection.directBytes() == 3000)
        // Sends publish their count in steps of trafficStep; the next flush through NIO publishes the rest.
        #expect(connection.traffic.sentBytes == 0)
        expected = []

        // Bytes NIO holds unflushed (a session message written, its flush to come) go first, though the
        // socket has room for the send after them.
        let unflushed = Self.pattern(500, count: 200)
        try connection.writeThroughPipeline(unflushed, flush: false)
        let afterUnflushed = Self.pattern(501, count: 700)
        try connection.send([ByteBuffer(bytes: afterUnflushed)])
        #expect(try connection.directBytes() == 3000)
        try connection.writeThroughPipeline([], flush: true)
        #expect(try connection.client.read(count: 900) == unflushed + afterUnflushed)
        #expect(connection.traffic.sentBytes == 3900)

        // Now the client stops reading: batches fill the socket, then queue in NIO. A control message
        // written through the pipeline goes in between, as session messages do.
        var sentBefore = try connection.directBytes()
        var batch = 3
        while batch < 400 {
            let bytes = Self.pattern(batch, count: 16 << 10)
            expected += bytes
            try connection.send([ByteBuffer(bytes: Array(bytes[..<5000])), ByteBuffer(bytes: Array(bytes[5000...]))])
            batch += 1
            let direct = try connection.directBytes()
            if direct == sentBefore { break }  // the socket took nothing: NIO holds the rest
            sentBefore = direct
        }
        #expect(batch < 400, "the socket never filled")
        let control = Self.pattern(999, count: 300)
        expected += control
        try connection.writeThroughPipeline(control)
        for _ in 0..<4 {
            let bytes = Self.pattern(batch, count: 4000)
            expected += bytes
            try connection.send([ByteBuffer(bytes: bytes)])
            batch += 1
        }
        // Nothing of those went direct: NIO held bytes ahead of them.
        #expect(try connection.directBytes() == sentBefore)

        #expect(try connection.client.read(count: expected.count) == expected)
        // The pipeline's writes are counted at their flush, by the same handler, with what the sends
        // counted: every byte once.
        try connection.writeThroughPipeline([], flush: true)
        #expect(connection.traffic.sentBytes == 3900 + expected.count)
        // Once NIO has written its share, sends go straight to the socket again.
        try await Task.sleep(for: .milliseconds(50))
        let after = Self.pattern(7, count: 2000)
        try connection.send([ByteBuffer(bytes: after)])
        #expect(try connection.directBytes() == sentBefore + 2000)
        #expect(try connection.client.read(count: after.count) == after)
    }

    @Test("TCP_NODELAY is set on the socket itself while it is open, and left to NIO once closed")
    func noDelay() async throws {
        let connection = try await AdoptedConnection.make()
        defer { connection.finish() }
        for on in [false, true, false] {
            #expect(try connection.setNoDelay(on))
            #expect(connection.noDelay() == on)
        }
        let channel = connection.channel
        let handler = try channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: ClientTrafficHandler.self)
        }.wait()
        try channel.close().wait()
        let afterClose = try channel.eventLoop.submit { handler.setNoDelay(true) }.wait()
        #expect(!afterClose, "a closed descriptor may be reused: never touch it")
    }

    @Test("a peer that closes makes sends fall to NIO, which closes the channel; nothing crashes")
    func peerClosed() async throws {
        let connection = try await AdoptedConnection.make()
        defer { connection.finish() }
        connection.client.close()
        for _ in 0..<50 where connection.channel.isActive {
            try? connection.send([ByteBuffer(repeating: 1, count: 64 << 10)])
            try await Task.sleep(for: .milliseconds(10))
        }
        try await connection.channel.closeFuture.get()
    }

    /// Bytes that tell batches and offsets apart, so a reordering cannot pass.
    static func pattern(_ batch: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: batch &* 31 &+ $0 &* 7 &+ $0 / 251) }
    }

    static func peerPort(_ descriptor: CInt) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
        }
        return result == 0 ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}

/// A connection the server side accepted with `ConnectionListener` and NIO adopted with a
/// `ClientTrafficHandler` that knows its descriptor, as `RTMPServer` builds it.
private struct AdoptedConnection {
    let group: MultiThreadedEventLoopGroup
    let listener: ConnectionListener
    let channel: any Channel
    let client: LoopbackClient
    let traffic: ClientTraffic
    let descriptor: CInt

    static func make() async throws -> AdoptedConnection {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener = try ConnectionListener(name: "RTMP", host: "127.0.0.1", port: 0)
        let accepted = NIOLockedValueBox<CInt?>(nil)
        listener.start(logger: Logger(label: "test")) { descriptor in accepted.withLockedValue { $0 = descriptor } }
        // Small buffers, so the socket fills after a few batches.
        let client = try LoopbackClient(port: listener.localAddress.port ?? 0, receiveBuffer: 8 << 10)
        guard await waitUntil({ accepted.withLockedValue { $0 } != nil }), let descriptor = accepted.withLockedValue({ $0 })
        else { throw LoopbackError("not accepted") }
        let traffic = ClientTraffic()
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_sndbuf), value: 8 << 10)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ClientTrafficHandler(traffic: traffic, descriptor: descriptor))
                }
            }
            .withConnectedSocket(descriptor).get()
        return AdoptedConnection(
            group: group, listener: listener, channel: channel, client: client, traffic: traffic, descriptor: descriptor)
    }

    func send(_ buffers: [ByteBuffer]) throws {
        try channel.eventLoop.submit {
            let handler = try channel.pipeline.syncOperations.handler(type: ClientTrafficHandler.self)
            handler.send(buffers)
            handler.flushSent()
        }.wait()
    }

    func writeThroughPipeline(_ bytes: [UInt8], flush: Bool = true) throws {
        try channel.eventLoop.submit {
            if !bytes.isEmpty { channel.write(ByteBuffer(bytes: bytes), promise: nil) }
            if flush { channel.flush() }
        }.wait()
    }

    func setNoDelay(_ on: Bool) throws -> Bool {
        try channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: ClientTrafficHandler.self).setNoDelay(on)
        }.wait()
    }

    /// TCP_NODELAY as the kernel has it now.
    func noDelay() -> Bool {
        var value: CInt = -1
        var length = socklen_t(MemoryLayout<CInt>.size)
        _ = getsockopt(descriptor, CInt(IPPROTO_TCP), TCP_NODELAY, &value, &length)
        return value != 0
    }

    func directBytes() throws -> Int {
        try channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: ClientTrafficHandler.self).directBytes
        }.wait()
    }

    func finish() {
        client.close()
        try? channel.close().wait()
        let listener = self.listener
        let done = NIOLockedValueBox(false)
        Task { await listener.close(); done.withLockedValue { $0 = true } }
        for _ in 0..<100 where !done.withLockedValue({ $0 }) { usleep(10_000) }
        try? group.syncShutdownGracefully()
    }
}

private struct LoopbackError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A blocking loopback client socket (reads bounded by a 5 s timeout).
private final class LoopbackClient: @unchecked Sendable {
    private var descriptor: CInt
    let localPort: Int

    init(port: Int, receiveBuffer: Int? = nil) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackError("socket: \(errno)") }
        if var size = receiveBuffer.map(CInt.init) {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<CInt>.size))
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw LoopbackError("connect: \(errno)")
        }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        localPort = Int(UInt16(bigEndian: local.sin_port))
    }

    func read(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, count - filled, 0) }
            guard got > 0 else { throw LoopbackError("read \(filled) of \(count): \(got == 0 ? "EOF" : "errno \(errno)")") }
            filled += got
        }
        return bytes
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}

/// Polls `condition` every 10 ms for up to 5 s.
private func waitUntil(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<500 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
