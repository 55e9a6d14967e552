import Config
import Live
import Logging
import Media
import NIOCore
import Sessions

/// One publish of a stream forwarded to every `forward` destination: a Live consumer on the stream's loop
/// that feeds one ``RTMPPushClient`` per destination. It ends with the publish (`unpublished`).
final class ForwardSink: LiveConsumer {
    let eventLoop: any EventLoop
    var format: LiveFormat? { nil }
    let key: StreamKey
    private(set) var clients: [RTMPPushClient]
    /// Set by the controller right after subscribing.
    var subscription: LiveSubscription?
    /// Told once when the sink ends (unpublish or `stop()`).
    var onEnd: (() -> Void)?
    private var ended = false

    init(key: StreamKey, destinations: [UpstreamAddress], timeout: TimeAmount, eventLoop: any EventLoop, logger: Logger) {
        self.key = key
        self.eventLoop = eventLoop
        // One client per destination, each with only that server: a dead destination never holds up another.
        self.clients = destinations.map { destination in
            RTMPPushClient(
                target: .init(role: .forward, key: key, servers: [destination], timeout: timeout), on: eventLoop,
                logger: logger)
        }
    }

    func start() {
        for client in clients { client.start() }
    }

    func liveStream(didReceive event: LiveEvent) {
        switch event {
        case .publishStarted:
            break
        case .media(let packet, _):
            guard !ended else { return }
            for client in clients { client.append(packet) }
        case .unpublished:
            stop()
        }
    }

    func liveStreamDidFinishBatch() {
        for client in clients { client.flush() }
    }

    /// Ends every destination's publish and unsubscribes.
    func stop() {
        guard !ended else { return }
        ended = true
        for client in clients { client.stop() }
        subscription?.cancel()
        subscription = nil
        let onEnd = self.onEnd
        self.onEnd = nil
        onEnd?()
    }
}

@available(*, unavailable)
extension ForwardSink: Sendable {}
