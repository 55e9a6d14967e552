@testable import HTTPServer
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Methods, CORS, routes beside the file fallback, and the access log.
@Suite struct HTTPServerRoutingTests {
    private static let corsFields: HTTPFields = [
        .accessControlAllowOrigin: "*",
        .accessControlAllowMethods: "GET, HEAD, OPTIONS",
        .accessControlAllowHeaders: "Range, If-None-Match, If-Modified-Since",
        .accessControlExposeHeaders: "Content-Length, Content-Range, ETag",
    ]

    @Test(arguments: [HTTPRequest.Method.post, .put, .delete, .patch, .init("PROPFIND")!])
    func otherMethodsAre405(method: HTTPRequest.Method) async throws {
        let root = try TemporaryRoot()
        try root.write("live/a.m3u8", text: "#EXTM3U\n")
        try await makeTestApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: "/live/a.m3u8", method: method)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
            #expect(String(buffer: response.body) == "405 Method Not Allowed\n")
        }
    }

    @Test func corsHeadersWhenCrossdomainIsOn() async throws {
        let root = try TemporaryRoot()
        try root.write("live/a.m3u8", text: "#EXTM3U\n")
        try await makeTestApplication(root: root, crossdomain: true).test(.router) { client in
            let cases: [(String, HTTPResponse.Status)] = [
                ("/live/a.m3u8", .ok), ("/missing.ts", .notFound), ("/../x", .badRequest),
            ]
            for (path, status) in cases {
                let response = try await client.execute(
                    uri: path, method: .get, headers: [.origin: "https://player.example"])
                #expect(response.status == status)
                for field in Self.corsFields {
                    #expect(response.headers[field.name] == field.value, "\(path) \(field.name)")
                }
            }
            let preflight = try await client.execute(
                uri: "/live/a.m3u8", method: .options,
                headers: [.origin: "https://player.example", .accessControlRequestMethod: "GET"])
            #expect(preflight.status == .noContent)
            #expect(preflight.body.readableBytes == 0)
            #expect(preflight.headers[.allow] == "GET, HEAD, OPTIONS")
            for field in Self.corsFields {
                #expect(preflight.headers[field.name] == field.value, "\(field.name)")
            }
        }
    }

    @Test func noCORSHeadersWhenCrossdomainIsOff() async throws {
        let root = try TemporaryRoot()
        try root.write("live/a.m3u8", text: "#EXTM3U\n")
        try await makeTestApplication(root: root, crossdomain: false).test(.router) { client in
            let response = try await client.execute(
                uri: "/live/a.m3u8", method: .get, headers: [.origin: "https://x.example"])
            #expect(response.status == .ok)
            let options = try await client.execute(uri: "/live/a.m3u8", method: .options)
            #expect(options.status == .noContent)
            #expect(options.headers[.allow] == "GET, HEAD, OPTIONS")
            for field in Self.corsFields {
                #expect(response.headers[field.name] == nil)
                #expect(options.headers[field.name] == nil)
            }
        }
    }

    @Test func routesComeBeforeTheFiles() async throws {
        let root = try TemporaryRoot()
        try root.write("api/v1/versions", text: "from disk")
        try root.write("live/a.m3u8", text: "#EXTM3U\n")
        let app = makeTestApplication(root: root) { router in
            router.get("/api/v1/versions") { _, _ in "from route" }
            router.get("/api/v1/streams/:id") { _, _ -> String in
                throw HTTPError(.notFound, message: "no such stream")
            }
        }
        try await app.test(.router) { client in
            let route = try await client.execute(uri: "/api/v1/versions", method: .get)
            #expect(String(buffer: route.body) == "from route")
            #expect(route.headers[.accessControlAllowOrigin] == "*")
            // A route's own 404 is kept, not replaced by the file server's.
            let missing = try await client.execute(uri: "/api/v1/streams/x", method: .get)
            #expect(missing.status == .notFound)
            #expect(String(buffer: missing.body).contains("no such stream"))
            #expect(missing.headers[.accessControlAllowOrigin] == "*")
            // Paths no route claims still reach the files.
            let file = try await client.execute(uri: "/live/a.m3u8", method: .get)
            #expect(file.status == .ok)
            #expect(String(buffer: file.body) == "#EXTM3U\n")
            // A route's path with a method it lacks falls through to the file server's method rules.
            let post = try await client.execute(uri: "/api/v1/versions", method: .post)
            #expect(post.status == .methodNotAllowed)
        }
    }

    @Test func accessLogHasOneDebugLinePerRequest() async throws {
        let root = try TemporaryRoot()
        try root.write("live/a-1.ts", patternBytes(count: 700))
        let handler = RecordingLogHandler()
        let app = makeTestApplication(root: root, logger: .recording(into: handler))
        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/live/a-1.ts", method: .get)
            _ = try await client.execute(uri: "/live/a-1.ts", method: .get, headers: [.range: "bytes=0-99"])
            _ = try await client.execute(uri: "/live/a-1.ts", method: .head)
            _ = try await client.execute(uri: "/missing.ts", method: .get)
            _ = try await client.execute(uri: "/live/a-1.ts", method: .delete)
        }
        let access = handler.messages.filter { $0.level == .debug }.map(\.message)
        #expect(
            access == [
                "GET /live/a-1.ts 200 700",
                "GET /live/a-1.ts 206 100",
                "HEAD /live/a-1.ts 200 0",
                "GET /missing.ts 404 14",
                "DELETE /live/a-1.ts 405 23",
            ])
        #expect(!handler.messages.contains { $0.level >= .warning })
    }

    @Test func respondsAsAStandaloneResponder() async throws {
        let root = try TemporaryRoot()
        try root.write("a.ts", text: "segment")
        let responder = HTTPFileResponder<BasicRequestContext>(settings: HTTPFileServerSettings(root: root.path))
        try await Application(responder: responder).test(.router) { client in
            let response = try await client.execute(uri: "/a.ts", method: .get)
            #expect(String(buffer: response.body) == "segment")
            let missing = try await client.execute(uri: "/b.ts", method: .get)
            #expect(missing.status == .notFound)
        }
    }
}
