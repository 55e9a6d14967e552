public import Config
public import Live
public import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One rendition of a source in an adaptive ladder, as configured (kbps, pixels).
public struct TranscodeRendition: Sendable, Hashable {
    public var key: StreamKey
    public var engine: String
    public var videoBitrate: Int?
    public var audioBitrate: Int?
    public var width: Int?
    public var height: Int?

    public init(
        key: StreamKey, engine: String, videoBitrate: Int? = nil, audioBitrate: Int? = nil, width: Int? = nil,
        height: Int? = nil
    ) {
        self.key = key
        self.engine = engine
        self.videoBitrate = videoBitrate
        self.audioBitrate = audioBitrate
        self.width = width
        self.height = height
    }
}

/// A source stream and the local renditions its engines publish (for an HLS master playlist).
public struct TranscodeLadder: Sendable, Hashable {
    public var source: StreamKey
    public var renditions: [TranscodeRendition]

    public init(source: StreamKey, renditions: [TranscodeRendition]) {
        self.source = source
        self.renditions = renditions
    }
}

/// Starts the engines of every `transcode` block that applies to a published stream (SRS `transcode`),
/// each in-process on its own thread, and stops them with the publish. Register it with
/// `StreamRegistry.addPublishObserver`. A stream that is one of its own outputs is never transcoded.
public final class TranscodeController: LivePublishObserver, Sendable {
    /// How long `shutdown()` waits for the engines' threads.
    static let shutdownTimeout = TimeAmount.seconds(5)

    private struct Running {
        let engine: TranscodeEngine
        let consumer: NIOLoopBound<TranscodeEngineConsumer>
        let eventLoop: any EventLoop
    }

    private struct State {
        var running: [UInt64: Running] = [:]
        /// Rendition key → source key, for the engines running now.
        var renditions: [StreamKey: StreamKey] = [:]
        var nextID: UInt64 = 1
        var isShutDown = false
    }

    private let registry: StreamRegistry
    private let outputs: any TranscodeOutputs
    private let logger: Logger
    private let vhost: @Sendable (String) -> VhostConfiguration
    private let rtmpPort: @Sendable () -> Int
    private let state = NIOLockedValueBox(State())

    public init(
        registry: StreamRegistry, outputs: any TranscodeOutputs, logger: Logger,
        vhost: @escaping @Sendable (String) -> VhostConfiguration, rtmpPort: @escaping @Sendable () -> Int
    ) {
        self.registry = registry
        self.outputs = outputs
        self.logger = logger
        self.vhost = vhost
        self.rtmpPort = rtmpPort
    }

    /// Called on the stream's loop before any media of the publish.
    public func liveStreamDidStartPublishing(_ stream: LiveStream) {
        let key = stream.key
        // Engines of an earlier publish of this stream end now, even if its `unpublished` is still on its way.
        let earlier = state.withLockedValue { state in
            state.running.filter { $0.value.engine.sourceKey == key }.map(\.value)
        }
        for running in earlier { Self.stop(running) }
        if state.withLockedValue({ $0.renditions[key] != nil }) { return }

        for (engine, url) in engines(for: key) {
            let outputKey = outputs.localKey(for: url)
            if outputKey == key { continue }
            let transcode = TranscodeEngine(
                configuration: engine, sourceKey: key, outputURL: url, outputKey: outputKey, outputs: outputs,
                logger: logger)
            let consumer = TranscodeEngineConsumer(engine: transcode, eventLoop: stream.eventLoop)
            let running = Running(
                engine: transcode, consumer: NIOLoopBound(consumer, eventLoop: stream.eventLoop),
                eventLoop: stream.eventLoop)
            let id: UInt64? = state.withLockedValue { state in
                guard !state.isShutDown else { return nil }
                defer { state.nextID += 1 }
                state.running[state.nextID] = running
                if let outputKey { state.renditions[outputKey] = key }
                return state.nextID
            }
            guard let id else { return }
            consumer.onEnd = { [weak self] in self?.forget(id) }
            transcode.start()
            consumer.subscription = registry.subscribe(consumer, to: key, configuration: LiveStreamConfiguration())
            logger.info(
                "transcoding",
                metadata: ["stream.key": "\(key)", "transcode.engine": "\(engine.name)", "transcode.output": "\(url)"])
        }
    }

    /// The ladder `key` belongs to: its own renditions when it is a source with local outputs (from the
    /// configuration alone, so HLS can ask before the engines start), or its source's when it is a rendition.
    public func ladder(for key: StreamKey) -> TranscodeLadder? {
        let source = state.withLockedValue { $0.renditions[key] } ?? key
        let renditions = engines(for: source).compactMap { engine, url -> TranscodeRendition? in
            guard let renditionKey = outputs.localKey(for: url), renditionKey != source else { return nil }
            return TranscodeRendition(
                key: renditionKey, engine: engine.name, videoBitrate: engine.videoBitrate,
                audioBitrate: engine.audioBitrate, width: engine.videoWidth, height: engine.videoHeight)
        }
        guard !renditions.isEmpty else { return nil }
        return TranscodeLadder(source: source, renditions: renditions)
    }

    /// Stops every engine and waits (bounded) for their threads; later publishes are not transcoded.
    public func shutdown() async {
        let running = state.withLockedValue { state in
            state.isShutDown = true
            return Array(state.running.values)
        }
        guard !running.isEmpty else { return }
        for entry in running { Self.stop(entry) }
        let loop = outputs.nextEventLoop()
        let all = EventLoopFuture.andAllComplete(running.map(\.engine.exitFuture), on: loop)
        let timeout = loop.makePromise(of: Void.self)
        let task = loop.scheduleTask(in: Self.shutdownTimeout) { timeout.succeed() }
        all.cascade(to: timeout)
        try? await timeout.futureResult.get()
        task.cancel()
    }

    /// The active engines that apply to `key`, with their expanded output URLs.
    private func engines(for key: StreamKey) -> [(TranscodeEngineConfiguration, String)] {
        let port = rtmpPort()
        return vhost(key.vhost).transcodes.filter { $0.applies(app: key.app, stream: key.stream) }
            .flatMap(\.activeEngines)
            .map { engine in
                (engine, engine.outputURL(vhost: key.vhost, port: port, app: key.app, stream: key.stream))
            }
    }

    private func forget(_ id: UInt64) {
        state.withLockedValue { state in
            guard let running = state.running.removeValue(forKey: id) else { return }
            if let outputKey = running.engine.outputKey, state.renditions[outputKey] == running.engine.sourceKey,
                !state.running.values.contains(where: { $0.engine.outputKey == outputKey })
            {
                state.renditions[outputKey] = nil
            }
        }
    }

    private static func stop(_ running: Running) {
        let consumer = running.consumer
        running.eventLoop.execute { consumer.value.end(drain: false) }
    }
}
