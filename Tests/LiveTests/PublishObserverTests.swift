import Live
import Media
import NIOCore
import NIOEmbedded
import Testing

/// An observer that subscribes a recorder to each stream that starts publishing, as HLS and DVR do.
private final class SubscribingObserver: LivePublishObserver, @unchecked Sendable {
    let registry: StreamRegistry
    let loop: EmbeddedEventLoop
    var recorders: [RecordingConsumer] = []
    var subscriptions: [LiveSubscription] = []

    init(registry: StreamRegistry, loop: EmbeddedEventLoop) {
        self.registry = registry
        self.loop = loop
    }

    func liveStreamDidStartPublishing(_ stream: LiveStream) {
        let recorder = RecordingConsumer(eventLoop: loop)
        recorders.append(recorder)
        subscriptions.append(registry.subscribe(recorder, to: stream.key, configuration: LiveStreamConfiguration()))
    }
}

@Suite struct PublishObserverTests {
    @Test func observerSubscribingAtPublishSeesEveryPacketOfEachPublish() throws {
        let loop = EmbeddedEventLoop()
        let registry = StreamRegistry()
        let observer = SubscribingObserver(registry: registry, loop: loop)
        registry.addPublishObserver(observer)
        let configuration = LiveStreamConfiguration(timeJitter: .off)

        let future = registry.publish(testKey, configuration: configuration, on: loop)
        loop.run()
        let session = try future.wait()
        session.append(Packets.video(0, header: true))
        session.append(Packets.video(0, key: true))
        session.flush()
        loop.run()
        #expect(observer.recorders.count == 1)
        #expect(observer.recorders[0].publishStarts == 1)
        #expect(observer.recorders[0].media.count == 2)
        session.finish()
        loop.run()

        let again = registry.publish(testKey, configuration: configuration, on: loop)
        loop.run()
        try again.wait().finish()
        loop.run()
        #expect(observer.recorders.count == 2)
        observer.subscriptions.forEach { $0.cancel() }
        loop.run()
        #expect(registry.streams.isEmpty)
    }
}

@Suite struct PublisherDisconnectTests {
    @Test func streamClosesItsPublisherOnlyWhilePublishing() throws {
        let loop = EmbeddedEventLoop()
        let registry = StreamRegistry()
        let calls = CallCounter()
        let future = registry.publish(
            testKey, configuration: LiveStreamConfiguration(), on: loop, disconnect: { calls.increment() })
        loop.run()
        let session = try future.wait()
        session.stream.disconnectPublisher()
        #expect(calls.count == 0)  // a loop turn later, never inside the caller
        loop.run()
        #expect(calls.count == 1)
        session.finish()
        loop.run()
        session.stream.disconnectPublisher()
        loop.run()
        #expect(calls.count == 1)
    }
}

final class CallCounter: @unchecked Sendable {
    private(set) var count = 0
    func increment() { count += 1 }
}
