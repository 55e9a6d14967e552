import Synchronization

/// Wire constants of the handshake (RTMP 1.0 §5.2) and the digest ("complex", Flash Player 9)
/// handshake built on top of it.
enum RTMPHandshakeDigest {
    /// The only RTMP version in C0/S0 (RTMP 1.0 §5.2.2).
    static let rtmpVersion: UInt8 = 3
    /// C1, S1, C2 and S2 are all this long (RTMP 1.0 §5.2.3).
    static let packetLength = 1536
    /// Offset of the 4-byte version field in C1/S1; zero there means a simple handshake.
    static let versionFieldOffset = 4
    /// The two 764-byte blocks start after time and version.
    static let blocksOffset = 8
    static let blockLength = 764
    /// A digest block is a 4-byte offset seed, then the digest somewhere in the rest of the block.
    static let offsetSeedLength = 4
    static let digestLength = HMACSHA256.length
    /// The digest must fit in the block after the seed: 764 - 4 - 32.
    static let offsetModulus = blockLength - offsetSeedLength - digestLength
    /// C2/S2 in the digest handshake: random bytes, then their signature in the last 32 bytes.
    static let signedLength = packetLength - digestLength

    private static let keyTail: [UInt8] = [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ]
    private static let clientText = Array("Genuine Adobe Flash Player 001".utf8)
    private static let serverText = Array("Genuine Adobe Flash Media Server 001".utf8)
    /// Keys the client's C1 digest: the 30-byte text alone.
    static let clientDigestKey = HMACSHA256(key: clientText)
    /// Keys the server's S1 digest: the 36-byte text alone.
    static let serverDigestKey = HMACSHA256(key: serverText)
    /// The full 62-byte client key, used to derive the key that signs C2.
    static let clientSigningKey = HMACSHA256(key: clientText + keyTail)
    /// The full 68-byte server key, used to derive the key that signs S2.
    static let serverSigningKey = HMACSHA256(key: serverText + keyTail)

    /// Where the 32-byte digest starts in `packet` under `schema`.
    static func digestPosition(in packet: [UInt8], schema: RTMPHandshakeSchema) -> Int {
        let blockStart: Int
        switch schema {
        case .keyThenDigest: blockStart = Self.blocksOffset + Self.blockLength
        case .digestThenKey: blockStart = Self.blocksOffset
        }
        var seed = 0
        for index in blockStart..<(blockStart + Self.offsetSeedLength) {
            seed += Int(packet[index])
        }
        return blockStart + Self.offsetSeedLength + seed % Self.offsetModulus
    }

    /// HMAC-SHA256 of the whole packet except the 32 digest bytes at `position`.
    static func computeDigest(of packet: [UInt8], at position: Int, key: HMACSHA256) -> [UInt8] {
        packet.withUnsafeBytes { bytes in
            key.authenticationCode(
                of: UnsafeRawBufferPointer(rebasing: bytes[..<position]),
                UnsafeRawBufferPointer(rebasing: bytes[(position + Self.digestLength)...]))
        }
    }

    /// Finds a digest keyed by `key` in either schema, schema 0 first.
    ///
    /// - Returns: The schema and the digest bytes, or `nil` when neither position validates.
    static func findDigest(in packet: [UInt8], key: HMACSHA256) -> (schema: RTMPHandshakeSchema, digest: [UInt8])? {
        for schema in RTMPHandshakeSchema.allCases {
            let position = Self.digestPosition(in: packet, schema: schema)
            let expected = Self.computeDigest(of: packet, at: position, key: key)
            if expected[...] == packet[position..<(position + Self.digestLength)] {
                return (schema, expected)
            }
        }
        return nil
    }

    /// Writes the digest of `packet` into it at the position `schema` dictates.
    ///
    /// - Returns: The digest written.
    static func imprintDigest(into packet: inout [UInt8], schema: RTMPHandshakeSchema, key: HMACSHA256) -> [UInt8] {
        let position = Self.digestPosition(in: packet, schema: schema)
        let digest = Self.computeDigest(of: packet, at: position, key: key)
        packet.replaceSubrange(position..<(position + Self.digestLength), with: digest)
        return digest
    }

    /// Builds a C2/S2 for the digest handshake: random bytes signed with a key derived from the
    /// peer's C1/S1 digest.
    static func makeSignedResponse(peerDigest: [UInt8], signingKey: HMACSHA256) -> [UInt8] {
        var packet = Self.randomBytes(count: Self.signedLength)
        packet.append(contentsOf: Self.signature(of: packet[...], peerDigest: peerDigest, signingKey: signingKey))
        return packet
    }

    /// Whether `packet` (a C2/S2) is signed for `ownDigest`, the digest we sent in C1/S1.
    static func isSignedResponse(_ packet: [UInt8], ownDigest: [UInt8], signingKey: HMACSHA256) -> Bool {
        let expected = Self.signature(
            of: packet[0..<Self.signedLength], peerDigest: ownDigest, signingKey: signingKey)
        return expected[...] == packet[Self.signedLength...]
    }

    private static func signature(of body: ArraySlice<UInt8>, peerDigest: [UInt8], signingKey: HMACSHA256) -> [UInt8] {
        let key = HMACSHA256(key: signingKey.authenticationCode(of: peerDigest))
        return body.withUnsafeBytes { key.authenticationCode(of: $0) }
    }

    /// Builds a C1/S1: zero time, `version`, random bytes.
    static func makePacket(version: UInt32) -> [UInt8] {
        var packet = Self.randomBytes(count: Self.packetLength)
        for index in 0..<Self.versionFieldOffset {
            packet[index] = 0
        }
        for index in 0..<4 {
            packet[Self.versionFieldOffset + index] = UInt8(truncatingIfNeeded: version >> (24 - 8 * index))
        }
        return packet
    }

    /// Whether the version field of a C1/S1 is non-zero, the sign of a digest handshake.
    static func hasVersion(_ packet: [UInt8]) -> Bool {
        packet[Self.versionFieldOffset..<Self.blocksOffset].contains { $0 != 0 }
    }

    /// Whether `packet` echoes the random part of `ownPacket` (the simple handshake's C2/S2).
    static func isEcho(_ packet: [UInt8], of ownPacket: [UInt8]) -> Bool {
        packet[Self.blocksOffset...] == ownPacket[Self.blocksOffset...]
    }

    /// `count` bytes that differ from handshake to handshake. RTMP 1.0 §5.2.3 asks for "sufficiently
    /// random" bytes only so that each side can tell its own packet from its peer's, and needs no
    /// cryptographic randomness: a system call per packet (`getrandom`) was 1 % of the CPU a ramp of
    /// players costs, so a SplitMix64 stream seeded once from the kernel fills them instead.
    static func randomBytes(count: Int) -> [UInt8] {
        let words = (count + 7) / 8
        // Each packet takes its own stretch of the one stream, so no two share bytes.
        var state = randomStream.wrappingAdd(splitMixIncrement &* UInt64(words), ordering: .relaxed).oldValue
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var index = 0
            while index < count {
                state &+= splitMixIncrement
                var word = state
                word = (word ^ (word >> 30)) &* (0xBF58_476D_1CE4_E5B9 as UInt64)
                word = (word ^ (word >> 27)) &* (0x94D0_49BB_1331_11EB as UInt64)
                word ^= word >> 31
                for _ in 0..<min(8, count - index) {
                    buffer[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
            initialized = count
        }
    }

    private static let splitMixIncrement: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Where the next packet's stretch of the stream starts.
    private static let randomStream = Atomic<UInt64>(UInt64.random(in: .min ... .max))
}
