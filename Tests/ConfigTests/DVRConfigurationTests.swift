import Testing

@testable import Config

@Suite("dvr { } block")
struct DVRConfigurationTests {
    /// `lines` placed in `vhost a { dvr { ... } }`, one per line, starting at line 3.
    private static func dvrBlock(_ lines: [String]) -> String {
        (["vhost a {", "    dvr {"] + lines.map { "        " + $0 } + ["    }", "}"]).joined(separator: "\n")
    }

    private static func dvr(_ lines: [String]) throws -> (DVRConfiguration, [ConfigWarning]) {
        let (configuration, warnings) = try ServerConfiguration.parse(text: Self.dvrBlock(lines), file: "f")
        return (configuration.vhost(named: "a").dvr, warnings)
    }

    @Test func srsDefaults() throws {
        let dvr = DVRConfiguration()
        #expect(dvr.enabled == false)
        #expect(dvr.apply == .all)
        #expect(dvr.plan == .session)
        #expect(dvr.path == "./objs/nginx/html/[app]/[stream].[timestamp].flv")
        #expect(dvr.duration == .seconds(30))
        #expect(dvr.waitKeyframe)
        #expect(dvr.timeJitter == .full)

        let (empty, warnings) = try Self.dvr([])
        #expect(empty == dvr)
        #expect(warnings.isEmpty)
        let (configuration, _) = try ServerConfiguration.parse(text: "", file: "f")
        #expect(configuration.vhost(named: "x").dvr == dvr)
    }

    @Test func everyDirectiveIsRead() throws {
        let (dvr, warnings) = try Self.dvr([
            "enabled on;",
            "dvr_apply live/cam1 live/cam2;",
            "dvr_plan segment;",
            "dvr_path /data/[vhost]/[app]/[stream]/[2006]/[01]/[02]/[15].[04].[05].[999].flv;",
            "dvr_duration 90.5;",
            "dvr_wait_keyframe off;",
            "time_jitter zero;",
        ])
        #expect(warnings.isEmpty)
        #expect(dvr.enabled)
        #expect(dvr.apply == .streams(["live/cam1", "live/cam2"]))
        #expect(dvr.plan == .segment)
        #expect(dvr.path == "/data/[vhost]/[app]/[stream]/[2006]/[01]/[02]/[15].[04].[05].[999].flv")
        #expect(dvr.duration == .milliseconds(90_500))
        #expect(dvr.waitKeyframe == false)
        #expect(dvr.timeJitter == .zero)
    }

    @Test func dvrTimeJitterIsIndependentOfPlays() throws {
        let text = "vhost a {\n  play { time_jitter off; }\n  dvr { time_jitter zero; }\n}"
        let vhost = try ServerConfiguration.parse(text: text, file: "f").0.vhost(named: "a")
        #expect(vhost.play.timeJitter == .off)
        #expect(vhost.dvr.timeJitter == .zero)
    }

    @Test func applyList() throws {
        #expect(try Self.dvr(["dvr_apply all;"]).0.apply == .all)

        let (dvr, _) = try Self.dvr(["dvr_apply live/a live/b live/a tv/news/evening;"])
        // A repeated name is kept once; an app may itself contain '/'.
        #expect(dvr.apply == .streams(["live/a", "live/b", "tv/news/evening"]))
        #expect(dvr.apply.applies(app: "live", stream: "a"))
        #expect(dvr.apply.applies(app: "live", stream: "b"))
        #expect(dvr.apply.applies(app: "tv/news", stream: "evening"))
        #expect(dvr.apply.applies(app: "live", stream: "c") == false)
        #expect(dvr.apply.applies(app: "other", stream: "a") == false)
        #expect(DVRApply.all.applies(app: "any", stream: "thing"))

        // Arguments may span lines.
        let (spread, _) = try Self.dvr(["dvr_apply live/a", "    live/b;"])
        #expect(spread.apply == .streams(["live/a", "live/b"]))
    }

    static let invalidValues: [(line: String, message: String)] = [
        ("enabled 1;", "invalid value '1' for 'enabled': expected 'on' or 'off'"),
        ("dvr_apply;", "directive 'dvr_apply' takes at least 1 argument, found 0"),
        ("dvr_apply livestream;", "invalid value 'livestream' for 'dvr_apply': expected 'all' or 'app/stream'"),
        ("dvr_apply live/a /b;", "invalid value '/b' for 'dvr_apply': expected 'all' or 'app/stream'"),
        ("dvr_apply live/;", "invalid value 'live/' for 'dvr_apply': expected 'all' or 'app/stream'"),
        ("dvr_apply live//a;", "invalid value 'live//a' for 'dvr_apply': expected 'all' or 'app/stream'"),
        ("dvr_apply all live/a;", "'all' must be the only argument of 'dvr_apply'"),
        ("dvr_apply live/a all;", "'all' must be the only argument of 'dvr_apply'"),
        (
            "dvr_plan append;",
            "invalid value 'append' for 'dvr_plan': the append plan is not supported (SRS 3 removed it); "
                + "use session or segment"
        ),
        ("dvr_plan daily;", "invalid value 'daily' for 'dvr_plan': expected one of session, segment"),
        ("dvr_path \"\";", "invalid value '' for 'dvr_path': expected a non-empty path"),
        (
            "dvr_path ./objs/[app]/[stream].[timestamp].mp4;",
            "invalid value './objs/[app]/[stream].[timestamp].mp4' for 'dvr_path': recording to MP4 is not supported; "
                + "use a path ending in .flv or a folder"
        ),
        ("dvr_duration 0;", "invalid value '0' for 'dvr_duration': must be more than 0 and at most 86400"),
        ("dvr_duration 86400.5;", "invalid value '86400.5' for 'dvr_duration': must be more than 0 and at most 86400"),
        ("dvr_duration 30s;", "invalid value '30s' for 'dvr_duration': expected seconds, such as 10 or 2.5"),
        ("dvr_duration 0.0005;", "invalid value '0.0005' for 'dvr_duration': seconds have at most 3 decimals"),
        ("dvr_wait_keyframe yes;", "invalid value 'yes' for 'dvr_wait_keyframe': expected 'on' or 'off'"),
        ("time_jitter on;", "invalid value 'on' for 'time_jitter': expected one of full, zero, off"),
        ("dvr_plan session segment;", "directive 'dvr_plan' takes exactly 1 argument, found 2"),
    ]

    @Test(arguments: invalidValues)
    func invalidValueCarriesFileAndLine(line: String, message: String) {
        let text = Self.dvrBlock(["# the bad directive is on the next line, line 4", line])
        #expect(parseError(text) == "conf/x.conf:4: \(message)")
    }

    @Test func blockShapeErrors() {
        #expect(
            parseError("vhost a {\n  dvr all {\n  }\n}") == "conf/x.conf:2: directive 'dvr' takes no arguments, found 1"
        )
        #expect(parseError("vhost a {\n\n  dvr;\n}") == "conf/x.conf:3: directive 'dvr' needs a block: 'dvr { ... }'")
        #expect(
            parseError(Self.dvrBlock(["dvr_plan segment", "dvr_duration 10;"]))
                == "conf/x.conf:3: missing ';' after 'dvr_plan segment'"
        )
    }

    @Test func otherDirectivesWarnOnceEach() throws {
        let (dvr, warnings) = try Self.dvr([
            "enabled on;",
            "dvr_mp4 on;",
            "on_dvr http://127.0.0.1:8085/api/v1/dvrs;",
            "dvr_plan segment;",
            "dvr_plan session;",
            "dvr_hooks {",
            "    on_dvr x;",
            "}",
        ])
        #expect(dvr.enabled)
        #expect(dvr.plan == .segment)
        #expect(
            warnings.map(\.description) == [
                "f:4: directive 'dvr_mp4' is not supported by headwater and is ignored",
                "f:5: directive 'on_dvr' is not supported by headwater and is ignored",
                "f:7: directive 'dvr_plan' is repeated and ignored; the one at f:6 is used",
                "f:8: directive 'dvr_hooks' is not supported by headwater and is ignored",
            ]
        )
    }

    @Test func dvrAtTheWrongLevelIsUnknown() throws {
        let (configuration, warnings) = try ServerConfiguration.parse(
            text: "dvr { enabled on; }\nvhost a {\n  play {\n    dvr { enabled on; }\n  }\n}",
            file: "f"
        )
        #expect(configuration.vhost(named: "a").dvr.enabled == false)
        #expect(
            warnings.map(\.description) == [
                "f:1: directive 'dvr' is not supported by headwater and is ignored",
                "f:4: directive 'dvr' is not supported by headwater and is ignored",
            ]
        )
    }
}
