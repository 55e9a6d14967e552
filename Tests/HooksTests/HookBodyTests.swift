import Config
import Foundation
import Sessions
import Testing

@testable import Hooks

@Suite struct HookBodyTests {
    static let origin = HookBody.Origin(serverID: "srv", serviceID: "svc", workingDirectory: "/work")
    static let client = ClientSessionSnapshot(
        id: 42,
        info: ClientInfo(
            kind: .rtmpPublisher, ip: "127.0.0.1", vhost: "__defaultVhost__", app: "live", stream: "cam",
            param: "?token=a\"b", tcUrl: "rtmp://127.0.0.1/live", pageUrl: "http://page"),
        receivedBytes: 1000, sentBytes: 2000)

    static func decode(_ body: HookBody) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(body.json.utf8)) as? [String: Any])
    }

    @Test func publishCarriesSRSFields() throws {
        let body = HookBody.make(.onPublish, client: Self.client, origin: Self.origin)
        #expect(
            body.fields.map(\.name) == [
                "server_id", "service_id", "action", "client_id", "ip", "vhost", "app", "tcUrl", "stream", "param",
                "stream_url", "stream_id",
            ])
        let object = try Self.decode(body)
        #expect(object["action"] as? String == "on_publish")
        #expect(object["client_id"] as? String == "42")
        #expect(object["param"] as? String == "?token=a\"b")
        #expect(object["stream_url"] as? String == "/live/cam")
        #expect((object["stream_id"] as? String)?.hasPrefix("vid-") == true)
    }

    @Test func perHookExtras() throws {
        let connect = try Self.decode(HookBody.make(.onConnect, client: Self.client, origin: Self.origin))
        #expect(connect["tcUrl"] as? String == "rtmp://127.0.0.1/live")
        #expect(connect["pageUrl"] as? String == "http://page")
        #expect(connect["stream"] == nil)
        let close = try Self.decode(HookBody.make(.onClose, client: Self.client, origin: Self.origin))
        #expect(close["send_bytes"] as? Int == 2000)
        #expect(close["recv_bytes"] as? Int == 1000)
        let play = HookBody.make(.onPlay, client: Self.client, origin: Self.origin)
        #expect(play["pageUrl"] == .string("http://page"))
        let hls = try Self.decode(
            HookBody.make(
                .onHLS, client: Self.client, origin: Self.origin,
                extras: [.init("duration", .number(2.5)), .init("seq_no", .integer(7))]))
        #expect(hls["cwd"] as? String == "/work")
        #expect(hls["duration"] as? Double == 2.5)
        #expect(hls["seq_no"] as? Int == 7)
    }

    @Test func vhostPrefixesStreamURLUnlessDefault() {
        #expect(HookBody.streamURL(vhost: "example.com", app: "live", stream: "s") == "example.com/live/s")
        #expect(HookBody.streamURL(vhost: "__defaultVhost__", app: "live", stream: "s") == "/live/s")
        #expect(HookBody.streamID("/live/s") == HookBody.streamID("/live/s"))
        #expect(HookBody.streamID("/live/s") != HookBody.streamID("/live/t"))
    }

    @Test func everyStringIsEscaped() throws {
        let nasty = "a\"b\\c\nd\re\tf\u{01}g\u{2028}h</script>é🎥"
        let body = HookBody(fields: [.init(nasty, .string(nasty)), .init("n", .number(.nan))])
        #expect(!body.json.contains("\n"))
        #expect(body.json.contains("\\u0001"))
        #expect(body.json.contains("\\u2028"))
        let object = try Self.decode(body)
        #expect(object[nasty] as? String == nasty)
        #expect(object["n"] as? Int == 0)
    }
}

@Suite struct HookResponseTests {
    @Test(arguments: [
        (200, "0"), (201, "0"), (200, " 0\n"), (200, "{\"code\":0}"), (200, "{\"code\": 0, \"msg\": \"ok\"}"),
    ] as [(UInt, String)])
    func allows(_ status: UInt, _ body: String) {
        #expect(HookResponse.denial(status: status, body: body) == nil)
    }

    @Test(arguments: [
        (200, ""), (200, "1"), (200, "ok"), (200, "{\"code\":1}"), (200, "{\"msg\":\"x\"}"), (200, "[0]"),
        (200, "{\"code\":\"0\"}"), (204, "0"), (403, "0"), (500, "{\"code\":0}"), (302, "0"),
    ] as [(UInt, String)])
    func denies(_ status: UInt, _ body: String) {
        #expect(HookResponse.denial(status: status, body: body) != nil)
    }
}
