import Foundation
import HLS
import Testing

@Suite struct HLSPlaylistTests {
    @Test func rendersWindowWithDiscontinuityAndDates() {
        let start = Date(timeIntervalSince1970: 1_700_000_000.25)
        let playlist = HLSPlaylist(
            targetDuration: 11, mediaSequence: 7, discontinuitySequence: 2,
            segments: [
                .init(uri: "live-7.ts", duration: 10.0, programDateTime: start),
                .init(uri: "live-8.ts", duration: 10.5, programDateTime: start + 10, discontinuity: true),
            ])
        #expect(
            playlist.render() == """
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:11
                #EXT-X-MEDIA-SEQUENCE:7
                #EXT-X-DISCONTINUITY-SEQUENCE:2
                #EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.250Z
                #EXTINF:10.000,
                live-7.ts
                #EXT-X-DISCONTINUITY
                #EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:30.250Z
                #EXTINF:10.500,
                live-8.ts

                """)
    }

    @Test func vodPlaylistEnds() {
        let playlist = HLSPlaylist(
            targetDuration: 4, playlistType: .vod, segments: [.init(uri: "a.ts", duration: 3.2)], ended: true)
        let text = playlist.render()
        #expect(text.contains("#EXT-X-PLAYLIST-TYPE:VOD\n"))
        #expect(text.hasSuffix("a.ts\n#EXT-X-ENDLIST\n"))
        #expect(!text.contains("DISCONTINUITY-SEQUENCE"))
    }
}
