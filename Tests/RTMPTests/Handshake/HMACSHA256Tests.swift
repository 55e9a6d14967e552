import Testing

@testable import RTMP

@Suite("HMAC-SHA256")
struct HMACSHA256Tests {
    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    // RFC 4231 §4.2, §4.3 and §4.7; the 64-byte key (exactly one block) checked against Python's hmac.
    @Test(
        "codes match the RFC 4231 vectors, for keys shorter than, equal to and longer than a block",
        arguments: [
            ([UInt8](repeating: 0x0B, count: 20), "Hi There",
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), "what do ya want for nothing?",
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xAA, count: 64), "exactly one block of key",
             "6b86dff4b91fe689c94291f9648c1f7cea871c24c0aaee8b7b0f295528e85fe3"),
            ([UInt8](repeating: 0xAA, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ])
    func vectors(key: [UInt8], message: String, expected: String) {
        let hmac = HMACSHA256(key: key)
        #expect(Self.hex(hmac.authenticationCode(of: Array(message.utf8))) == expected)
        // The same key gives the same code again: each code starts from copies of the key's states.
        #expect(Self.hex(hmac.authenticationCode(of: Array(message.utf8))) == expected)
    }

    @Test("a message given in parts has the code of the whole")
    func parts() {
        let hmac = HMACSHA256(key: Array("Jefe".utf8))
        let head = Array("what do ya ".utf8)
        let tail = Array("want for nothing?".utf8)
        let code = head.withUnsafeBytes { headBytes in
            tail.withUnsafeBytes { tailBytes in
                hmac.authenticationCode(of: headBytes, UnsafeRawBufferPointer(start: nil, count: 0), tailBytes)
            }
        }
        #expect(Self.hex(code) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
