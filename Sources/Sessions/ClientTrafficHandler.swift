#if canImport(Glibc)
import Glibc
#endif
public import NIOCore

/// Counts a connection's raw bytes into its `ClientTraffic`: received per read batch
/// (`channelReadComplete`), sent per flush through NIO, so the shared atomics are touched once per batch,
/// not per message. Bytes a player's `send`s put on the socket are published in steps of `trafficStep`
/// (and in full at the next NIO flush and when the handler goes): at `min_latency on` a player flushes
/// every message, and an atomic add on its `ClientTraffic`, a cache line no other work of the flush
/// touches, was 5 % of the server's CPU. The API and hooks see a live player's count up to that step
/// behind. Sits first in the pipeline, where bytes are bytes.
///
/// When the server accepted the connection itself it knows the socket's descriptor, and `send` can put a
/// player's bytes straight on the socket: one `send(2)` instead of NIO's write and flush (a pass through
/// the pipeline's head, the pending-writes queue and its bookkeeping), which at `min_latency on` is most
/// of a flush's cost in user space. Order is kept by sending directly only while NIO holds none of this
/// connection's writes; whatever the socket does not take at once goes to NIO, and direct sends wait
/// until NIO has written it.
public final class ClientTrafficHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = IOData
    public typealias OutboundOut = IOData

    /// Where the counts go; `nil` until a client is known (an HTTP connection's first live request),
    /// and bytes before that are not counted.
    private var traffic: ClientTraffic?
    /// The connection's socket, valid while the channel is active (NIO closes it on this loop, before
    /// `channelInactive`); `nil` when NIO accepted the connection, and then every byte goes through NIO.
    private let descriptor: CInt?
    private var context: ChannelHandlerContext?
    /// Whether `descriptor` is still this connection's: set when the channel becomes active, cleared at
    /// the first sign of a close, before NIO can call anyone else back. NIO's own `close0` closes the
    /// descriptor and then, in this order, fails pending writes (every one is ours first, see
    /// `writeToNIO`), fires `errorCaught` for its own failures, completes the close promise (a close
    /// through the pipeline passed `close` here), and fires `channelInactive`. A `send` from any of those
    /// callbacks therefore goes to NIO, never to a closed or reused descriptor. Asking the channel's
    /// `isActive` instead costs a cold cache line per flush (4 % of the server at `min_latency on`).
    private var isOpen = false
    private var received = 0
    private var written = 0
    /// Writes handed to NIO and not yet written to the socket (tracked only with a descriptor).
    private var writesInFlight = 0
    /// `send` handed bytes to NIO since the last `flushSent`.
    private var needsFlush = false
    /// Bytes given to `send` since the last `flushSent`.
    private var sentSinceFlush = 0
    /// Bytes `flushSent` counted and did not yet add to `traffic`, below `trafficStep`.
    private var unpublishedSent = 0
    /// The most sent bytes a player's count in `traffic` lags behind (a quarter of a second at 500 kbit/s).
    public static let trafficStep = 16 << 10
    /// Bytes `send` put on the socket (logged when a player stops, so the direct path is seen working).
    public private(set) var directBytes = 0

    /// - Parameters:
    ///   - traffic: Where the counts go (`nil`: nowhere until `count(into:)`).
    ///   - descriptor: The connection's socket when the server accepted it itself; enables `send`'s direct path.
    public init(traffic: ClientTraffic?, descriptor: CInt? = nil) {
        self.traffic = traffic
        self.descriptor = descriptor
    }

    /// Counts this connection's bytes from now on into `traffic`; those before are dropped.
    public func count(into traffic: ClientTraffic) {
        received = 0
        written = 0
        sentSinceFlush = 0
        unpublishedSent = 0
        self.traffic = traffic
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // The server adds it before the channel registers; `channelActive` follows then.
        isOpen = context.channel.isActive
    }

    public func channelActive(context: ChannelHandlerContext) {
        isOpen = true
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        isOpen = false
        context.fireErrorCaught(error)
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        isOpen = false
        context.close(mode: mode, promise: promise)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytes
        context.fireChannelRead(data)
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        if received > 0 {
            traffic?.add(received: received)
            received = 0
        }
        context.fireChannelReadComplete()
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        written += unwrapOutboundIn(data).readableBytes
        writeToNIO(context: context, data, promise: promise)
    }

    public func flush(context: ChannelHandlerContext) {
        if written + unpublishedSent > 0 {
            traffic?.add(sent: written + unpublishedSent)
            written = 0
            unpublishedSent = 0
        }
        context.flush()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        if received > 0 { traffic?.add(received: received) }
        let sent = written + sentSinceFlush + unpublishedSent
        if sent > 0 { traffic?.add(sent: sent) }
        received = 0
        written = 0
        sentSinceFlush = 0
        unpublishedSent = 0
        self.context = nil
        isOpen = false
    }

    /// Sends `buffers` after everything written before them, straight to the socket when it can (one
    /// `sendmsg` for all of them, see the type's comment); call `flushSent` once a batch is sent. Counts
    /// the bytes into the traffic.
    public func send(_ buffers: [ByteBuffer]) {
        guard let context else { return }
        var sent = 0
        if let descriptor, writesInFlight == 0, isOpen {
            sent = Self.sendNow(descriptor, buffers[...])
            directBytes += sent
        }
        for var buffer in buffers {
            sentSinceFlush += buffer.readableBytes
            if sent >= buffer.readableBytes {
                sent -= buffer.readableBytes
                continue
            }
            // What the socket did not take (it is full, or failing: NIO's own write then meets the error
            // and closes the channel) goes to NIO, and later sends wait for it.
            buffer.moveReaderIndex(forwardBy: sent)
            sent = 0
            writeToNIO(context: context, NIOAny(IOData.byteBuffer(buffer)), promise: nil)
            needsFlush = true
        }
    }

    /// Ends a batch of `send`s: counts its bytes (see `trafficStep`) and flushes what went to NIO.
    public func flushSent() {
        unpublishedSent += sentSinceFlush
        sentSinceFlush = 0
        if unpublishedSent >= Self.trafficStep {
            traffic?.add(sent: unpublishedSent)
            unpublishedSent = 0
        }
        if needsFlush {
            needsFlush = false
            context?.flush()
        }
    }

    /// Sets TCP_NODELAY on the socket directly; `false` when this handler has no open descriptor and the
    /// caller should ask NIO. NIO's option call looks up the socket's address first (to skip Unix
    /// sockets) and answers with a future: two system calls and two allocations per player instead of one
    /// call.
    public func setNoDelay(_ on: Bool) -> Bool {
        guard let descriptor, isOpen else { return false }
        var value: CInt = on ? 1 : 0
        return setsockopt(descriptor, CInt(IPPROTO_TCP), TCP_NODELAY, &value, socklen_t(MemoryLayout<CInt>.size)) == 0
    }

    /// Writes at this handler's context (the pipeline's head next), tracking what NIO holds so that `send`
    /// never overtakes it. The write's promise is always our own, so our callback runs before the caller's.
    private func writeToNIO(context: ChannelHandlerContext, _ data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard descriptor != nil else { return context.write(data, promise: promise) }
        let written = context.eventLoop.makePromise(of: Void.self)
        writesInFlight += 1
        written.futureResult.assumeIsolated().whenComplete { [self] result in
            writesInFlight -= 1
            if case .failure = result { isOpen = false }
        }
        if let promise { written.futureResult.cascade(to: promise) }
        context.write(data, promise: written)
    }

    /// Most buffers one `sendmsg` takes; a longer batch sends the rest in further calls.
    static let maximumVectors = 16

    /// Non-blocking `sendmsg` of `buffers`: the bytes the socket took, 0 when it took none or failed.
    private static func sendNow(_ descriptor: CInt, _ buffers: ArraySlice<ByteBuffer>) -> Int {
        // The common case at `min_latency on`; `send` costs the kernel less than `sendmsg`.
        if buffers.count == 1, let buffer = buffers.first {
            return buffer.withUnsafeReadableBytes { bytes in
                retryingInterrupts { Glibc.send(descriptor, bytes.baseAddress, bytes.count, flags) }
            }
        }
        var total = 0
        var rest = buffers
        while !rest.isEmpty {
            let batch = rest.prefix(maximumVectors)
            let wanted = batch.reduce(0) { $0 + $1.readableBytes }
            let sent = withUnsafeTemporaryAllocation(of: iovec.self, capacity: batch.count) { vectors in
                gather(batch, into: vectors, at: 0) { sendVectors(descriptor, vectors) }
            }
            total += sent
            guard sent == wanted else { break }
            rest = rest.dropFirst(batch.count)
        }
        return total
    }

    /// Fills `vectors` from `buffers`, keeping each buffer's bytes pinned while `body` runs.
    private static func gather(
        _ buffers: ArraySlice<ByteBuffer>, into vectors: UnsafeMutableBufferPointer<iovec>, at index: Int,
        _ body: () -> Int
    ) -> Int {
        guard let buffer = buffers.first else { return body() }
        return buffer.withUnsafeReadableBytes { bytes in
            vectors[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
            return gather(buffers.dropFirst(), into: vectors, at: index + 1, body)
        }
    }

    private static func sendVectors(_ descriptor: CInt, _ vectors: UnsafeMutableBufferPointer<iovec>) -> Int {
        var message = msghdr()
        message.msg_iov = vectors.baseAddress
        message.msg_iovlen = vectors.count
        return retryingInterrupts { sendmsg(descriptor, &message, flags) }
    }

    /// Never blocks the event loop, and a closed peer is an error NIO handles, not a SIGPIPE.
    private static let flags = Int32(MSG_DONTWAIT | MSG_NOSIGNAL)

    /// The bytes a send took; 0 when it took none (EAGAIN) or failed.
    private static func retryingInterrupts(_ call: () -> Int) -> Int {
        while true {
            let sent = call()
            if sent >= 0 { return sent }
            if errno != EINTR { return 0 }
        }
    }
}

@available(*, unavailable)
extension ClientTrafficHandler: Sendable {}
