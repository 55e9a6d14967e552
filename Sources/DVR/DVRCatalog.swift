public import Live
import NIOConcurrencyHelpers

/// The most recent complete recordings of each stream, for the API: bounded per stream and in the
/// number of streams (the least recently recorded stream is forgotten first).
public final class DVRCatalog: Sendable {
    private struct Entry {
        var recordings: [DVRRecording]
        var lastUpdate: UInt64
    }

    private struct State {
        var entries: [StreamKey: Entry] = [:]
        var clock: UInt64 = 0
    }

    public let maximumPerStream: Int
    public let maximumStreams: Int
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - maximumPerStream: Recordings kept per stream; older ones are dropped from the list (not deleted).
    ///   - maximumStreams: Streams remembered.
    public init(maximumPerStream: Int = 100, maximumStreams: Int = 1_000) {
        self.maximumPerStream = max(1, maximumPerStream)
        self.maximumStreams = max(1, maximumStreams)
    }

    /// Adds a complete recording.
    public func add(_ recording: DVRRecording) {
        state.withLockedValue { state in
            state.clock += 1
            var entry = state.entries[recording.key] ?? Entry(recordings: [], lastUpdate: 0)
            entry.recordings.append(recording)
            if entry.recordings.count > maximumPerStream {
                entry.recordings.removeFirst(entry.recordings.count - maximumPerStream)
            }
            entry.lastUpdate = state.clock
            state.entries[recording.key] = entry
            if state.entries.count > maximumStreams,
                let oldest = state.entries.min(by: { $0.value.lastUpdate < $1.value.lastUpdate })?.key
            {
                state.entries[oldest] = nil
            }
        }
    }

    /// The recordings of `key`, oldest first.
    public func recordings(for key: StreamKey) -> [DVRRecording] {
        state.withLockedValue { $0.entries[key]?.recordings ?? [] }
    }

    /// The streams with recordings.
    public var streams: [StreamKey] {
        state.withLockedValue { Array($0.entries.keys) }
    }
}
