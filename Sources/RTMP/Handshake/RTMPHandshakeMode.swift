/// Where the 764-byte digest block sits in a digest-handshake C1/S1 packet.
///
/// After the 4-byte time and 4-byte version fields, the packet holds two 764-byte blocks, a
/// key block and a digest block, in one of two orders. The raw values are the customary schema
/// numbers (schema 0, schema 1) used by Flash Player and FMS.
public enum RTMPHandshakeSchema: UInt8, Sendable, Hashable, CaseIterable {
    /// Schema 0: the key block first, the digest block at packet offset 772.
    case keyThenDigest = 0
    /// Schema 1: the digest block first, at packet offset 8 (what ffmpeg and librtmp send).
    case digestThenKey = 1
}

/// The handshake flavour spoken (client) or detected (server).
public enum RTMPHandshakeMode: Sendable, Hashable {
    /// The plain handshake of RTMP 1.0 §5.2: random bytes, echoed back.
    case simple
    /// The Flash Player 9 digest ("complex") handshake: HMAC-SHA256 digests in C1/S1, signed C2/S2.
    case digest(RTMPHandshakeSchema)
}
