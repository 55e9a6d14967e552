public import NIOCore
public import RTMP
import Media

/// One RTMP player: runs the client session to Play.Start, then records media in its shard and
/// reads in batches from the first video frame on.
///
/// It sits after the handshake handler and parses chunks itself with ``LightChunkReader``: media
/// payloads are never copied, only their tag headers are classified. It also does the player's
/// share of protocol control: the acknowledgement window (RTMP 1.0 §5.4.3, counting the raw bytes
/// that `RTMPByteCountingHandler` reports) and ping answers (§7.1.7).
public final class RTMPBenchPlayerHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = RTMPOutbound

    private let url: RTMPURL
    private let shard: PlayerShard
    private let index: Int
    /// When false, the player stops parsing after its first video frame and only counts bytes.
    private let parsesEveryMessage: Bool
    private var countsBytesOnly = false
    private var session = RTMPClientSessionStateMachine()
    private var reader = LightChunkReader()
    private var acknowledgements = AcknowledgementWindow()
    /// Its shard reads the socket directly (only counting bytes); what NIO still delivers is told to it.
    private var readDirectly = false
    private var needsFlush = false

    public init(url: RTMPURL, shard: PlayerShard, index: Int, parsesEveryMessage: Bool = true) {
        self.url = url
        self.shard = shard
        self.index = index
        self.parsesEveryMessage = parsesEveryMessage
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let received = event as? RTMPBytesReceivedEvent {
            if readDirectly {
                shard.directBytes(index, count: received.count)
            } else if let sequence = acknowledgements.receive(received.count) {
                acknowledge(sequence, context: context)
            }
            return
        }
        if event as? RTMPHandshakeEvent == .completed {
            execute(session.start(url: url, mode: .play), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !countsBytesOnly else {
            // Acknowledgements still go out: they count bytes (`userInboundEventTriggered`).
            shard.bytesArrived(index, at: shard.readInstant)
            return
        }
        var buffer = unwrapInboundIn(data)
        do {
            while !countsBytesOnly, let event = try reader.next(from: &buffer) {
                handle(event, context: context)
            }
        } catch {
            context.close(promise: nil)
        }
    }

    /// Pongs are flushed once per read batch.
    public func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    private func handle(_ event: LightChunkEvent, context: ChannelHandlerContext) {
        switch event {
        case .media(let head, let kind, let flags):
            shard.media(index, kind: kind, flags: flags, timestamp: head.timestamp, at: shard.readInstant)
            if kind == .video, !shard.isBatching(index), shard.players[index].firstVideoAt != nil {
                shard.startBatching(index, channel: context.channel)
                if !parsesEveryMessage {
                    countsBytesOnly = true
                    shard.countBytesOnly(index)
                    readDirectly = shard.readDirectly(
                        index, channel: context.channel, acknowledgements: acknowledgements)
                }
            }
        case .message(let message):
            switch message.type {
            case .amf0Command, .amf3Command:
                guard let command = try? RTMPCommand(message) else { return }
                execute(session.received(command), context: context)
            case .aggregate:
                // Split as RTMPControlHandler does; rare, so its copies do not matter.
                guard let subMessages = try? message.aggregateSubMessages() else { return }
                for sub in subMessages {
                    guard let kind: MediaKind = sub.type == .audio ? .audio : sub.type == .video ? .video : nil
                    else { continue }
                    let flags = MediaPacket.Flags.classify(kind: kind, payload: sub.payload)
                    shard.media(index, kind: kind, flags: flags, timestamp: sub.timestamp, at: shard.readInstant)
                }
            default:
                handleControl(message, context: context)
            }
        case .skipped:
            break
        }
    }

    private func handleControl(_ message: RTMPMessage, context: ChannelHandlerContext) {
        switch try? RTMPControlMessage(message) {
        case .windowAcknowledgementSize(let size):
            acknowledgements.size = size
            if let sequence = acknowledgements.due() { acknowledge(sequence, context: context) }
        case .userControl(.pingRequest(let timestamp)):
            let pong = RTMPControlMessage.userControl(.pingResponse(timestamp: timestamp)).message()
            context.write(wrapOutboundOut(.message(pong)), promise: nil)
            needsFlush = true
        default:
            break
        }
    }

    /// Sends an Acknowledgement, due each time a window's worth of bytes arrived (RTMP 1.0 §5.4.3).
    private func acknowledge(_ sequenceNumber: UInt32, context: ChannelHandlerContext) {
        let ack = RTMPControlMessage.acknowledgement(sequenceNumber: sequenceNumber)
        context.writeAndFlush(wrapOutboundOut(.message(ack.message())), promise: nil)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// NIO closed the socket: the shard must not read its descriptor again (the number may be reused).
    public func channelInactive(context: ChannelHandlerContext) {
        shard.stopBatching(index)
        context.fireChannelInactive()
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
