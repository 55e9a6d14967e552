import Live
import Logging
import Media
import NIOCore
import Sessions

/// One HTTP-FLV player: a consumer of a live stream that writes the shared FLV tags to its connection.
///
/// The tags arrive already framed for the response (`HTTPFLVFormat`) and are written from the HTTP
/// encoder's context, below it, so they cost no per-player work; runs of them that lie back to back in
/// the stream's pages go as one write per flush (`LiveWriteCoalescer`). A player that follows the stream
/// (`LiveFollower`) sends its share through its connection's `ClientTrafficHandler`, straight to the socket
/// when the server accepted the connection itself, as RTMP players do. Pacing is
/// `LivePlayerPacer`'s, as for RTMP players: direct writes while writable, a bounded queue cut to
/// keyframes otherwise, and a disconnect for a player that stays behind.
final class HTTPFLVPlayer: LiveFollower {
    /// Why a player asks its connection to end.
    enum Ending {
        /// The stream stayed without a publisher past the republish timeout: end the response cleanly.
        case noPublisher
        /// The player stayed behind: close at once.
        case tooSlow
    }

    let format: LiveFormat?
    private let context: ChannelHandlerContext
    /// Where shared bytes enter the pipeline: the HTTP response encoder's context, so they pass below it.
    private let mediaContext: ChannelHandlerContext
    private var pacer: LivePlayerPacer
    let mergedWritesSetting: LiveMergedWrites
    private var mergedWrites: LiveMergedWrites
    private var pendingRun = LiveWriteCoalescer()
    /// The channel's writability, kept from `channelWritabilityChanged` rather than asked per packet.
    private var isWritable: Bool
    /// The first handler of the pipeline: sends followed runs, and counts every byte into the client's traffic.
    private let socketHead: ClientTrafficHandler
    /// Reused by every follower flush: the runs of one send.
    private var runBuffers: [ByteBuffer] = []
    private let logger: Logger
    private let republishTimeout: TimeAmount
    private let onEnd: (Ending) -> Void
    private var needsFlush = false
    private var republishDeadline: Scheduled<Void>?
    private var isClosed = false
    /// Media messages written to the socket, for logs.
    private(set) var sentPackets = 0
    /// Bytes sent straight to the socket (logged when the player stops, so the direct path is seen working).
    var directBytes: Int { socketHead.directBytes }

    /// - Parameters:
    ///   - context: The context of the handler that owns the connection, for its event loop and writability.
    ///   - mediaContext: The HTTP response encoder's context; shared bytes are written from it.
    ///   - socketHead: The connection's first handler, which counts its bytes into the client's traffic.
    ///   - onEnd: Called once when the player wants its connection ended.
    init(
        context: ChannelHandlerContext, mediaContext: ChannelHandlerContext, format: LiveFormat, queueLength: Double,
        mergedWrites: LiveMergedWrites = .off, republishTimeout: TimeAmount, socketHead: ClientTrafficHandler, logger: Logger, onEnd: @escaping (Ending) -> Void
    ) {
        self.context = context
        self.mediaContext = mediaContext
        self.format = format
        self.pacer = LivePlayerPacer(queueLength: queueLength)
        self.mergedWritesSetting = mergedWrites
        self.mergedWrites = mergedWrites
        self.isWritable = context.channel.isWritable
        self.republishTimeout = republishTimeout
        self.socketHead = socketHead
        self.logger = logger
        self.onEnd = onEnd
    }

    var eventLoop: any EventLoop { context.eventLoop }

    /// Writes the first bytes of the body (the FLV header) and waits for the stream's first event.
    func start(header: ByteBuffer) {
        writeShared(header)
        // The publisher may have left between the request and the subscription: wait for it as after an unpublish.
        armRepublishDeadline()
        liveStreamDidFinishBatch()
    }

    func liveStream(didReceive event: LiveEvent) {
        guard !isClosed else { return }
        switch event {
        case .publishStarted:
            republishDeadline?.cancel()
            republishDeadline = nil
        case .unpublished:
            // The response stays open: a republish sends fresh headers, as RTMP players get them. What merged
            // writes held back is the end of the stream: it goes now.
            mergedWrites.flushSoon()
            armRepublishDeadline()
        case .media(let packet, let encoded):
            deliver(packet, encoded: encoded)
        }
    }

    func liveStreamDidFinishBatch() {
        guard !isClosed else { return }
        if needsFlush && mergedWrites.shouldFlush(isWritable: isWritable) {
            needsFlush = false
            writePendingRun()
            mediaContext.flush()
        }
    }

    var canFollow: Bool {
        !isClosed && isWritable && !needsFlush && pendingRun.isEmpty && format != nil && pacer.isSteady
    }

    func liveStreamFollowerFlush(_ runs: LiveFollowRuns, messages: Int) -> Bool {
        guard canFollow else { return false }
        runs.forEach { runBuffers.append($0) }
        socketHead.send(runBuffers)
        socketHead.flushSent()
        runBuffers.removeAll(keepingCapacity: true)
        sentPackets += messages
        return true
    }

    /// The socket crossed a watermark; when it drained below the low one, send what waited.
    func channelWritabilityChanged(isWritable: Bool) {
        self.isWritable = isWritable
        guard isWritable, !isClosed else { return }
        // Written one by one while the channel says it takes more, so the queue keeps what it cannot.
        writePendingRun()
        while context.channel.isWritable, let item = pacer.popFirst() {
            writeMedia(item.packet, encoded: item.bytes)
            writePendingRun()
        }
        mergedWrites.flushSoon()
        liveStreamDidFinishBatch()
    }

    /// Stops all writes and timers; the connection is being closed.
    func close() {
        isClosed = true
        // Whatever was held for the next flush still belongs before the end of the response.
        writePendingRun()
        republishDeadline?.cancel()
        republishDeadline = nil
    }

    private func armRepublishDeadline() {
        republishDeadline?.cancel()
        let player = NIOLoopBound(self, eventLoop: eventLoop)
        republishDeadline = eventLoop.scheduleTask(in: republishTimeout) {
            let player = player.value
            guard !player.isClosed else { return }
            player.end(.noPublisher)
        }
    }

    private func deliver(_ packet: MediaPacket, encoded: ByteBuffer?) {
        guard pacer.accepts(packet) else { return }
        let placement = pacer.place(packet, bytes: encoded, isWritable: isWritable)
        if case .write = placement {
            writeMedia(packet, encoded: encoded)
        } else if PlayerLagReporter.flvPlayer.report(placement, pacer: &pacer, logger: logger) {
            end(.tooSlow)
        }
    }

    private func end(_ ending: Ending) {
        guard !isClosed else { return }
        close()
        onEnd(ending)
    }

    private func writeMedia(_ packet: MediaPacket, encoded: ByteBuffer?) {
        sentPackets += 1
        mergedWrites.wroteMedia(timestamp: packet.timestamp)
        // Every subscriber of the format gets the stream's bytes; serializing here is only a fallback.
        let bytes = encoded ?? format?.serialize(packet) ?? HTTPFLVFormat.chunked.serialize(packet)
        needsFlush = true
        if let earlier = pendingRun.append(bytes) { mediaContext.write(NIOAny(earlier), promise: nil) }
    }

    private func writePendingRun() {
        if let run = pendingRun.take() { mediaContext.write(NIOAny(run), promise: nil) }
    }

    private func writeShared(_ bytes: ByteBuffer) {
        writePendingRun()
        needsFlush = true
        mediaContext.write(NIOAny(bytes), promise: nil)
    }
}
