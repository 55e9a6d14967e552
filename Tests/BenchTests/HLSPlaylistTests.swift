import Testing

@testable import Bench

@Suite struct HLSPlaylistTests {
    @Test func readsTargetDurationAndNumbersSegmentsFromTheMediaSequence() throws {
        let text = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:7
            #EXTINF:2.000,
            test-7.ts
            #EXT-X-DISCONTINUITY
            #EXTINF:1.960,
            test-8.ts

            """
        let playlist = try #require(HLSPlaylist(text[...]))
        #expect(playlist.targetDuration == 2)
        #expect(playlist.segments == [.init(sequence: 7, uri: "test-7.ts"), .init(sequence: 8, uri: "test-8.ts")])
        #expect(!playlist.ended)
        #expect(HLSPlaylist("#EXTM3U\n#EXT-X-ENDLIST\n")?.ended == true)
        #expect(HLSPlaylist("#EXTM3U\n")?.targetDuration == HLSPlaylist.defaultTargetDuration)
        #expect(HLSPlaylist("<html>not found</html>") == nil)
    }

    @Test func resolvesSegmentPathsAgainstThePlaylist() {
        #expect(HLSPlaylist.path(of: "test-1.ts", relativeTo: "/live/test.m3u8?token=x") == "/live/test-1.ts")
        #expect(HLSPlaylist.path(of: "/other/a.ts", relativeTo: "/live/test.m3u8") == "/other/a.ts")
        #expect(HLSPlaylist.path(of: "http://127.0.0.1:8080/live/b.ts", relativeTo: "/x.m3u8") == "/live/b.ts")
        #expect(HLSPlaylist.path(of: "c.ts", relativeTo: "/top.m3u8") == "/c.ts")
    }
}
