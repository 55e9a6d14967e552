import Testing

@testable import Config

@Suite("play { mw_latency; mw_msgs; }")
struct MergedWritesConfigurationTests {
    @Test("SRS's defaults, and values as written")
    func defaultsAndValues() throws {
        let (defaults, _) = try ServerConfiguration.parse(text: "vhost a { }", file: "conf/x.conf")
        let play = defaults.vhost(named: "a").play
        #expect(play.mwLatency == .milliseconds(350) && play.mwMessages == 8)

        let text = "vhost a { min_latency on; play { mw_latency 0; mw_msgs 1; } }"
        let (configuration, warnings) = try ServerConfiguration.parse(text: text, file: "conf/x.conf")
        let vhost = configuration.vhost(named: "a")
        #expect(warnings.isEmpty)
        #expect(vhost.minLatency && vhost.play.mwLatency == .zero && vhost.play.mwMessages == 1)
    }

    @Test("out-of-range values fail with file:line")
    func errors() {
        #expect(
            parseError("vhost a {\n    play {\n        mw_latency 10001;\n    }\n}")?
                .hasPrefix("conf/x.conf:3: invalid value '10001' for 'mw_latency'") == true)
        #expect(parseError("vhost a { play { mw_msgs -1; } }")?.hasPrefix("conf/x.conf:1: invalid value '-1' for 'mw_msgs'") == true)
    }
}
