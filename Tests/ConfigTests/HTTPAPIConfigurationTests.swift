import Testing

@testable import Config

@Suite("http_api { } block")
struct HTTPAPIConfigurationTests {
    @Test func srsDefaults() throws {
        let api = HTTPAPIConfiguration()
        #expect(api.enabled == false)
        #expect(api.listen == ListenAddress(port: 1985))
        #expect(api.crossdomain)
        #expect(api.auth.enabled == false)
        #expect(try ServerConfiguration.parse(text: "", file: "f").0.httpAPI == api)
        let (configuration, warnings) = try ServerConfiguration.parse(text: "http_api {\n}", file: "f")
        #expect(configuration.httpAPI == api)
        #expect(warnings.isEmpty)
    }

    @Test func everyDirectiveIsRead() throws {
        let text = """
            http_api {
                enabled on;
                listen 127.0.0.1:1986;
                crossdomain off;
                auth {
                    enabled on;
                    username admin;
                    password "pa ss";
                }
            }
            """
        let (configuration, warnings) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(warnings.isEmpty)
        let api = configuration.httpAPI
        #expect(api.enabled)
        #expect(api.listen == ListenAddress(host: "127.0.0.1", port: 1986))
        #expect(api.crossdomain == false)
        #expect(api.auth.enabled && api.auth.username == "admin" && api.auth.password == "pa ss")
        #expect(!"\(api.auth)".contains("pa ss"))
    }

    @Test func theDefaultFileSharesTheHTTPPort() throws {
        let configuration = try ServerConfiguration.parse(text: ServerConfiguration.builtInDefaultText, file: "d").0
        #expect(configuration.httpAPI.enabled)
        #expect(configuration.httpAPI.listen == configuration.httpServer.listen)
        #expect(configuration.httpAPI.auth.enabled == false)
    }

    static let invalidValues: [(line: String, message: String)] = [
        ("enabled maybe;", "invalid value 'maybe' for 'enabled': expected 'on' or 'off'"),
        ("listen 0;", "invalid listen address '0': the port must be between 1 and 65535"),
        ("listen 1985 1986;", "directive 'listen' takes exactly 1 argument, found 2"),
        ("crossdomain yes;", "invalid value 'yes' for 'crossdomain': expected 'on' or 'off'"),
        ("auth { enabled on; username u; }", "'auth' is enabled but 'username' or 'password' is missing or empty"),
        ("auth { enabled on; password p; }", "'auth' is enabled but 'username' or 'password' is missing or empty"),
        ("auth { enabled sure; }", "invalid value 'sure' for 'enabled': expected 'on' or 'off'"),
    ]

    @Test(arguments: invalidValues)
    func invalidValueCarriesFileAndLine(line: String, message: String) {
        let text = "listen 1935;\nhttp_api {\n    # the bad directive is on line 4\n    \(line)\n}"
        #expect(parseError(text) == "conf/x.conf:4: \(message)")
    }

    @Test func unknownDirectivesWarn() throws {
        let text = "http_api {\n    raw_api { enabled on; }\n    auth { realm x; }\n}"
        let (_, warnings) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(
            warnings.map(\.description) == [
                "f:2: directive 'raw_api' is not supported by headwater and is ignored",
                "f:3: directive 'realm' is not supported by headwater and is ignored",
            ])
    }
}
