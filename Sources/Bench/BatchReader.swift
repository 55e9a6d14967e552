public import NIOCore

/// Switches a playing connection to batched reads: `autoRead` off and one `read()` every
/// `interval`, so a player wakes at most 1/interval times a second, as a remote player's data
/// would arrive in larger batches; the server is not charged for a wake-up per message on loopback.
public struct BatchReader {
    public let interval: TimeAmount
    private var task: RepeatedTask?

    public init(interval: TimeAmount) {
        self.interval = interval
    }

    public var isStarted: Bool { task != nil }

    /// Starts batching on `context`'s channel (once).
    public mutating func start(context: ChannelHandlerContext) {
        guard task == nil, interval > .zero else { return }
        let channel = context.channel
        try? channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        task = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            channel.read()
        }
    }

    public mutating func stop() {
        task?.cancel()
        task = nil
    }
}
