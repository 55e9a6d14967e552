import COpenSSL

/// HMAC-SHA256 over OpenSSL's libcrypto, the one primitive the digest ("complex") handshake needs.
enum HMACSHA256 {
    /// The length of one authentication code in bytes.
    static let length = 32

    /// Computes HMAC-SHA256 of `message` under `key`.
    static func authenticationCode(key: [UInt8], message: UnsafeRawBufferPointer) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: Self.length)
        var written: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            code.withUnsafeMutableBytes { codeBytes in
                HMAC(
                    EVP_sha256(),
                    keyBytes.baseAddress, Int32(keyBytes.count),
                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                    codeBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), &written)
            }
        }
        // HMAC only fails on allocation failure or a missing digest: nothing a peer can cause.
        precondition(result != nil && written == UInt32(Self.length), "HMAC-SHA256 failed in libcrypto")
        return code
    }

    /// Computes HMAC-SHA256 of `message` under `key`.
    static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { Self.authenticationCode(key: key, message: $0) }
    }
}
