public import Media

/// The seek table of an FLV file: the time and byte offset of each keyframe's tag, as players read
/// it from `onMetaData.keyframes` (the de-facto `times`/`filepositions` layout of yamdi and flvmeta).
///
/// Bounded: past `maximumCount` entries every other one is dropped and only every second keyframe is
/// indexed from then on, so an hours-long session still has an `onMetaData` of bounded size (18 bytes
/// per entry) and seeks land at most a few GOPs early.
public struct FLVKeyframeIndex: Sendable, Hashable {
    /// Keyframe times in milliseconds, ascending.
    public private(set) var times: [Int64] = []
    /// Byte offsets of the keyframe tags from the start of the file being recorded.
    public private(set) var positions: [Int] = []
    public let maximumCount: Int
    /// Index one keyframe in `stride`; doubles each time the index is thinned.
    private var stride = 1
    private var seen = 0

    /// - Parameter maximumCount: The most entries kept, at least 2.
    public init(maximumCount: Int) {
        self.maximumCount = max(2, maximumCount)
    }

    public var count: Int { times.count }

    /// Records the keyframe tag that starts at `position`.
    public mutating func append(time: Int64, position: Int) {
        defer { seen += 1 }
        guard seen % stride == 0 else { return }
        if times.count >= maximumCount {
            times = Self.everyOther(times)
            positions = Self.everyOther(positions)
            stride *= 2
            guard seen % stride == 0 else { return }
        }
        times.append(time)
        positions.append(position)
    }

    private static func everyOther<T>(_ values: [T]) -> [T] {
        Swift.stride(from: 0, to: values.count, by: 2).map { values[$0] }
    }

    /// The `keyframes` object of `onMetaData`: times in seconds, positions moved by `shift` bytes
    /// (the difference between the final and the recorded file's head).
    public func metadataValue(shift: Int) -> AMF0Value {
        .object([
            AMF0Property(FLVMetadataKey.times, .strictArray(times.map { .number(Double($0) / 1000) })),
            AMF0Property(FLVMetadataKey.filePositions, .strictArray(positions.map { .number(Double($0 + shift)) })),
        ])
    }
}
