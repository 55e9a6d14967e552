import Config
import Foundation
import Live
import Logging
import Media
import Metrics
import NIOCore

/// Records one publish of a live stream into FLV files: a consumer on the stream's event loop that
/// lays out tags with an ``FLVFileWriter``, cuts files per its ``DVRSegmenter`` and hands batches of
/// whole tags to its ``DVRFileSink``, which writes them off the loop.
///
/// Loop work per packet is a tag header and one copy of the payload into the batch. Batches leave
/// every ``DVRLimits/batchBytes`` or ``DVRLimits/batchInterval``; the bytes queued for the writer are
/// bounded, and past the bound media is dropped until the next keyframe. A file error stops recording
/// for ``DVRLimits/retryPause`` and the next file starts at a keyframe; the live stream never notices.
final class DVRRecorder: LiveConsumer {
    private enum Phase {
        /// Subscribed, waiting for the publish to be announced.
        case waiting
        case live
        /// Stopped: the last file is finished or being finished.
        case ended
    }

    let eventLoop: any EventLoop
    var format: LiveFormat? { nil }
    let key: StreamKey
    /// Set by whoever subscribed the recorder; cancelled when recording ends.
    var subscription: LiveSubscription?
    /// Called once every file is on disk after the recorder ended.
    var onEnd: (() -> Void)?

    private let template: PathTemplate
    private let root: String
    private let limits: DVRLimits
    private let catalog: DVRCatalog
    private let observer: (any DVRObserver)?
    private let wallClock: @Sendable () -> Date
    private var logger: Logger
    /// Released when recording ends, which breaks the recorder-sink reference cycle.
    private var sink: DVRFileSink?

    private var phase = Phase.waiting
    private var segmenter: DVRSegmenter
    private var timeline: DVRTimeline
    private var publisherMetadata: [AMF0Property] = []
    private var videoHeader: MediaPacket?
    private var audioHeader: MediaPacket?
    private var hasAudio = false

    /// The open file; `nil` between files and while paused after an error.
    private var writer: FLVFileWriter?
    private var fileID = 0
    private var pending: ByteBuffer
    private var pendingLastTimestamp: Int64 = 0
    /// Bytes handed to the sink and not yet drained.
    private var inFlight = 0
    private var flushTask: Scheduled<Void>?
    private var isDroppingForBacklog = false
    private var retryAfter: NIODeadline?
    private var isDisabled = false
    private var lastErrorLog: NIODeadline?
    private var suppressedErrors = 0
    /// File errors since recording last worked; reset once it clearly works again (see `noteWritten`).
    private var failureStreak = 0
    /// Bytes on disk since the last file error: a retry's few header bytes fitting is not a recovery yet.
    private var bytesSinceFailure = 0
    private var currentPath = ""
    private var lastDropLog: NIODeadline?
    private var nextBarrier = 0
    private var barriers: [Int: EventLoopPromise<Void>] = [:]
    private var ended: EventLoopFuture<Void>?

    /// Media packets not recorded because the writer was behind.
    private(set) var droppedPackets = 0
    /// Files started, including ones that failed.
    private(set) var filesStarted = 0

    /// Must be called on `eventLoop`.
    init(
        key: StreamKey, configuration: DVRConfiguration, eventLoop: any EventLoop, queue: DVRSerialQueue,
        limits: DVRLimits, catalog: DVRCatalog, observer: (any DVRObserver)?, logger: Logger,
        wallClock: @escaping @Sendable () -> Date, writeFault: (@Sendable (String) -> Int32?)? = nil
    ) {
        self.key = key
        self.eventLoop = eventLoop
        self.template = DVRPathRule.template(for: configuration.path)
        self.root = DVRPathRule.root(of: template)
        self.limits = limits
        self.catalog = catalog
        self.observer = observer
        self.wallClock = wallClock
        self.logger = logger
        self.logger[metadataKey: "stream.key"] = "\(key)"
        self.segmenter = DVRSegmenter(
            plan: configuration.plan, duration: configuration.duration, waitKeyframe: configuration.waitKeyframe)
        self.timeline = DVRTimeline(mode: configuration.timeJitter)
        self.pending = ByteBufferAllocator().buffer(capacity: limits.batchBytes)
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        self.sink = DVRFileSink(queue: queue, copyChunkSize: limits.copyChunkBytes, writeFault: writeFault) { report in
            // Always a later loop turn, never re-entrant, even when the sink runs inline.
            bound.eventLoop.execute { bound.value.sinkDidReport(report) }
        }
    }

    // MARK: LiveConsumer

    func liveStream(didReceive event: LiveEvent) {
        switch event {
        case .publishStarted:
            if phase == .waiting { phase = .live }
        case .unpublished:
            if phase != .ended { _ = stop() }
        case .media(let packet, _):
            guard phase == .live, !isDisabled else { return }
            receive(packet)
        }
    }

    func liveStreamDidFinishBatch() {}

    /// Finishes the open file and stops recording.
    /// - Returns: A future that completes when every file of this recorder is complete on disk.
    func stop() -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        if let ended { return ended }
        phase = .ended
        subscription?.cancel()
        subscription = nil
        closeFile()
        let done = barrier()
        ended = done
        done.assumeIsolated().whenComplete { _ in
            self.sink = nil
            self.onEnd?()
            self.onEnd = nil
        }
        return done
    }

    // MARK: Packets

    private func receive(_ packet: MediaPacket) {
        if packet.flags.contains(.metadata) {
            if let properties = Self.metadataProperties(packet.payload) { publisherMetadata = properties }
            return
        }
        if packet.isSequenceHeader {
            if packet.kind == .video {
                videoHeader = packet
                segmenter.hasVideo = true
            } else {
                audioHeader = packet
                hasAudio = true
            }
            // A new configuration mid-file (a resolution change) must reach the file in order.
            if writer != nil { append(packet) }
            return
        }
        switch packet.kind {
        case .video: segmenter.hasVideo = true
        case .audio: hasAudio = true
        case .data: return  // other script data (cue points, text) is not recorded
        }
        if let retryAfter {
            guard eventLoop.now >= retryAfter else { return }
            self.retryAfter = nil
        }
        guard admitToBacklog(packet) else { return }
        switch segmenter.decide(packet) {
        case .skip:
            return
        case .start:
            guard openFile(startingAt: packet) else { return }
        case .cut:
            closeFile()
            guard openFile(startingAt: packet) else { return }
        case .append:
            break
        }
        append(packet)
    }

    /// Whether the writer keeps up: past the backlog bound, drop until a keyframe finds room again.
    private func admitToBacklog(_ packet: MediaPacket) -> Bool {
        let backlog = inFlight + pending.readableBytes
        if isDroppingForBacklog {
            guard segmenter.canStartFile(packet), backlog <= limits.maximumBacklogBytes / 2 else {
                droppedPackets += 1
                return false
            }
            isDroppingForBacklog = false
        }
        guard backlog + packet.payload.readableBytes <= limits.maximumBacklogBytes else {
            isDroppingForBacklog = true
            droppedPackets += 1
            Counter(label: Self.backlogDropsMetric).increment()
            let now = eventLoop.now
            if lastDropLog.map({ now - $0 >= limits.errorLogInterval }) ?? true {
                lastDropLog = now
                logger.warning(
                    "DVR writer behind, dropping until the next keyframe",
                    metadata: ["dvr.backlog.bytes": "\(backlog)", "dvr.dropped": "\(droppedPackets)"])
            }
            return false
        }
        return true
    }

    private func append(_ packet: MediaPacket) {
        guard writer != nil else { return }
        var filePacket = packet
        filePacket.timestamp = timeline.fileTimestamp(packet.timestamp, kind: packet.kind)
        writer!.write(filePacket, into: &pending)
        pendingLastTimestamp = max(pendingLastTimestamp, filePacket.timestamp)
        if pending.readableBytes >= limits.batchBytes {
            submitPending()
        } else if flushTask == nil {
            flushTask = eventLoop.assumeIsolated().scheduleTask(in: limits.batchInterval) {
                self.flushTask = nil
                self.submitPending()
            }
        }
    }

    // MARK: Files

    private func openFile(startingAt packet: MediaPacket) -> Bool {
        guard let sink else { return false }
        let date = wallClock()
        let values = PathTemplate.Values(
            vhost: key.vhost, app: key.app, stream: key.stream, sequence: filesStarted, date: date)
        let path: String
        do {
            path = try template.expand(values)
        } catch {
            // A name that would leave the DVR folder stays refused: no retry.
            logger.error("DVR disabled for this stream", metadata: ["error": "\(DVRError.unsafePath("\(error)"))"])
            isDisabled = true
            segmenter.closeFile()
            return false
        }
        filesStarted += 1
        fileID += 1
        timeline.startFile(at: packet.timestamp)
        pendingLastTimestamp = 0
        currentPath = path
        sink.open(DVRFileRequest(id: fileID, path: path, root: root, key: key, startDate: date))
        var writer = FLVFileWriter(
            hasVideo: segmenter.hasVideo, hasAudio: hasAudio, publisherMetadata: publisherMetadata,
            maximumIndexedKeyframes: limits.maximumIndexedKeyframes)
        writer.writeStart(sequenceHeaders: [videoHeader, audioHeader].compactMap { $0 }, into: &pending)
        self.writer = writer
        // On disk at once: from now on a crash leaves a file that plays, however short.
        submitPending()
        logger.debug("DVR file started", metadata: ["dvr.path": "\(path)"])
        return true
    }

    private func closeFile() {
        guard let writer else { return }
        submitPending()
        sink?.finish(fileID: fileID, writer: writer)
        self.writer = nil
    }

    private func submitPending() {
        flushTask?.cancel()
        flushTask = nil
        guard pending.readableBytes > 0, let sink else { return }
        let batch = pending
        pending = ByteBufferAllocator().buffer(capacity: limits.batchBytes)
        inFlight += batch.readableBytes
        sink.append(batch, fileID: fileID, lastTimestamp: pendingLastTimestamp)
    }

    private func barrier() -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        guard let sink else {
            promise.succeed()
            return promise.futureResult
        }
        nextBarrier += 1
        barriers[nextBarrier] = promise
        sink.barrier(token: nextBarrier)
        return promise.futureResult
    }

    // MARK: Sink reports

    private func sinkDidReport(_ report: DVRSinkReport) {
        switch report {
        case .drained(let bytes):
            inFlight -= bytes
            // A failed write reports `.failed` before its `.drained`, which closed the writer: an open writer
            // here means the batch is on disk.
            if writer != nil { noteWritten(bytes, fileComplete: false) }
        case .failed(let id, let error, let salvaged):
            if let salvaged { publish(salvaged) }
            fileFailed(id, error)
        case .finished(_, let recording):
            publish(recording)
            noteWritten(0, fileComplete: true)
        case .idle(let token):
            barriers.removeValue(forKey: token)?.succeed()
        }
    }

    private func publish(_ recording: DVRRecording) {
        logger.info(
            "DVR file complete",
            metadata: [
                "dvr.path": "\(recording.path)", "dvr.bytes": "\(recording.size)",
                "dvr.duration": "\(recording.duration)", "dvr.indexed": "\(recording.isIndexed)",
            ])
        catalog.add(recording)
        observer?.dvrDidFinishRecording(recording)
    }

    /// After errors, recording counts as working again once a batch's worth of bytes or a whole file is on
    /// disk: then one line says so and the next error is logged at once.
    private func noteWritten(_ bytes: Int, fileComplete: Bool) {
        guard failureStreak > 0 else { return }
        bytesSinceFailure += bytes
        guard fileComplete || bytesSinceFailure >= limits.batchBytes else { return }
        logger.notice(
            "DVR recording again after \(failureStreak) failed attempts", metadata: ["dvr.path": "\(currentPath)"])
        failureStreak = 0
        bytesSinceFailure = 0
        lastErrorLog = nil
        suppressedErrors = 0
    }

    private func fileFailed(_ id: Int, _ error: DVRError) {
        let now = eventLoop.now
        Counter(label: Self.writeErrorsMetric).increment()
        failureStreak += 1
        bytesSinceFailure = 0
        if let last = lastErrorLog, now - last < limits.errorLogInterval {
            suppressedErrors += 1
        } else {
            lastErrorLog = now
            logger.error(
                "DVR recording interrupted, retrying at a keyframe after a pause",
                metadata: [
                    "error": "\(error)", "dvr.retry.ms": "\(limits.retryPause.nanoseconds / 1_000_000)",
                    "dvr.errors.suppressed": "\(suppressedErrors)",
                ])
            suppressedErrors = 0
        }
        // Only the open file stops recording; a failure while finishing an older one is just logged.
        guard id == fileID, writer != nil else { return }
        writer = nil
        pending.clear()
        flushTask?.cancel()
        flushTask = nil
        segmenter.closeFile()
        if phase == .live { retryAfter = now + limits.retryPause }
    }

    /// Counter: DVR file creations, writes and finalizations that failed.
    static let writeErrorsMetric = "headwater_dvr_write_errors_total"
    /// Counter: media packets not recorded because the writer's backlog bound was reached.
    static let backlogDropsMetric = "headwater_dvr_backlog_drops_total"

    /// The entries of an `onMetaData` payload (`"onMetaData"` then an object or ECMA array).
    static func metadataProperties(_ payload: ByteBuffer) -> [AMF0Property]? {
        var body = payload
        guard let values = try? body.readAMF0Values() else { return nil }
        return values.last { $0.properties != nil }?.properties
    }
}

@available(*, unavailable)
extension DVRRecorder: Sendable {}
