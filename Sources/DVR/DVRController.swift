public import Config
import Foundation
public import Live
public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix

/// Starts a ``DVRRecorder`` for each publish that its vhost's `dvr` block records, and stops them all
/// on shutdown with every file complete.
///
/// Register it with `StreamRegistry.addPublishObserver`. Each recorder lives on its stream's event
/// loop and writes through its own ordered queue on the shared thread pool.
public final class DVRController: LivePublishObserver, Sendable {
    private struct Entry: Sendable {
        let key: StreamKey
        let recorder: NIOLoopBound<DVRRecorder>
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 1
        var isShutDown = false
    }

    /// The complete recordings, per stream.
    public let catalog: DVRCatalog
    private let registry: StreamRegistry
    private let configuration: @Sendable (StreamKey) -> DVRConfiguration?
    private let observer: (any DVRObserver)?
    private let limits: DVRLimits
    private let logger: Logger
    private let backend: DVRSerialQueue.Backend
    private let wallClock: @Sendable () -> Date
    private let writeFault: (@Sendable (String) -> Int32?)?
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - registry: The registry the controller subscribes recorders with (and observes).
    ///   - threadPool: Where file writes run; it must outlive ``shutdown()``.
    ///   - catalog: Receives every complete recording.
    ///   - observer: Told of every complete recording (the `on_dvr` hook).
    ///   - limits: Batching, backlog and retry bounds.
    ///   - logger: The base logger; each recorder adds `stream.key`.
    ///   - configuration: The DVR settings of a stream's vhost, or `nil` when it has none; called on
    ///     each publish, so a reloaded configuration applies to the next publish.
    public convenience init(
        registry: StreamRegistry, threadPool: NIOThreadPool, catalog: DVRCatalog = DVRCatalog(),
        observer: (any DVRObserver)? = nil, limits: DVRLimits = DVRLimits(), logger: Logger,
        configuration: @escaping @Sendable (StreamKey) -> DVRConfiguration?
    ) {
        self.init(
            registry: registry, backend: .threadPool(threadPool), catalog: catalog, observer: observer,
            limits: limits, logger: logger, wallClock: { Date() }, writeFault: nil, configuration: configuration)
    }

    init(
        registry: StreamRegistry, backend: DVRSerialQueue.Backend, catalog: DVRCatalog, observer: (any DVRObserver)?,
        limits: DVRLimits, logger: Logger, wallClock: @escaping @Sendable () -> Date,
        writeFault: (@Sendable (String) -> Int32?)?,
        configuration: @escaping @Sendable (StreamKey) -> DVRConfiguration?
    ) {
        self.registry = registry
        self.backend = backend
        self.catalog = catalog
        self.observer = observer
        self.limits = limits
        self.logger = logger
        self.wallClock = wallClock
        self.writeFault = writeFault
        self.configuration = configuration
    }

    /// The streams being recorded now (including ones whose last file is being finished).
    public var recordingStreams: [StreamKey] {
        state.withLockedValue { $0.entries.values.map(\.key) }
    }

    public func liveStreamDidStartPublishing(_ stream: LiveStream) {
        let key = stream.key
        // A recorder of an earlier publish ends now, even if its `unpublished` is still on its way.
        let earlier = state.withLockedValue { $0.entries.values.filter { $0.key == key } }
        for entry in earlier { _ = Self.stop(entry.recorder) }

        guard let settings = configuration(key), settings.enabled,
            settings.apply.applies(app: key.app, stream: key.stream)
        else { return }
        let recorder = DVRRecorder(
            key: key, configuration: settings, eventLoop: stream.eventLoop, queue: DVRSerialQueue(backend: backend),
            limits: limits, catalog: catalog, observer: observer, logger: logger, wallClock: wallClock,
            writeFault: writeFault)
        let bound = NIOLoopBound(recorder, eventLoop: stream.eventLoop)
        let id: UInt64? = state.withLockedValue { state in
            guard !state.isShutDown else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(key: key, recorder: bound)
            return id
        }
        guard let id else { return }
        recorder.onEnd = { [weak self] in
            _ = self?.state.withLockedValue { $0.entries.removeValue(forKey: id) }
        }
        recorder.subscription = registry.subscribe(recorder, to: key, configuration: LiveStreamConfiguration())
        logger.info(
            "DVR recording",
            metadata: ["stream.key": "\(key)", "dvr.plan": "\(settings.plan)", "dvr.path": "\(settings.path)"])
    }

    /// Stops recording: every open file is finalized and renamed; new publishes are not recorded.
    /// - Parameter eventLoop: The loop of the returned future.
    /// - Returns: A future that completes when every file is complete on disk.
    public func shutdown(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let futures = beginShutdown().map(Self.stop)
        return EventLoopFuture.andAllComplete(futures, on: eventLoop)
    }

    /// Stops recording and waits until every open file is finalized and renamed.
    public func shutdown() async {
        // Every recorder starts finishing at once; then wait for each.
        let futures = beginShutdown().map(Self.stop)
        for future in futures {
            try? await future.get()
        }
    }

    private func beginShutdown() -> [NIOLoopBound<DVRRecorder>] {
        state.withLockedValue { state in
            state.isShutDown = true
            return state.entries.values.map(\.recorder)
        }
    }

    private static func stop(_ recorder: NIOLoopBound<DVRRecorder>) -> EventLoopFuture<Void> {
        // Inline when already on the loop, so the recorder records nothing of a newer publish.
        if recorder.eventLoop.inEventLoop { return recorder.value.stop() }
        return recorder.eventLoop.flatSubmit { recorder.value.stop() }
    }
}
