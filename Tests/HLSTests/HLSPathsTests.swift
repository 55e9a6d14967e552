import Config
import Foundation
import HLS
import Live
import Testing

@Suite struct HLSPathsTests {
    let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "cam")
    let date = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func defaultTemplatesGiveSRSNamesAndRelativeURIs() throws {
        let paths = try HLSPaths(key: key, configuration: HLSConfiguration(), now: date)
        #expect(paths.playlist == "live/cam.m3u8")
        let segment = paths.segment(sequence: 12, duration: nil, date: date)
        #expect(segment == "live/cam-12.ts")
        #expect(paths.uri(forSegment: segment) == "cam-12.ts")
    }

    @Test func entryPrefixAndFoldersElsewhere() throws {
        var configuration = HLSConfiguration()
        configuration.tsFile = "./segments/[app]/[stream]-[seq]-[duration].ts"
        var paths = try HLSPaths(key: key, configuration: configuration, now: date)
        let segment = paths.segment(sequence: 3, duration: 4_500, date: date)
        #expect(segment == "./segments/live/cam-3-4500.ts")
        #expect(paths.uri(forSegment: segment) == "../segments/live/cam-3-4500.ts")
        configuration.entryPrefix = "https://cdn.example.com/hls/"
        paths = try HLSPaths(key: key, configuration: configuration, now: date)
        #expect(paths.uri(forSegment: segment) == "https://cdn.example.com/hls/segments/live/cam-3-4500.ts")
    }

    @Test func streamNamesThatLeaveTheFolderAreRefused() {
        let hostile = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "../../etc/cron")
        #expect(throws: PathTemplate.ExpansionError.self) {
            try HLSPaths(key: hostile, configuration: HLSConfiguration(), now: date)
        }
    }
}
