import Foundation
import Hummingbird
import HummingbirdTesting
import Live
import NIOCore
import Sessions
import Testing

@testable import HTTPServer

/// The answers of SRS's API, field by field, against what the hub and the client registry hold.
@Suite struct HTTPAPITests {
    @Test func versionsAndIdentity() async throws {
        let fixture = APIFixture()
        try await fixture.application(root: try TemporaryRoot()).test(.router) { client in
            let answer = try jsonObject(try await client.execute(uri: "/api/v1/versions", method: .get))
            #expect(answer.int("code") == 0)
            #expect(answer.string("server") == "test-server")
            #expect(answer.string("service") == "svc12345")
            #expect(answer.string("pid") == "4242")
            let data = try #require(answer.object("data"))
            #expect(data.int("major") == 1 && data.int("minor") == 2 && data.int("revision") == 3)
            #expect(data.string("version") == "1.2.3")
        }
    }

    @Test func streamFieldsFollowTheLiveState() async throws {
        let fixture = APIFixture()
        let publisher = try fixture.register(.rtmpPublisher, tcUrl: "rtmp://127.0.0.1:1935/live")
        publisher.traffic.add(received: 5000)
        let session = try await fixture.publishSample(clientID: publisher.id)
        let players = [try fixture.register(.rtmpPlayer), try fixture.register(.flvPlayer)]
        players[0].traffic.add(sent: 300)
        players[1].traffic.add(sent: 700)
        // A player of another stream is not counted.
        try fixture.register(.rtmpPlayer, stream: "other")

        try await fixture.application(root: try TemporaryRoot()).test(.router) { client in
            var answer = try jsonObject(try await client.execute(uri: "/api/v1/streams", method: .get))
            #expect(answer.int("code") == 0)
            #expect(answer.int("total") == 1)
            let stream = try #require(answer.objects("streams")?.first)
            let id = "vid-\(session.stream.id)"
            #expect(stream.string("id") == id)
            #expect(stream.string("name") == "s")
            #expect(stream.string("app") == "live")
            #expect(stream.string("vhost") == "vhost-1")
            #expect(stream.string("url") == "/live/s")
            #expect(stream.string("tcUrl") == "rtmp://127.0.0.1:1935/live")
            #expect(stream.int("clients") == 2)
            #expect(stream.int("send_bytes") == 1000)
            #expect(stream.int("recv_bytes") == 5000)
            #expect(stream.int("frames") ?? 0 > 0)
            #expect((stream.int("live_ms") ?? 0) > 1_600_000_000_000)
            let kbps = try #require(stream.object("kbps"))
            #expect(kbps.int("recv_30s") == 0 && kbps.int("send_30s") == 0)
            let publish = try #require(stream.object("publish"))
            #expect(publish.bool("active") == true)
            #expect(publish.string("cid") == String(publisher.id))
            let video = try #require(stream.object("video"))
            #expect(video.string("codec") == "H264")
            #expect(video.string("profile") == "ConstrainedBaseline")
            #expect(video.string("level") == "1")
            #expect(video.int("width") == 98 && video.int("height") == 58)
            let audio = try #require(stream.object("audio"))
            #expect(audio.string("codec") == "AAC")
            #expect(audio.int("sample_rate") == 22050)
            #expect(audio.int("channel") == 1)
            #expect(audio.string("profile") == "LC")

            // One player leaves: the count follows.
            players[1].end()
            answer = try jsonObject(try await client.execute(uri: "/api/v1/streams/\(id)", method: .get))
            #expect(answer.object("stream")?.int("clients") == 1)
            #expect(answer.object("stream")?.int("send_bytes") == 300)

            // The publisher leaves while a player waits: inactive, tracks unknown (null, as SRS), no cid.
            let loop = session.eventLoop
            let subscription = try await loop.submit {
                fixture.streams.subscribe(
                    IdleConsumer(eventLoop: loop), to: APIFixture.key, configuration: LiveStreamConfiguration())
            }.get()
            defer { subscription.cancel() }
            try await loop.submit { session.finish() }.get()
            players[0].end()
            answer = try jsonObject(try await client.execute(uri: "/api/v1/streams/\(id)", method: .get))
            let ended = try #require(answer.object("stream"))
            #expect(ended.object("publish")?.bool("active") == false)
            #expect(ended.object("publish")?["cid"] == nil)
            #expect(ended["video"] is NSNull)
            #expect(ended["audio"] is NSNull)
        }
        _ = players
    }

    @Test func clientsListOneAndKick() async throws {
        let fixture = APIFixture()
        let publisher = try fixture.register(.rtmpPublisher)
        let session = try await fixture.publishSample(clientID: publisher.id)
        let player = try fixture.register(.flvPlayer)
        player.traffic.add(sent: 1234)
        try await fixture.application(root: try TemporaryRoot()).test(.router) { client in
            let answer = try jsonObject(try await client.execute(uri: "/api/v1/clients", method: .get))
            #expect(answer.int("total") == 2)
            let list = try #require(answer.objects("clients"))
            #expect(list.map { $0.string("id") } == [String(publisher.id), String(player.id)])
            #expect(list.map { $0.string("type") } == ["fmle-publish", "flv-play"])
            #expect(list.map { $0.bool("publish") } == [true, false])
            let entry = list[1]
            #expect(entry.string("stream") == "vid-\(session.stream.id)")
            #expect(entry.string("vhost") == "vhost-1")
            #expect(entry.string("ip") == "127.0.0.1")
            #expect(entry.string("url") == "/live/s")
            #expect(entry.string("name") == "s")
            #expect(entry.int("send_bytes") == 1234)
            #expect(entry.object("kbps")?.int("send_30s") == 0)
            #expect((entry["alive"] as? NSNumber)?.doubleValue ?? -1 >= 0)
            for key in ["pageUrl", "swfUrl", "tcUrl", "recv_bytes"] { #expect(entry[key] != nil, "\(key)") }

            let one = try jsonObject(try await client.execute(uri: "/api/v1/clients/\(player.id)", method: .get))
            #expect(one.object("client")?.string("type") == "flv-play")

            let kick = try await client.execute(uri: "/api/v1/clients/\(publisher.id)", method: .delete)
            #expect(kick.status == .ok)
            #expect(try jsonObject(kick).int("code") == 0)
            #expect(fixture.kickedIDs == [publisher.id])

            for id in ["999", "abc", "-1"] {
                let missing = try await client.execute(uri: "/api/v1/clients/\(id)", method: .delete)
                #expect(missing.status == .notFound)
                #expect(try jsonObject(missing).int("code") == 2049)
            }
            let unknown = try await client.execute(uri: "/api/v1/clients/999", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try jsonObject(unknown).int("code") == 2049)
            let noStream = try await client.execute(uri: "/api/v1/streams/vid-999", method: .get)
            #expect(noStream.status == .notFound)
            #expect(try jsonObject(noStream).int("code") == 2048)
        }
        #expect(fixture.kickedIDs == [publisher.id])
        try await session.eventLoop.submit { session.finish() }.get()
    }

    @Test func pagination() async throws {
        let fixture = APIFixture()
        let sessions = try (0..<12).map { _ in try fixture.register(.rtmpPlayer) }
        try await fixture.application(root: try TemporaryRoot()).test(.router) { client in
            var answer = try jsonObject(try await client.execute(uri: "/api/v1/clients", method: .get))
            #expect(answer.int("total") == 12)
            #expect(answer.objects("clients")?.count == HTTPAPI.defaultCount)
            answer = try jsonObject(try await client.execute(uri: "/api/v1/clients?start=1&count=2", method: .get))
            #expect(answer.objects("clients")?.map { $0.string("id") } == [sessions[1], sessions[2]].map { String($0.id) })
            answer = try jsonObject(try await client.execute(uri: "/api/v1/clients?start=11&count=5", method: .get))
            #expect(answer.objects("clients")?.count == 1)
            answer = try jsonObject(try await client.execute(uri: "/api/v1/clients?start=50", method: .get))
            #expect(answer.objects("clients")?.count == 0)
            for query in ["start=-1", "count=0", "count=abc", "start=1.5", "count=99999999999999999999999"] {
                for path in ["/api/v1/clients", "/api/v1/streams"] {
                    let response = try await client.execute(uri: "\(path)?\(query)", method: .get)
                    #expect(response.status == .badRequest, "\(path)?\(query)")
                    #expect(try jsonObject(response).int("code") == 400)
                }
            }
        }
    }

    @Test func vhostsAndSummaries() async throws {
        let fixture = APIFixture()
        let publisher = try fixture.register(.rtmpPublisher)
        publisher.traffic.add(received: 800)
        let player = try fixture.register(.rtmpPlayer)
        player.traffic.add(sent: 200)
        let session = try await fixture.publishSample(clientID: publisher.id)
        // A stream players wait for is not counted among the vhost's streams.
        let loop = session.eventLoop
        let waiting = try await loop.submit {
            fixture.streams.subscribe(
                IdleConsumer(eventLoop: loop), to: StreamKey(vhost: APIFixture.vhost, app: "live", stream: "later"),
                configuration: LiveStreamConfiguration())
        }.get()
        defer { waiting.cancel() }
        try await fixture.application(root: try TemporaryRoot()).test(.router) { client in
            let answer = try jsonObject(try await client.execute(uri: "/api/v1/vhosts", method: .get))
            let vhost = try #require(answer.objects("vhosts")?.first)
            #expect(vhost.string("id") == "vhost-1")
            #expect(vhost.string("name") == "__defaultVhost__")
            #expect(vhost.bool("enabled") == true)
            #expect(vhost.int("clients") == 2)
            #expect(vhost.int("streams") == 1)
            #expect(vhost.int("send_bytes") == 200 && vhost.int("recv_bytes") == 800)
            #expect(vhost.object("hls")?.bool("enabled") == true)
            #expect((vhost.object("hls")?["fragment"] as? NSNumber)?.doubleValue == 2.5)
            let one = try jsonObject(try await client.execute(uri: "/api/v1/vhosts/vhost-1", method: .get))
            #expect(one.object("vhost")?.string("name") == "__defaultVhost__")
            let missing = try await client.execute(uri: "/api/v1/vhosts/vhost-9", method: .get)
            #expect(missing.status == .notFound)
            #expect(try jsonObject(missing).int("code") == 2014)

            let summaries = try jsonObject(try await client.execute(uri: "/api/v1/summaries", method: .get))
            let data = try #require(summaries.object("data"))
            let process = try #require(data.object("self"))
            #expect(process.int("pid") == Int(getpid()))
            #expect(process.string("version") == "1.2.3")
            #expect(process.int("mem_kbyte") ?? 0 > 0)
            #expect(process.int("srs_uptime") ?? -1 >= 0)
            #expect(process["cpu_percent"] is NSNumber)
            // Nothing that would disclose paths.
            #expect(process["cwd"] == nil && process["argv"] == nil)
            let system = try #require(data.object("system"))
            #expect(system.int("cpus") ?? 0 >= 1)
            #expect(system.int("mem_ram_kbyte") ?? 0 > 0)
            #expect(system.int("srs_recv_bytes") == 800 && system.int("srs_send_bytes") == 200)
            #expect(system.int("conn_srs") == 2)
            #expect(data.bool("ok") == true)
        }
        try await session.eventLoop.submit { session.finish() }.get()
    }
}
