import Testing

@testable import Config

@Suite struct SecurityAndHooksConfigurationTests {
    private static func vhost(_ body: String) throws -> (VhostConfiguration, [ConfigWarning]) {
        let (configuration, warnings) = try ServerConfiguration.parse(
            text: "vhost __defaultVhost__ {\n\(body)\n}\n", file: "conf/x.conf")
        return (configuration.vhost(named: VhostConfiguration.defaultName), warnings)
    }

    @Test func defaultsAreOff() throws {
        let (vhost, _) = try Self.vhost("")
        #expect(vhost.security == SecurityConfiguration())
        #expect(!vhost.httpHooks.enabled)
        #expect(vhost.httpHooks.timeout == .seconds(3))
        #expect(vhost.httpHooks.onFailure == .deny)
        #expect(vhost.httpHooks.urls(for: .onPublish).isEmpty)
    }

    @Test func securityRulesAreRead() throws {
        let (vhost, warnings) = try Self.vhost(
            """
            security {
                enabled on;
                allow publish 127.0.0.0/8;
                deny play 10.0.0.0/8;
                allow play all;
                deny publish ::1;
            }
            """)
        #expect(warnings.isEmpty)
        #expect(vhost.security.enabled)
        #expect(vhost.security.rules.count == 4)
        #expect(vhost.security.rules.contains(SecurityRule(.allow, .play, .all)))
        #expect(vhost.security.denial(of: .publish, ip: "127.0.0.1") == nil)
        #expect(vhost.security.denial(of: .publish, ip: "::1") != nil)
        #expect(vhost.security.denial(of: .play, ip: "10.2.3.4") != nil)
    }

    @Test(arguments: [
        ("security { allow publish 300.1.1.1; }", "conf/x.conf:2: invalid address '300.1.1.1'"),
        ("security { allow watch all; }", "conf/x.conf:2: invalid value 'watch' for 'allow'"),
        ("security { deny play; }", "conf/x.conf:2: directive 'deny' takes exactly 2 arguments"),
        ("http_hooks { on_publish ftp://x/y; }", "conf/x.conf:2: invalid URL 'ftp://x/y' for 'on_publish'"),
        ("http_hooks { timeout 0; }", "conf/x.conf:2: invalid value '0' for 'timeout'"),
        ("http_hooks { on_failure maybe; }", "conf/x.conf:2: invalid value 'maybe' for 'on_failure'"),
    ])
    func errorsCarryFileAndLine(body: String, message: String) {
        let description = parseError("vhost __defaultVhost__ {\n\(body)\n}\n")
        #expect(description?.hasPrefix(message) == true, "\(description ?? "")")
    }

    @Test func hooksAreRead() throws {
        let (vhost, warnings) = try Self.vhost(
            """
            http_hooks {
                enabled on;
                on_connect http://127.0.0.1:8085/api/v1/clients;
                on_publish http://127.0.0.1:8085/a https://hooks.example.com/b;
                on_hls http://127.0.0.1:8085/api/v1/hls;
                timeout 1.5;
                on_failure allow;
            }
            """)
        #expect(warnings.isEmpty)
        let hooks = vhost.httpHooks
        #expect(hooks.urls(for: .onPublish) == ["http://127.0.0.1:8085/a", "https://hooks.example.com/b"])
        #expect(hooks.urls(for: .onConnect) == ["http://127.0.0.1:8085/api/v1/clients"])
        #expect(hooks.urls(for: .onHLS) == ["http://127.0.0.1:8085/api/v1/hls"])
        #expect(hooks.urls(for: .onPlay).isEmpty)
        #expect(hooks.timeout == .milliseconds(1500))
        #expect(hooks.onFailure == .allow)
        var disabled = hooks
        disabled.enabled = false
        #expect(disabled.urls(for: .onPublish).isEmpty)
    }
}
