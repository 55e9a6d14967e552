public import CLibAV
import Dispatch
import Synchronization

/// What libav's interrupt callback asks while a blocking call (open, probe, read) runs: stop now, or
/// give up because the current call has taken longer than its deadline (a dead peer).
///
/// libav polls it from the thread that made the call; `stop()` may be called from any thread.
public final class MediaInterrupt: Sendable {
    private let stopped = Atomic<Bool>(false)
    /// `DispatchTime.uptimeNanoseconds` after which the current call is abandoned; 0 for none.
    private let deadline = Atomic<UInt64>(0)

    public init() {}

    /// Makes every current and later libav call on inputs using this interrupt return `AVERROR_EXIT`.
    public func stop() { stopped.store(true, ordering: .releasing) }

    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Abandons the calls made from now on once `timeout` has passed (`nil`: never).
    public func arm(_ timeout: Duration?) {
        guard let timeout else {
            deadline.store(0, ordering: .relaxed)
            return
        }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        deadline.store(DispatchTime.now().uptimeNanoseconds + nanoseconds, ordering: .relaxed)
    }

    /// Whether libav should abandon what it is doing.
    var shouldAbort: Bool {
        if isStopped { return true }
        let limit = deadline.load(ordering: .relaxed)
        return limit != 0 && DispatchTime.now().uptimeNanoseconds > limit
    }

    /// The callback record for `AVFormatContext.interrupt_callback`; valid while `self` lives.
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return Unmanaged<MediaInterrupt>.fromOpaque(opaque).takeUnretainedValue().shouldAbort ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}
