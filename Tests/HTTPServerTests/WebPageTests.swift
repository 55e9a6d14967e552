@testable import HTTPServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The built-in page at `/`: its markup, its script's rules, and the route that yields to `index.html`.
@Suite struct WebPageTests {
    @Test func rendersSettingsIntoEscapedAttributes() {
        let page = WebPage(
            rtmpPort: 19350, apiPath: "/api?x=\"<b>&'", flvPathTemplate: "/[app]/[stream].flv",
            hlsPathTemplate: "/hls/[app]/[stream].m3u8", refreshMilliseconds: 2500)
        let html = page.render()
        #expect(html.hasPrefix("<!doctype html>\n"))
        #expect(html.contains(#"data-api="/api?x=&quot;&lt;b&gt;&amp;&#39;""#))
        #expect(html.contains(#"data-rtmp-port="19350""#))
        #expect(html.contains(#"data-hls="/hls/[app]/[stream].m3u8""#))
        #expect(html.contains(#"data-refresh="2500""#))
        #expect(html.contains(#"<meta name="viewport""#))
        #expect(!html.contains("\\\n"), "a line continuation leaked into the markup")
    }

    @Test func theScriptNeverParsesDataAsMarkupAndLoadsNothingFromElsewhere() {
        let script = WebPage.script
        #expect(!script.contains("innerHTML"))
        #expect(!script.contains("outerHTML"))
        #expect(!script.contains("insertAdjacentHTML"))
        #expect(!script.contains("document.write"))
        #expect(!script.contains("eval("))
        #expect(!script.lowercased().contains("</script"))
        #expect(script.contains("textContent"))
        // Native HLS only where the browser says so; otherwise a note and the links.
        #expect(script.contains(#"canPlayType("application/vnd.apple.mpegurl")"#))
        let page = WebPage(rtmpPort: 1935).render()
        #expect(!page.contains("http://") && !page.contains("https://"), "the page must not load anything from a CDN")
        #expect(!page.contains("<link") && !page.contains("src=\""))
    }

    @Test func slashServesThePageWhenThereIsNoIndex() async throws {
        let root = try TemporaryRoot()
        try await makeApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: response.body)
            #expect(html.contains(#"data-rtmp-port="1936""#))
            #expect(response.headers[.contentLength] == "\(response.body.readableBytes)")
            let head = try await client.execute(uri: "/", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == response.headers[.contentLength])
            // Other paths still go to the files.
            let missing = try await client.execute(uri: "/nothing.html", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func anIndexFileWins() async throws {
        let root = try TemporaryRoot()
        try root.write("index.html", text: "<p>mine</p>")
        try await makeApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "<p>mine</p>")
            #expect(response.headers[.eTag] != nil)
        }
    }

    private func makeApplication(root: TemporaryRoot) -> some ApplicationProtocol {
        let settings = HTTPFileServerSettings(root: root.path)
        return makeTestApplication(root: root) { router in
            WebPageRoute.add(to: router, page: WebPage(rtmpPort: 1936), files: settings)
        }
    }
}
