public import NIOCore
public import RTMP
import Media

/// One RTMP player: runs the client session to Play.Start, then records media in its shard and
/// reads in batches from the first video frame on. Acknowledgements are the control handler's.
public final class RTMPBenchPlayerHandler: ChannelInboundHandler {
    public typealias InboundIn = RTMPMessage
    public typealias OutboundOut = RTMPOutbound

    private let url: RTMPURL
    private let shard: PlayerShard
    private let index: Int
    private var session = RTMPClientSessionStateMachine()

    public init(url: RTMPURL, shard: PlayerShard, index: Int) {
        self.url = url
        self.shard = shard
        self.index = index
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? RTMPHandshakeEvent == .completed {
            execute(session.start(url: url, mode: .play), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch message.type {
        case .audio, .video:
            let kind: MediaKind = message.type == .audio ? .audio : .video
            let flags = MediaPacket.Flags.classify(kind: kind, payload: message.payload)
            shard.media(index, kind: kind, flags: flags, timestamp: message.timestamp, at: shard.readInstant)
            if kind == .video, !shard.isBatching(index), shard.players[index].firstVideoAt != nil {
                shard.startBatching(index, channel: context.channel)
            }
        case .amf0Command, .amf3Command:
            guard let command = try? RTMPCommand(message) else { return }
            execute(session.received(command), context: context)
        default:
            break
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        shard.stopBatching(index)
        shard.update(index) { $0.ended(at: .now()) }
    }

    private func execute(_ actions: [RTMPClientSessionStateMachine.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let messages):
                for message in messages { context.write(wrapOutboundOut(.message(message)), promise: nil) }
                context.flush()
            case .playing:
                shard.update(index) { $0.startedPlaying() }
            case .upstreamUnpublished:
                shard.update(index) { $0.upstreamUnpublished() }
            case .failed, .stopped:
                context.close(promise: nil)
            case .publishing, .upstreamPublished, .connected:
                break
            }
        }
    }
}

@available(*, unavailable)
extension RTMPBenchPlayerHandler: Sendable {}
