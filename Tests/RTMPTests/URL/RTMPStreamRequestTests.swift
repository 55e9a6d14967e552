import Testing

@testable import RTMP

@Suite struct RTMPStreamRequestTests {
    struct Case: Sendable, CustomStringConvertible {
        var tcUrl: String
        var app: String? = nil
        var name: String
        var vhost: String
        var expectedApp: String
        var stream: String
        var query: String = ""
        var description: String { "\(tcUrl) + \(name)" }
    }

    static let cases: [Case] = [
        // ffmpeg: tcUrl with port, plain names.
        Case(
            tcUrl: "rtmp://127.0.0.1:1935/live",
            app: "live",
            name: "livestream",
            vhost: "127.0.0.1",
            expectedApp: "live",
            stream: "livestream"
        ),
        Case(tcUrl: "rtmp://localhost/live", name: "s", vhost: "localhost", expectedApp: "live", stream: "s"),
        Case(
            tcUrl: "rtmp://Cdn.Example.com/live",
            name: "s",
            vhost: "cdn.example.com",
            expectedApp: "live",
            stream: "s"
        ),
        // vhost and domain in the stream query.
        Case(
            tcUrl: "rtmp://127.0.0.1/live",
            name: "s?vhost=v.com",
            vhost: "v.com",
            expectedApp: "live",
            stream: "s",
            query: "vhost=v.com"
        ),
        Case(
            tcUrl: "rtmp://127.0.0.1/live",
            name: "s?domain=d.com&token=1",
            vhost: "d.com",
            expectedApp: "live",
            stream: "s",
            query: "domain=d.com&token=1"
        ),
        Case(
            tcUrl: "rtmp://127.0.0.1/live",
            name: "s?domain=d.com&vhost=v.com",
            vhost: "v.com",
            expectedApp: "live",
            stream: "s",
            query: "domain=d.com&vhost=v.com"
        ),
        // FMLE/OBS: query in the app and tcUrl, plain stream name.
        Case(
            tcUrl: "rtmp://127.0.0.1/live?vhost=v.com",
            app: "live?vhost=v.com",
            name: "s",
            vhost: "v.com",
            expectedApp: "live",
            stream: "s",
            query: "vhost=v.com"
        ),
        Case(
            tcUrl: "rtmp://127.0.0.1/live?key=k",
            app: "live?key=k",
            name: "s?token=t",
            vhost: "127.0.0.1",
            expectedApp: "live",
            stream: "s",
            query: "key=k&token=t"
        ),
        // Query only in connect's app.
        Case(
            tcUrl: "rtmp://127.0.0.1/live",
            app: "live?vhost=v.com",
            name: "s",
            vhost: "v.com",
            expectedApp: "live",
            stream: "s",
            query: "vhost=v.com"
        ),
        // Stream query beats app query.
        Case(
            tcUrl: "rtmp://h/live?vhost=a.com",
            name: "s?vhost=b.com",
            vhost: "b.com",
            expectedApp: "live",
            stream: "s",
            query: "vhost=a.com&vhost=b.com"
        ),
        // Legacy ...vhost... form.
        Case(
            tcUrl: "rtmp://h/live...vhost...v.com",
            name: "s",
            vhost: "v.com",
            expectedApp: "live",
            stream: "s",
            query: "vhost=v.com"
        ),
        // __defaultVhost__ in the query is ignored.
        Case(
            tcUrl: "rtmp://h.com/live",
            name: "s?vhost=__defaultVhost__",
            vhost: "h.com",
            expectedApp: "live",
            stream: "s",
            query: "vhost=__defaultVhost__"
        ),
        // _definst_.
        Case(
            tcUrl: "rtmp://h/live/_definst_",
            app: "live/_definst_",
            name: "s",
            vhost: "h",
            expectedApp: "live",
            stream: "s"
        ),
        Case(tcUrl: "rtmp://h/live", name: "_definst_/s", vhost: "h", expectedApp: "live", stream: "s"),
        // Multi-level apps and names with slashes.
        Case(tcUrl: "rtmp://h/app/app2", name: "s", vhost: "h", expectedApp: "app/app2", stream: "s"),
        Case(tcUrl: "rtmp://h/live", name: "sub/s?t=1", vhost: "h", expectedApp: "live/sub", stream: "s", query: "t=1"),
        // OBS with the key in the server URL and an empty key.
        Case(tcUrl: "rtmp://h/live/s", name: "", vhost: "h", expectedApp: "live", stream: "s"),
        // tcUrl without a path: fall back to connect's app; none at all: the default app.
        Case(tcUrl: "rtmp://h", app: "live", name: "s", vhost: "h", expectedApp: "live", stream: "s"),
        Case(tcUrl: "rtmp://h:1936", name: "s", vhost: "h", expectedApp: "__defaultApp__", stream: "s"),
        // IPv6.
        Case(tcUrl: "rtmp://[::1]:1935/live", name: "s", vhost: "::1", expectedApp: "live", stream: "s"),
        // Whitespace is stripped like SRS does.
        Case(tcUrl: "rtmp://h/live", name: " s\n", vhost: "h", expectedApp: "live", stream: "s"),
    ]

    @Test(arguments: cases)
    func resolves(_ c: Case) throws {
        let request = try RTMPStreamRequest(tcUrl: c.tcUrl, connectApp: c.app, streamName: c.name)
        #expect(request.vhost == c.vhost)
        #expect(request.app == c.expectedApp)
        #expect(request.stream == c.stream)
        #expect(request.query == c.query)
        #expect(request.streamKey == "\(c.vhost)/\(c.expectedApp)/\(c.stream)")
        #expect(request.tcUrl == c.tcUrl)
    }

    @Test("one connect target resolves every name on the connection, each with its own query")
    func oneTargetManyNames() throws {
        let target = try RTMPConnectTarget(tcUrl: "rtmp://H:1940/live?vhost=a&k=1")
        let first = try RTMPStreamRequest(target: target, streamName: "s1")
        let second = try RTMPStreamRequest(target: target, streamName: "sub/s2?vhost=b")
        #expect(first.streamKey == "a/live/s1")
        #expect(first.query == "vhost=a&k=1")
        #expect(second.streamKey == "b/live/sub/s2")
        #expect(second.query == "vhost=a&k=1&vhost=b")
        #expect(second.host == "h" && second.port == 1940)
        #expect(throws: RTMPURLError.self) { try RTMPConnectTarget(tcUrl: "http://h/live") }
    }

    @Test func keepsHostAndPort() throws {
        let request = try RTMPStreamRequest(tcUrl: "rtmp://[::1]:1940/live", streamName: "s?token=x")
        #expect(request.host == "::1")
        #expect(request.port == 1940)
        #expect(request.scheme == "rtmp")
        #expect(request.parameter("token") == "x")
        #expect(request.parameter("missing") == nil)
    }

    @Test func emptyNameIsAnError() {
        #expect(throws: RTMPURLError.missingStreamName) {
            try RTMPStreamRequest(tcUrl: "rtmp://h/live", streamName: "")
        }
        #expect(throws: RTMPURLError.missingStreamName) {
            try RTMPStreamRequest(tcUrl: "rtmp://h/live", streamName: "?token=1")
        }
        #expect(throws: RTMPURLError.missingStreamName) {
            try RTMPStreamRequest(tcUrl: "rtmp://h/live", streamName: "_definst_")
        }
    }

    @Test func badTcUrlIsAnError() {
        #expect(throws: RTMPURLError.missingScheme) { try RTMPStreamRequest(tcUrl: "live", streamName: "s") }
        #expect(throws: RTMPURLError.unsupportedScheme) {
            try RTMPStreamRequest(tcUrl: "http://h/live", streamName: "s")
        }
    }

    @Test func resolvingVhostFallsBackToDefault() throws {
        let request = try RTMPStreamRequest(tcUrl: "rtmp://127.0.0.1/live", streamName: "s")
        #expect(request.resolvingVhost { _ in false }.streamKey == "__defaultVhost__/live/s")
        #expect(request.resolvingVhost { $0 == "127.0.0.1" }.vhost == "127.0.0.1")
    }

    @Test func clientURLAndServerAgree() throws {
        // What a client sends for a URL resolves on the server to the same app and stream.
        for text in ["rtmp://h/live/sub/s?vhost=v.com", "rtmp://h/live?vhost=v.com/s", "rtmp://h:1940/a/b/c/s"] {
            let url = try RTMPURL(text)
            let request = try RTMPStreamRequest(url: url)
            #expect(request.app == url.app)
            #expect(request.stream == url.stream)
        }
    }
}
