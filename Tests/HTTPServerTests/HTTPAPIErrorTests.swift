import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Sessions
import Testing

@testable import HTTPServer

/// Unknown routes, wrong methods, request bodies, authentication and CORS: JSON errors with the right status.
@Suite struct HTTPAPIErrorTests {
    @Test func unknownRoutesAreJSON404EvenWhenAFileExists() async throws {
        let root = try TemporaryRoot()
        try root.write("api/v1/nope", text: "a file that must not be served")
        try root.write("index.html", text: "home")
        let fixture = APIFixture()
        let rootPath = root.path
        try await fixture.application(root: root).test(.router) { client in
            for path in ["/api/v1/nope", "/api/v2/streams", "/api/v1/streams/a/b", "/api/v1/versions/x", "/api/x"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound, "\(path)")
                let body = try jsonObject(response)
                #expect(body.int("code") == 404)
                #expect(!String(buffer: response.body).contains(rootPath))
            }
            // Outside /api/ the files are served as before.
            #expect(String(buffer: try await client.execute(uri: "/index.html", method: .get).body) == "home")
            let index = try jsonObject(try await client.execute(uri: "/api/v1/", method: .get))
            #expect(index.object("urls")?["streams"] != nil)
        }
    }

    @Test func wrongMethodsAndBodies() async throws {
        let fixture = APIFixture()
        let player = try fixture.register(.rtmpPlayer)
        try await fixture.application(root: try TemporaryRoot()).test(.router) { client in
            for (path, method, allow) in [
                ("/api/v1/streams", HTTPRequest.Method.post, "GET, OPTIONS"),
                ("/api/v1/streams", .delete, "GET, OPTIONS"),
                ("/api/v1/clients", .put, "GET, OPTIONS"),
                ("/api/v1/clients/\(player.id)", .patch, "GET, DELETE, OPTIONS"),
            ] {
                let response = try await client.execute(
                    uri: path, method: method, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"broken": "#))
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.headers[.allow] == allow)
                #expect(try jsonObject(response).int("code") == 405)
            }
            // A body on a method the route takes is refused, unread, and nothing happens.
            let malformed = try await client.execute(
                uri: "/api/v1/clients/\(player.id)", method: .delete, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"id": [1, 2"#))
            #expect(malformed.status == .badRequest)
            #expect(try jsonObject(malformed).int("code") == 400)
            #expect(fixture.kickedIDs.isEmpty)
            let get = try await client.execute(uri: "/api/v1/streams", method: .get, body: ByteBuffer(string: "x"))
            #expect(get.status == .badRequest)
            // And the API keeps answering.
            #expect(try await client.execute(uri: "/api/v1/versions", method: .get).status == .ok)
        }
    }

    @Test func basicAuthentication() async throws {
        let fixture = APIFixture()
        let root = try TemporaryRoot()
        try root.write("index.html", text: "home")
        let configuration = APIFixture.configuration(auth: ("admin", "s3cr:et"))
        try await fixture.application(configuration, root: root).test(.router) { client in
            for headers in [HTTPFields(), Self.basic("admin:wrong"), Self.basic("admin"), Self.basic("admi:s3cr:et"),
                [.authorization: "Bearer abc"], [.authorization: "Basic !!!"]]
            {
                let response = try await client.execute(uri: "/api/v1/streams", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
                #expect(try jsonObject(response).int("code") == 401)
                #expect(!String(buffer: response.body).contains("s3cr"))
            }
            // The router skips empty components and decodes nothing; the guard must see such paths as the API.
            for path in ["//api/v1/streams", "///api//v1/clients", "/%61pi/v1/streams"] {
                let sneaky = try await client.execute(uri: path, method: .get)
                #expect(sneaky.status == .unauthorized || sneaky.status == .notFound, "\(path)")
                #expect(!String(buffer: sneaky.body).contains("\"streams\":["), "\(path)")
            }
            #expect(HTTPAPIMiddleware<HTTPRequestContext>.isAPIPath("//api/v1/dvr"))
            #expect(!HTTPAPIMiddleware<HTTPRequestContext>.isAPIPath("/apix/v1"))
            #expect(!HTTPAPIMiddleware<HTTPRequestContext>.isAPIPath("/live/api"))
            // Unknown API routes are refused before they are looked up.
            #expect(try await client.execute(uri: "/api/v1/nope", method: .get).status == .unauthorized)
            let good = try await client.execute(uri: "/api/v1/streams", method: .get, headers: Self.basic("admin:s3cr:et"))
            #expect(good.status == .ok)
            var lowercase = Self.basic("admin:s3cr:et")
            lowercase[.authorization] = lowercase[.authorization]!.replacingOccurrences(of: "Basic", with: "basic")
            #expect(try await client.execute(uri: "/api/v1/versions", method: .get, headers: lowercase).status == .ok)
            // Preflights carry no credentials; files are not behind the API's authentication.
            #expect(try await client.execute(uri: "/api/v1/streams", method: .options).status == .noContent)
            #expect(try await client.execute(uri: "/index.html", method: .get).status == .ok)
        }
    }

    static func basic(_ credentials: String) -> HTTPFields {
        [.authorization: "Basic " + Data(credentials.utf8).base64EncodedString()]
    }

    @Test func constantTimeComparison() {
        let check = HTTPBasicAuthenticator.constantTimeEquals
        #expect(check(Array("secret".utf8), Array("secret".utf8)))
        #expect(!check(Array("secreT".utf8), Array("secret".utf8)))
        #expect(!check(Array("secret!".utf8), Array("secret".utf8)))
        #expect(!check(Array("secre".utf8), Array("secret".utf8)))
        #expect(!check([], Array("secret".utf8)))
        #expect(check([], []))
        // A prefix padded with the bytes the comparison substitutes still differs.
        #expect(!check([UInt8(ascii: "s")], [UInt8(ascii: "s"), ~UInt8(ascii: "x")]))
        let authenticator = HTTPBasicAuthenticator(username: "u", password: "p:w")
        #expect(authenticator.authenticates(authorization: "Basic " + Data("u:p:w".utf8).base64EncodedString()))
        #expect(!authenticator.authenticates(authorization: "Basic " + Data("u:p".utf8).base64EncodedString()))
        #expect(!authenticator.authenticates(authorization: "Basic"))
        #expect(!authenticator.authenticates(authorization: ""))
    }

    @Test func crossdomainHeaders() async throws {
        let fixture = APIFixture()
        let root = try TemporaryRoot()
        try root.write("a.m3u8", text: "#EXTM3U\n")
        // The files' CORS middleware (outer) keeps the API's own methods.
        try await fixture.application(APIFixture.configuration(crossdomain: true), root: root, crossdomain: true)
            .test(.router)
        { client in
            for path in ["/api/v1/versions", "/api/v1/nope"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlAllowMethods] == "GET, DELETE, OPTIONS")
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            }
            let preflight = try await client.execute(
                uri: "/api/v1/clients/1", method: .options, headers: [.accessControlRequestMethod: "DELETE"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowMethods] == "GET, DELETE, OPTIONS")
            let file = try await client.execute(uri: "/a.m3u8", method: .get)
            #expect(file.headers[.accessControlAllowMethods] == "GET, HEAD, OPTIONS")
        }
        try await fixture.application(APIFixture.configuration(crossdomain: false), root: root).test(.router) {
            client in
            let response = try await client.execute(uri: "/api/v1/versions", method: .get)
            #expect(response.headers[.accessControlAllowOrigin] == nil)
        }
        // Files cross-origin, the API not: on a shared port, http_api's crossdomain off still holds.
        try await fixture.application(
            APIFixture.configuration(crossdomain: false), root: root, crossdomain: true, apiHasOwnCORS: true
        ).test(.router) { client in
            for path in ["/api/v1/clients", "//api/v1/clients"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.headers[.accessControlAllowOrigin] == nil, "\(path)")
            }
            #expect(try await client.execute(uri: "/a.m3u8", method: .get).headers[.accessControlAllowOrigin] == "*")
        }
    }

    @Test func apiOnlyServerServesNoFiles() async throws {
        let root = try TemporaryRoot()
        try root.write("index.html", text: "home")
        let fixture = APIFixture()
        let settings = HTTPFileServerSettings(root: root.path, crossdomain: false, playlistMaxAge: 1)
        let router = HTTPServerService.makeRouter(settings: settings, servesFiles: false) { router in
            fixture.api.install(on: router, configuration: APIFixture.configuration())
        }
        try await Application(router: router).test(.router) { client in
            #expect(try await client.execute(uri: "/index.html", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/versions", method: .get).status == .ok)
            let unknown = try await client.execute(uri: "/api/v1/nope", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try jsonObject(unknown).int("code") == 404)
        }
    }
}
