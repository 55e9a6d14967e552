import NIOConcurrencyHelpers
import NIOPosix

/// Runs one recorder's file jobs in submission order, one at a time, on a shared `NIOThreadPool`:
/// blocking writes never touch an event loop, many recorders share a few threads, and each
/// recorder's bytes still land in order.
///
/// At most one job of a queue is on the pool at a time; it re-submits itself while jobs remain, so a
/// long finalize of one recorder does not hold a thread away from the others for longer than one job.
final class DVRSerialQueue: Sendable {
    typealias Job = @Sendable () -> Void

    enum Backend: Sendable {
        case threadPool(NIOThreadPool)
        /// Runs each job at once on the submitting thread (tests drive recorders on an
        /// `EmbeddedEventLoop` this way, deterministically).
        case inline
    }

    private struct State {
        var jobs: [Job?] = []
        var head = 0
        var isRunning = false
    }

    /// Finished slots at the front that trigger compaction of the job list.
    private static let compactionThreshold = 32

    private let backend: Backend
    private let state = NIOLockedValueBox(State())

    init(backend: Backend) {
        self.backend = backend
    }

    /// Queues `job` after every job submitted before it.
    func submit(_ job: @escaping Job) {
        let shouldStart = state.withLockedValue { state in
            state.jobs.append(job)
            guard !state.isRunning else { return false }
            state.isRunning = true
            return true
        }
        if shouldStart { schedule() }
    }

    private func schedule() {
        switch backend {
        case .inline:
            while runOne() {}
        case .threadPool(let pool):
            // A pool that is shut down runs the item at once as `.cancelled`; the job still runs,
            // because dropping it would lose recorded media (stop the DVR before the pool).
            pool.submit { _ in
                if self.runOne() { self.schedule() }
            }
        }
    }

    /// Runs the next job. - Returns: whether more jobs remain (the caller keeps the queue running).
    private func runOne() -> Bool {
        let job: Job? = state.withLockedValue { state in
            guard state.head < state.jobs.count else {
                state.jobs.removeAll(keepingCapacity: true)
                state.head = 0
                state.isRunning = false
                return nil
            }
            let job = state.jobs[state.head]
            state.jobs[state.head] = nil  // release the job's buffers now, not when the queue drains
            state.head += 1
            if state.head >= Self.compactionThreshold && state.head * 2 >= state.jobs.count {
                state.jobs.removeFirst(state.head)
                state.head = 0
            }
            return job
        }
        guard let job else { return false }
        job()
        return true
    }
}
