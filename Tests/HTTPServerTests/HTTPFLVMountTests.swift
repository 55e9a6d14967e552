@testable import HTTPServer
import Live
import Testing

@Suite struct HTTPFLVMountTests {
    private static let table = HTTPFLVMountTable(mounts: [
        HTTPFLVMount(vhost: "example.com", mount: "[vhost]/[app]/[stream].flv"),
        HTTPFLVMount(vhost: "__defaultVhost__", mount: "[vhost]/[app]/[stream].flv"),
    ])

    @Test func theDefaultVhostDropsItsName() throws {
        let match = try #require(Self.table.match("/live/livestream.flv"))
        #expect(match.key == StreamKey(vhost: "__defaultVhost__", app: "live", stream: "livestream"))
        #expect(match.param == "")
        #expect(Self.table.mounts[1].pattern == "[app]/[stream].flv")
    }

    @Test func aNamedVhostKeepsItsName() throws {
        let match = try #require(Self.table.match("/example.com/live/cam.flv?token=abc&x=1"))
        #expect(match.key == StreamKey(vhost: "example.com", app: "live", stream: "cam"))
        #expect(match.param == "?token=abc&x=1")
        #expect(Self.table.mounts[0].pattern == "example.com/[app]/[stream].flv")
    }

    @Test func customMountsWithLiteralsAndPercentEncoding() throws {
        let table = HTTPFLVMountTable(mounts: [HTTPFLVMount(vhost: "__defaultVhost__", mount: "/flv/[app]/s-[stream].flv")])
        let match = try #require(table.match("/flv/live/s-my%20cam.flv"))
        #expect(match.key == StreamKey(vhost: "__defaultVhost__", app: "live", stream: "my cam"))
        #expect(table.match("/flv/live/my.flv") == nil)
        #expect(table.match("/other/live/s-my.flv") == nil)
    }

    @Test(arguments: [
        "/live/livestream.m3u8", "/live/livestream", "/live/.flv", "/live/a/b.flv", "/live.flv", "/", "",
        "/live/../x.flv", "/live/%2e%2e.flv", "/../live/x.flv", "/live/a%2Fb.flv", "/live/a%00.flv", "/.hidden/x.flv",
        "/live/x.flv/", "live/x.flv", "/live/a\\b.flv",
    ])
    func pathsThatNameNoStreamAreRefused(path: String) {
        #expect(Self.table.match(path) == nil)
    }

    @Test func anEmptyTableMatchesNothing() {
        #expect(HTTPFLVMountTable().match("/live/livestream.flv") == nil)
    }

    @Test func errorBodiesAreJSON() {
        #expect(HTTPFLVErrorBody(code: 503, message: "max_connections (2) reached").json
            == #"{"code":503,"message":"max_connections (2) reached"}"#)
        #expect(HTTPFLVErrorBody(code: 403, message: "a \"b\"\\\n").json == #"{"code":403,"message":"a \"b\"\\\u000a"}"#)
    }
}
