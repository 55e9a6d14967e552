import Media
import DequeModule
public import NIOCore
import Synchronization

/// Errors of the live hub.
public struct LiveError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case streamBusy
        case streamClosed
    }
    private let base: Base
    public let stream: String

    public static func streamBusy(_ key: StreamKey) -> LiveError { LiveError(base: .streamBusy, stream: key.description) }
    public static func streamClosed(_ key: StreamKey) -> LiveError { LiveError(base: .streamClosed, stream: key.description) }

    public var description: String {
        switch base {
        case .streamBusy: return "stream \(stream) already has a publisher"
        case .streamClosed: return "stream \(stream) is closed"
        }
    }

    public static func == (lhs: LiveError, rhs: LiveError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }
}

/// Moves a loop-confined consumer to its own loop through another loop's task queue.
struct ConsumerBox: @unchecked Sendable {
    let consumer: any LiveConsumer
}

/// One live stream: its publisher, cached headers and GOP, and the relays to its consumers.
///
/// All mutable state belongs to `eventLoop` (the loop the stream was created on); other loops
/// reach it with `execute`, once per batch. The registry owns creation and removal.
public final class LiveStream: @unchecked Sendable {
    public let key: StreamKey
    public let eventLoop: any EventLoop
    /// Unique in the process for the life of the stream (the API's `vid-<id>`); a stream created again
    /// after it went away gets a new one.
    public let id: UInt64

    private var configuration: LiveStreamConfiguration
    private var publisherID: UInt64?
    private var disconnectHandler: (@Sendable () -> Void)?
    private var metadata: EncodedPacket?
    private var videoHeader: EncodedPacket?
    private var audioHeader: EncodedPacket?
    private var gop: GOPCache
    private var clock: StreamClock
    private var lastTimestamp: Int64 = 0
    private var formats: [FormatSlot] = []
    private var relays: [ObjectIdentifier: LoopRelay] = [:]
    private var statistics = LiveStreamStatistics()
    /// Mirrors `publisherID != nil` for readers on other loops (HTTP-FLV deciding between a stream and a file).
    private let publishing = Atomic<Bool>(false)

    init(key: StreamKey, id: UInt64, configuration: LiveStreamConfiguration, eventLoop: any EventLoop) {
        self.key = key
        self.id = id
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.gop = GOPCache(maxFrames: configuration.gopCacheMaxFrames, maxBytes: configuration.gopCacheMaxBytes)
        self.clock = StreamClock(mode: configuration.timeJitter)
    }

    // MARK: Publishing

    func attachPublisher(
        id publisher: UInt64, configuration newConfiguration: LiveStreamConfiguration,
        disconnect: (@Sendable () -> Void)? = nil, clientID: UInt64? = nil
    ) throws {
        eventLoop.preconditionInEventLoop()
        guard publisherID == nil else { throw LiveError.streamBusy(key) }
        publisherID = publisher
        publishing.store(true, ordering: .relaxed)
        disconnectHandler = disconnect
        if newConfiguration != configuration {
            configuration = newConfiguration
            gop.maxFrames = newConfiguration.gopCacheMaxFrames
            gop.maxBytes = newConfiguration.gopCacheMaxBytes
            clock.mode = newConfiguration.timeJitter
        }
        clock.publisherDidRestart()
        statistics.publishCount += 1
        statistics.publishStartedAt = .now()
        statistics.publisherClientID = clientID
        broadcast(.publishStarted)
    }

    func detachPublisher(id publisher: UInt64) {
        eventLoop.preconditionInEventLoop()
        guard publisherID == publisher else { return }
        publisherID = nil
        publishing.store(false, ordering: .relaxed)
        disconnectHandler = nil
        metadata = nil
        videoHeader = nil
        audioHeader = nil
        gop.reset()
        statistics.publisherDidLeave()
        broadcast(.unpublished)
    }

    /// Takes a batch from the publisher: fixes timestamps, caches, serializes once per format and fans out.
    func ingest(_ batch: [MediaPacket], from publisher: UInt64) {
        eventLoop.preconditionInEventLoop()
        guard publisherID == publisher else { return }
        for var packet in batch {
            let raw = UInt32(truncatingIfNeeded: packet.timestamp)
            switch packet.kind {
            case .video: packet.timestamp = clock.correct(raw, track: .video)
            case .audio: packet.timestamp = clock.correct(raw, track: .audio)
            case .data: packet.timestamp = lastTimestamp
            }
            lastTimestamp = max(lastTimestamp, packet.timestamp)
            statistics.record(packet)

            var encoded = EncodedPacket(packet)
            // Headers and metadata are kept for the whole publish: in a page they would pin all of it.
            let isHeader = packet.isSequenceHeader || packet.flags.contains(.metadata)
            for slot in formats.indices where formats[slot].subscribers > 0 {
                let format = formats[slot].format
                encoded[slot] = isHeader ? format.serialize(packet) : formats[slot].pages.store(packet, format: format)
            }
            if packet.flags.contains(.metadata) {
                metadata = encoded
            } else if packet.isSequenceHeader {
                if packet.kind == .video { videoHeader = encoded } else { audioHeader = encoded }
            } else if configuration.gopCache {
                gop.append(encoded)
            }
            for relay in relays.values {
                relay.pending.append(.media(encoded))
            }
        }
        flushRelays()
    }

    /// Asks the publisher's connection to close (an output's error policy, an operator's kick), on a later
    /// turn of `eventLoop`. Call on `eventLoop`; does nothing when nobody publishes or it cannot be closed.
    public func disconnectPublisher() {
        eventLoop.preconditionInEventLoop()
        guard let handler = disconnectHandler else { return }
        // Never inline: the caller may be inside this stream's delivery, which closing the publisher re-enters.
        eventLoop.execute { handler() }
    }

    // MARK: Consumers

    func subscribe(_ box: ConsumerBox, format: LiveFormat?) {
        eventLoop.preconditionInEventLoop()
        let loop = box.consumer.eventLoop
        let relay = relays[ObjectIdentifier(loop)] ?? {
            let relay = LoopRelay(eventLoop: loop)
            relays[ObjectIdentifier(loop)] = relay
            return relay
        }()
        relay.subscriberCount += 1
        let slot = format.map(activate)
        // Anything already queued for this loop predates the snapshot; deliver it first so the
        // new consumer sees neither a gap nor a duplicate.
        relay.flush(from: eventLoop)
        let snapshot = makeSnapshot(slot: slot)
        if loop === eventLoop {
            relay.join(box.consumer, slot: slot, snapshot: snapshot)
        } else {
            loop.execute { relay.join(box.consumer, slot: slot, snapshot: snapshot) }
        }
    }

    func unsubscribe(_ box: ConsumerBox, format: LiveFormat?) {
        eventLoop.preconditionInEventLoop()
        let loop = box.consumer.eventLoop
        guard let relay = relays[ObjectIdentifier(loop)] else { return }
        if loop === eventLoop {
            relay.leave(box.consumer)
        } else {
            loop.execute { relay.leave(box.consumer) }
        }
        if let format, let slot = formats.firstIndex(where: { $0.format == format }) {
            formats[slot].subscribers -= 1
            // Unused pages go; views still in flight keep theirs.
            if formats[slot].subscribers == 0 { formats[slot].pages = LivePageWriter() }
        }
        relay.subscriberCount -= 1
        if relay.subscriberCount == 0 {
            relay.flush(from: eventLoop)
            relays[ObjectIdentifier(loop)] = nil
        }
    }

    /// The slot of `format`, counting one more subscriber. Slots are never reused, so batches
    /// already in flight keep meaning the same thing.
    private func activate(_ format: LiveFormat) -> Int {
        if let slot = formats.firstIndex(where: { $0.format == format }) {
            formats[slot].subscribers += 1
            return slot
        }
        formats.append(FormatSlot(format: format, subscribers: 1))
        return formats.count - 1
    }

    /// What a joining consumer needs to start at once: live state, metadata, sequence headers, GOP.
    private func makeSnapshot(slot: Int?) -> [RelayEntry] {
        guard publisherID != nil else { return [] }
        var snapshot: [RelayEntry] = [.publishStarted]
        if let slot { gop.encodeAll(slot: slot, format: formats[slot].format) }
        // Headers are restamped to where the GOP starts, so the player's clock does not jump back.
        let start = gop.entries.first?.packet.timestamp ?? lastTimestamp
        for header in [metadata, videoHeader, audioHeader].compactMap({ $0 }) {
            var packet = header.packet
            packet.timestamp = start
            var entry = EncodedPacket(packet)
            if let slot { _ = entry.encoded(slot: slot, format: formats[slot].format) }
            snapshot.append(.media(entry))
        }
        for entry in gop.entries {
            snapshot.append(.media(entry))
        }
        return snapshot
    }

    private func broadcast(_ entry: RelayEntry) {
        for relay in relays.values {
            relay.pending.append(entry)
        }
        flushRelays()
    }

    private func flushRelays() {
        for relay in relays.values {
            relay.flush(from: eventLoop)
        }
    }

    // MARK: Introspection

    /// Whether a publisher is attached now, readable from any thread; it may change right after the read.
    public var isPublishing: Bool { publishing.load(ordering: .relaxed) }

    /// A consistent copy of the stream's counters, taken on its loop.
    public func statisticsSnapshot() -> EventLoopFuture<LiveStreamStatistics> {
        eventLoop.submit {
            var snapshot = self.statistics
            snapshot.isPublishing = self.publisherID != nil
            snapshot.consumers = self.relays.values.reduce(0) { $0 + $1.subscriberCount }
            snapshot.gopCachePackets = self.gop.count
            return snapshot
        }
    }
}

/// One format the stream serializes to, with the pages its encodings are stored in.
private struct FormatSlot {
    let format: LiveFormat
    var subscribers: Int
    var pages = LivePageWriter()
}

/// Per-stream counters (for logs, the API and metrics).
public struct LiveStreamStatistics: Sendable {
    public var isPublishing = false
    public var publishCount = 0
    public var consumers = 0
    public var videoPackets = 0
    public var audioPackets = 0
    /// Coded video frames, sequence headers excluded (SRS's stream `frames`).
    public var videoFrames = 0
    public var bytesIn = 0
    public var gopCachePackets = 0
    /// When the current publisher attached; `nil` while nobody publishes.
    public var publishStartedAt: NIODeadline?
    /// The current publisher's client id (`ClientSession.id`), when its connection gave one.
    public var publisherClientID: UInt64?
    /// The current publish's video, from its last sequence header; `nil` before one arrives.
    public var video: LiveVideoInfo?
    /// The current publish's audio, from its AAC sequence header or first frame of another codec.
    public var audio: LiveAudioInfo?

    public init() {}

    mutating func record(_ packet: MediaPacket) {
        bytesIn += packet.payload.readableBytes
        switch packet.kind {
        case .video:
            videoPackets += 1
            // Parsed once per sequence header, never per frame.
            if packet.isSequenceHeader {
                video = LiveVideoInfo.parse(sequenceHeader: packet.payload) ?? video
            } else {
                videoFrames += 1
            }
        case .audio:
            audioPackets += 1
            if audio == nil || packet.isSequenceHeader {
                audio = LiveAudioInfo.parse(packet.payload) ?? audio
            }
        case .data: break
        }
    }

    /// What only the publish that ended described.
    mutating func publisherDidLeave() {
        publishStartedAt = nil
        publisherClientID = nil
        video = nil
        audio = nil
    }
}
