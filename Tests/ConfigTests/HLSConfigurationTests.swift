import Testing

@testable import Config

@Suite("hls { } block")
struct HLSConfigurationTests {
    /// `text` placed in `vhost a { hls { ... } }`, one line per element, starting at line 3.
    private static func hlsBlock(_ lines: [String]) -> String {
        (["vhost a {", "    hls {"] + lines.map { "        " + $0 } + ["    }", "}"]).joined(separator: "\n")
    }

    private static func hls(_ lines: [String]) throws -> (HLSConfiguration, [ConfigWarning]) {
        let (configuration, warnings) = try ServerConfiguration.parse(text: Self.hlsBlock(lines), file: "f")
        return (configuration.vhost(named: "a").hls, warnings)
    }

    @Test func srsDefaults() throws {
        let hls = HLSConfiguration()
        #expect(hls.enabled == false)
        #expect(hls.fragment == .seconds(10))
        #expect(hls.tdRatio == 1.0)
        #expect(hls.aofRatio == 2.1)
        #expect(hls.window == .seconds(60))
        #expect(hls.onError == .continue)
        #expect(hls.path == "./objs/nginx/html")
        #expect(hls.m3u8File == "[app]/[stream].m3u8")
        #expect(hls.tsFile == "[app]/[stream]-[seq].ts")
        #expect(hls.entryPrefix == "")
        #expect(hls.audioCodec == .aac)
        #expect(hls.videoCodec == .h264)
        #expect(hls.cleanup)
        #expect(hls.dispose == .seconds(120))
        #expect(hls.waitKeyframe)

        let (empty, warnings) = try Self.hls([])
        #expect(empty == hls)
        #expect(warnings.isEmpty)
        // No hls block at all: the same defaults, for every vhost.
        let (configuration, _) = try ServerConfiguration.parse(text: "vhost a { }", file: "f")
        #expect(configuration.vhost(named: "a").hls == hls)
        #expect(configuration.vhost(named: "elsewhere").hls == hls)
    }

    @Test func everyDirectiveIsRead() throws {
        let (hls, warnings) = try Self.hls([
            "enabled on;",
            "hls_fragment 2.5;",
            "hls_td_ratio 1.5;",
            "hls_aof_ratio 1.2;",
            "hls_window 12.75;",
            "hls_on_error disconnect;",
            "hls_path /var/www/hls;",
            "hls_m3u8_file [vhost]/[app]/[stream]/index.m3u8;",
            "hls_ts_file [vhost]/[app]/[stream]/[2006][01][02]-[seq]-[duration].ts;",
            "hls_entry_prefix http://cdn.example.com/;",
            "hls_acodec mp3;",
            "hls_vcodec h265;",
            "hls_cleanup off;",
            "hls_dispose 0;",
            "hls_wait_keyframe off;",
        ])
        #expect(warnings.isEmpty)
        #expect(hls.enabled)
        #expect(hls.fragment == .milliseconds(2500))
        #expect(hls.tdRatio == 1.5)
        #expect(hls.aofRatio == 1.2)
        #expect(hls.window == .milliseconds(12750))
        #expect(hls.onError == .disconnect)
        #expect(hls.path == "/var/www/hls")
        #expect(hls.m3u8File == "[vhost]/[app]/[stream]/index.m3u8")
        #expect(hls.tsFile == "[vhost]/[app]/[stream]/[2006][01][02]-[seq]-[duration].ts")
        #expect(hls.entryPrefix == "http://cdn.example.com/")
        #expect(hls.audioCodec == .mp3)
        #expect(hls.videoCodec == .h265)
        #expect(hls.cleanup == false)
        #expect(hls.dispose == .zero)
        #expect(hls.waitKeyframe == false)
    }

    @Test(arguments: [
        ("10", Duration.seconds(10)), ("2.5", .milliseconds(2500)), ("0.25", .milliseconds(250)),
        ("0.001", .milliseconds(1)), ("3600", .seconds(3600)), ("3600.000", .seconds(3600)), ("007", .seconds(7)),
    ])
    func fragmentSeconds(text: String, expected: Duration) throws {
        let (hls, _) = try Self.hls(["hls_fragment \(text);", "hls_window 3600;"])
        #expect(hls.fragment == expected)
    }

    @Test(arguments: HLSChoices.all)
    func everyChoice(directive: String, value: String) throws {
        let (hls, _) = try Self.hls(["\(directive) \(value);"])
        switch directive {
        case "hls_on_error": #expect(hls.onError.rawValue == value)
        case "hls_acodec": #expect(hls.audioCodec.rawValue == value)
        default: #expect(hls.videoCodec.rawValue == value)
        }
    }

    static let invalidValues: [(line: String, message: String)] = [
        ("enabled yes;", "invalid value 'yes' for 'enabled': expected 'on' or 'off'"),
        ("hls_fragment 0;", "invalid value '0' for 'hls_fragment': must be more than 0 and at most 3600"),
        ("hls_fragment 0.000;", "invalid value '0.000' for 'hls_fragment': must be more than 0 and at most 3600"),
        ("hls_fragment -1;", "invalid value '-1' for 'hls_fragment': must be more than 0 and at most 3600"),
        ("hls_fragment 3600.001;", "invalid value '3600.001' for 'hls_fragment': must be more than 0 and at most 3600"),
        (
            "hls_fragment 99999999999999999999;",
            "invalid value '99999999999999999999' for 'hls_fragment': must be more than 0 and at most 3600"
        ),
        ("hls_fragment 2.0001;", "invalid value '2.0001' for 'hls_fragment': seconds have at most 3 decimals"),
        ("hls_fragment 10s;", "invalid value '10s' for 'hls_fragment': expected seconds, such as 10 or 2.5"),
        ("hls_fragment .5;", "invalid value '.5' for 'hls_fragment': expected seconds, such as 10 or 2.5"),
        ("hls_fragment 5.;", "invalid value '5.' for 'hls_fragment': expected seconds, such as 10 or 2.5"),
        ("hls_fragment 1e3;", "invalid value '1e3' for 'hls_fragment': expected seconds, such as 10 or 2.5"),
        ("hls_fragment 1.2.3;", "invalid value '1.2.3' for 'hls_fragment': expected seconds, such as 10 or 2.5"),
        ("hls_fragment \"\";", "invalid value '' for 'hls_fragment': expected seconds, such as 10 or 2.5"),
        ("hls_fragment 10 20;", "directive 'hls_fragment' takes exactly 1 argument, found 2"),
        ("hls_td_ratio 0.9;", "invalid value '0.9' for 'hls_td_ratio': must be between 1 and 10"),
        ("hls_td_ratio 10.5;", "invalid value '10.5' for 'hls_td_ratio': must be between 1 and 10"),
        ("hls_td_ratio one;", "invalid value 'one' for 'hls_td_ratio': expected a decimal number"),
        ("hls_td_ratio nan;", "invalid value 'nan' for 'hls_td_ratio': expected a decimal number"),
        ("hls_aof_ratio -2;", "invalid value '-2' for 'hls_aof_ratio': must be between 1 and 10"),
        ("hls_aof_ratio 2,1;", "invalid value '2,1' for 'hls_aof_ratio': expected a decimal number"),
        ("hls_window 0;", "invalid value '0' for 'hls_window': must be more than 0 and at most 86400"),
        ("hls_window 86401;", "invalid value '86401' for 'hls_window': must be more than 0 and at most 86400"),
        (
            "hls_on_error stop;",
            "invalid value 'stop' for 'hls_on_error': expected one of ignore, disconnect, continue"
        ),
        ("hls_path \"\";", "invalid value '' for 'hls_path': expected a non-empty path"),
        (
            "hls_m3u8_file [app]/[stream].m3u;",
            "invalid value '[app]/[stream].m3u' for 'hls_m3u8_file': must be a file name ending in '.m3u8'"
        ),
        (
            "hls_m3u8_file [app]/.m3u8;",
            "invalid value '[app]/.m3u8' for 'hls_m3u8_file': must be a file name ending in '.m3u8'"
        ),
        (
            "hls_m3u8_file /var/www/[stream].m3u8;",
            "invalid value '/var/www/[stream].m3u8' for 'hls_m3u8_file': "
                + "must be relative to hls_path, not an absolute path"
        ),
        (
            "hls_m3u8_file ../[stream].m3u8;",
            "invalid value '../[stream].m3u8' for 'hls_m3u8_file': must not contain '..'"
        ),
        (
            "hls_ts_file [app]/../../[seq].ts;",
            "invalid value '[app]/../../[seq].ts' for 'hls_ts_file': must not contain '..'"
        ),
        (
            "hls_ts_file /tmp/[seq].ts;",
            "invalid value '/tmp/[seq].ts' for 'hls_ts_file': must be relative to hls_path, not an absolute path"
        ),
        (
            "hls_ts_file [app]/[stream]-[seq].m4s;",
            "invalid value '[app]/[stream]-[seq].m4s' for 'hls_ts_file': must be a file name ending in '.ts'"
        ),
        ("hls_ts_file \"\";", "invalid value '' for 'hls_ts_file': must be a file name ending in '.ts'"),
        ("hls_acodec opus;", "invalid value 'opus' for 'hls_acodec': expected one of aac, mp3, an"),
        ("hls_vcodec av1;", "invalid value 'av1' for 'hls_vcodec': expected one of h264, h265, vn"),
        ("hls_cleanup 1;", "invalid value '1' for 'hls_cleanup': expected 'on' or 'off'"),
        ("hls_dispose -1;", "invalid value '-1' for 'hls_dispose': must be between 0 and 86400"),
        ("hls_dispose 1.5.;", "invalid value '1.5.' for 'hls_dispose': expected seconds, such as 10 or 2.5"),
        ("hls_wait_keyframe true;", "invalid value 'true' for 'hls_wait_keyframe': expected 'on' or 'off'"),
        ("hls_entry_prefix a b;", "directive 'hls_entry_prefix' takes exactly 1 argument, found 2"),
        ("hls_cleanup on {\n}", "directive 'hls_cleanup' does not take a block"),
    ]

    @Test(arguments: invalidValues)
    func invalidValueCarriesFileAndLine(line: String, message: String) {
        let text = Self.hlsBlock(["# the bad directive is on the next line, line 4", line])
        #expect(parseError(text) == "conf/x.conf:4: \(message)")
    }

    @Test func blockShapeErrors() {
        #expect(
            parseError("vhost a {\n  hls on {\n  }\n}") == "conf/x.conf:2: directive 'hls' takes no arguments, found 1"
        )
        #expect(parseError("vhost a {\n  hls;\n}") == "conf/x.conf:2: directive 'hls' needs a block: 'hls { ... }'")
        #expect(
            parseError(Self.hlsBlock(["hls_fragment 10", "hls_window 60;"]))
                == "conf/x.conf:3: missing ';' after 'hls_fragment 10'"
        )
    }

    @Test func windowShorterThanFragmentIsRefused() throws {
        let message =
            "hls_window (5 s) is shorter than hls_fragment (10 s); the playlist must hold at least one segment"
        // The window is written: the error is on its line.
        #expect(parseError(Self.hlsBlock(["hls_window 5;", "enabled on;"])) == "conf/x.conf:3: \(message)")
        #expect(
            parseError(Self.hlsBlock(["hls_fragment 10;", "enabled on;", "hls_window 5;"]))
                == "conf/x.conf:5: \(message)"
        )
        // Only the fragment is written: the error is on its line, against the default window.
        #expect(
            parseError(Self.hlsBlock(["enabled on;", "hls_fragment 61;"]))
                == "conf/x.conf:4: hls_window (60 s) is shorter than hls_fragment (61 s); "
                + "the playlist must hold at least one segment"
        )
        #expect(
            parseError(Self.hlsBlock(["hls_fragment 2.5;", "hls_window 2.499;"]))
                == "conf/x.conf:4: hls_window (2.499 s) is shorter than hls_fragment (2.5 s); "
                + "the playlist must hold at least one segment"
        )
        // Equal is enough: one segment.
        let (hls, _) = try Self.hls(["hls_fragment 2.5;", "hls_window 2.5;"])
        #expect(hls.window == hls.fragment)
        // An ignored repeat does not count.
        let (repeated, warnings) = try Self.hls(["hls_window 20;", "hls_window 1;", "hls_fragment 20;"])
        #expect(repeated.window == .seconds(20))
        #expect(
            warnings.map(\.description) == [
                "f:4: directive 'hls_window' is repeated and ignored; the one at f:3 is used"
            ]
        )
    }

    @Test func srsDirectivesHeadwaterDoesNotImplementWarnOnce() throws {
        let unsupported = [
            "hls_ctx on;", "hls_ts_ctx on;", "hls_ts_floor off;", "hls_nb_notify 64;", "hls_dts_directly on;",
            "hls_use_fmp4 off;", "hls_fmp4_file [app]/[stream]-[seq].m4s;", "hls_init_file [app]/init.mp4;",
            "hls_recover on;", "on_hls http://127.0.0.1:8085/api/v1/hls;",
            "on_hls_notify http://127.0.0.1:8085/[app]/[ts_url];", "hls_segment 3;",
        ]
        let planned = [
            "hls_keys on;", "hls_fragments_per_key 5;", "hls_key_file [app]/[stream]-[seq].key;",
            "hls_key_file_path ./objs/nginx/html;", "hls_key_url https://localhost:8080;",
        ]
        let (hls, warnings) = try Self.hls(["enabled on;"] + unsupported + planned + ["hls_fragment 4;"])
        #expect(hls.enabled)
        #expect(hls.fragment == .seconds(4))
        let names = (unsupported + planned).map { String($0.split(separator: " ")[0]) }
        #expect(warnings.map(\.directive) == names)
        #expect(warnings.map(\.location.line) == Array(4..<(4 + names.count)))
        #expect(warnings.prefix(unsupported.count).allSatisfy { $0.reason == .unsupported })
        #expect(warnings.suffix(planned.count).allSatisfy { $0.reason == .notImplementedYet })
        #expect(warnings[0].description == "f:4: directive 'hls_ctx' is not supported by headwater and is ignored")
        #expect(
            warnings.last?.description
                == "f:\(3 + names.count): directive 'hls_key_url' is not implemented yet by headwater and is ignored"
        )
    }

    @Test func anUnknownBlockInsideHLSIsOneWarningAndItsChildrenAreNotExamined() throws {
        let (_, warnings) = try Self.hls(["hls_future {", "    hls_fragment nonsense;", "}"])
        #expect(
            warnings.map(\.description) == [
                "f:3: directive 'hls_future' is not supported by headwater and is ignored"
            ]
        )
    }

    @Test func eachVhostHasItsOwnHLS() throws {
        let text = """
            vhost __defaultVhost__ {
                hls { enabled on; hls_fragment 4; hls_window 20; }
            }
            vhost quiet.example.com {
                hls { enabled off; }
            }
            """
        let (configuration, _) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(configuration.vhost(named: "unknown").hls.enabled)
        #expect(configuration.vhost(named: "unknown").hls.fragment == .seconds(4))
        #expect(configuration.vhost(named: "quiet.example.com").hls.enabled == false)
        #expect(configuration.vhost(named: "quiet.example.com").hls.fragment == .seconds(10))

        let changed = try ServerConfiguration.parse(text: text.replacing("20", with: "30"), file: "f").0
        #expect(changed.vhostChanges(from: configuration) == ["__defaultVhost__"])
    }
}

/// Every value of the three `hls` choices, as written in a configuration.
enum HLSChoices {
    static let all: [(String, String)] =
        HLSErrorPolicy.allCases.map { ("hls_on_error", $0.rawValue) }
        + HLSAudioCodec.allCases.map { ("hls_acodec", $0.rawValue) }
        + HLSVideoCodec.allCases.map { ("hls_vcodec", $0.rawValue) }
}
