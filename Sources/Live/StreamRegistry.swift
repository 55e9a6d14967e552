public import Media
import NIOConcurrencyHelpers
public import NIOCore

/// The only structure shared across event loops: the map from key to stream.
///
/// Every publisher and subscriber holds a reference on its stream's entry; the entry (and the
/// stream's caches) goes away when the last one is released. Publish, play and their ends are
/// rare next to packets, so a lock here costs nothing on the hot path.
public final class StreamRegistry: Sendable {
    private struct Entry {
        let stream: LiveStream
        var references: Int
    }

    private struct State {
        var entries: [StreamKey: Entry] = [:]
        var nextID: UInt64 = 1
        var publishObservers: [any LivePublishObserver] = []
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Publishes into `key`, creating the stream on `eventLoop` if it does not exist.
    ///
    /// - Returns: a session bound to `eventLoop` (the publisher's loop).
    /// - Throws: through the future, `LiveError.streamBusy` when the stream already has a publisher.
    /// - Parameter disconnect: closes the publisher's connection when an output or the API asks
    ///   (`LiveStream.disconnectPublisher()`); called on the stream's loop.
    /// - Parameter clientID: the publisher's client id (`ClientSession.id`), opaque here; the API reports
    ///   it as the stream's `publish.cid`.
    public func publish(
        _ key: StreamKey, configuration: LiveStreamConfiguration, on eventLoop: any EventLoop,
        disconnect: (@Sendable () -> Void)? = nil, clientID: UInt64? = nil
    ) -> EventLoopFuture<LivePublishSession> {
        let (stream, publisherID) = acquire(key, configuration: configuration, eventLoop: eventLoop)
        let observers = state.withLockedValue { $0.publishObservers }
        return stream.eventLoop.submit {
            try stream.attachPublisher(
                id: publisherID, configuration: configuration, disconnect: disconnect, clientID: clientID)
            for observer in observers { observer.liveStreamDidStartPublishing(stream) }
        }.hop(to: eventLoop).map {
            LivePublishSession(stream: stream, publisherID: publisherID, eventLoop: eventLoop, registry: self)
        }.flatMapErrorThrowing { error in
            self.release(stream)
            throw error
        }
    }

    /// Subscribes `consumer` to `key`, creating a waiting stream if nobody publishes it yet.
    ///
    /// Call on `consumer.eventLoop`; events start arriving there on a later loop turn.
    public func subscribe(
        _ consumer: any LiveConsumer, to key: StreamKey, configuration: LiveStreamConfiguration
    ) -> LiveSubscription {
        let (stream, _) = acquire(key, configuration: configuration, eventLoop: consumer.eventLoop)
        let box = ConsumerBox(consumer: consumer)
        let format = consumer.format
        stream.eventLoop.execute { stream.subscribe(box, format: format) }
        return LiveSubscription(stream: stream, consumer: box, format: format, registry: self)
    }

    /// Registers an output that wants to know when a stream starts publishing (HLS, DVR, forwarders).
    /// Observers added later are not told about streams already publishing.
    public func addPublishObserver(_ observer: any LivePublishObserver) {
        state.withLockedValue { $0.publishObservers.append(observer) }
    }

    /// The streams that exist now (published, or awaited by players).
    public var streams: [LiveStream] {
        state.withLockedValue { $0.entries.values.map(\.stream) }
    }

    public func stream(for key: StreamKey) -> LiveStream? {
        state.withLockedValue { $0.entries[key]?.stream }
    }

    private func acquire(
        _ key: StreamKey, configuration: LiveStreamConfiguration, eventLoop: any EventLoop
    ) -> (LiveStream, UInt64) {
        state.withLockedValue { state in
            let id = state.nextID
            state.nextID += 1
            if var entry = state.entries[key] {
                entry.references += 1
                state.entries[key] = entry
                return (entry.stream, id)
            }
            let stream = LiveStream(key: key, id: id, configuration: configuration, eventLoop: eventLoop)
            state.entries[key] = Entry(stream: stream, references: 1)
            return (stream, id)
        }
    }

    func release(_ stream: LiveStream) {
        state.withLockedValue { state in
            guard var entry = state.entries[stream.key], entry.stream === stream else { return }
            entry.references -= 1
            state.entries[stream.key] = entry.references > 0 ? entry : nil
        }
    }
}

/// Told each time a publisher attaches to a stream, on the stream's loop, before any of its media.
///
/// Subscribing from here (with `StreamRegistry.subscribe`) sees every packet of the publish.
public protocol LivePublishObserver: AnyObject, Sendable {
    func liveStreamDidStartPublishing(_ stream: LiveStream)
}

/// Where a publisher's packets go, used on the publisher's loop: the local hub (`LivePublishSession`),
/// or an origin when the publisher is on an edge (the Edge module's push).
public protocol LivePublishing: AnyObject, Sendable {
    /// Queues one packet whose `timestamp` is the publisher's raw 32-bit timestamp.
    func append(_ packet: MediaPacket)
    /// Hands over what was queued (once per read batch).
    func flush()
    /// Ends the publish.
    func finish()
}

/// A publisher's handle on its stream, used on the publisher's loop.
///
/// Packets are collected with `append` while the publisher's channel reads, and handed to the
/// stream by `flush` (on `channelReadComplete`): one hop per read batch, none per packet.
/// Confined to `eventLoop` (checked); it is `Sendable` only so futures can carry it.
public final class LivePublishSession: LivePublishing, @unchecked Sendable {
    public let stream: LiveStream
    public let eventLoop: any EventLoop
    private let publisherID: UInt64
    private let registry: StreamRegistry
    private var batch: [MediaPacket] = []
    private var finished = false

    init(stream: LiveStream, publisherID: UInt64, eventLoop: any EventLoop, registry: StreamRegistry) {
        self.stream = stream
        self.publisherID = publisherID
        self.eventLoop = eventLoop
        self.registry = registry
        batch.reserveCapacity(64)
    }

    public var key: StreamKey { stream.key }

    /// Queues one packet whose `timestamp` is the publisher's raw 32-bit timestamp.
    public func append(_ packet: MediaPacket) {
        eventLoop.preconditionInEventLoop()
        guard !finished else { return }
        batch.append(packet)
    }

    public func flush() {
        eventLoop.preconditionInEventLoop()
        guard !batch.isEmpty, !finished else { return }
        let stream = self.stream
        let id = publisherID
        if stream.eventLoop === eventLoop {
            // Lend the batch and reuse its storage: no allocation per flush on the common path.
            // (The stream reaches back into this session only through `execute`, never inline.)
            stream.ingest(batch, from: id)
            batch.removeAll(keepingCapacity: true)
        } else {
            let packets = batch
            batch = []
            stream.eventLoop.execute { stream.ingest(packets, from: id) }
        }
    }

    /// Ends the publish: players get `unpublished` and wait for a republish.
    public func finish() {
        eventLoop.preconditionInEventLoop()
        guard !finished else { return }
        flush()
        finished = true
        let stream = self.stream
        let id = publisherID
        let registry = self.registry
        stream.eventLoop.execute {
            stream.detachPublisher(id: id)
            registry.release(stream)
        }
    }

    deinit {
        if !finished {
            let stream = self.stream
            let id = publisherID
            let registry = self.registry
            stream.eventLoop.execute {
                stream.detachPublisher(id: id)
                registry.release(stream)
            }
        }
    }
}

/// A consumer's handle on its stream; `cancel()` unsubscribes (idempotent).
public final class LiveSubscription: Sendable {
    public let stream: LiveStream
    private let consumer: ConsumerBox
    private let format: LiveFormat?
    private let registry: StreamRegistry
    private let cancelled = NIOLockedValueBox(false)

    init(stream: LiveStream, consumer: ConsumerBox, format: LiveFormat?, registry: StreamRegistry) {
        self.stream = stream
        self.consumer = consumer
        self.format = format
        self.registry = registry
    }

    public func cancel() {
        let wasCancelled = cancelled.withLockedValue { value in
            defer { value = true }
            return value
        }
        guard !wasCancelled else { return }
        let stream = self.stream
        let consumer = self.consumer
        let format = self.format
        let registry = self.registry
        stream.eventLoop.execute {
            stream.unsubscribe(consumer, format: format)
            registry.release(stream)
        }
    }
}
