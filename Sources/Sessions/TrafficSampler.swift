import NIOConcurrencyHelpers
public import NIOCore

/// Bitrates over a sliding window (SRS's `kbps.recv_30s`/`send_30s`), from byte counters sampled
/// every few seconds: per client, and for the whole server.
///
/// `start(sampling:on:)` samples a `ClientRegistry` with a repeated task; the API (and `/metrics`) read
/// `rate(of:)` and `totalRate` from any thread. Memory is bounded: at most `window / interval + 1`
/// samples per connected client, and clients that left are forgotten at the next sample.
public final class TrafficSampler: Sendable {
    /// Kilobits per second received and sent over the window (SRS `kbps`).
    public struct Rate: Sendable, Hashable {
        public var receivedKbps: Int
        public var sentKbps: Int

        public init(receivedKbps: Int = 0, sentKbps: Int = 0) {
            self.receivedKbps = receivedKbps
            self.sentKbps = sentKbps
        }
    }

    private struct Sample {
        var time: NIODeadline
        var received: Int
        var sent: Int
    }

    private struct State {
        var clients: [UInt64: [Sample]] = [:]
        var total = [Sample]()
    }

    /// How far back rates look (SRS: 30 s).
    public let window: TimeAmount
    private let state = NIOLockedValueBox(State())

    public init(window: TimeAmount = .seconds(30)) {
        self.window = window
    }

    /// Records one sample of each client's counters and of the totals; clients absent from
    /// `clients` are dropped.
    public func record(
        clients: [(id: UInt64, received: Int, sent: Int)], total: (received: Int, sent: Int),
        at now: NIODeadline = .now()
    ) {
        let oldest = now - window
        state.withLockedValue { state in
            var next: [UInt64: [Sample]] = [:]
            next.reserveCapacity(clients.count)
            for client in clients {
                var samples = state.clients[client.id] ?? []
                Self.append(Sample(time: now, received: client.received, sent: client.sent), to: &samples, after: oldest)
                next[client.id] = samples
            }
            state.clients = next
            Self.append(Sample(time: now, received: total.received, sent: total.sent), to: &state.total, after: oldest)
        }
    }

    /// Samples every registered client's traffic now.
    public func record(_ registry: ClientRegistry, at now: NIODeadline = .now()) {
        let clients = registry.sessions.map { (id: $0.id, received: $0.traffic.receivedBytes, sent: $0.traffic.sentBytes) }
        record(clients: clients, total: registry.totalTraffic, at: now)
    }

    /// Samples `registry` every `interval` on `eventLoop` until the returned task is cancelled.
    public func start(
        sampling registry: ClientRegistry, every interval: TimeAmount = .seconds(5), on eventLoop: any EventLoop
    ) -> RepeatedTask {
        eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { [self] _ in
            self.record(registry)
        }
    }

    /// A client's rate over the window; zero until it has two samples.
    public func rate(of clientID: UInt64) -> Rate {
        state.withLockedValue { Self.rate(of: $0.clients[clientID]) }
    }

    /// The whole server's rate over the window.
    public var totalRate: Rate {
        state.withLockedValue { Self.rate(of: $0.total) }
    }

    private static func append(_ sample: Sample, to samples: inout [Sample], after oldest: NIODeadline) {
        samples.append(sample)
        // Keep one sample at or before the window's start, so the rate covers the whole window.
        while samples.count > 2, samples[1].time <= oldest {
            samples.removeFirst()
        }
    }

    private static func rate(of samples: [Sample]?) -> Rate {
        guard let samples, let first = samples.first, let last = samples.last, last.time > first.time else {
            return Rate()
        }
        let milliseconds = Int((last.time - first.time).nanoseconds / 1_000_000)
        guard milliseconds > 0 else { return Rate() }
        // bytes * 8 bits / ms = kbit/s.
        return Rate(
            receivedKbps: max(0, last.received - first.received) * 8 / milliseconds,
            sentKbps: max(0, last.sent - first.sent) * 8 / milliseconds)
    }
}
