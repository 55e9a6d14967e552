import Foundation
import Testing

/// The built-in page at `/`, rendered by headless Chromium: it lists the live streams from the API,
/// escapes what it shows, and a screenshot of it shows the stream's name (read back by OCR).
@Suite("Web page", .serialized, .integration, .timeLimit(.minutes(2)))
struct WebPageTests {
    /// SRS's `/api/v1/streams` shape, served as a static file so the page can be checked on its own.
    static let streamsJSON = #"""
        {"code":0,"server":"vid-test","streams":[
          {"id":"vid-1","name":"canarystream","vhost":"__defaultVhost__","app":"live","url":"/live/canarystream",
           "clients":2,"publish":{"active":true,"cid":"c1"},
           "video":{"codec":"H264","profile":"High","level":"3.1","width":640,"height":360},
           "audio":{"codec":"AAC","sample_rate":44100,"channel":2},"kbps":{"recv_30s":812,"send_30s":1600}},
          {"id":"vid-2","name":"<img src=x onerror=alert(1)>","app":"live","publish":{"active":true}},
          {"id":"vid-3","name":"gonestream","app":"live","publish":{"active":false}}
        ]}
        """#

    func serverWithStreamsFile() throws -> HeadwaterServer {
        let server = try HeadwaterServer(http: true)
        try FileManager.default.createDirectory(atPath: server.htmlPath, withIntermediateDirectories: true)
        try Self.streamsJSON.write(toFile: server.htmlPath + "/streams.json", atomically: true, encoding: .utf8)
        return server
    }

    @Test("the page lists the live streams with their URLs and escapes their names")
    func domListsLiveStreams() throws {
        let server = try serverWithStreamsFile()
        let dom = try HeadlessBrowser.dumpDOM(server.httpURL("?api=/streams.json"))
        #expect(dom.contains(#"<h2 class="name">canarystream</h2>"#), "\(dom)")
        #expect(dom.contains("rtmp://127.0.0.1:\(server.rtmpPort)/live/canarystream"))
        #expect(dom.contains(#"href="http://127.0.0.1:\#(server.httpPort ?? 0)/live/canarystream.flv""#))
        #expect(dom.contains(#"href="http://127.0.0.1:\#(server.httpPort ?? 0)/live/canarystream.m3u8""#))
        #expect(dom.contains("H264 640×360"))
        #expect(dom.contains("812 kbps"))
        #expect(dom.contains("2 live streams"))
        // The hostile name is text, not an element; a stream no longer publishing is left out.
        #expect(dom.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!dom.contains("<img"))
        #expect(!dom.contains("gonestream"))
        // Either a native HLS player or the note saying where to play it.
        #expect(dom.contains("<video") || dom.contains(#"<p class="note">"#))
    }

    @Test("a screenshot of the page shows the stream's name")
    func screenshotShowsTheStreamName() throws {
        let server = try serverWithStreamsFile()
        let png = server.directory.appendingPathComponent("page.png").path
        try HeadlessBrowser.screenshot(server.httpURL("?api=/streams.json"), to: png)
        let text = try HeadlessBrowser.ocr(png)
        #expect(text.lowercased().contains("canarystream"), "OCR read:\n\(text)")
    }

    @Test("the page without a streams API says it cannot load them; an index.html replaces the page")
    func missingAPIAndIndexFile() throws {
        let server = try serverWithStreamsFile()
        let dom = try HeadlessBrowser.dumpDOM(server.httpURL("?api=/missing.json"))
        #expect(dom.contains("Cannot load /missing.json: HTTP 404"), "\(dom)")
        // A path that fetch would resolve to another origin (the tab is dropped) falls back to the API path.
        let elsewhere = try HeadlessBrowser.dumpDOM(server.httpURL("?api=/%09/evil.example/x.json"))
        #expect(elsewhere.contains("Cannot load /api/v1/streams"), "\(elsewhere)")
        try "<p>own page</p>".write(toFile: server.htmlPath + "/index.html", atomically: true, encoding: .utf8)
        let response = try server.http.get("/")
        #expect(response.status == 200)
        #expect(response.text == "<p>own page</p>")
    }

    @Test("a stream published over RTMP appears on the page, from the real API")
    func publishedStreamAppears() throws {
        let server = try HeadwaterServer(extra: "http_api { enabled on; listen 127.0.0.1:$HTTP_PORT; }", http: true)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/apistream"), seconds: 20)
        defer { publisher.stop() }
        #expect(MediaTools.waitFor({ (try? server.http.get("/api/v1/streams").text.contains("apistream")) == true }, timeout: 10))
        let dom = try HeadlessBrowser.dumpDOM(server.httpURL(""))
        #expect(dom.contains(#"<h2 class="name">apistream</h2>"#), "\(dom)")
    }
}
