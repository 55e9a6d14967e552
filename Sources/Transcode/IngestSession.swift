import Config
import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers

/// One ingest output: an input read by its own thread and published through one engine.
///
/// This shell is shared with the controller (stop, status); the thread's state lives in
/// `IngestWorker`, which only the thread touches.
final class IngestSession: Sendable {
    /// What a session is made of; a reload keeps a session whose plan is unchanged.
    struct Plan: Sendable, Hashable {
        var vhost: String
        var ingest: IngestConfiguration
        var engine: TranscodeEngineConfiguration
        var outputURL: String

        var key: String { "\(vhost)/\(ingest.id)/\(engine.name)" }

        /// Packets go to the output as the input carries them (SRS: an engine that is off copies).
        var isCopy: Bool {
            guard engine.enabled else { return true }
            return !engine.videoCodec.isEncode && !engine.audioCodec.isEncode
        }

        var dropsVideo: Bool { engine.enabled && engine.videoCodec == .drop }
        var dropsAudio: Bool { engine.enabled && engine.audioCodec == .drop }
    }

    let plan: Plan
    let outputs: any TranscodeOutputs
    let logger: Logger
    let interrupt = MediaInterrupt()
    /// 0 while running; 1 once `stop()` is called (wakes every wait at once).
    private let stopSignal = ConditionLock(value: 0)
    /// 0 while the thread runs; 1 once it has returned.
    private let exitSignal = ConditionLock(value: 0)
    private let status: NIOLockedValueBox<IngestStatus>

    init(plan: Plan, outputs: any TranscodeOutputs, logger: Logger) {
        self.plan = plan
        self.outputs = outputs
        var logger = logger
        logger[metadataKey: "ingest.id"] = "\(plan.ingest.id)"
        if !plan.engine.name.isEmpty { logger[metadataKey: "ingest.engine"] = "\(plan.engine.name)" }
        self.logger = logger
        self.status = NIOLockedValueBox(
            IngestStatus(
                id: plan.ingest.id, vhost: plan.vhost, engine: plan.engine.name,
                inputURL: plan.ingest.inputURL, outputURL: plan.outputURL))
    }

    func start() {
        let thread = Thread { [self] in
            IngestWorker(session: self).run()
            update { $0.state = .stopped }
            exitSignal.lock()
            exitSignal.unlock(withValue: 1)
        }
        thread.name = "headwater-ingest-\(plan.ingest.id)"
        thread.start()
    }

    /// Asks the thread to stop; it leaves libav calls and waits at once.
    func stop() {
        interrupt.stop()
        stopSignal.lock()
        stopSignal.unlock(withValue: 1)
    }

    var isStopped: Bool { interrupt.isStopped }

    /// Waits up to `timeout` for the thread to return; `true` if it has.
    func join(timeout: Duration) -> Bool {
        guard exitSignal.lock(whenValue: 1, timeoutSeconds: Self.seconds(timeout)) else { return false }
        exitSignal.unlock()
        return true
    }

    /// Sleeps for `duration` unless stopped first; `true` when stopped.
    func sleep(_ duration: Duration) -> Bool {
        guard duration > .zero else { return isStopped }
        guard stopSignal.lock(whenValue: 1, timeoutSeconds: Self.seconds(duration)) else { return isStopped }
        stopSignal.unlock()
        return true
    }

    var snapshot: IngestStatus { status.withLockedValue { $0 } }

    func update(_ body: (inout IngestStatus) -> Void) {
        status.withLockedValue { body(&$0) }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Monotonic nanoseconds.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

extension TranscodeEngineConfiguration.Codec {
    var isEncode: Bool {
        if case .encode = self { return true }
        return false
    }
}
