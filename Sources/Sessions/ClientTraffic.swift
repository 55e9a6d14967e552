import Synchronization

/// Bytes a client sent and received, updated by its connection's loop and read by the API and
/// metrics from any thread. Relaxed atomics: counters, not synchronization.
///
/// Connections add per read or write batch, never per packet.
public final class ClientTraffic: Sendable {
    private let received = Atomic<Int>(0)
    private let sent = Atomic<Int>(0)

    public init() {}

    public func add(received bytes: Int) {
        received.wrappingAdd(bytes, ordering: .relaxed)
    }

    public func add(sent bytes: Int) {
        sent.wrappingAdd(bytes, ordering: .relaxed)
    }

    public var receivedBytes: Int { received.load(ordering: .relaxed) }
    public var sentBytes: Int { sent.load(ordering: .relaxed) }
}
