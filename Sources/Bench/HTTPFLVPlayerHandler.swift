import Media
public import NIOCore
public import NIOHTTP1

/// One HTTP-FLV player: GET, then the body (de-chunked by NIOHTTP1) is scanned tag by tag without
/// copying bodies; media is recorded in the shard as for RTMP players, with batched reads. A player
/// that does not parse every message stops at its first video frame and then only counts bytes (read
/// by its shard directly; those counts include any chunked-encoding framing).
public final class HTTPFLVPlayerHandler: ChannelInboundHandler {
    public typealias InboundIn = HTTPClientResponsePart
    public typealias OutboundOut = HTTPClientRequestPart

    /// Bound on buffered, not yet parsed body bytes (one large tag plus slack).
    public static let maximumPendingBytes = 16 << 20

    private let host: String
    private let path: String
    private let shard: PlayerShard
    private let index: Int
    private let parsesEveryMessage: Bool
    private var countsBytesOnly = false
    private var pending = ByteBuffer()
    private var sawHeader = false

    public init(host: String, path: String, shard: PlayerShard, index: Int, parsesEveryMessage: Bool = true) {
        self.host = host
        self.path = path
        self.shard = shard
        self.index = index
        self.parsesEveryMessage = parsesEveryMessage
    }

    public func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "User-Agent", value: "headwater-bench")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status == .ok else {
                context.close(promise: nil)
                return
            }
            shard.update(index) { $0.startedPlaying() }
        case .body(var body):
            shard.update(index) { $0.received(bytes: body.readableBytes) }
            guard !countsBytesOnly else {
                shard.bytesArrived(index, at: .now())
                return
            }
            pending.writeBuffer(&body)
            do {
                try scan(context: context)
            } catch {
                context.close(promise: nil)
            }
        case .end:
            context.close(promise: nil)
        }
    }

    private func scan(context: ChannelHandlerContext) throws {
        if !sawHeader {
            guard try pending.readFLVHeader() != nil else { return }
            sawHeader = true
        }
        let now = NIODeadline.now()
        while let tag = try pending.readFLVTag(maximumDataSize: FLVTag.maximumDataSize) {
            guard tag.kind != .data else { continue }
            let flags = MediaPacket.Flags.classify(kind: tag.kind, payload: tag.data)
            shard.media(index, kind: tag.kind, flags: flags, timestamp: tag.timestamp, at: now)
        }
        if !shard.isBatching(index), shard.players[index].firstVideoAt != nil {
            shard.startBatching(index, channel: context.channel)
            if !parsesEveryMessage {
                countsBytesOnly = true
                shard.countBytesOnly(index)
                pending = ByteBuffer()
                shard.readDirectly(index, channel: context.channel, acknowledgements: nil)
                return
            }
        }
        if pending.readerIndex > 1 << 16 { pending.discardReadBytes() }
        if pending.readableBytes > Self.maximumPendingBytes { context.close(promise: nil) }
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
}

@available(*, unavailable)
extension HTTPFLVPlayerHandler: Sendable {}
