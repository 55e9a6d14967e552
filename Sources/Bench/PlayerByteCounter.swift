public import NIOCore

/// First in a player's pipeline: counts raw bytes read into the player's state.
public final class PlayerByteCounter: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    private let shard: PlayerShard
    private let index: Int

    public init(shard: PlayerShard, index: Int) {
        self.shard = shard
        self.index = index
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = unwrapInboundIn(data).readableBytes
        shard.readInstant = .now()
        shard.update(index) { $0.received(bytes: count) }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension PlayerByteCounter: Sendable {}
