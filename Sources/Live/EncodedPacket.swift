import Media
import NIOCore

/// A packet plus its serializations, one slot per format the stream has seen.
///
/// Slot 0 is stored inline because nearly every stream has a single RTMP format: no array is
/// allocated per packet in that case.
struct EncodedPacket: Sendable {
    var packet: MediaPacket
    private var first: ByteBuffer?
    private var others: [ByteBuffer?]

    init(_ packet: MediaPacket) {
        self.packet = packet
        self.first = nil
        self.others = []
    }

    subscript(slot: Int) -> ByteBuffer? {
        get {
            if slot == 0 { return first }
            let index = slot - 1
            return index < others.count ? others[index] : nil
        }
        set {
            if slot == 0 {
                first = newValue
                return
            }
            let index = slot - 1
            if index >= others.count { others.append(contentsOf: repeatElement(nil, count: index - others.count + 1)) }
            others[index] = newValue
        }
    }

    /// The encoding for `slot`, serializing (and remembering) it if missing.
    mutating func encoded(slot: Int, format: LiveFormat) -> ByteBuffer {
        if let bytes = self[slot] { return bytes }
        let bytes = format.serialize(packet)
        self[slot] = bytes
        return bytes
    }
}

/// What a stream sends down a relay, in order.
enum RelayEntry: Sendable {
    case media(EncodedPacket)
    case publishStarted
    case unpublished
}
