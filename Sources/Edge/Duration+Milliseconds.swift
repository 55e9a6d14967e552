import NIOCore

extension Duration {
    /// Whole milliseconds, for logs.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The configuration's durations (millisecond precision) as NIO time.
    var timeAmount: TimeAmount { .milliseconds(milliseconds) }
}
