import Foundation
import Testing

/// The real binary's HTTP API against a live publish: what it reports is checked field by field against
/// what is happening (codecs and size from the encoder, players joining and leaving, a kicked publisher).
@Suite("HTTP API", .serialized, .integration, .timeLimit(.minutes(2)))
struct HTTPAPITests {
    static func player(_ url: String, name: String) throws -> ChildProcess {
        try ChildProcess(
            MediaTools.ffmpeg, ["-nostdin", "-loglevel", "error", "-i", url, "-c", "copy", "-f", "null", "-"],
            name: name)
    }

    static func firstStream(_ answer: [String: Any]?) -> [String: Any]? { answer?.objects("streams")?.first }

    @Test("streams report the publish's codecs and size; clients follow players; a kick ends the publish")
    func streamsAndClientsFollowTheLiveState() throws {
        let port = Ports.free()
        let server = try HeadwaterServer.withAPI(apiPort: port, sharePort: true)
        let api = APITestClient(port: port)
        let publisher = try MediaTools.publishTestSource(to: server.url("live/api"), seconds: 40, size: "320x240")
        defer { publisher.stop() }

        let answer = api.waitFor("/api/v1/streams", timeout: 15) {
            Self.firstStream($0)?.object("audio") != nil && Self.firstStream($0)?.object("video") != nil
        }
        let stream = try #require(Self.firstStream(answer), "\(String(describing: answer))\n\(server.log)")
        #expect(answer?.int("code") == 0)
        #expect(answer?.string("pid").flatMap(Int.init) != nil)
        #expect(stream.string("name") == "api" && stream.string("app") == "live" && stream.string("url") == "/live/api")
        #expect(stream.string("id")?.hasPrefix("vid-") == true)
        #expect(stream.object("publish")?.bool("active") == true)
        let video = try #require(stream.object("video"))
        #expect(video.string("codec") == "H264")
        #expect(video.int("width") == 320 && video.int("height") == 240)
        let audio = try #require(stream.object("audio"))
        #expect(audio.string("codec") == "AAC")
        #expect(audio.int("sample_rate") == 44100)
        #expect(audio.int("channel") == 1)
        #expect(audio.string("profile") == "LC")
        let id = try #require(stream.string("id"))
        #expect(try api.json("GET", "/api/v1/streams/\(id)").object.object("stream")?.string("id") == id)
        let frames = stream.int("frames") ?? 0
        let later = api.waitFor("/api/v1/streams/\(id)", timeout: 5) { ($0.object("stream")?.int("frames") ?? 0) > frames }
        #expect((later?.object("stream")?.int("frames") ?? 0) > frames)

        try checkClients(api: api, server: server, streamID: id, publisher: publisher)
    }

    private func checkClients(api: APITestClient, server: HeadwaterServer, streamID: String, publisher: ChildProcess) throws {
        let players = [try Self.player(server.url("live/api"), name: "player-1"), try Self.player(server.url("live/api"), name: "player-2")]
        defer { players.forEach { $0.stop() } }
        let path = "/api/v1/streams/\(streamID)"
        var answer = api.waitFor(path, timeout: 10) { $0.object("stream")?.int("clients") == 2 }
        #expect(answer?.object("stream")?.int("clients") == 2, "\(String(describing: answer))")

        let list = try api.json("GET", "/api/v1/clients").object.objects("clients") ?? []
        let types = list.compactMap { $0.string("type") }.sorted()
        #expect(types == ["fmle-publish", "rtmp-play", "rtmp-play"])
        let publisherEntry = try #require(list.first { $0.bool("publish") == true })
        let publisherID = try #require(publisherEntry.string("id"))
        #expect(answer?.object("stream")?.object("publish")?.string("cid") == publisherID)
        #expect(list.allSatisfy { $0.string("stream") == streamID })

        players[1].stop()
        answer = api.waitFor(path, timeout: 10) { $0.object("stream")?.int("clients") == 1 }
        #expect(answer?.object("stream")?.int("clients") == 1)

        let kick = try api.json("DELETE", "/api/v1/clients/\(publisherID)")
        #expect(kick.status == 200 && kick.object.int("code") == 0)
        #expect(publisher.waitForExit(timeout: 10), "the kicked publisher kept running")
        // The stream stays with publish.active false while a player waits, or is gone (2048) once ffmpeg's
        // player also quit on NetStream.Play.UnpublishNotify.
        let ended: ([String: Any]) -> Bool = {
            $0.int("code") == 2048 || $0.object("stream")?.object("publish")?.bool("active") == false
        }
        answer = api.waitFor(path, timeout: 10, ended)
        #expect(answer.map(ended) == true, "\(String(describing: answer))")
        let again = try api.json("DELETE", "/api/v1/clients/\(publisherID)")
        #expect(again.status == 404 && again.object.int("code") == 2049)
    }

    @Test("on its own port with auth: 401 without credentials, 200 with; the file server has no API")
    func separatePortWithAuthentication() throws {
        let port = Ports.free()
        let server = try HeadwaterServer.withAPI(apiPort: port, sharePort: false, auth: ("admin", "pw123"))
        var api = APITestClient(port: port)
        let refused = try api.json("GET", "/api/v1/versions")
        #expect(refused.status == 401)
        #expect(refused.headers["www-authenticate"]?.hasPrefix("Basic") == true)
        #expect(refused.object.int("code") == 401)
        api.credentials = ("admin", "wrong")
        #expect(try api.json("GET", "/api/v1/versions").status == 401)
        api.credentials = ("admin", "pw123")
        let versions = try api.json("GET", "/api/v1/versions")
        #expect(versions.status == 200)
        #expect(versions.object.object("data")?.string("version")?.isEmpty == false)
        let summaries = try api.json("GET", "/api/v1/summaries").object
        #expect(summaries.object("data")?.object("self")?.int("mem_kbyte") ?? 0 > 0)
        #expect(try api.json("GET", "/api/v1/vhosts").object.objects("vhosts")?.first?.string("name") == "__defaultVhost__")
        // The API-only port serves no files; the file server's port has no API.
        #expect(try api.send("GET", "/index.html").status == 404)
        #expect(try server.http.get("/api/v1/versions").status == 404)
    }

    @Test("malformed JSON, wrong methods, unknown routes, huge headers and slowloris: clear errors, still serving")
    func badInputGetsClearErrors() throws {
        let port = Ports.free()
        let server = try HeadwaterServer.withAPI(apiPort: port, sharePort: true)
        let api = APITestClient(port: port)
        // A connection that never finishes its request head must not hold the others up.
        let slow = try api.connectSocket()
        defer { close(slow) }
        let partial = Array("GET /api/v1/versions HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8)
        _ = partial.withUnsafeBytes { send(slow, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }

        let malformed = try api.json("DELETE", "/api/v1/clients/1", body: #"{"kick": [1, 2"#)
        #expect(malformed.status == 400 && malformed.object.int("code") == 400)
        let post = try api.json("POST", "/api/v1/streams", body: "{not json")
        #expect(post.status == 405 && post.object.int("code") == 405)
        #expect(post.headers["allow"] == "GET, OPTIONS")
        let unknown = try api.json("GET", "/api/v1/nothing")
        #expect(unknown.status == 404 && unknown.object.int("code") == 404)
        #expect(!String(describing: unknown.object).contains(server.directory.path))
        let badPage = try api.json("GET", "/api/v1/clients?count=-3")
        #expect(badPage.status == 400)

        // 200 KB of header: refused or closed, never served, and nothing else disturbed.
        let huge = "GET /api/v1/versions HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n"
        let hugeAnswer = (try? api.exchange(Array(huge.utf8))) ?? []
        if let response = try? HTTPTestClient.parse(hugeAnswer, method: "GET") {
            #expect(response.status >= 400, "a 200 KB header was served")
        }

        #expect(try api.json("GET", "/api/v1/versions").status == 200)
        #expect(server.process.isRunning)
    }
}
