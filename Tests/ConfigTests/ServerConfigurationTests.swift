import Testing

@testable import Config

@Suite("Typed configuration")
struct ServerConfigurationTests {
    @Test func emptyTextGivesTheDefaults() throws {
        let (configuration, warnings) = try ServerConfiguration.parse(text: "", file: "f")
        #expect(warnings.isEmpty)
        #expect(configuration == ServerConfiguration())
        #expect(configuration.listen == [ListenAddress(port: 1935)])
        #expect(configuration.maxConnections == 1000)
        #expect(configuration.chunkSize == 60000)
        #expect(configuration.pidFile == "./objs/headwater.pid")
        #expect(configuration.logTank == .console)
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFile == "./objs/headwater.log")
        #expect(configuration.rtmpMaxMessageSize == 8_388_608)
        #expect(configuration.handshakeTimeout == .seconds(10))
        #expect(Array(configuration.vhosts.keys) == ["__defaultVhost__"])

        let vhost = configuration.vhost(named: "__defaultVhost__")
        #expect(vhost.name == "__defaultVhost__")
        #expect(vhost.enabled)
        #expect(vhost.chunkSize == nil)
        #expect(vhost.tcpNoDelay == false)
        #expect(vhost.minLatency == false)
        #expect(vhost.raw == nil)
        #expect(vhost.play.gopCache)
        #expect(vhost.play.gopCacheMaxFrames == 2500)
        #expect(vhost.play.queueLength == .seconds(30))
        #expect(vhost.play.timeJitter == .full)
        #expect(vhost.publish.firstPacketTimeout == .milliseconds(20000))
        #expect(vhost.publish.normalTimeout == .milliseconds(5000))
    }

    @Test func everySettingOverrides() throws {
        let text = """
            listen 127.0.0.1:1936;
            max_connections 50;
            chunk_size 4096;
            pid /run/hw.pid;
            srs_log_tank file;
            srs_log_level error;
            srs_log_file "/var/log/head water.log";
            rtmp_max_message_size 1048576;
            handshake_timeout 3;
            vhost __defaultVhost__ {
                enabled off;
                chunk_size 128;
                tcp_nodelay on;
                min_latency on;
                play {
                    gop_cache off;
                    gop_cache_max_frames 10;
                    queue_length 5;
                    time_jitter off;
                }
                publish {
                    firstpkt_timeout 1000;
                    normal_timeout 2000;
                }
            }
            """
        let (configuration, warnings) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(warnings.isEmpty)
        #expect(configuration.listen == [ListenAddress(host: "127.0.0.1", port: 1936)])
        #expect(configuration.maxConnections == 50)
        #expect(configuration.chunkSize == 4096)
        #expect(configuration.pidFile == "/run/hw.pid")
        #expect(configuration.logTank == .file)
        #expect(configuration.logLevel == .error)
        #expect(configuration.logFile == "/var/log/head water.log")
        #expect(configuration.rtmpMaxMessageSize == 1_048_576)
        #expect(configuration.handshakeTimeout == .seconds(3))

        let vhost = configuration.vhost(named: "__defaultVhost__")
        #expect(vhost.enabled == false)
        #expect(vhost.chunkSize == 128)
        #expect(vhost.tcpNoDelay)
        #expect(vhost.minLatency)
        #expect(vhost.play.gopCache == false)
        #expect(vhost.play.gopCacheMaxFrames == 10)
        #expect(vhost.play.queueLength == .seconds(5))
        #expect(vhost.play.timeJitter == .off)
        #expect(vhost.publish.firstPacketTimeout == .milliseconds(1000))
        #expect(vhost.publish.normalTimeout == .milliseconds(2000))
        #expect(configuration.chunkSize(forVhost: "anything") == 128)
    }

    @Test func severalListenEntriesAndDirectives() throws {
        let text = "listen 1935 0.0.0.0:1936 [::1]:1937;\nlisten [::]:1938 localhost:1939;"
        let (configuration, _) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(
            configuration.listen == [
                ListenAddress(port: 1935),
                ListenAddress(host: "0.0.0.0", port: 1936),
                ListenAddress(host: "::1", port: 1937),
                ListenAddress(host: "::", port: 1938),
                ListenAddress(host: "localhost", port: 1939),
            ]
        )
        #expect(
            configuration.listen.map(\.description) == [
                "1935", "0.0.0.0:1936", "[::1]:1937", "[::]:1938", "localhost:1939",
            ]
        )
        for address in configuration.listen {
            #expect(ListenAddress(address.description) == address)
        }
    }

    @Test(arguments: [
        "", "0", "65536", "99999999999999999999", "abc", "19a5", ":1935", "[::1]1935", "[::1]", "::1:1935", "1.2.3.4:",
        "-1",
    ])
    func malformedListenEntries(entry: String) {
        #expect(ListenAddress(entry) == nil)
    }

    @Test func logLevelNames() throws {
        let v1: [(String, LogLevel)] = [
            ("verbose", .trace), ("info", .debug), ("trace", .info), ("warn", .warning), ("error", .error),
            ("Verb", .trace), ("Trace", .info),
        ]
        for (name, level) in v1 {
            let (configuration, _) = try ServerConfiguration.parse(text: "srs_log_level \(name);", file: "f")
            #expect(configuration.logLevel == level, "srs_log_level \(name)")
        }
        let v2: [(String, LogLevel)] = [
            ("trace", .trace), ("debug", .debug), ("info", .info), ("warn", .warning), ("error", .error),
        ]
        for (name, level) in v2 {
            // v2 wins over v1 wherever it is written.
            let (configuration, _) = try ServerConfiguration.parse(
                text: "srs_log_level_v2 \(name);\nsrs_log_level error;",
                file: "f"
            )
            #expect(configuration.logLevel == level, "srs_log_level_v2 \(name)")
        }
    }

    static let invalidValues: [(text: String, expected: String)] = [
        (
            "listen 1935;\n\nchunk_size 0;",
            "conf/x.conf:3: invalid value '0' for 'chunk_size': must be between 128 and 65536"
        ),
        ("chunk_size 70000;", "conf/x.conf:1: invalid value '70000' for 'chunk_size': must be between 128 and 65536"),
        ("chunk_size 12k;", "conf/x.conf:1: invalid value '12k' for 'chunk_size': expected an integer"),
        ("chunk_size 128 256;", "conf/x.conf:1: directive 'chunk_size' takes exactly 1 argument, found 2"),
        ("chunk_size 128 {\n}", "conf/x.conf:1: directive 'chunk_size' does not take a block"),
        ("listen 0;", "conf/x.conf:1: invalid listen address '0': the port must be between 1 and 65535"),
        ("listen 1935 70000;", "conf/x.conf:1: invalid listen address '70000': the port must be between 1 and 65535"),
        (
            "listen ::1:1935;",
            "conf/x.conf:1: invalid listen address '::1:1935': an IPv6 address needs brackets, as in '[::1]:1935'"
        ),
        ("listen rtmp;", "conf/x.conf:1: invalid listen address 'rtmp': the port is not a number"),
        ("listen;", "conf/x.conf:1: directive 'listen' takes at least 1 argument, found 0"),
        ("listen 1935;\nlisten 1935;", "conf/x.conf:2: listen address '1935' is repeated"),
        ("max_connections 0;", "conf/x.conf:1: invalid value '0' for 'max_connections': must be between 1 and 1000000"),
        (
            "srs_log_tank syslog;",
            "conf/x.conf:1: invalid value 'syslog' for 'srs_log_tank': expected one of console, file"
        ),
        (
            "srs_log_level debug;",
            "conf/x.conf:1: invalid value 'debug' for 'srs_log_level': expected one of verbose, info, trace, warn, error"
        ),
        (
            "srs_log_level_v2 verbose;",
            "conf/x.conf:1: invalid value 'verbose' for 'srs_log_level_v2': expected one of trace, debug, info, warn, error"
        ),
        ("pid \"\";", "conf/x.conf:1: invalid value '' for 'pid': expected a non-empty path"),
        (
            "rtmp_max_message_size 100;",
            "conf/x.conf:1: invalid value '100' for 'rtmp_max_message_size': must be between 65536 and 16777215"
        ),
        ("handshake_timeout 0;", "conf/x.conf:1: invalid value '0' for 'handshake_timeout': must be between 1 and 600"),
        ("vhost {\n}", "conf/x.conf:1: directive 'vhost' takes exactly 1 argument, found 0"),
        ("vhost a;", "conf/x.conf:1: directive 'vhost' needs a block: 'vhost { ... }'"),
        ("vhost \"\" {\n}", "conf/x.conf:1: the vhost name is empty"),
        ("vhost a {\n    enabled yes;\n}", "conf/x.conf:2: invalid value 'yes' for 'enabled': expected 'on' or 'off'"),
        (
            "vhost a {\n    chunk_size 127;\n}",
            "conf/x.conf:2: invalid value '127' for 'chunk_size': must be between 128 and 65536"
        ),
        (
            "vhost a {\n    tcp_nodelay true;\n}",
            "conf/x.conf:2: invalid value 'true' for 'tcp_nodelay': expected 'on' or 'off'"
        ),
        ("vhost a {\n    play on {\n    }\n}", "conf/x.conf:2: directive 'play' takes no arguments, found 1"),
        ("vhost a {\n    play;\n}", "conf/x.conf:2: directive 'play' needs a block: 'play { ... }'"),
        (
            "vhost a {\n  play {\n    gop_cache yes;\n  }\n}",
            "conf/x.conf:3: invalid value 'yes' for 'gop_cache': expected 'on' or 'off'"
        ),
        (
            "vhost a {\n  play {\n    gop_cache_max_frames 0;\n  }\n}",
            "conf/x.conf:3: invalid value '0' for 'gop_cache_max_frames': must be between 1 and 100000"
        ),
        (
            "vhost a {\n  play {\n    queue_length 0;\n  }\n}",
            "conf/x.conf:3: invalid value '0' for 'queue_length': must be between 1 and 3600"
        ),
        (
            "vhost a {\n  play {\n    time_jitter fast;\n  }\n}",
            "conf/x.conf:3: invalid value 'fast' for 'time_jitter': expected one of full, zero, off"
        ),
        (
            "vhost a {\n  publish {\n    firstpkt_timeout -1;\n  }\n}",
            "conf/x.conf:3: invalid value '-1' for 'firstpkt_timeout': must be between 1 and 3600000"
        ),
        (
            "vhost a {\n  publish {\n    normal_timeout 1.5;\n  }\n}",
            "conf/x.conf:3: invalid value '1.5' for 'normal_timeout': expected an integer"
        ),
    ]

    @Test(arguments: invalidValues)
    func invalidValuesCarryFileAndLine(text: String, expected: String) {
        #expect(parseError(text) == expected)
    }

    @Test func invalidValueKind() {
        let error = #expect(throws: ConfigError.self) {
            _ = try ServerConfiguration.parse(text: "chunk_size 0;", file: "f")
        }
        #expect(error?.kind == .invalidValue)
        #expect(error?.kind != .syntax)
    }

    @Test func vhostLookupFallsBackToTheDefaultVhost() throws {
        let text = """
            vhost __defaultVhost__ {
                chunk_size 1024;
            }
            vhost live.example.com {
                play { gop_cache off; }
            }
            vhost off.example.com {
                enabled off;
            }
            """
        let (configuration, _) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(configuration.vhost(named: "live.example.com").play.gopCache == false)
        #expect(configuration.vhost(named: "live.example.com").enabled)
        let unknown = configuration.vhost(named: "192.168.1.10")
        #expect(unknown.name == "__defaultVhost__")
        #expect(unknown.chunkSize == 1024)
        let disabled = configuration.vhost(named: "off.example.com")
        #expect(disabled.name == "off.example.com")
        #expect(disabled.enabled == false)
        #expect(configuration.chunkSize(forVhost: "live.example.com") == 60000)
        #expect(configuration.chunkSize(forVhost: "nowhere") == 1024)
    }

    @Test func defaultVhostIsAddedWhenOnlyOthersAreConfigured() throws {
        let (configuration, _) = try ServerConfiguration.parse(text: "vhost a {\n}", file: "f")
        #expect(Set(configuration.vhosts.keys) == ["a", "__defaultVhost__"])
        #expect(configuration.vhost(named: "b") == VhostConfiguration(name: "__defaultVhost__"))
    }

    @Test func firstOccurrenceWinsAndRepeatsAreWarned() throws {
        let text = """
            chunk_size 128;
            chunk_size 256;
            vhost a {
                play { gop_cache off; }
                play { gop_cache on; time_jitter zero; }
            }
            vhost a {
                enabled off;
            }
            """
        let (configuration, warnings) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(configuration.chunkSize == 128)
        #expect(configuration.vhost(named: "a").play.gopCache == false)
        #expect(configuration.vhost(named: "a").play.timeJitter == .full)
        #expect(configuration.vhost(named: "a").enabled)
        #expect(
            warnings.map(\.description) == [
                "f:2: directive 'chunk_size' is repeated and ignored; the one at f:1 is used",
                "f:5: directive 'play' is repeated and ignored; the one at f:4 is used",
                "f:7: directive 'vhost' is repeated and ignored; the one at f:3 is used",
            ]
        )
        #expect(warnings[0].reason == .duplicate(first: SourceLocation(file: "f", line: 1)))
    }

    @Test func unknownDirectivesWarnOncePerOccurrence() throws {
        let text = """
            daemon off;
            rtc_server {
                enabled on;
                listen 8000;
            }
            heartbeat {
                enabled on;
            }
            vhost a {
                atc on;
                transcode { enabled on; }
                play {
                    send_min_interval 10;
                    send_min_interval 5;
                }
            }
            hls { }
            """
        let (_, warnings) = try ServerConfiguration.parse(text: text, file: "conf/srs.conf")
        #expect(
            warnings.map(\.description) == [
                "conf/srs.conf:1: directive 'daemon' is not supported by headwater and is ignored",
                "conf/srs.conf:2: directive 'rtc_server' is not supported by headwater and is ignored",
                "conf/srs.conf:6: directive 'heartbeat' is not implemented yet by headwater and is ignored",
                "conf/srs.conf:10: directive 'atc' is not supported by headwater and is ignored",
                "conf/srs.conf:13: directive 'send_min_interval' is not supported by headwater and is ignored",
                "conf/srs.conf:14: directive 'send_min_interval' is not supported by headwater and is ignored",
                // hls belongs in a vhost; at the top level it is simply unknown.
                "conf/srs.conf:17: directive 'hls' is not supported by headwater and is ignored",
            ]
        )
        #expect(
            warnings.map(\.reason) == [
                .unsupported, .unsupported, .notImplementedYet, .unsupported, .unsupported, .unsupported,
                .unsupported,
            ]
        )
        #expect(warnings[1].directive == "rtc_server")
        #expect(warnings[1].location == SourceLocation(file: "conf/srs.conf", line: 2))
    }

    @Test func rawVhostKeepsSectionsForLaterFeatures() throws {
        let text = "vhost a {\n    hls {\n        hls_fragment 10;\n    }\n}\nhttp_server { listen 8080; }"
        let (configuration, _) = try ServerConfiguration.parse(text: text, file: "f")
        let hls = configuration.vhost(named: "a").raw?.child(named: "hls")
        #expect(hls?.child(named: "hls_fragment")?.args == ["10"])
        #expect(hls?.location == SourceLocation(file: "f", line: 2))
        #expect(configuration.raw.map(\.name) == ["vhost", "http_server"])
    }

    @Test func vhostChanges() throws {
        let old = try ServerConfiguration.parse(
            text: "vhost a { chunk_size 128; }\nvhost b { }\nvhost c { hls { hls_fragment 5; } }\nvhost d { }",
            file: "old"
        ).0
        let new = try ServerConfiguration.parse(
            text:
                "# reordered and commented\nvhost d { }\nvhost a {\n chunk_size 256;\n}\nvhost c { hls { hls_fragment 10; } }\nvhost e { }",
            file: "new"
        ).0
        #expect(new.vhostChanges(from: old) == ["a", "b", "c", "e"])
        #expect(old.vhostChanges(from: old) == [])

        let moved = try ServerConfiguration.parse(text: "\n\n\nvhost d {\n}\n", file: "other")
        let original = try ServerConfiguration.parse(text: "vhost d { }", file: "one")
        #expect(moved.0.vhostChanges(from: original.0) == [])
        #expect(moved.0 == original.0)
    }
}
