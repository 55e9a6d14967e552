import Foundation
import Testing

/// What the server exposes, attacked as a scanner would: every HTTP route with traversal and encoding
/// tricks, directories, error pages, authentication on the API, and hooks fed hostile client input.
@Suite("Security review", .serialized, .integration, .timeLimit(.minutes(2)))
struct SecurityReviewTests {
    /// Request targets that try to leave the served folder, sent raw (no client-side normalisation).
    static let traversals = [
        "/../headwater.conf", "/..%2fheadwater.conf", "/%2e%2e/headwater.conf", "/%2E%2E%2Fheadwater.conf",
        "/live/..%2F..%2Fheadwater.conf", "/live/%2e%2e/%2e%2e/headwater.conf", "/./../headwater.conf",
        "/live/../../../../../../etc/passwd", "/..\\headwater.conf", "/live/..%5c..%5cheadwater.conf",
        "//etc/passwd", "/%2fetc%2fpasswd", "/live/test.m3u8%00.conf", "/%252e%252e/headwater.conf",
        "/live/../../headwater.flv", "/../live/test.flv", "/%2e%2e/live/test.flv", "/api/v1/../../headwater.conf",
        "/api/v1/%2e%2e/%2e%2e/headwater.conf", "/.hidden", "/live/.test.m3u8.tmp",
    ]

    @Test("no route serves outside its folder, lists a directory or names a server path in an answer")
    func fileRoutesHoldTheirRoot() throws {
        let port = Ports.free()
        let server = try HeadwaterServer.withAPI(
            apiPort: port, sharePort: true, auth: ("admin", "s3cret"),
            vhostBody: """
                hls { enabled on; hls_fragment 1; hls_path $DIR/html; }
                dvr { enabled on; dvr_path $DIR/html/[app]/[stream].[timestamp].flv; }
                http_remux { enabled on; mount [vhost]/[app]/[stream].flv; }
                """)
        try FileManager.default.createDirectory(atPath: server.htmlPath, withIntermediateDirectories: true)
        try "hw-hidden-token".write(toFile: server.htmlPath + "/.hidden", atomically: true, encoding: .utf8)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/test"), seconds: 20)
        defer { publisher.stop() }
        #expect(MediaTools.waitFor({ FileManager.default.fileExists(atPath: server.htmlPath + "/live/test.m3u8") }, timeout: 10))
        let http = HTTPTestClient(port: port)
        let secrets = [server.directory.path, server.configPath, "root:x:0:0", "hw-hidden-token"]

        for target in Self.traversals {
            let answer = try http.get(target)
            #expect([400, 401, 403, 404].contains(answer.status), "\(target) answered \(answer.status)")
            let text = answer.text + answer.headers.values.joined(separator: "\n")
            for secret in secrets { #expect(!text.contains(secret), "\(target) leaked \(secret)") }
        }
        // An absolute-form target is only a path to us; it must not reach the proxy-like world or a parent.
        let absolute = try http.get("http://127.0.0.1:\(port)/../headwater.conf")
        #expect(absolute.status >= 400 && !absolute.text.contains("listen"), "\(absolute.status)")

        // Directories: no listing, whatever the spelling.
        for directory in ["/live", "/live/", "/live//", "/live/%2e/"] {
            let answer = try http.get(directory)
            #expect(!answer.text.contains("test.m3u8") && !answer.text.contains(".ts\""), "\(directory) listed files")
            #expect(answer.status == 404 || answer.status == 403 || answer.status == 400, "\(directory): \(answer.status)")
        }
        // The real files are served, so the refusals above are not a server that serves nothing.
        #expect(try http.get("/live/test.m3u8").status == 200)

        // Errors name nothing of the machine, whatever the route.
        let errors = [
            try http.request("POST", "/live/test.m3u8"), try http.get("/live/missing.ts"),
            try http.get("/live/test.m3u8", headers: ["Range": "bytes=999999999-"]),
            try http.get("/api/v1/streams/nope"), try http.get("/live/missing.flv"),
        ]
        for answer in errors {
            #expect(answer.status >= 400, "\(answer.status)")
            for secret in secrets { #expect(!answer.text.contains(secret), "an error page leaked \(secret)") }
        }
        // The API needs the credentials on every route and method; a kick without them changes nothing.
        #expect(try http.get("/api/v1/streams").status == 401)
        #expect(try http.request("DELETE", "/api/v1/clients/1").status == 401)
        let wrong = "Basic " + Data("admin:s3cret ".utf8).base64EncodedString()
        #expect(try http.get("/api/v1/streams", headers: ["Authorization": wrong]).status == 401)
        let right = "Basic " + Data("admin:s3cret".utf8).base64EncodedString()
        let streams = try http.get("/api/v1/streams", headers: ["Authorization": right])
        #expect(streams.status == 200 && streams.text.contains("\"test\""))
        #expect(!streams.text.contains(server.configPath))
        #expect(publisher.isRunning, "the publisher was disturbed: \(publisher.output)")
    }

    @Test("hostile stream names and parameters reach hooks as JSON strings, never in a hook's URL")
    func hooksEscapeClientInput() throws {
        let recorder = try HookRecorder()
        let server = try HeadwaterServer(vhostBody: HookTests.hooks(recorder))
        // Quotes, angle brackets, a backslash, percent-escapes and a JSON-breaking sequence in the param.
        let param = #"?x="},{"code":0}&y=<b>\&z=%0d%0aX-Injected:%20yes"#
        let publisher = try MediaTools.publishTestSource(to: server.url("live/hostile" + param), seconds: 2)
        defer { publisher.stop() }
        #expect(recorder.waitFor("on_publish", stream: "hostile", timeout: 10))
        let publish = try #require(recorder.calls("on_publish", stream: "hostile").first)
        #expect(publish.path == "/publish")
        #expect(publish.body["param"] as? String == param)
        #expect(publish.body["stream"] as? String == "hostile")
        #expect(publish.body["code"] == nil)
        #expect(recorder.calls.allSatisfy { !$0.path.contains("hostile") && !$0.path.contains("Injected") })
    }
}
