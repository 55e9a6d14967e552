public import Live
import NIOConcurrencyHelpers
public import NIOCore
public import ServiceLifecycle

/// Samples every publishing stream's byte counter every few seconds into a `StreamBitrateWindow`,
/// for the bitrate gauge of `/metrics`. One hop to each stream's loop per interval, never per packet.
public final class StreamBitrateService: Service, Sendable {
    private let streams: StreamRegistry
    private let interval: Duration
    private let state: NIOLockedValueBox<StreamBitrateWindow>

    /// - Parameters:
    ///   - streams: The hub whose streams are sampled.
    ///   - interval: Time between samples.
    ///   - window: How far back the bitrate looks.
    public init(streams: StreamRegistry, interval: Duration = .seconds(5), window: TimeAmount = .seconds(30)) {
        self.streams = streams
        self.interval = interval
        self.state = NIOLockedValueBox(StreamBitrateWindow(window: window))
    }

    /// Samples until graceful shutdown.
    public func run() async throws {
        // Shutdown cancels the sleep; the CancellationError it throws is the normal way out.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.sample()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// Reads every stream's counter once; streams no longer publishing are forgotten.
    /// - Returns: How many streams are publishing.
    @discardableResult
    public func sample() async -> Int {
        var publishing: Set<StreamKey> = []
        var readings: [(StreamKey, ObjectIdentifier, Int)] = []
        for stream in streams.streams {
            guard let statistics = try? await stream.statisticsSnapshot().get(), statistics.isPublishing else {
                continue
            }
            publishing.insert(stream.key)
            readings.append((stream.key, ObjectIdentifier(stream), statistics.bytesIn))
        }
        let now = NIODeadline.now()
        state.withLockedValue { window in
            window.retain(only: publishing)
            for (key, identity, bytes) in readings {
                window.record(key, identity: identity, bytes: bytes, at: now)
            }
        }
        return publishing.count
    }

    /// The bitrates known now, in bits per second.
    public var bitrates: [(key: StreamKey, bitsPerSecond: Double)] {
        state.withLockedValue { $0.bitrates }
    }
}
