import COpenSSL

/// HMAC-SHA256 (RFC 2104), the one primitive the digest ("complex") handshake needs, over libcrypto's
/// SHA-256.
///
/// OpenSSL 3's one-shot `HMAC()` looks SHA-256 up in its provider tables and allocates a context on every
/// call, which cost as much as hashing the handshake's 1.5 KB packets. A key here hashes its two padded
/// blocks once, and every code starts from copies of those states.
struct HMACSHA256: Sendable {
    /// The length of one authentication code in bytes.
    static let length = 32
    private static let blockLength = 64

    private let innerStart: SHA256_CTX
    private let outerStart: SHA256_CTX

    /// A key of any length; one longer than SHA-256's 64-byte block is hashed first (RFC 2104 §2).
    init(key: [UInt8]) {
        var block = key.count > Self.blockLength ? Self.sha256(key) : key
        block += [UInt8](repeating: 0, count: Self.blockLength - block.count)
        innerStart = Self.absorbing(block.map { $0 ^ 0x36 })
        outerStart = Self.absorbing(block.map { $0 ^ 0x5C })
    }

    /// The code of the concatenation of `parts`, so that a message with a hole needs no copy.
    func authenticationCode(of parts: UnsafeRawBufferPointer...) -> [UInt8] {
        var inner = innerStart
        for part in parts where !part.isEmpty {
            SHA256_Update(&inner, part.baseAddress, part.count)
        }
        var innerHash = [UInt8](repeating: 0, count: Self.length)
        SHA256_Final(&innerHash, &inner)
        var outer = outerStart
        SHA256_Update(&outer, innerHash, innerHash.count)
        var code = [UInt8](repeating: 0, count: Self.length)
        SHA256_Final(&code, &outer)
        return code
    }

    func authenticationCode(of message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { authenticationCode(of: $0) }
    }

    private static func absorbing(_ block: [UInt8]) -> SHA256_CTX {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        SHA256_Update(&context, block, block.count)
        return context
    }

    private static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        SHA256_Update(&context, bytes, bytes.count)
        var digest = [UInt8](repeating: 0, count: length)
        SHA256_Final(&digest, &context)
        return digest
    }
}
