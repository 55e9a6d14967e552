import Foundation
import RTMP
import Testing

/// `token_traverse on`: an edge puts each client's connect to the origin, whose on_connect hook decides.
@Suite("Edge token traverse", .serialized, .integration, .timeLimit(.minutes(2)))
struct EdgeTokenTraverseTests {
    /// The origin: an on_connect hook that refuses `token=bad`.
    static func origin(_ recorder: HookRecorder) throws -> HeadwaterServer {
        try HeadwaterServer(vhostBody: "http_hooks { enabled on; on_connect \(recorder.url("/connect")); }")
    }

    static func edge(origins: [Int]) throws -> HeadwaterServer {
        let list = origins.map { "127.0.0.1:\($0)" }.joined(separator: " ")
        return try HeadwaterServer(
            vhostBody: "cluster { mode remote; origin \(list); token_traverse on; upstream_timeout 2; }")
    }

    /// Connects to `server` with a tcUrl carrying `query`, connect only; 0 when accepted, else throws.
    @discardableResult
    static func connect(to server: HeadwaterServer, query: String) throws -> UInt32 {
        let client = try TestRTMPClient(port: server.rtmpPort)
        defer { client.close() }
        try client.handshake()
        let tcUrl = "rtmp://127.0.0.1:\(server.rtmpPort)/live?\(query)"
        let connect = RTMPConnectCommand.client(app: "live", tcUrl: tcUrl, publishing: false)
        return try client.startSession(server.url("live"), mode: .connectOnly, timeout: 8, connect: connect)
    }

    @Test("the origin's on_connect refuses a token and the client at the edge is refused; a good one passes")
    func originDecidesTheEdgesConnect() throws {
        let recorder = try HookRecorder()
        let origin = try Self.origin(recorder)
        // A dead origin first: the check fails over to the next one, as pulls do.
        let edge = try Self.edge(origins: [Ports.free(), origin.rtmpPort])

        let refusal = #expect(throws: TestRTMPClient.Failure.self) {
            try Self.connect(to: edge, query: "token=bad")
        }
        #expect(refusal?.description.contains("refused by origin") == true, "\(refusal?.description ?? "")")
        #expect(recorder.waitFor("on_connect", timeout: 2))
        let bad = try #require(recorder.calls("on_connect").first)
        #expect((bad.body["tcUrl"] as? String)?.contains("token=bad") == true, "\(bad.body)")
        #expect(bad.body["app"] as? String == "live")

        #expect(try Self.connect(to: edge, query: "token=good") == 0)
        #expect(recorder.waitFor("on_connect", count: 2, timeout: 2))
        #expect((recorder.calls("on_connect").last?.body["tcUrl"] as? String)?.contains("token=good") == true)
        // The log names the origin that answered.
        #expect(edge.waitForLog("127.0.0.1:\(origin.rtmpPort)", timeout: 2), "\(edge.log.suffix(3000))")
    }

    @Test("with no origin reachable, the client at the edge is refused")
    func originDownRefuses() throws {
        let edge = try Self.edge(origins: [Ports.free()])
        let refusal = #expect(throws: TestRTMPClient.Failure.self) {
            try Self.connect(to: edge, query: "token=good")
        }
        #expect(refusal?.description.contains("origin unavailable") == true, "\(refusal?.description ?? "")")
    }

    @Test("without token_traverse the edge does not ask the origin")
    func offMeansNoCheck() throws {
        let recorder = try HookRecorder()
        let origin = try Self.origin(recorder)
        let edge = try HeadwaterServer(vhostBody: "cluster { mode remote; origin 127.0.0.1:\(origin.rtmpPort); }")
        #expect(try Self.connect(to: edge, query: "token=bad") == 0)
        usleep(300_000)
        #expect(recorder.calls("on_connect").isEmpty)
    }
}
