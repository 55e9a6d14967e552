@testable import HTTPServer
import Testing

@Suite struct HTTPPathResolverTests {
    private let resolver = HTTPPathResolver()

    @Test(arguments: [
        ("/", [], true),
        ("/live/a.m3u8", ["live", "a.m3u8"], false),
        ("//live///a.ts", ["live", "a.ts"], false),
        ("/live/./a.ts", ["live", "a.ts"], false),
        ("/live/%2e/a.ts", ["live", "a.ts"], false),
        ("/live/a.m3u8?token=x/../y", ["live", "a.m3u8"], false),
        ("/live/a.m3u8#frag", ["live", "a.m3u8"], false),
        ("/live/", ["live"], true),
        ("/a%20b/c%41", ["a b", "cA"], false),
        ("/caf%C3%A9.ts", ["café.ts"], false),
        // Decoded once: the double-encoded dots stay a literal name, which simply does not exist.
        ("/%252e%252e/x", ["%2e%2e", "x"], false),
        ("/a..b/..c/c..", ["a..b", "..c", "c.."], false),
        ("/a+b", ["a+b"], false),
    ] as [(String, [String], Bool)])
    func acceptsAndNormalizes(path: String, components: [String], trailingSlash: Bool) throws {
        let resolved = try resolver.resolve(path)
        #expect(resolved.components == components)
        #expect(resolved.hasTrailingSlash == trailingSlash)
        #expect(resolved.relativePath == components.joined(separator: "/"))
    }

    @Test(arguments: [
        ("/../x", HTTPPathError.dotDotSegment),
        ("/live/../../etc/passwd", .dotDotSegment),
        ("/..", .dotDotSegment),
        ("/%2e%2e/x", .dotDotSegment),
        ("/%2E%2E/x", .dotDotSegment),
        ("/.%2e/x", .dotDotSegment),
        ("/%2e./x", .dotDotSegment),
        ("/a/%2F/b", .encodedSeparator),
        ("/a%2fb", .encodedSeparator),
        ("/a%5Cb", .encodedSeparator),
        ("/%2e%2e%2fx", .encodedSeparator),
        ("/a\\b", .backslash),
        ("/..\\x", .backslash),
        ("/a%00b", .nulByte),
        ("/a\u{0}b", .nulByte),
        ("/a%0Ab", .controlCharacter),
        ("/a%0d%0aSet-Cookie:x", .controlCharacter),
        ("/a\tb", .controlCharacter),
        ("/a%7Fb", .controlCharacter),
        ("/a%C2%85b", .controlCharacter),
        ("/a%", .invalidPercentEncoding),
        ("/a%4", .invalidPercentEncoding),
        ("/a%zz", .invalidPercentEncoding),
        ("/a%FF", .invalidUTF8),
        ("/a%C3", .invalidUTF8),
        ("a/b", .notAbsolute),
        ("*", .notAbsolute),
        ("", .notAbsolute),
    ] as [(String, HTTPPathError)])
    func rejects(path: String, error: HTTPPathError) {
        #expect(throws: error) { try resolver.resolve(path) }
    }

    @Test func limitsTheRawLength() throws {
        let longest = "/" + String(repeating: "a", count: HTTPPathResolver.defaultMaximumLength - 1)
        #expect(try resolver.resolve(longest).components.count == 1)
        #expect(throws: HTTPPathError.tooLong) { try resolver.resolve(longest + "a") }
        // The query does not count.
        #expect(try resolver.resolve(longest + "?" + String(repeating: "q", count: 10_000)).components.count == 1)
        #expect(throws: HTTPPathError.tooLong) { try HTTPPathResolver(maximumLength: 8).resolve("/123456789") }
    }

    @Test(arguments: [
        ("a.ts", true),
        ("index.html", true),
        ("a.tmp.ts", true),
        (".hidden", false),
        (".", false),
        ("a.ts.tmp", false),
        ("A.TMP", false),
        (".tmp", false),
    ])
    func servableNames(name: String, servable: Bool) {
        #expect(HTTPPathResolver.isServableName(name) == servable)
    }

    @Test func servabilityCoversEverySegment() throws {
        #expect(try resolver.resolve("/live/a.ts").isServable)
        #expect(try !resolver.resolve("/.git/config").isServable)
        #expect(try !resolver.resolve("/live/%2Ehidden").isServable)
        #expect(try !resolver.resolve("/live/a.ts.tmp").isServable)
        #expect(try !resolver.resolve("/rec.tmp/a.flv").isServable)
    }
}
