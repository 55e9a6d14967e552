import NIOConcurrencyHelpers
public import NIOCore

/// The in-process publisher's record of the video frames it sent: timestamp and send instant, in
/// send order (timestamps only grow: the pacer keeps them continuous across loops). Players look
/// up a frame's send instant for latency, and the summary counts the frames a player should have
/// received from its join point.
public final class SendClock: Sendable {
    private struct State {
        var timestamps: [UInt32] = []
        var instants: [NIODeadline] = []
        var live = false
    }

    /// Bound on recorded frames: over an hour at 60 fps. Frames beyond it are not recorded.
    public static let maximumFrames = 250_000

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Whether a publisher is publishing (stalls count only while it is).
    public var isLive: Bool { state.withLockedValue { $0.live } }

    public func setLive(_ live: Bool) {
        state.withLockedValue { $0.live = live }
    }

    /// Records a video frame (not a sequence header) sent at `instant`.
    public func record(timestamp: UInt32, at instant: NIODeadline) {
        state.withLockedValue { state in
            guard state.timestamps.count < Self.maximumFrames else { return }
            state.timestamps.append(timestamp)
            state.instants.append(instant)
        }
    }

    public var framesSent: Int { state.withLockedValue { $0.timestamps.count } }

    /// When the frame with `timestamp` was sent, if it was recorded.
    public func sendTime(of timestamp: UInt32) -> NIODeadline? {
        state.withLockedValue { state in
            let index = Self.firstIndex(notBelow: timestamp, in: state.timestamps)
            guard index < state.timestamps.count, state.timestamps[index] == timestamp else { return nil }
            return state.instants[index]
        }
    }

    /// Frames sent with a timestamp at or after `timestamp`.
    public func framesSent(from timestamp: UInt32) -> Int {
        state.withLockedValue { state in
            state.timestamps.count - Self.firstIndex(notBelow: timestamp, in: state.timestamps)
        }
    }

    /// Binary search in ascending `timestamps`.
    static func firstIndex(notBelow timestamp: UInt32, in timestamps: [UInt32]) -> Int {
        var low = 0
        var high = timestamps.count
        while low < high {
            let middle = (low + high) / 2
            if timestamps[middle] < timestamp { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
