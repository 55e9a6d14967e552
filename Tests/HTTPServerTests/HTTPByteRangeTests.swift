@testable import HTTPServer
import Testing

@Suite struct HTTPByteRangeTests {
    @Test(arguments: [
        ("bytes=0-499", 1000, HTTPByteRange.partial(0...499)),
        ("bytes=500-999", 1000, .partial(500...999)),
        ("bytes=500-5000", 1000, .partial(500...999)),
        ("bytes=999-999", 1000, .partial(999...999)),
        ("bytes=500-", 1000, .partial(500...999)),
        ("bytes=-200", 1000, .partial(800...999)),
        ("bytes=-5000", 1000, .partial(0...999)),
        ("BYTES=0-0", 1000, .partial(0...0)),
        ("  bytes=0-9  ", 1000, .partial(0...9)),
        ("bytes= 0-9", 1000, .partial(0...9)),
        ("bytes=0-9,", 1000, .partial(0...9)),
        ("bytes=0-99999999999999999999999999", 1000, .partial(0...999)),
        // Unsatisfiable: no requested byte exists.
        ("bytes=1000-", 1000, .unsatisfiable),
        ("bytes=1000-2000", 1000, .unsatisfiable),
        ("bytes=99999999999999999999999999-", 1000, .unsatisfiable),
        ("bytes=-0", 1000, .unsatisfiable),
        ("bytes=0-0", 0, .unsatisfiable),
        ("bytes=0-", 0, .unsatisfiable),
        // A suffix of an empty file has no bytes Content-Range could name: send the (empty) whole.
        ("bytes=-10", 0, .whole),
        // Malformed, another unit or several ranges: ignored (RFC 9110 §14.2).
        ("bytes=500-400", 1000, .whole),
        ("bytes=-", 1000, .whole),
        ("bytes=", 1000, .whole),
        ("bytes=abc", 1000, .whole),
        ("bytes=1-2-3", 1000, .whole),
        ("bytes=+1-2", 1000, .whole),
        ("bytes=0x1-2", 1000, .whole),
        ("bytes=0 -9", 1000, .whole),
        ("bytes 0-9", 1000, .whole),
        ("items=0-9", 1000, .whole),
        ("", 1000, .whole),
        ("bytes=0-1,5-9", 1000, .whole),
        ("bytes=0-1, -5", 1000, .whole),
        ("bytes=,", 1000, .whole),
    ] as [(String, Int, HTTPByteRange)])
    func evaluates(header: String, size: Int, expected: HTTPByteRange) {
        #expect(HTTPByteRange(header: header, size: size) == expected)
    }
}
