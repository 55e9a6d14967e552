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
        // The file turns on what SRS leaves off: the HTTP server, HLS and DVR (DESIGN: with no -c, HTTP on
        // 8080, HLS and DVR on).
        #expect(configuration.httpServer.enabled)
        #expect(configuration.httpServer.listen == ListenAddress(port: 8080))
        let vhost = configuration.vhost(named: VhostConfiguration.defaultName)
        #expect(vhost.hls.enabled)
        #expect(vhost.dvr.enabled)
        #expect(vhost.httpRemux.enabled)
        // And the API, sharing the HTTP port.
        #expect(configuration.httpAPI.enabled)
        #expect(configuration.httpAPI.listen == configuration.httpServer.listen)
        // Apart from that, only the written directives differ from the code's defaults.
        configuration.httpAPI = HTTPAPIConfiguration()
        configuration.httpServer.enabled = false
        configuration.vhosts[VhostConfiguration.defaultName]?.hls.enabled = false
        configuration.vhosts[VhostConfiguration.defaultName]?.dvr.enabled = false
        configuration.vhosts[VhostConfiguration.defaultName]?.httpRemux.enabled = false
        configuration.raw = []
        configuration.vhosts[VhostConfiguration.defaultName]?.raw = nil
        #expect(configuration == ServerConfiguration())
    }

    @Test func defaultFileWritesEverySupportedHLSAndDVRDirective() throws {
        let (configuration, _) = try ServerConfiguration.load(path: Self.defaultPath)
        let raw = try #require(configuration.vhost(named: VhostConfiguration.defaultName).raw)
        for (block, context) in [("hls", DirectiveContext.hls), ("dvr", .dvr)] {
            let written = Set(try #require(raw.child(named: block)).children.map(\.name))
            let supported = try #require(DirectiveTable.roles[context]).filter {
                if case .planned = $0.value { return false }
                return true
            }
            // hls_entry_prefix has no default value to write; the file shows it commented out.
            let expected = Set(supported.keys).subtracting(["hls_entry_prefix"])
            #expect(written == expected, "\(block)")
        }
        let http = try #require(configuration.raw.first { $0.name == "http_server" })
        #expect(Set(http.children.map(\.name)) == Set(try #require(DirectiveTable.roles[.httpServer]).keys))
    }

    @Test func everyFileInConfLoadsWithoutErrors() throws {
        let directory = "\(repositoryRoot)/conf"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".conf") }
            .sorted()
        #expect(files.contains("headwater.conf") && files.contains("hls.conf") && files.contains("dvr.conf"))
        for file in files {
            let path = "\(directory)/\(file)"
            switch Result(catching: { () throws(ConfigError) in try ServerConfiguration.load(path: path) }) {
            case .failure(let error):
                Issue.record("\(file): \(error)")
            case .success(let (_, warnings)):
                // Only the SRS compatibility example carries directives Headwater ignores.
                if file != "srs-compat.conf" {
                    #expect(warnings.map(\.description) == [], "\(file)")
                }
            }
        }
    }

    @Test func hlsExample() throws {
        let (configuration, _) = try ServerConfiguration.load(path: "\(repositoryRoot)/conf/hls.conf")
        #expect(configuration.httpServer.enabled)
        let hls = configuration.vhost(named: "any").hls
        #expect(hls.enabled)
        #expect(hls.fragment == .seconds(2))
        #expect(hls.window == .seconds(10))
        #expect(configuration.vhost(named: "any").dvr.enabled == false)
    }

    @Test func dvrExample() throws {
        let (configuration, _) = try ServerConfiguration.load(path: "\(repositoryRoot)/conf/dvr.conf")
        #expect(configuration.httpServer.enabled)
        let dvr = configuration.vhost(named: "any").dvr
        #expect(dvr.enabled)
        #expect(dvr.plan == .segment)
        #expect(dvr.duration == .seconds(60))
        #expect(configuration.vhost(named: "any").hls.enabled == false)
        let studio = configuration.vhost(named: "studio.example.com").dvr
        #expect(studio.apply == .streams(["live/cam1", "live/cam2"]))
        #expect(studio.plan == .session)
    }

    @Test func srsCompatibleFileLoadsWithOneWarningPerIgnoredDirective() throws {
        let (configuration, warnings) = try ServerConfiguration.load(path: Self.compatPath)
        let expected: [(line: Int, directive: String, reason: ConfigWarning.Reason)] = [
            (7, "daemon", .unsupported),
            (10, "server_id", .unsupported),
            (11, "ff_log_dir", .unsupported),
            (12, "utc_time", .unsupported),
            (17, "raw_api", .unsupported),
            (25, "https", .unsupported),
            (30, "rtc_server", .unsupported),
            (35, "stats", .notImplementedYet),
            (47, "hls_ctx", .unsupported),
            (48, "hls_keys", .notImplementedYet),
            (54, "rtc", .unsupported),
            (65, "mr", .unsupported),
            (86, "in_ack_size", .unsupported),
        ]
        #expect(warnings.count == expected.count)
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
