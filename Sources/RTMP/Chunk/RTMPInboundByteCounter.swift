public import NIOCore

/// Counts the bytes a connection receives, for Acknowledgement (RTMP 1.0 §5.4.3).
///
/// Put it first in the pipeline, before ``RTMPHandshakeHandler``, so the count covers every
/// byte from the peer; it passes all reads through untouched. The handler that sends
/// acknowledgements reads ``totalBytes`` on the same event loop, either through a reference
/// kept when the pipeline was built or by looking it up in `handlerAdded`:
///
/// ```swift
/// let counter = try context.pipeline.syncOperations.handler(type: RTMPInboundByteCounter.self)
/// ```
///
/// Because it counts a read before the decoder sees it, ``totalBytes`` always includes the
/// bytes of any message a later handler is processing.
public final class RTMPInboundByteCounter: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    /// Bytes received so far. The Acknowledgement sequence number is this value truncated to
    /// 32 bits.
    public private(set) var totalBytes: UInt64 = 0

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.totalBytes &+= UInt64(Self.unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension RTMPInboundByteCounter: Sendable {}
