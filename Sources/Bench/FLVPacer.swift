public import Media

/// Plays a file's tags in real time, looping forever with continuous timestamps, as a pure value:
/// ask ``due(atMilliseconds:)`` what to send by now. The first loop sends every tag; later loops
/// skip script data and sequence headers (a looping encoder does not repeat them) and add the
/// loop length to each timestamp, so the server sees one unbroken stream.
public struct FLVPacer: Sendable {
    /// Frame interval assumed when the file has fewer than two video frames.
    public static let defaultFrameInterval: UInt32 = 40

    private let tags: [FLVTag]
    private let isRepeatable: [Bool]
    private let firstTimestamp: UInt32
    /// Timestamp span of one loop: last minus first, plus one frame interval.
    public let loopLength: UInt32
    private var index = 0
    public private(set) var loop: UInt32 = 0

    /// - Parameter tags: the file's tags in file order; at least one audio or video tag.
    public init?(tags: [FLVTag]) {
        guard tags.contains(where: { $0.kind != .data }) else { return nil }
        self.tags = tags
        let isRepeatable = tags.map { tag in
            tag.kind != .data && !MediaPacket.Flags.classify(kind: tag.kind, payload: tag.data).contains(.sequenceHeader)
        }
        self.isRepeatable = isRepeatable
        let first = tags.map(\.timestamp).min() ?? 0
        let last = tags.map(\.timestamp).max() ?? 0
        // Frames only: a sequence header shares the first frame's timestamp and would shorten the interval.
        let video = tags.indices.filter { tags[$0].kind == .video && isRepeatable[$0] }.map { tags[$0].timestamp }
        var interval = Self.defaultFrameInterval
        if video.count > 1, let low = video.min(), let high = video.max(), high > low {
            interval = max(1, (high - low) / UInt32(video.count - 1))
        }
        self.firstTimestamp = first
        self.loopLength = last - first + interval
    }

    /// The tags due by `milliseconds` since the start, with their timestamps rebased to start at 0
    /// and continued across loops. Returns at most `limit` tags (a bound on one call's work).
    public mutating func due(atMilliseconds milliseconds: Int64, limit: Int = 1024) -> [FLVTag] {
        var out: [FLVTag] = []
        while out.count < limit {
            if index == tags.count {
                index = 0
                loop += 1
            }
            let tag = tags[index]
            let timestamp = loop &* loopLength &+ (tag.timestamp &- firstTimestamp)
            guard Int64(timestamp) <= milliseconds else { break }
            index += 1
            if loop > 0 && !isRepeatable[index - 1] { continue }
            out.append(FLVTag(kind: tag.kind, timestamp: timestamp, data: tag.data))
        }
        return out
    }
}
