import Live
import Logging
import Media
import NIOCore
import RTMP
import Sessions

/// One RTMP player: a consumer of a live stream that writes to its connection.
///
/// Shared chunk bytes go to the socket while it is writable, runs of them that lie back to back in the
/// stream's pages as one write per flush (`LiveWriteCoalescer`); otherwise they wait in a bounded queue
/// that skips ahead to keyframes, and a player that stays behind is disconnected (`LivePlayerPacer`,
/// shared with HTTP-FLV players).
final class RTMPPlayer: LiveFollower {
    /// Cuts in a row without the queue draining, after which the player is disconnected.
    static let maximumCutsBeforeDisconnect = LivePlayerPacer.defaultMaximumCutsBeforeDisconnect

    let context: ChannelHandlerContext
    /// Where pre-chunked media enters the pipeline: below the chunk encoder, as a plain
    /// `ByteBuffer`, which NIO carries without boxing (an enum this size would allocate per write).
    private let mediaContext: ChannelHandlerContext?
    /// The traffic counter, first in the pipeline: a follower's flush sends through it, straight to the
    /// socket when it can, and it counts the bytes. Per flush that saves a pass through every handler in
    /// between (each a call and a retain) and, with a descriptor, NIO's write and flush: most of the cost
    /// of a write at `min_latency on`.
    private let socketHead: ClientTrafficHandler?
    /// A follower flush's runs, kept to reuse its storage.
    private var runBuffers: [ByteBuffer] = []
    let format: LiveFormat?
    private let streamID: UInt32
    /// The status messages it gets when its stream loses or regains a publisher (`nil`: none).
    private let notices: RTMPPlayNotices?
    private var pacer: LivePlayerPacer
    let mergedWritesSetting: LiveMergedWrites
    private var mergedWrites: LiveMergedWrites
    private var pendingRun = LiveWriteCoalescer()
    /// The channel's writability, kept from `channelWritabilityChanged` rather than asked per packet.
    private var isWritable: Bool
    private let logger: Logger
    private var needsFlush = false
    private var hasPublisher = false
    private var hasSeenPublisher = false
    private var deferredNotices: [RTMPMessage] = []
    private var isClosed = false
    /// Media messages written to the socket, for logs and stats.
    private(set) var sentPackets = 0
    /// Bytes sent straight to the socket rather than through NIO, for logs.
    var directBytes: Int { socketHead?.directBytes ?? 0 }

    init(
        context: ChannelHandlerContext, streamID: UInt32, chunkSize: Int, queueLength: Double,
        mergedWrites: LiveMergedWrites = .off, notices: RTMPPlayNotices?, logger: Logger
    ) {
        self.mergedWritesSetting = mergedWrites
        self.mergedWrites = mergedWrites
        self.context = context
        self.mediaContext = try? context.pipeline.syncOperations.context(handlerType: RTMPOutboundHandler.self)
        self.socketHead = try? context.pipeline.syncOperations.handler(type: ClientTrafficHandler.self)
        self.streamID = streamID
        self.notices = notices
        // Shared bytes need the canonical stream id; any other id gets per-connection encoding.
        self.format = streamID == RTMPMediaFormat.playStreamID ? RTMPMediaFormat.format(chunkSize: chunkSize) : nil
        self.pacer = LivePlayerPacer(queueLength: queueLength)
        self.isWritable = context.channel.isWritable
        self.logger = logger
    }

    var eventLoop: any EventLoop { context.eventLoop }

    func liveStream(didReceive event: LiveEvent) {
        guard !isClosed else { return }
        switch event {
        case .publishStarted:
            if hasPublisher { return }
            // The first publish a player sees needs no notice: Play.Start already went out.
            if hasSeenPublisher, let notices { writeNotice(notices.publish) }
            hasPublisher = true
            hasSeenPublisher = true
        case .unpublished:
            hasPublisher = false
            if let notices { writeNotice(notices.unpublish) }
        case .media(let packet, let encoded):
            deliver(packet, encoded: encoded)
        }
    }

    func liveStreamDidFinishBatch() {
        guard needsFlush, !isClosed, mergedWrites.shouldFlush(isWritable: isWritable) else { return }
        needsFlush = false
        writePendingRun()
        context.flush()
    }

    var canFollow: Bool {
        !isClosed && isWritable && !needsFlush && pendingRun.isEmpty && mediaContext != nil && format != nil
            && deferredNotices.isEmpty && pacer.isSteady
    }

    func liveStreamFollowerFlush(_ runs: LiveFollowRuns, messages: Int) -> Bool {
        guard canFollow, let mediaContext else { return false }
        sentPackets += messages
        if let socketHead {
            runs.forEach { runBuffers.append($0) }
            socketHead.send(runBuffers)
            socketHead.flushSent()
            runBuffers.removeAll(keepingCapacity: true)
        } else {
            runs.forEach { mediaContext.write(NIOAny($0), promise: nil) }
            context.flush()
        }
        return true
    }

    func setPaused(_ paused: Bool) {
        pacer.setPaused(paused)
    }

    func close() {
        isClosed = true
        _ = pendingRun.take()
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
        if pacer.isQueueEmpty && !deferredNotices.isEmpty {
            write(deferredNotices)
            deferredNotices.removeAll()
        }
        mergedWrites.flushSoon()
        liveStreamDidFinishBatch()
    }

    /// A status notice goes after the media already queued: ffmpeg stops at UnpublishNotify, so
    /// sending it ahead of a lagging player's backlog would cut off the end of the stream.
    private func writeNotice(_ messages: [RTMPMessage]) {
        if pacer.isQueueEmpty && deferredNotices.isEmpty {
            write(messages)
        } else {
            deferredNotices += messages
        }
    }

    private func deliver(_ packet: MediaPacket, encoded: ByteBuffer?) {
        guard pacer.accepts(packet) else { return }
        if pacer.isQueueEmpty && !deferredNotices.isEmpty && isWritable {
            write(deferredNotices)
            deferredNotices.removeAll()
        }
        let placement = pacer.place(packet, bytes: encoded, isWritable: isWritable)
        if case .write = placement {
            writeMedia(packet, encoded: encoded)
        } else if PlayerLagReporter.rtmpPlayer.report(placement, pacer: &pacer, logger: logger) {
            isClosed = true
            context.close(promise: nil)
        }
    }

    private func writeMedia(_ packet: MediaPacket, encoded: ByteBuffer?) {
        sentPackets += 1
        needsFlush = true
        mergedWrites.wroteMedia(timestamp: packet.timestamp)
        if let encoded, let mediaContext {
            if let earlier = pendingRun.append(encoded) { mediaContext.write(NIOAny(earlier), promise: nil) }
            return
        }
        writePendingRun()
        if let encoded {
            context.write(NIOAny(RTMPOutbound.chunks(encoded)), promise: nil)
        } else {
            context.write(NIOAny(RTMPOutbound.message(RTMPMediaFormat.message(for: packet, streamID: streamID))), promise: nil)
        }
    }

    /// Runs only ever hold shared bytes written from `mediaContext`.
    private func writePendingRun() {
        if let run = pendingRun.take(), let mediaContext { mediaContext.write(NIOAny(run), promise: nil) }
    }

    private func write(_ messages: [RTMPMessage]) {
        writePendingRun()
        for message in messages {
            context.write(NIOAny(RTMPOutbound.message(message)), promise: nil)
        }
        needsFlush = true
        mergedWrites.flushSoon()
    }
}
