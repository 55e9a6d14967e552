/// A player's side of RTMP flow control (RTMP 1.0 §5.4.3): once the server set a window, an
/// Acknowledgement is due each time that many bytes arrived since the last one.
struct AcknowledgementWindow {
    /// Set by the server's Window Acknowledgement Size; none is sent before it.
    var size: UInt32?
    private(set) var received: UInt64 = 0
    private var acknowledged: UInt64 = 0

    /// Counts `count` bytes; returns the sequence number to acknowledge when one is due (the byte count
    /// so far, wrapping at 32 bits).
    mutating func receive(_ count: Int) -> UInt32? {
        received &+= UInt64(count)
        return due()
    }

    /// The sequence number to acknowledge now, if a window's worth arrived since the last one.
    mutating func due() -> UInt32? {
        guard let size, size > 0, received - acknowledged >= UInt64(size) else { return nil }
        acknowledged = received
        return UInt32(truncatingIfNeeded: received)
    }

    /// The Acknowledgement message as one chunk: format 0 on chunk stream 2 (protocol control), so it
    /// needs no earlier header state (RTMP 1.0 §5.3.1, §5.4).
    static func chunk(sequenceNumber: UInt32) -> [UInt8] {
        let length: [UInt8] = [0, 0, 4]
        let header: [UInt8] = [0x02, 0, 0, 0] + length + [3, 0, 0, 0, 0]
        return header + withUnsafeBytes(of: sequenceNumber.bigEndian) { Array($0) }
    }
}
