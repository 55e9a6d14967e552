import Config
import Foundation
public import Live
public import Logging
import Media
import Metrics
public import NIOCore
import Remux

/// One stream's HLS output: a live consumer that remuxes to MPEG-TS, cuts segments and keeps the playlist.
///
/// Runs on the stream's event loop and never blocks it: bytes go to an `HLSFileWriter` in chunks of
/// `chunkSize`, which writes them on its own queue. The sink stays subscribed across republishes, so an
/// encoder reconnect continues the same playlist after a `#EXT-X-DISCONTINUITY`; `hls_dispose` after the
/// last publish ends it.
public final class HLSSink: LiveConsumer, @unchecked Sendable {
    public let eventLoop: any EventLoop
    public var format: LiveFormat? { nil }
    public let key: StreamKey
    public let paths: HLSPaths

    /// Told when the sink has disposed of its files and wants to be unsubscribed; on `eventLoop`.
    var onFinished: (@Sendable (HLSSink) -> Void)?
    /// Closes the publisher, for `hls_on_error disconnect`; on `eventLoop`.
    var onDisconnectRequest: (@Sendable () -> Void)?
    /// Whether the stream is in an adaptive ladder now (then segments are cut on the PTS grid); asked at
    /// each publish and, until it says yes, at each keyframe, since a rendition may start before its ladder
    /// is known.
    var ladderMembership: (@Sendable () -> Bool)?
    /// Told the output's state for the master playlist after each playlist is on disk; on the writer's queue.
    var onStatus: (@Sendable (HLSVariantStatus) -> Void)?

    private struct OpenSegment {
        var sequence: Int
        var temporaryPath: String
        var buffer: ByteBuffer
        var date: Date
        var discontinuity: Bool
        var written = 0
        var videoFrames = 0
        var firstVideoDTS: Int64?
        var lastVideoDTS: Int64 = 0
    }

    private enum Phase {
        case publishing
        /// Publisher gone; files kept for a republish until `hls_dispose`.
        case waiting
        /// The playlist is ended; files are about to be removed.
        case disposing
        case finished
    }

    static let chunkSize = 256 << 10
    /// After a write failure under `hls_on_error continue`, how long before HLS tries again.
    static let retryPause: TimeAmount = .seconds(3)
    /// While writes keep failing (a full disk), at most one error line per this interval; the rest are counted.
    static let failureLogInterval: TimeAmount = .seconds(60)

    private let configuration: HLSConfiguration
    private let writer: HLSFileWriter
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var remuxer: TSRemuxer
    private var segmenter: HLSSegmenter
    private var window: HLSWindow
    private var segment: OpenSegment?
    private var nextSequence: Int
    private var phase = Phase.waiting
    private var publishes = 0
    private var expectsVideo = false
    private var firstAudioDTS: Int64?
    private var nextDate: Date?
    private var pausedUntil: NIODeadline?
    private var disabledForPublish = false
    private var timer: Scheduled<Void>?
    private var remuxErrors = 0
    /// Write failures since the last segment that reached the disk; the first is logged, repeats are counted.
    private var failureStreak = 0
    /// Bumped by every failure, so a segment landing can tell whether a failure came after it was closed.
    private var failureEpoch = 0
    private var lastFailureLog: NIODeadline?
    /// The segment closed last, until the next closes: a write error about it can still arrive.
    private var lastClosed: (sequence: Int, temporaryPath: String)?
    private let observer: (any HLSObserver)?

    /// - Parameters:
    ///   - firstSequence: the sequence number of the first segment (continues an earlier playlist).
    init(
        key: StreamKey, paths: HLSPaths, configuration: HLSConfiguration, firstSequence: Int,
        writer: HLSFileWriter, eventLoop: any EventLoop, logger: Logger, observer: (any HLSObserver)? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.observer = observer
        self.key = key
        self.paths = paths
        self.configuration = configuration
        self.writer = writer
        self.eventLoop = eventLoop
        self.logger = logger
        self.now = now
        self.nextSequence = firstSequence
        self.remuxer = Self.makeRemuxer(configuration)
        let fragment = configuration.fragment.milliseconds
        self.segmenter = HLSSegmenter(
            settings: .init(fragment: fragment, aofRatio: configuration.aofRatio, waitKeyframe: configuration.waitKeyframe),
            hasVideo: false)
        self.window = HLSWindow(
            window: configuration.window.milliseconds,
            minimumTargetDuration: Int((Double(fragment) / 1000 * configuration.tdRatio).rounded(.up)))
    }

    /// The sequence number the next segment will get.
    var upcomingSequence: Int { nextSequence }

    // MARK: LiveConsumer

    public func liveStream(didReceive event: LiveEvent) {
        switch event {
        case .publishStarted: publishStarted()
        case .media(let packet, _): receive(packet)
        case .unpublished: unpublished()
        }
    }

    public func liveStreamDidFinishBatch() {}

    // MARK: Publish lifecycle

    private func publishStarted() {
        // Finished: the controller is unsubscribing this sink and a new one takes the stream.
        guard phase != .finished else { return }
        timer?.cancel()
        timer = nil
        if phase == .disposing {
            // The old playlist was ended (RFC 8216 §6.2.1: nothing follows an ENDLIST): start a new window,
            // numbering on, and remove the old segments now rather than never.
            writer.remove(window.allSegments.map(\.path))
            window = HLSWindow(window: window.window, minimumTargetDuration: window.minimumTargetDuration)
            reportStatus()
        }
        if publishes > 0 || phase == .disposing {
            segmenter.markDiscontinuity()
            nextDate = nil
        }
        publishes += 1
        phase = .publishing
        disabledForPublish = false
        pausedUntil = nil
        expectsVideo = false
        firstAudioDTS = nil
        remuxer = Self.makeRemuxer(configuration)
        segmenter.hasVideo = false
        segmenter.alignsToGrid = ladderMembership?() ?? false
    }

    private func unpublished() {
        guard phase == .publishing else { return }
        phase = .waiting
        closeSegment(duration: segmenter.close())
        let dispose = configuration.dispose.milliseconds
        guard dispose > 0 else { return }
        timer = eventLoop.scheduleTask(in: .milliseconds(dispose)) { [self] in endPlaylist() }
    }

    /// `hls_dispose` passed with no republish: end the playlist, then remove every file a little later,
    /// so players polling now read `#EXT-X-ENDLIST` instead of a 404.
    private func endPlaylist() {
        guard phase == .waiting else { return }
        phase = .disposing
        writer.writePlaylist(window.playlist(ended: true).render(), to: paths.playlist)
        logger.info("hls disposed", metadata: ["stream": "\(key)"])
        let linger = TimeAmount.seconds(Int64(window.targetDuration))
        timer = eventLoop.scheduleTask(in: linger) { [self] in removeFiles() }
    }

    private func removeFiles() {
        guard phase == .disposing else { return }
        phase = .finished
        writer.remove(window.allSegments.map(\.path) + [paths.playlist])
        onFinished?(self)
    }

    /// Closes the open segment and writes the playlist (graceful shutdown): nothing recorded is lost.
    func shutDown() {
        timer?.cancel()
        timer = nil
        if phase == .publishing {
            closeSegment(duration: segmenter.close())
        }
        phase = .finished
    }

    // MARK: Media

    private func receive(_ packet: MediaPacket) {
        guard phase == .publishing, !disabledForPublish else { return }
        switch packet.kind {
        case .data:
            if packet.flags.contains(.metadata) { noteMetadata(packet) }
            return
        case .audio, .video:
            break
        }
        if packet.isSequenceHeader {
            var unused = ByteBuffer()
            remux(packet, into: &unused)
            return
        }
        if let deadline = pausedUntil {
            guard NIODeadline.now() >= deadline else { return }
            pausedUntil = nil
        }
        updateTracks(packet)
        var frame = HLSSegmenter.Frame(
            track: packet.kind == .video ? .video : .audio, dts: packet.timestamp, isKeyframe: packet.isKeyframe)
        if packet.kind == .video, packet.isKeyframe {
            if !segmenter.alignsToGrid, let membership = ladderMembership, membership() { segmenter.alignsToGrid = true }
            // Only keyframes can cut, so only they need their presentation time.
            if segmenter.alignsToGrid { frame.pts = packet.presentationTime }
        }
        if packet.kind == .video, remuxer.excludesVideo { return }
        if packet.kind == .audio, remuxer.excludesAudio { return }
        switch segmenter.place(frame) {
        case .skip:
            return
        case .append:
            break
        case .open(let discontinuity):
            openSegment(discontinuity: discontinuity)
        case .cut(let duration, let discontinuity):
            closeSegment(duration: duration)
            // Closing can fail (the disk fell behind): then wait for the next keyframe after the pause.
            guard segmenter.isOpen, !disabledForPublish else { return }
            openSegment(discontinuity: discontinuity)
        case .closeAndSkip(let duration):
            closeSegment(duration: duration)
            return
        }
        guard segment != nil else { return }
        remux(packet, into: &segment!.buffer)
        // Frames at the DTS of the previous one (an end-of-sequence tag) are not pictures of their own.
        if packet.kind == .video, segment!.firstVideoDTS == nil || packet.timestamp > segment!.lastVideoDTS {
            segment!.videoFrames += 1
            if segment!.firstVideoDTS == nil { segment!.firstVideoDTS = packet.timestamp }
            segment!.lastVideoDTS = packet.timestamp
        }
        if segment!.buffer.readableBytes >= Self.chunkSize { sendChunk() }
    }

    /// ffmpeg and OBS announce their tracks in `onMetaData`: wait for the video header rather than cut an
    /// audio-only first segment, but not forever (a few seconds of audio without it means none is coming).
    private func noteMetadata(_ packet: MediaPacket) {
        var payload = packet.payload
        guard let values = try? payload.readAMF0Values() else { return }
        for case .ecmaArray(let properties) in values {
            if properties.contains(where: { $0.key == "videocodecid" || $0.key == "width" }) { expectsVideo = true }
        }
        for case .object(let properties) in values {
            if properties.contains(where: { $0.key == "videocodecid" || $0.key == "width" }) { expectsVideo = true }
        }
    }

    private func updateTracks(_ packet: MediaPacket) {
        let hasVideoTrack = remuxer.tracks.video != nil && !remuxer.excludesVideo
        var wantsVideo = hasVideoTrack
        if !hasVideoTrack, expectsVideo, !remuxer.excludesVideo {
            if packet.kind == .audio {
                let first = firstAudioDTS ?? packet.timestamp
                firstAudioDTS = first
                if packet.timestamp - first > 3_000 { expectsVideo = false }
            }
            wantsVideo = expectsVideo
        }
        if wantsVideo != segmenter.hasVideo {
            segmenter.hasVideo = wantsVideo
            if segmenter.isOpen { segmenter.markDiscontinuity() }
        }
    }

    private func remux(_ packet: MediaPacket, into buffer: inout ByteBuffer) {
        do {
            if case .configurationChanged = try remuxer.append(packet, into: &buffer), segmenter.isOpen {
                segmenter.markDiscontinuity()
            }
        } catch {
            remuxErrors += 1
            // One line for the first error and then one per hundred: a broken encoder must not flood the log.
            if remuxErrors % 100 == 1 {
                logger.warning("hls: dropped a frame it cannot remux: \(error)", metadata: ["stream": "\(key)"])
            }
        }
    }

    // MARK: Segments

    private func openSegment(discontinuity: Bool) {
        if let stale = segment {
            writer.abandonSegment(temporaryPath: stale.temporaryPath)
            nextSequence = stale.sequence
        }
        let date = nextDate ?? now()
        let sequence = nextSequence
        nextSequence += 1
        let temporaryPath = paths.segment(sequence: sequence, duration: nil, date: date) + ".tmp"
        var buffer = ByteBufferAllocator().buffer(capacity: Self.chunkSize + 4096)
        remuxer.writeProgramTables(into: &buffer)
        segment = OpenSegment(
            sequence: sequence, temporaryPath: temporaryPath, buffer: buffer, date: date,
            discontinuity: discontinuity)
        writer.openSegment(at: temporaryPath)
    }

    private func sendChunk() {
        guard var open = segment else { return }
        guard writer.canAccept else {
            // The writer's backlog bound (HLSFileWriter.backlogLimit) is hit: drop this segment rather than grow.
            Counter(label: Self.backlogDropsMetric).increment()
            fail(HLSWriteError(path: open.temporaryPath, reason: "the disk is too slow: \(writer.backlogBytes) bytes waiting"))
            return
        }
        writer.appendSegment(open.buffer, path: open.temporaryPath)
        open.written += open.buffer.readableBytes
        open.buffer = ByteBufferAllocator().buffer(capacity: Self.chunkSize + 4096)
        segment = open
    }

    private func closeSegment(duration: Int64?) {
        guard var open = segment, let duration else { return }
        remuxer.flush(into: &open.buffer)
        segment = open
        sendChunk()
        guard let sent = segment else { return }
        segment = nil
        let finalPath = paths.segment(sequence: open.sequence, duration: duration, date: open.date)
        writer.closeSegment(temporaryPath: open.temporaryPath, finalPath: finalPath)
        lastClosed = (open.sequence, open.temporaryPath)
        nextDate = open.date.addingTimeInterval(Double(duration) / 1000)
        let expired = window.append(
            HLSWindow.Segment(
                sequence: open.sequence, path: finalPath, uri: paths.uri(forSegment: finalPath), duration: duration,
                programDateTime: open.date, discontinuity: open.discontinuity, bytes: sent.written,
                videoFrames: sent.videoFrames, videoSpan: sent.lastVideoDTS - (sent.firstVideoDTS ?? sent.lastVideoDTS)))
        if configuration.cleanup { writer.remove(expired.map(\.path)) }
        writer.writePlaylist(window.playlist().render(), to: paths.playlist)
        reportStatus()
        announce(sequence: open.sequence, path: finalPath, duration: duration)
        if failureStreak > 0 { watchRecovery(sequence: open.sequence, path: finalPath) }
        logger.debug(
            "hls segment",
            metadata: ["stream": "\(key)", "seq": "\(open.sequence)", "duration": "\(duration)ms", "path": "\(finalPath)"])
    }

    /// Once the segment is renamed and the playlist listing it replaced (the writer runs in order):
    /// count it and tell the observer.
    private func announce(sequence: Int, path: String, duration: Int64) {
        let root = writer.root
        let record = HLSSegmentRecord(
            key: key, path: root + "/" + path, url: path, duration: .milliseconds(duration), sequence: sequence,
            playlistPath: root + "/" + paths.playlist, playlistURL: paths.playlist)
        let observer = self.observer
        writer.whenIdle {
            // MetricLabel.hlsSegmentsWritten (Sessions, which HLS does not depend on).
            Counter(label: "headwater_hls_segments_written_total").increment()
            observer?.hlsDidWriteSegment(record)
        }
    }

    /// Hands the output's state to the master playlist once the writes before it are done.
    private func reportStatus() {
        guard let onStatus else { return }
        let size = remuxer.videoSize
        let status = HLSVariantStatus(
            paths: paths, root: writer.root, listedSegments: window.segments.count, peakBitRate: window.peakBitRate,
            averageBitRate: window.averageBitRate, width: size?.width, height: size?.height, codecs: remuxer.codecs,
            frameRate: window.frameRate)
        writer.whenIdle { onStatus(status) }
    }

    // MARK: Failures

    /// A write failed (reported by the writer, hopped to this loop) or the disk fell behind.
    func fail(_ error: HLSWriteError) {
        eventLoop.preconditionInEventLoop()
        // Only the segment the error is about is dropped: an error about the playlist or a closed segment
        // arrives after the next segment opened, and that one is healthy.
        var dropped = false
        if let closed = lastClosed, error.path == closed.temporaryPath, window.removeNewest(sequence: closed.sequence) {
            // The newest listed segment never reached the disk: unlist it and drop the open one too, so numbers
            // stay dense from `closed`. A playlist listing it may have been written meanwhile (when the
            // playlist write did not fail too); the rewrite below replaces it.
            lastClosed = nil
            if let open = segment { writer.abandonSegment(temporaryPath: open.temporaryPath) }
            segment = nil
            segmenter.abandon()
            nextDate = nil
            nextSequence = closed.sequence
            writer.writePlaylist(window.playlist().render(), to: paths.playlist)
            dropped = true
        } else if let open = segment, error.path == open.temporaryPath {
            dropped = true
            writer.abandonSegment(temporaryPath: open.temporaryPath)
            segment = nil
            segmenter.abandon()
            nextDate = nil
            // The number was never published: reuse it, so media sequence numbers stay dense.
            nextSequence = open.sequence
        }
        guard phase == .publishing, !disabledForPublish else { return }
        Counter(label: Self.writeErrorsMetric).increment()
        failureEpoch += 1
        switch configuration.onError {
        case .continue:
            guard dropped else {
                // The open segment is fine (a playlist or an earlier segment failed): keep it going.
                logFailure("hls: \(error)")
                return
            }
            logFailure("hls: \(error); segment dropped, retrying every \(Self.retryPause.nanoseconds / 1_000_000_000) s")
            pausedUntil = .now() + Self.retryPause
        case .ignore:
            logger.error("hls: \(error); hls stops for this publish", metadata: ["stream": "\(key)"])
            disabledForPublish = true
        case .disconnect:
            logger.error("hls: \(error); disconnecting the publisher", metadata: ["stream": "\(key)"])
            disabledForPublish = true
            // Not inline: this runs inside the stream's delivery, and closing the publisher re-enters it.
            eventLoop.execute { [self] in onDisconnectRequest?() }
        }
    }

    /// One error line for the first failure of a streak and then at most one per ``failureLogInterval``
    /// (with the count in between), so a full disk is reported clearly but not once per retry.
    private func logFailure(_ message: String) {
        failureStreak += 1
        let now = NIODeadline.now()
        if failureStreak > 1, let last = lastFailureLog, now - last < Self.failureLogInterval { return }
        lastFailureLog = now
        var metadata: Logger.Metadata = ["stream": "\(key)"]
        if failureStreak > 1 { metadata["failures"] = "\(failureStreak)" }
        logger.error("\(message)", metadata: metadata)
    }

    /// After failures, a segment was closed: once the writer is through with it and no failure came in
    /// the meantime, writing works again; say so once.
    private func watchRecovery(sequence: Int, path: String) {
        let epoch = failureEpoch
        let loop = eventLoop
        writer.whenIdle { [self] in
            loop.execute { [self] in
                guard failureStreak > 0, failureEpoch == epoch else { return }
                logger.notice(
                    "hls: writing again after \(failureStreak) failed writes",
                    metadata: ["stream": "\(key)", "seq": "\(sequence)", "path": "\(path)"])
                failureStreak = 0
                lastFailureLog = nil
            }
        }
    }

    /// Counter: HLS segment, playlist and folder writes that failed (hls_on_error decides what follows).
    static let writeErrorsMetric = "headwater_hls_write_errors_total"
    /// Counter: HLS segments dropped because the writer's backlog bound was reached (the disk is too slow).
    static let backlogDropsMetric = "headwater_hls_backlog_drops_total"

    private static func makeRemuxer(_ configuration: HLSConfiguration) -> TSRemuxer {
        var remuxer = TSRemuxer()
        remuxer.excludesAudio = configuration.audioCodec == .an
        remuxer.excludesVideo = configuration.videoCodec == .vn
        return remuxer
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
