import Live
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// An ingest's publish, driven from its thread: opened once and kept across input loops and
/// reconnects, reopened with backoff when opening fails.
///
/// Packets reach the publisher's event loop in batches, with at most `maximumInFlight` batches
/// queued there; the latest sequence headers are replayed first whenever a publish opens.
final class IngestOutput {
    static let maximumInFlight = 4
    /// How long a publish may take to open before it counts as failed.
    static let openTimeout: Duration = .seconds(5)
    private static let pollInterval: Duration = .milliseconds(5)

    private let session: IngestSession
    private let eventLoop: any EventLoop
    private var publisher: (any LivePublishing)?
    private var retryAt: UInt64 = 0
    private var backoff = IngestBackoff()
    private var sequenceHeaders: [MediaKind: MediaPacket] = [:]
    private let inFlight = InFlight()

    init(session: IngestSession) {
        self.session = session
        self.eventLoop = session.outputs.nextEventLoop()
    }

    /// Sends `batch`, opening the publish first if needed; drops it while no publish can be opened.
    func deliver(_ batch: [MediaPacket]) {
        guard !batch.isEmpty else { return }
        for packet in batch where packet.isSequenceHeader { sequenceHeaders[packet.kind] = packet }
        if publisher == nil {
            guard let opened = open() else { return }
            publisher = opened
            let replay = Array(sequenceHeaders.values).sorted { $0.kind.rawValue > $1.kind.rawValue }
            send(replay + batch.filter { !$0.isSequenceHeader })
        } else {
            send(batch)
        }
        session.update { $0.packets += batch.count }
    }

    /// Ends the publish (on its loop).
    func finish() {
        guard let publisher else { return }
        self.publisher = nil
        eventLoop.execute { publisher.finish() }
    }

    private func send(_ batch: [MediaPacket]) {
        guard let publisher else { return }
        // Bounded: the loop holds at most a few batches of this ingest.
        while inFlight.count >= Self.maximumInFlight {
            if session.sleep(Self.pollInterval) { return }
        }
        inFlight.add(1)
        let inFlight = self.inFlight
        eventLoop.execute {
            for packet in batch { publisher.append(packet) }
            publisher.flush()
            inFlight.add(-1)
        }
    }

    /// Opens the publish unless a retry is not due yet; waits for it (stop-aware, bounded).
    private func open() -> (any LivePublishing)? {
        guard IngestSession.now() >= retryAt else { return nil }
        let url = session.plan.outputURL
        let pending = PendingPublish()
        session.outputs.publish(url: url, on: eventLoop).whenComplete { pending.complete($0) }
        let deadline = IngestSession.now() + UInt64(IngestSession.seconds(Self.openTimeout) * 1e9)
        var outcome = pending.outcome
        while outcome == nil, !session.sleep(Self.pollInterval), IngestSession.now() <= deadline {
            outcome = pending.outcome
        }
        switch outcome ?? pending.abandon() {
        case .success(let opened):
            session.logger.info("ingest publishing", metadata: ["ingest.output": "\(url)"])
            backoff = IngestBackoff()
            return opened.publisher
        case .failure(let error):
            retry(url: url, reason: "\(error)")
        case nil:
            if !session.isStopped { retry(url: url, reason: "timed out") }
        }
        return nil
    }

    private func retry(url: String, reason: String) {
        let delay = backoff.delay(afterRunningFor: .zero)
        retryAt = IngestSession.now() + UInt64(IngestSession.seconds(delay) * 1e9)
        session.update { $0.lastError = "publish \(url): \(reason)" }
        session.logger.warning(
            "ingest cannot publish, retrying",
            metadata: ["ingest.output": "\(url)", "error": "\(reason)", "retry.in": "\(delay)"])
    }
}

/// Batches handed to the event loop and not yet appended.
private final class InFlight: Sendable {
    private let value = Atomic<Int>(0)
    var count: Int { value.load(ordering: .acquiring) }
    func add(_ delta: Int) { value.add(delta, ordering: .acquiringAndReleasing) }
}

/// A publish being opened; one that opens after its opener gave up is finished at once so it does
/// not hold the stream.
private final class PendingPublish: Sendable {
    private let state = NIOLockedValueBox<(outcome: Result<TranscodeOutputPublisher, any Error>?, abandoned: Bool)>(
        (nil, false))

    var outcome: Result<TranscodeOutputPublisher, any Error>? { state.withLockedValue { $0.outcome } }

    func complete(_ outcome: Result<TranscodeOutputPublisher, any Error>) {
        let abandoned = state.withLockedValue { state in
            state.outcome = outcome
            return state.abandoned
        }
        if abandoned, case .success(let opened) = outcome { opened.publisher.finish() }
    }

    /// Gives up; returns an outcome that arrived meanwhile.
    func abandon() -> Result<TranscodeOutputPublisher, any Error>? {
        state.withLockedValue { state in
            state.abandoned = state.outcome == nil
            return state.outcome
        }
    }
}
