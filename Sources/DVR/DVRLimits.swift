public import NIOCore

/// Bounds and intervals of recording, apart from the configuration file (the NIO limit-config pattern).
public struct DVRLimits: Sendable, Hashable {
    /// A batch goes to the writer when it reaches this size...
    public var batchBytes: Int
    /// ...or when its oldest byte is this old, so a crash loses at most about this much media.
    public var batchInterval: TimeAmount
    /// Bytes handed to the writer and not yet on disk, beyond which media is dropped until the next keyframe.
    public var maximumBacklogBytes: Int
    /// How long recording of a stream pauses after a file error before it retries at a keyframe.
    public var retryPause: TimeAmount
    /// The least time between two error lines of one recorder; repeats in between are counted.
    public var errorLogInterval: TimeAmount
    /// The buffer the final rewrite copies through: memory per finalize, whatever the file size.
    public var copyChunkBytes: Int
    /// The bound of each file's keyframe index (see ``FLVKeyframeIndex``).
    public var maximumIndexedKeyframes: Int

    public init(
        batchBytes: Int = 256 << 10,
        batchInterval: TimeAmount = .seconds(1),
        maximumBacklogBytes: Int = 32 << 20,
        retryPause: TimeAmount = .seconds(5),
        errorLogInterval: TimeAmount = .seconds(60),
        copyChunkBytes: Int = 1 << 20,
        maximumIndexedKeyframes: Int = FLVFileWriter.defaultMaximumIndexedKeyframes
    ) {
        self.batchBytes = batchBytes
        self.batchInterval = batchInterval
        self.maximumBacklogBytes = maximumBacklogBytes
        self.retryPause = retryPause
        self.errorLogInterval = errorLogInterval
        self.copyChunkBytes = copyChunkBytes
        self.maximumIndexedKeyframes = maximumIndexedKeyframes
    }
}
