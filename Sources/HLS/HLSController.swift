public import Config
import Foundation
public import Live
public import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore

/// Starts an HLS sink for each stream that begins publishing on a vhost with `hls { enabled on; }`, and
/// keeps them until they dispose of their files or the server stops.
///
/// Sequence numbers continue across the sinks of one stream (and across restarts, from the playlist left
/// on disk), so a segment name is never reused for different media: segments are served as immutable.
///
/// Streams in an adaptive ladder cut segments on the shared PTS grid, and the source's output also keeps a
/// master playlist (`<playlist>_abr.m3u8`) listing the source, then each rendition with a segment.
public final class HLSController: LivePublishObserver, Sendable {
    private struct Entry {
        let sink: HLSSink
        let writer: HLSFileWriter
        /// The writer's way back to the sink; emptied when the sink ends, which breaks the reference cycle.
        let sinkBox: NIOLockedValueBox<HLSSink?>
        var subscription: LiveSubscription?
    }

    private struct State {
        var entries: [StreamKey: Entry] = [:]
        /// The next sequence number per stream whose sink has finished; bounded.
        var sequences: [StreamKey: Int] = [:]
        /// The ladders' variants and masters; holds only streams with an entry.
        var masters = HLSMasterBoard()
    }

    /// How many finished streams' sequence numbers are remembered.
    static let rememberedStreams = 10_000

    private let registry: StreamRegistry
    private let logger: Logger
    private let lookup: @Sendable (StreamKey) -> HLSConfiguration?
    private let state = NIOLockedValueBox(State())
    private let observer: (any HLSObserver)?
    private let ladder: @Sendable (StreamKey) -> HLSLadder?
    /// Bytes of one stream that may wait for the disk (`hls_max_backlog_bytes`).
    private let backlogLimit: Int
    /// The default of `backlogLimit`: 32 MiB.
    public static let defaultBacklogLimit = 32 << 20

    /// - Parameters:
    ///   - observer: told of every segment written and listed (the `on_hls` hook).
    ///   - ladder: The adaptive ladder a stream (source or rendition) belongs to now, or `nil`; asked often,
    ///     from any thread, so it must be cheap and must not call back into the controller.
    ///   - backlogLimit: Bytes of one stream's segments that may wait for the disk.
    ///   - configuration: The HLS settings for a stream's vhost now (reloads apply to new publishes).
    public init(
        registry: StreamRegistry, logger: Logger, observer: (any HLSObserver)? = nil,
        ladder: @escaping @Sendable (StreamKey) -> HLSLadder? = { _ in nil },
        backlogLimit: Int = HLSController.defaultBacklogLimit,
        configuration: @escaping @Sendable (StreamKey) -> HLSConfiguration?
    ) {
        self.backlogLimit = backlogLimit
        self.registry = registry
        self.logger = logger
        self.observer = observer
        self.ladder = ladder
        self.lookup = configuration
    }

    public func liveStreamDidStartPublishing(_ stream: LiveStream) {
        let key = stream.key
        guard let configuration = lookup(key), configuration.enabled else { return }
        // A sink still subscribed (within hls_dispose) sees the republish itself.
        guard state.withLockedValue({ $0.entries[key] == nil }) else { return }
        let paths: HLSPaths
        do {
            paths = try HLSPaths(key: key, configuration: configuration, now: Date())
        } catch {
            logger.error("hls disabled for this stream: \(error)", metadata: ["stream": "\(key)"])
            return
        }
        let remembered = state.withLockedValue { $0.sequences[key] }
        let firstSequence = remembered ?? Self.sequenceAfterPlaylist(at: configuration.path + "/" + paths.playlist)

        let loop = stream.eventLoop
        let sinkBox = NIOLockedValueBox<HLSSink?>(nil)
        let writer = HLSFileWriter(root: configuration.path, label: key.description, backlogLimit: backlogLimit) { error in
            guard let sink = sinkBox.withLockedValue({ $0 }) else { return }
            loop.execute { sink.fail(error) }
        }
        let sink = HLSSink(
            key: key, paths: paths, configuration: configuration, firstSequence: firstSequence, writer: writer,
            eventLoop: loop, logger: logger, observer: observer)
        sinkBox.withLockedValue { $0 = sink }
        sink.onFinished = { [weak self] sink in self?.finished(sink) }
        sink.onDisconnectRequest = { [weak stream] in stream?.disconnectPublisher() }
        let ladder = self.ladder
        sink.ladderMembership = { ladder(key) != nil }
        sink.onStatus = { [weak self, weak sink] status in
            guard let self, let sink else { return }
            self.report(status, from: sink)
        }
        state.withLockedValue { $0.entries[key] = Entry(sink: sink, writer: writer, sinkBox: sinkBox, subscription: nil) }
        let subscription = registry.subscribe(sink, to: key, configuration: LiveStreamConfiguration())
        state.withLockedValue { $0.entries[key]?.subscription = subscription }
        logger.info("hls started", metadata: ["stream": "\(key)", "playlist": "\(paths.playlist)"])
    }

    /// Closes every open segment, writes the playlists and waits for the files to be on disk.
    public func shutdown() async {
        let entries = state.withLockedValue { state in
            defer { state.entries.removeAll() }
            return Array(state.entries.values)
        }
        for entry in entries {
            try? await entry.sink.eventLoop.submit { entry.sink.shutDown() }.get()
            entry.subscription?.cancel()
            entry.sinkBox.withLockedValue { $0 = nil }
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                entry.writer.whenIdle { done.resume() }
            }
        }
    }

    /// The streams with an HLS output now.
    public var activeStreams: [StreamKey] {
        state.withLockedValue { Array($0.entries.keys) }
    }

    /// A sink's output changed: rewrite its ladder's master if its text changed.
    private func report(_ status: HLSVariantStatus, from sink: HLSSink) {
        let ladder = self.ladder(sink.key)
        state.withLockedValue { state in
            // A report that arrives after the sink finished must not bring its variant back.
            guard let entry = state.entries[sink.key], entry.sink === sink else { return }
            let change = state.masters.update(sink.key, status: status, ladder: ladder)
            // Submitted under the lock: two sinks' reports reach the source's writer in the board's order.
            if let change, let ladder { Self.apply(change, writer: state.entries[ladder.source]?.writer) }
        }
    }

    private static func apply(_ change: HLSMasterBoard.Change, writer: HLSFileWriter?) {
        guard let writer else { return }
        switch change {
        case .write(let path, let text): writer.writePlaylist(text, to: path)
        case .remove(let path): writer.remove([path])
        }
    }

    private func finished(_ sink: HLSSink) {
        let ladder = self.ladder(sink.key)
        let subscription = state.withLockedValue { state -> LiveSubscription? in
            guard let entry = state.entries[sink.key], entry.sink === sink else { return nil }
            // The source's master goes with its playlist; a rendition leaves its ladder's master.
            switch state.masters.update(sink.key, status: nil, ladder: ladder) {
            case .remove(let path)?: entry.writer.remove([path])
            case let change?: if let ladder { Self.apply(change, writer: state.entries[ladder.source]?.writer) }
            case nil: break
            }
            state.entries[sink.key] = nil
            if state.sequences.count >= Self.rememberedStreams, let any = state.sequences.keys.first {
                state.sequences[any] = nil
            }
            state.sequences[sink.key] = sink.upcomingSequence
            entry.sinkBox.withLockedValue { $0 = nil }
            return entry.subscription
        }
        subscription?.cancel()
    }

    /// The sequence number after the last segment of a playlist left by an earlier run, or 0.
    ///
    /// One small read when a stream is first published in this process; every later publish of the stream
    /// uses the number kept in memory.
    static func sequenceAfterPlaylist(at path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        var mediaSequence = 0
        var segments = 0
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") {
                mediaSequence = Int(line.dropFirst("#EXT-X-MEDIA-SEQUENCE:".count)) ?? 0
            } else if line.hasPrefix("#EXTINF:") {
                segments += 1
            }
        }
        return mediaSequence + segments
    }
}
