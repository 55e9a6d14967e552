import Media
public import NIOCore
public import NIOHTTP1

/// One HLS client on one keep-alive connection, as a player behaves: fetch the playlist, fetch
/// the segments not fetched yet in order, poll the playlist again every half target duration.
/// Each fetched segment is recorded as one keyframe-flagged "frame" (so `frames_received_*` counts
/// segments), TTFF is the end of the first segment, and a stall is no new segment for three target
/// durations.
public final class HLSPlayerHandler: ChannelInboundHandler {
    public typealias InboundIn = HTTPClientResponsePart
    public typealias OutboundOut = HTTPClientRequestPart

    /// Bound on a playlist body.
    public static let maximumPlaylistBytes = 1 << 20
    /// Segments fetched per poll at most (a player joins near the live edge, not at the window's start).
    public static let maximumSegmentsPerPoll = 3

    private enum Request {
        case playlist
        case segment(Int)
    }

    private let host: String
    private let playlistPath: String
    private let shard: PlayerShard
    private let index: Int
    private var queue: [(Request, String)] = []
    private var inFlight: Request?
    private var status: HTTPResponseStatus = .ok
    private var playlistBody = ByteBuffer()
    private var lastSequence: Int?
    private var lastNewSegmentAt: NIODeadline?
    private var targetDuration = HLSPlaylist.defaultTargetDuration
    private var poll: Scheduled<Void>?

    public init(host: String, playlistPath: String, shard: PlayerShard, index: Int) {
        self.host = host
        self.playlistPath = playlistPath
        self.shard = shard
        self.index = index
    }

    public func channelActive(context: ChannelHandlerContext) {
        queue.append((.playlist, playlistPath))
        sendNext(context: context)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            playlistBody.clear()
        case .body(var body):
            shard.update(index) { $0.received(bytes: body.readableBytes) }
            if case .playlist? = inFlight, playlistBody.readableBytes + body.readableBytes <= Self.maximumPlaylistBytes {
                playlistBody.writeBuffer(&body)
            }
        case .end:
            let request = inFlight
            inFlight = nil
            switch request {
            case .playlist?: playlistArrived(context: context)
            case .segment(let sequence)?: segmentArrived(sequence, context: context)
            case nil: break
            }
            sendNext(context: context)
        }
    }

    private func playlistArrived(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        guard status == .ok, let playlist = HLSPlaylist(Substring(String(buffer: playlistBody))) else {
            schedulePoll(context: context)
            return
        }
        shard.update(index) { $0.startedPlaying() }
        targetDuration = playlist.targetDuration
        let last = lastSequence ?? Int.min
        var fresh = playlist.segments.filter { $0.sequence > last }
        if lastSequence == nil { fresh = Array(fresh.suffix(Self.maximumSegmentsPerPoll)) }
        for segment in fresh.prefix(Self.maximumSegmentsPerPoll) {
            queue.append((.segment(segment.sequence), HLSPlaylist.path(of: segment.uri, relativeTo: playlistPath)))
        }
        if let newest = fresh.last { lastSequence = newest.sequence }
        let since = lastNewSegmentAt ?? shard.players[index].startedAt
        if fresh.isEmpty, now - since > .seconds(Int64(3 * targetDuration)) {
            shard.update(index) { $0.markStalled() }
        }
        schedulePoll(context: context)
    }

    private func segmentArrived(_ sequence: Int, context: ChannelHandlerContext) {
        guard status == .ok else { return }
        let now = NIODeadline.now()
        lastNewSegmentAt = now
        shard.media(index, kind: .video, flags: .keyframe, timestamp: UInt32(truncatingIfNeeded: sequence), at: now)
    }

    /// Until the first segment is known a player retries the playlist quickly, not per target duration.
    static let startRetry: TimeAmount = .milliseconds(500)

    private func schedulePoll(context: ChannelHandlerContext) {
        guard poll == nil else { return }
        let delay = lastSequence == nil ? Self.startRetry : TimeAmount.milliseconds(Int64(targetDuration) * 500)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        poll = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.poll = nil
            handler.queue.append((.playlist, handler.playlistPath))
            handler.sendNext(context: context)
        }
    }

    private func sendNext(context: ChannelHandlerContext) {
        guard inFlight == nil, !queue.isEmpty else { return }
        let (request, path) = queue.removeFirst()
        inFlight = request
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "User-Agent", value: "headwater-bench")
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        poll?.cancel()
        poll = nil
        shard.update(index) { $0.ended(at: .now()) }
    }
}

@available(*, unavailable)
extension HLSPlayerHandler: Sendable {}
