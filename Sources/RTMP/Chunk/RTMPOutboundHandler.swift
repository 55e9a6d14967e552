public import NIOCore

/// What the session writes: a message for the connection's own chunk encoder, or bytes that
/// are already chunked (shared media), which go to the socket untouched.
public enum RTMPOutbound: Sendable {
    case message(RTMPMessage)
    /// Messages chunked back to back into one buffer: a session's replies, one pipeline write for all.
    case messages([RTMPMessage])
    case chunks(ByteBuffer)
}

/// The outbound end of an RTMP pipeline: chunks messages with the connection's encoder state and
/// passes pre-chunked media through without a copy.
public final class RTMPOutboundHandler: ChannelOutboundHandler {
    public typealias OutboundIn = RTMPOutbound
    public typealias OutboundOut = ByteBuffer

    private var encoder = RTMPChunkEncoder()

    public init() {}

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .chunks(let bytes):
            context.write(wrapOutboundOut(bytes), promise: promise)
        case .message(let message):
            var buffer = context.channel.allocator.buffer(capacity: message.payload.readableBytes + 32)
            do {
                try encoder.encode(data: message, out: &buffer)
                context.write(wrapOutboundOut(buffer), promise: promise)
            } catch {
                promise?.fail(error)
                context.fireErrorCaught(error)
            }
        case .messages(let messages):
            let size = messages.reduce(0) { $0 + $1.payload.readableBytes + 32 }
            var buffer = context.channel.allocator.buffer(capacity: size)
            do {
                for message in messages { try encoder.encode(data: message, out: &buffer) }
                context.write(wrapOutboundOut(buffer), promise: promise)
            } catch {
                promise?.fail(error)
                context.fireErrorCaught(error)
            }
        }
    }
}

@available(*, unavailable)
extension RTMPOutboundHandler: Sendable {}
