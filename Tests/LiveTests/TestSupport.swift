import Live
import Media
import NIOCore
import NIOEmbedded

/// Records everything a stream delivers to it.
final class RecordingConsumer: LiveConsumer {
    let eventLoop: any EventLoop
    let format: LiveFormat?
    private(set) var events: [LiveEvent] = []
    private(set) var batches = 0

    init(eventLoop: any EventLoop, format: LiveFormat? = nil) {
        self.eventLoop = eventLoop
        self.format = format
    }

    func liveStream(didReceive event: LiveEvent) { events.append(event) }
    func liveStreamDidFinishBatch() { batches += 1 }

    var media: [MediaPacket] {
        events.compactMap { if case .media(let packet, _) = $0 { return packet } else { return nil } }
    }

    var encoded: [ByteBuffer] {
        events.compactMap { if case .media(_, let bytes) = $0 { return bytes } else { return nil } }
    }

    var timestamps: [Int64] { media.map(\.timestamp) }

    var publishStarts: Int {
        events.filter { if case .publishStarted = $0 { return true } else { return false } }.count
    }

    var unpublishes: Int {
        events.filter { if case .unpublished = $0 { return true } else { return false } }.count
    }
}

enum Packets {
    static func video(_ timestamp: Int64, key: Bool = false, header: Bool = false, size: Int = 100) -> MediaPacket {
        var flags: MediaPacket.Flags = []
        if key || header { flags.insert(.keyframe) }
        if header { flags.insert(.sequenceHeader) }
        var payload = ByteBuffer()
        payload.writeInteger(UInt8(key || header ? 0x17 : 0x27))
        payload.writeInteger(UInt8(header ? 0 : 1))
        payload.writeRepeatingByte(0xAB, count: max(0, size - 2))
        return MediaPacket(kind: .video, timestamp: timestamp, flags: flags, payload: payload)
    }

    static func audio(_ timestamp: Int64, header: Bool = false) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeInteger(UInt8(0xAF))
        payload.writeInteger(UInt8(header ? 0 : 1))
        payload.writeRepeatingByte(0xCD, count: 20)
        return MediaPacket(kind: .audio, timestamp: timestamp, flags: header ? [.sequenceHeader] : [], payload: payload)
    }

    static func metadata() -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeString("onMetaData")
        return MediaPacket(kind: .data, timestamp: 0, flags: [.metadata], payload: payload)
    }
}

/// A format that tags every payload so tests can tell serializations apart and count them.
final class CountingFormat: @unchecked Sendable {
    private(set) var calls = 0
    lazy var format = LiveFormat(name: "test") { [unowned self] packet in
        self.calls += 1
        var bytes = ByteBuffer()
        bytes.writeString("T\(packet.timestamp):")
        var payload = packet.payload
        bytes.writeBuffer(&payload)
        return bytes
    }
}

let testKey = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "test")
