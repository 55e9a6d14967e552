import Foundation
import Testing

@testable import Config

@Suite("conf/ files")
struct ConfigFilesTests {
    private static let defaultPath = "\(repositoryRoot)/conf/headwater.conf"
    private static let compatPath = "\(repositoryRoot)/conf/srs-compat.conf"

    @Test func builtInDefaultMatchesTheDefaultFile() throws {
        let fileText = try String(contentsOfFile: Self.defaultPath, encoding: .utf8)
        #expect(ServerConfiguration.builtInDefaultText == fileText)

        let (fromFile, fileWarnings) = try ServerConfiguration.load(path: Self.defaultPath)
        let (fromText, textWarnings) = try ServerConfiguration.parse(
            text: ServerConfiguration.builtInDefaultText,
            file: ServerConfiguration.builtInDefaultFileName
        )
        #expect(fileWarnings.isEmpty)
        #expect(textWarnings.isEmpty)
        #expect(fromFile == fromText)
        #expect(ServerConfiguration.builtInDefault == fromFile)
    }

    @Test func defaultFileSpellsOutTheDefaults() throws {
        var (configuration, _) = try ServerConfiguration.load(path: Self.defaultPath)
        // Only the written directives differ from the code's defaults.
        configuration.raw = []
        configuration.vhosts[VhostConfiguration.defaultName]?.raw = nil
        #expect(configuration == ServerConfiguration())
    }

    @Test func srsCompatibleFileLoadsWithOneWarningPerIgnoredDirective() throws {
        let (configuration, warnings) = try ServerConfiguration.load(path: Self.compatPath)
        let expected: [(line: Int, directive: String, reason: ConfigWarning.Reason)] = [
            (7, "daemon", .unsupported),
            (10, "server_id", .unsupported),
            (11, "ff_log_dir", .unsupported),
            (12, "utc_time", .unsupported),
            (14, "http_api", .notImplementedYet),
            (25, "https", .unsupported),
            (30, "rtc_server", .unsupported),
            (35, "stats", .notImplementedYet),
            (47, "hls_ctx", .unsupported),
            (48, "hls_keys", .notImplementedYet),
            (50, "http_remux", .notImplementedYet),
            (54, "rtc", .unsupported),
            (61, "mw_latency", .unsupported),
            (65, "mr", .unsupported),
            (78, "http_hooks", .notImplementedYet),
            (86, "in_ack_size", .unsupported),
            (90, "cluster", .notImplementedYet),
        ]
        #expect(warnings.count == 17)
        #expect(
            warnings
                == expected.map {
                    ConfigWarning(
                        location: SourceLocation(file: Self.compatPath, line: $0.line),
                        directive: $0.directive,
                        reason: $0.reason
                    )
                }
        )
        #expect(
            warnings[6].description
                == "\(Self.compatPath):30: directive 'rtc_server' is not supported by headwater and is ignored"
        )

        #expect(configuration.listen == [ListenAddress(port: 1935), ListenAddress(host: "::1", port: 19350)])
        #expect(configuration.logLevel == .warning)
        let defaultVhost = configuration.vhost(named: VhostConfiguration.defaultName)
        #expect(defaultVhost.tcpNoDelay && defaultVhost.minLatency)
        #expect(defaultVhost.play.gopCache == false)
        #expect(defaultVhost.play.queueLength == .seconds(10))
        #expect(defaultVhost.play.timeJitter == .zero)
        #expect(defaultVhost.publish.firstPacketTimeout == .milliseconds(30000))
        #expect(defaultVhost.publish.normalTimeout == .milliseconds(7000))
        #expect(configuration.chunkSize(forVhost: "live.example.com") == 4096)
        #expect(configuration.vhost(named: "removed.example.com").enabled == false)
        #expect(configuration.vhost(named: "edge.example.com").name == "edge.example.com")
        #expect(configuration.httpServer.enabled)
        #expect(configuration.httpServer.listen == ListenAddress(port: 8080))
        #expect(defaultVhost.hls.enabled)
        #expect(defaultVhost.hls.window == .seconds(60))
        let live = configuration.vhost(named: "live.example.com")
        #expect(live.dvr.enabled)
        #expect(live.dvr.path == "./objs/nginx/html/[app]/[stream].[timestamp].flv")
        #expect(live.hls.enabled == false)
    }
}
