public import Live
public import NIOCore

/// Each publishing stream's incoming bitrate over a sliding window, from periodic samples of its
/// byte counter (`LiveStreamStatistics.bytesIn`), like SRS's `kbps.recv_30s`.
///
/// A pure value: the sampler feeds it and `/metrics` reads it. It holds a few samples per stream
/// (window ÷ sampling interval, plus one), so it stays small however long the server runs.
public struct StreamBitrateWindow: Sendable {
    struct Sample: Sendable {
        var time: NIODeadline
        var bytes: Int
    }

    struct Series: Sendable {
        /// The stream object the samples came from: a stream that went away and came back under
        /// the same key counts from zero again, so its old samples are worthless.
        var identity: ObjectIdentifier
        var samples: [Sample]
    }

    /// The closest two stored samples may be; bounds the samples per stream to window ÷ spacing.
    static let minimumSpacing = TimeAmount.seconds(1)

    /// How far back the bitrate looks.
    public let window: TimeAmount
    private var series: [StreamKey: Series] = [:]

    /// - Parameter window: how far back the bitrate looks (SRS reports 30 s).
    public init(window: TimeAmount = .seconds(30)) {
        self.window = window
    }

    /// Adds one sample of a stream's byte counter.
    /// - Parameters:
    ///   - key: The stream.
    ///   - identity: The stream object (`ObjectIdentifier(stream)`).
    ///   - bytes: Its bytes received since it was created.
    ///   - time: When the counter was read.
    public mutating func record(_ key: StreamKey, identity: ObjectIdentifier, bytes: Int, at time: NIODeadline) {
        let sample = Sample(time: time, bytes: bytes)
        guard var current = series[key], current.identity == identity, let last = current.samples.last,
            last.bytes <= bytes || time <= last.time
        else {
            series[key] = Series(identity: identity, samples: [sample])
            return
        }
        // Two samplers (the periodic one and a scrape) may finish out of order: an older reading adds nothing.
        guard time > last.time else { return }
        // Samples closer than `minimumSpacing` (frequent scrapes) replace the newest: the array stays bounded.
        if current.samples.count >= 2, time - current.samples[current.samples.count - 2].time < Self.minimumSpacing {
            current.samples[current.samples.count - 1] = sample
        } else {
            current.samples.append(sample)
        }
        // Keep one sample at or before the window's start, so the rate spans the whole window.
        let start = time - window
        while current.samples.count > 2, current.samples[1].time <= start {
            current.samples.removeFirst()
        }
        series[key] = current
    }

    /// Forgets the streams not in `keys` (those no longer publishing).
    public mutating func retain(only keys: Set<StreamKey>) {
        series = series.filter { keys.contains($0.key) }
    }

    /// A stream's bitrate in bits per second, or `nil` before it has two samples.
    public func bitsPerSecond(of key: StreamKey) -> Double? {
        guard let samples = series[key]?.samples, let first = samples.first, let last = samples.last,
            last.time > first.time
        else { return nil }
        let seconds = Double((last.time - first.time).nanoseconds) / 1e9
        return Double(last.bytes - first.bytes) * 8 / seconds
    }

    /// The streams with a known bitrate, and the bitrate in bits per second.
    public var bitrates: [(key: StreamKey, bitsPerSecond: Double)] {
        series.keys.compactMap { key in bitsPerSecond(of: key).map { (key, $0) } }
    }

    /// The samples held for a stream (for tests of the bound).
    func sampleCount(of key: StreamKey) -> Int { series[key]?.samples.count ?? 0 }

    /// The streams sampled at least once.
    public var keys: Set<StreamKey> { Set(series.keys) }
}
