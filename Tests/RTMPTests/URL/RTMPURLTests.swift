import Testing

@testable import RTMP

@Suite struct RTMPURLTests {
    struct Case: Sendable, CustomStringConvertible {
        var url: String
        var host: String
        var port: Int
        var app: String
        var stream: String
        var query: String = ""
        var tcUrl: String
        var description: String { url }
    }

    static let valid: [Case] = [
        Case(
            url: "rtmp://example.com/live/stream",
            host: "example.com",
            port: 1935,
            app: "live",
            stream: "stream",
            tcUrl: "rtmp://example.com/live"
        ),
        Case(
            url: "rtmp://127.0.0.1:19350/live/stream",
            host: "127.0.0.1",
            port: 19350,
            app: "live",
            stream: "stream",
            tcUrl: "rtmp://127.0.0.1:19350/live"
        ),
        Case(
            url: "rtmp://Example.COM:1935/live/Stream",
            host: "example.com",
            port: 1935,
            app: "live",
            stream: "Stream",
            tcUrl: "rtmp://example.com/live"
        ),
        Case(url: "rtmp://[::1]/live/s", host: "::1", port: 1935, app: "live", stream: "s", tcUrl: "rtmp://[::1]/live"),
        Case(
            url: "rtmp://[2001:db8::7]:1936/live/s",
            host: "2001:db8::7",
            port: 1936,
            app: "live",
            stream: "s",
            tcUrl: "rtmp://[2001:db8::7]:1936/live"
        ),
        Case(
            url: "rtmp://h/live/s?token=abc&vhost=v.com",
            host: "h",
            port: 1935,
            app: "live",
            stream: "s",
            query: "token=abc&vhost=v.com",
            tcUrl: "rtmp://h/live"
        ),
        Case(
            url: "rtmp://h/app/app2/s",
            host: "h",
            port: 1935,
            app: "app/app2",
            stream: "s",
            tcUrl: "rtmp://h/app/app2"
        ),
        Case(
            url: "rtmp://h/live?vhost=v.com/s",
            host: "h",
            port: 1935,
            app: "live",
            stream: "s",
            query: "vhost=v.com",
            tcUrl: "rtmp://h/live"
        ),
        Case(
            url: "rtmp://h/live?vhost=v.com/s?token=1",
            host: "h",
            port: 1935,
            app: "live",
            stream: "s",
            query: "vhost=v.com&token=1",
            tcUrl: "rtmp://h/live"
        ),
        Case(
            url: "rtmp://h/live...vhost...v.com/s",
            host: "h",
            port: 1935,
            app: "live",
            stream: "s",
            query: "vhost=v.com",
            tcUrl: "rtmp://h/live"
        ),
        Case(url: "rtmp://h/live", host: "h", port: 1935, app: "live", stream: "", tcUrl: "rtmp://h/live"),
        Case(url: "rtmp://h/live/", host: "h", port: 1935, app: "live", stream: "", tcUrl: "rtmp://h/live"),
        Case(
            url: "rtmp://h/live/_definst_/s",
            host: "h",
            port: 1935,
            app: "live/_definst_",
            stream: "s",
            tcUrl: "rtmp://h/live/_definst_"
        ),
        Case(url: "rtmps://h/live/s", host: "h", port: 443, app: "live", stream: "s", tcUrl: "rtmps://h/live"),
        Case(url: "RTMP://h:1935/live/s", host: "h", port: 1935, app: "live", stream: "s", tcUrl: "rtmp://h/live"),
        Case(
            url: "rtmp://user:pw@h:1940/live/s",
            host: "h",
            port: 1940,
            app: "live",
            stream: "s",
            tcUrl: "rtmp://h:1940/live"
        ),
        // The parser searches bytes: names beyond ASCII, and an authority of several bytes per character.
        Case(
            url: "rtmp://Hôte:1940/vidéo/flüsse", host: "hôte", port: 1940, app: "vidéo", stream: "flüsse",
            tcUrl: "rtmp://hôte:1940/vidéo"),
    ]

    @Test(arguments: valid)
    func parsesValidURL(_ c: Case) throws {
        let url = try RTMPURL(c.url)
        #expect(url.host == c.host)
        #expect(url.port == c.port)
        #expect(url.app == c.app)
        #expect(url.stream == c.stream)
        #expect(url.query == c.query)
        #expect(url.tcUrl == c.tcUrl)
        // Re-parsing the standard form gives the same URL.
        #expect(try RTMPURL(url.description) == url)
    }

    static let invalid: [(String, RTMPURLError)] = [
        ("example.com/live/s", .missingScheme),
        ("http://example.com/live/s", .unsupportedScheme),
        ("rtmp:///live/s", .missingHost),
        ("rtmp://:1935/live/s", .missingHost),
        ("rtmp://h:0/live/s", .invalidPort),
        ("rtmp://h:70000/live/s", .invalidPort),
        ("rtmp://h:abc/live/s", .invalidPort),
        ("rtmp://h:/live/s", .invalidPort),
        ("rtmp://[::1/live/s", .invalidHost),
        ("rtmp://[::1]x/live/s", .invalidHost),
        ("rtmp://::1/live/s", .invalidHost),
        ("rtmp://h:1:2/live/s", .invalidHost),
        ("rtmp:/h/live/s", .missingScheme),
        ("rtmp:", .missingScheme),
        ("rtmp://h", .missingApp),
        ("rtmp://h/", .missingApp),
        ("rtmp://h//", .missingApp),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidURL(_ input: String, _ expected: RTMPURLError) {
        #expect(throws: expected) { try RTMPURL(input) }
    }

    @Test func errorCarriesInput() {
        #expect {
            try RTMPURL("rtmp://h:99999/live/s")
        } throws: { error in
            (error as? RTMPURLError)?.input == "rtmp://h:99999/live/s"
        }
    }

    @Test func streamNameCarriesQuery() throws {
        let url = try RTMPURL("rtmp://h/live/s?token=1")
        #expect(url.streamName == "s?token=1")
        #expect(url.queryItems == [RTMPQueryItem(name: "token", value: "1")])
    }

    @Test func memberwiseInitUsesSchemeDefaultPort() {
        #expect(RTMPURL(host: "h", app: "live", stream: "s").port == 1935)
        #expect(RTMPURL(scheme: "rtmpt", host: "h", app: "live", stream: "s").port == 80)
        #expect(RTMPURL(host: "h", port: 1940, app: "live", stream: "s").description == "rtmp://h:1940/live/s")
    }
}
