import NIOCore
import Sessions

/// Counts a connection's raw bytes into its `ClientTraffic`: received per read batch
/// (`channelReadComplete`), sent per flush, so the shared atomics are touched once per batch, not per
/// message. Sits first in the pipeline, where bytes are bytes.
final class ClientTrafficHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let traffic: ClientTraffic
    private var received = 0
    private var written = 0

    init(traffic: ClientTraffic) {
        self.traffic = traffic
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytes
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if received > 0 {
            traffic.add(received: received)
            received = 0
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        written += unwrapOutboundIn(data).readableBytes
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        if written > 0 {
            traffic.add(sent: written)
            written = 0
        }
        context.flush()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if received > 0 { traffic.add(received: received) }
        if written > 0 { traffic.add(sent: written) }
        received = 0
        written = 0
    }
}

@available(*, unavailable)
extension ClientTrafficHandler: Sendable {}
