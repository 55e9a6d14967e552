import Config
import Foundation
import Live
import Logging
import Media
import Metrics
import NIOCore

/// What an engine's thread runs: `TranscodePipeline`, or a stand-in in tests.
protocol TranscodeStage: AnyObject {
    func process(_ packet: MediaPacket) throws(LibAVError) -> [MediaPacket]
    func drain() throws(LibAVError) -> [MediaPacket]
}

extension TranscodePipeline: TranscodeStage {}

/// One engine for one publish of a source stream: a consumer on the source's loop queues packets
/// (bounded, never blocking the loop), a dedicated thread runs the pipeline, and the output packets go
/// to the output publish in batches on its loop. A failing pipeline is restarted with backoff.
final class TranscodeEngine: @unchecked Sendable {
    typealias StageFactory = @Sendable (TranscodeEngineConfiguration) throws(LibAVError) -> any TranscodeStage

    static let initialBackoff = 0.5
    static let maximumBackoff = 8.0
    /// A pipeline that ran this long without failing resets the backoff.
    static let healthyRun = 30.0
    /// At most one "falling behind" log line per this many seconds.
    static let dropLogInterval = 5.0

    let configuration: TranscodeEngineConfiguration
    let sourceKey: StreamKey
    let outputURL: String
    /// The local stream the output publishes, when it is on this server.
    let outputKey: StreamKey?
    private let logger: Logger
    private let makeStage: StageFactory
    private let sink: TranscodeOutputSink
    private let sinkLoop: any EventLoop
    private let dropped: Counter
    private let restarts: Counter
    private let exited: EventLoopPromise<Void>

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: TranscodeInputQueue
    private var inputEnded = false
    private var stopped = false
    private var droppedSinceLog = 0
    private var lastDropLog = Date.distantPast

    init(
        configuration: TranscodeEngineConfiguration, sourceKey: StreamKey, outputURL: String, outputKey: StreamKey?,
        outputs: any TranscodeOutputs, logger: Logger, queue: TranscodeInputQueue = TranscodeInputQueue(),
        makeStage: @escaping StageFactory = { engine throws(LibAVError) in try TranscodePipeline(engine: engine) }
    ) {
        self.configuration = configuration
        self.sourceKey = sourceKey
        self.outputURL = outputURL
        self.outputKey = outputKey
        var logger = logger
        logger[metadataKey: "stream.key"] = "\(sourceKey)"
        logger[metadataKey: "transcode.engine"] = "\(configuration.name)"
        self.logger = logger
        self.makeStage = makeStage
        self.queue = queue
        let loop = outputs.nextEventLoop()
        self.sinkLoop = loop
        self.sink = TranscodeOutputSink(url: outputURL, outputs: outputs, eventLoop: loop, logger: logger)
        self.dropped = Counter(label: "headwater_transcode_dropped_packets_total", dimensions: [("engine", configuration.name)])
        self.restarts = Counter(label: "headwater_transcode_restarts_total", dimensions: [("engine", configuration.name)])
        self.exited = loop.makePromise()
    }

    /// Completes when the engine's thread has ended.
    var exitFuture: EventLoopFuture<Void> { exited.futureResult }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "transcode \(configuration.name)"
        thread.start()
    }

    /// Queues one source packet; called on the source's loop, never blocks for long.
    func enqueue(_ packet: MediaPacket) {
        condition.lock()
        guard !inputEnded, !stopped else {
            condition.unlock()
            return
        }
        let count = queue.push(packet)
        var report: Int?
        if count > 0 {
            droppedSinceLog += count
            let now = Date()
            if now.timeIntervalSince(lastDropLog) >= Self.dropLogInterval {
                report = droppedSinceLog
                droppedSinceLog = 0
                lastDropLog = now
            }
        }
        condition.signal()
        condition.unlock()
        if count > 0 { dropped.increment(by: count) }
        if let report {
            logger.warning("transcode engine is behind: dropping to the next key frame", metadata: ["transcode.dropped": "\(report)"])
        }
    }

    /// The source's publish ended: the thread drains the pipeline, finishes the output and exits.
    func endInput() {
        condition.lock()
        inputEnded = true
        condition.signal()
        condition.unlock()
    }

    /// Stops at once (no drain): the thread exits after the packet it is working on.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var stage: (any TranscodeStage)?
        var backoff = Self.initialBackoff
        var startedAt = Date()
        var needsHeaders = false
        var notedBFrames = false
        loop: while true {
            condition.lock()
            while queue.isEmpty, !inputEnded, !stopped { condition.wait() }
            let batch = queue.takeAll()
            let ended = inputEnded
            let headers = queue.sequenceHeaders
            if stopped {
                condition.unlock()
                break loop
            }
            condition.unlock()

            var out: [MediaPacket] = []
            do throws(LibAVError) {
                for packet in batch {
                    if stage == nil {
                        stage = try makeStage(configuration)
                        startedAt = Date()
                        if needsHeaders {
                            for header in headers { out += try stage!.process(header) }
                            needsHeaders = false
                        }
                    }
                    out += try stage!.process(packet)
                }
                if ended {
                    if let stage { out += try stage.drain() }
                    deliver(out)
                    break loop
                }
            } catch {
                stage = nil
                needsHeaders = true
                restarts.increment()
                if Date().timeIntervalSince(startedAt) > Self.healthyRun { backoff = Self.initialBackoff }
                logger.error(
                    "transcode engine failed, restarting", metadata: ["error": "\(error)", "transcode.backoff": "\(backoff)s"])
                deliver(out)
                out = []
                guard wait(seconds: backoff) else { break loop }
                backoff = min(backoff * 2, Self.maximumBackoff)
                continue loop
            }
            deliver(out)
            if !notedBFrames, let pipeline = stage as? TranscodePipeline, pipeline.usesBFrames {
                notedBFrames = true
                logger.notice("transcode engine has B-frames (vparams): output DTS trails PTS; key frames still follow the source")
            }
        }
        let sink = self.sink
        let exited = self.exited
        sinkLoop.execute {
            sink.finish()
            exited.succeed()
        }
    }

    /// Sleeps, but wakes for `stop()` or the end of the input. Returns `false` when the engine must end.
    private func wait(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopped, !inputEnded, condition.wait(until: deadline) {}
        return !stopped && !inputEnded
    }

    private func deliver(_ packets: [MediaPacket]) {
        guard !packets.isEmpty else { return }
        let sink = self.sink
        sinkLoop.execute { sink.deliver(packets) }
    }
}

/// The engine's subscriber on the source's loop: hands packets to the engine, ends it with the publish.
final class TranscodeEngineConsumer: LiveConsumer {
    let eventLoop: any EventLoop
    var format: LiveFormat? { nil }
    let engine: TranscodeEngine
    var subscription: LiveSubscription?
    var onEnd: (() -> Void)?
    private var sawPublish = false
    private var ended = false

    init(engine: TranscodeEngine, eventLoop: any EventLoop) {
        self.engine = engine
        self.eventLoop = eventLoop
    }

    func liveStream(didReceive event: LiveEvent) {
        guard !ended else { return }
        switch event {
        case .publishStarted:
            sawPublish = true
        case .media(let packet, _):
            engine.enqueue(packet)
        case .unpublished:
            end(drain: true)
        }
    }

    func liveStreamDidFinishBatch() {}

    /// Unsubscribes and ends the engine (draining it at the end of a publish, stopping it otherwise).
    func end(drain: Bool) {
        guard !ended else { return }
        ended = true
        if drain { engine.endInput() } else { engine.stop() }
        subscription?.cancel()
        subscription = nil
        let onEnd = self.onEnd
        self.onEnd = nil
        onEnd?()
    }
}

@available(*, unavailable)
extension TranscodeEngineConsumer: Sendable {}
