import Testing

@testable import Config

@Suite("http_server { } block")
struct HTTPServerConfigurationTests {
    @Test func srsDefaults() throws {
        let server = HTTPServerConfiguration()
        #expect(server.enabled == false)
        #expect(server.listen == ListenAddress(port: 8080))
        #expect(server.dir == "./objs/nginx/html")
        #expect(server.crossdomain)

        #expect(try ServerConfiguration.parse(text: "", file: "f").0.httpServer == server)
        let (configuration, warnings) = try ServerConfiguration.parse(text: "http_server {\n}", file: "f")
        #expect(configuration.httpServer == server)
        #expect(warnings.isEmpty)
    }

    @Test func everyDirectiveIsRead() throws {
        let text = """
            http_server {
                enabled on;
                listen 127.0.0.1:8081;
                dir "/srv/head water/html";
                crossdomain off;
            }
            """
        let (configuration, warnings) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(warnings.isEmpty)
        #expect(configuration.httpServer.enabled)
        #expect(configuration.httpServer.listen == ListenAddress(host: "127.0.0.1", port: 8081))
        #expect(configuration.httpServer.dir == "/srv/head water/html")
        #expect(configuration.httpServer.crossdomain == false)
        // The RTMP listen is untouched by the HTTP one.
        #expect(configuration.listen == [ListenAddress(port: 1935)])
    }

    @Test(arguments: [
        ("8082", ListenAddress(port: 8082)),
        ("0.0.0.0:80", ListenAddress(host: "0.0.0.0", port: 80)),
        ("[::1]:8083", ListenAddress(host: "::1", port: 8083)),
        ("localhost:8084", ListenAddress(host: "localhost", port: 8084)),
    ])
    func listenEntries(entry: String, expected: ListenAddress) throws {
        let text = "listen 1935;\nhttp_server { listen \(entry); }"
        #expect(try ServerConfiguration.parse(text: text, file: "f").0.httpServer.listen == expected)
    }

    static let invalidValues: [(line: String, message: String)] = [
        ("enabled maybe;", "invalid value 'maybe' for 'enabled': expected 'on' or 'off'"),
        ("listen 0;", "invalid listen address '0': the port must be between 1 and 65535"),
        ("listen http;", "invalid listen address 'http': the port is not a number"),
        ("listen ::1:8080;", "invalid listen address '::1:8080': an IPv6 address needs brackets, as in '[::1]:1935'"),
        ("listen 8080 8081;", "directive 'listen' takes exactly 1 argument, found 2"),
        ("listen;", "directive 'listen' takes exactly 1 argument, found 0"),
        ("dir \"\";", "invalid value '' for 'dir': expected a non-empty path"),
        ("crossdomain yes;", "invalid value 'yes' for 'crossdomain': expected 'on' or 'off'"),
    ]

    @Test(arguments: invalidValues)
    func invalidValueCarriesFileAndLine(line: String, message: String) {
        let text = "listen 1935;\nhttp_server {\n    # the bad directive is on line 4\n    \(line)\n}"
        #expect(parseError(text) == "conf/x.conf:4: \(message)")
    }

    @Test func blockShapeErrors() {
        #expect(
            parseError("http_server 8080 {\n}") == "conf/x.conf:1: directive 'http_server' takes no arguments, found 1"
        )
        #expect(
            parseError("\nhttp_server;")
                == "conf/x.conf:2: directive 'http_server' needs a block: 'http_server { ... }'"
        )
        #expect(
            parseError("http_server {\n    listen 8080\n    dir ./html;\n}")
                == "conf/x.conf:2: missing ';' after 'listen 8080'"
        )
    }

    @Test func srsDirectivesHeadwaterDoesNotImplementWarnOnce() throws {
        let text = """
            http_server {
                enabled on;
                https {
                    enabled on;
                    listen 8088;
                    key ./conf/server.key;
                }
                listen 8081;
                crossdomain off;
                crossdomain on;
            }
            http_server {
                listen 9090;
            }
            vhost a {
                http_server { enabled on; }
            }
            """
        let (configuration, warnings) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(configuration.httpServer.enabled)
        #expect(configuration.httpServer.listen == ListenAddress(port: 8081))
        #expect(configuration.httpServer.crossdomain == false)
        #expect(
            warnings.map(\.description) == [
                "f:3: directive 'https' is not supported by headwater and is ignored",
                "f:10: directive 'crossdomain' is repeated and ignored; the one at f:9 is used",
                "f:12: directive 'http_server' is repeated and ignored; the one at f:1 is used",
                "f:16: directive 'http_server' is not supported by headwater and is ignored",
            ]
        )
    }
}
