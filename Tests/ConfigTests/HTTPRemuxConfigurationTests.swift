import Testing

@testable import Config

@Suite("http_remux { } block")
struct HTTPRemuxConfigurationTests {
    /// `lines` placed in `vhost a { http_remux { ... } }`, one per line, starting at line 3.
    private static func block(_ lines: [String]) -> String {
        (["vhost a {", "    http_remux {"] + lines.map { "        " + $0 } + ["    }", "}"]).joined(separator: "\n")
    }

    @Test func srsDefaults() throws {
        let remux = HTTPRemuxConfiguration()
        #expect(remux.enabled == false)
        #expect(remux.mount == "[vhost]/[app]/[stream].flv")
        let (configuration, warnings) = try ServerConfiguration.parse(text: Self.block([]), file: "f")
        #expect(configuration.vhost(named: "a").httpRemux == remux)
        #expect(warnings.isEmpty)
    }

    @Test func everyDirectiveIsRead() throws {
        let text = Self.block(["enabled on;", "mount /flv/[app]/[stream].flv;"])
        let (configuration, warnings) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(warnings.isEmpty)
        #expect(configuration.vhost(named: "a").httpRemux.enabled)
        #expect(configuration.vhost(named: "a").httpRemux.mount == "/flv/[app]/[stream].flv")
    }

    @Test func theDefaultFileServesHTTPFLV() throws {
        let (configuration, _) = try ServerConfiguration.parse(text: ServerConfiguration.builtInDefaultText, file: "f")
        #expect(configuration.vhost(named: VhostConfiguration.defaultName).httpRemux.enabled)
    }

    static let invalidMounts: [(String, String)] = [
        ("mount [vhost]/[app]/[stream].ts;", "only .flv mounts are supported"),
        ("mount [vhost]/[app]/[stream].aac;", "only .flv mounts are supported"),
        ("mount [vhost]/[app]/[stream].mp3;", "only .flv mounts are supported"),
        ("mount [vhost]/live/[stream].flv;", "the mount must contain [app] exactly once"),
        ("mount [vhost]/[app]/[stream]/[stream].flv;", "the mount must contain [stream] exactly once"),
        ("mount [vhost]/[app][stream].flv;", "each path segment of the mount may hold one variable"),
        ("enabled yes;", "expected 'on' or 'off'"),
    ]

    @Test(arguments: invalidMounts)
    func invalidValuesCarryFileAndLine(line: String, message: String) throws {
        let description = try #require(parseError(Self.block([line]), file: "f"))
        #expect(description.hasPrefix("f:3: "))
        #expect(description.contains(message))
    }
}
