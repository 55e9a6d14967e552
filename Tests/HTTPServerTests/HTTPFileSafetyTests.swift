import Foundation
@testable import HTTPServer
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// What the file server refuses to show: traversal, symlinks out of the root, hidden and temporary files.
@Suite struct HTTPFileSafetyTests {
    @Test(arguments: [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/live/..%2Fsecret.txt",
        "/a/%2F/b",
        "/a%5Csecret.txt",
        "/a\\b",
        "/a%00b",
        "/live/a.ts%00.m3u8",
        "/a%0Ab",
        "/a%zz",
    ])
    func malformedPathsAre400(path: String) async throws {
        let root = try TemporaryRoot()
        try root.write("secret.txt", text: "outside", outside: true)
        try await makeTestApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body) == "400 Bad Request\n")
            #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
        }
    }

    @Test func doubleEncodingIsDecodedOnce() async throws {
        let root = try TemporaryRoot()
        try root.write("secret.txt", text: "outside", outside: true)
        try await makeTestApplication(root: root).test(.router) { client in
            // "%252e%252e" decodes to the literal name "%2e%2e", which is not there.
            let response = try await client.execute(uri: "/%252e%252e/secret.txt", method: .get)
            #expect(response.status == .notFound)
            #expect(String(buffer: response.body) == "404 Not Found\n")
        }
        // Where a folder with that literal name exists, it is what gets served.
        try root.write("%2e%2e/secret.txt", text: "inside")
        try await makeTestApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: "/%252e%252e/secret.txt", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "inside")
        }
    }

    @Test func symlinksOutOfTheRootAre404() async throws {
        let root = try TemporaryRoot()
        try root.write("secret.txt", text: "outside", outside: true)
        try root.write("elsewhere/b.ts", text: "outside", outside: true)
        try root.write("live/a.ts", text: "inside")
        try root.write(".private/key", text: "hidden")
        try root.symlink("escape.txt", to: root.base + "/secret.txt")
        try root.symlink("relative-escape.txt", to: "../secret.txt")
        try root.symlink("elsewhere", to: root.base + "/elsewhere")
        try root.symlink("latest.ts", to: "live/a.ts")
        try root.symlink("peek", to: ".private/key")
        try await makeTestApplication(root: root).test(.router) { client in
            for path in ["/escape.txt", "/relative-escape.txt", "/elsewhere/b.ts", "/peek"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound, "\(path)")
                #expect(String(buffer: response.body) == "404 Not Found\n", "\(path)")
            }
            // A link that stays inside the root is fine.
            let inside = try await client.execute(uri: "/latest.ts", method: .get)
            #expect(inside.status == .ok)
            #expect(String(buffer: inside.body) == "inside")
        }
    }

    @Test func rootThatIsASymlinkStillServes() async throws {
        let root = try TemporaryRoot()
        try root.write("live/a.ts", text: "via link")
        let link = root.base + "/link-to-root"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: root.path)
        let settings = HTTPFileServerSettings(root: link)
        let app = Application(router: HTTPServerService.makeRouter(settings: settings))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/live/a.ts", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "via link")
        }
    }

    @Test(arguments: [
        "/live/a-9.ts.tmp",
        "/live/a.m3u8.TMP",
        "/live/.a.m3u8",
        "/.git/config",
        "/live/%2Ehidden",
        "/rec.tmp/a.flv",
        "/missing.ts",
        "/live/a-1.ts/",
        "/live/fifo",
    ])
    func unservableNamesAre404(path: String) async throws {
        let root = try TemporaryRoot()
        try root.write("live/a-1.ts", text: "segment")
        try root.write("live/a-9.ts.tmp", text: "being written")
        try root.write("live/a.m3u8.TMP", text: "being written")
        try root.write("live/.a.m3u8", text: "hidden")
        try root.write(".git/config", text: "hidden")
        try root.write("live/.hidden", text: "hidden")
        try root.write("rec.tmp/a.flv", text: "being written")
        // A FIFO must not hang the thread that opens it.
        #expect(mkfifo(root.path + "/live/fifo", 0o644) == 0)
        try await makeTestApplication(root: root).test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.cacheControl] == "no-cache")
        }
    }

    @Test func directoriesServeIndexOrNothing() async throws {
        let root = try TemporaryRoot()
        try root.write("index.html", text: "<h1>root</h1>")
        try root.write("players/index.html", text: "<h1>players</h1>")
        try root.write("live/a-1.ts", text: "segment")
        try root.write("players/.index.html.tmp", text: "x")
        try await makeTestApplication(root: root).test(.router) { client in
            let pages = [("/", "<h1>root</h1>"), ("/players/", "<h1>players</h1>"), ("/players", "<h1>players</h1>")]
            for (path, body) in pages {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(String(buffer: response.body) == body, "\(path)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(response.headers[.cacheControl] == "no-cache", "\(path)")
            }
            // No listings.
            let listing = try await client.execute(uri: "/live/", method: .get)
            #expect(listing.status == .notFound)
            #expect(!String(buffer: listing.body).contains("a-1.ts"))
        }
    }

    @Test func missingRootIs404() async throws {
        let root = try TemporaryRoot()
        let settings = HTTPFileServerSettings(root: root.base + "/not-yet-created")
        let app = Application(router: HTTPServerService.makeRouter(settings: settings))
        try await app.test(.router) { client in
            let playlist = try await client.execute(uri: "/live/a.m3u8", method: .get)
            #expect(playlist.status == .notFound)
            let index = try await client.execute(uri: "/", method: .get)
            #expect(index.status == .notFound)
        }
    }
}
