@testable import HTTPServer
import Testing

@Suite struct HTTPContentTypeTests {
    @Test func playlistAndSegmentTypes() {
        #expect(HTTPContentType.forFile(named: "live/a.m3u8") == "application/vnd.apple.mpegurl")
        #expect(HTTPContentType.forFile(named: "a-1.TS") == "video/mp2t")
        #expect(HTTPContentType.forFile(named: "rec.flv") == "video/x-flv")
        #expect(HTTPContentType.forFile(named: "noext") == "application/octet-stream")
    }
}
