import Testing

@testable import Config

@Suite("Limit directives")
struct LimitsConfigurationTests {
    @Test func defaultsAreBoundedAndPerAddressLimitsOff() throws {
        let (configuration, warnings) = try ServerConfiguration.parse(text: "", file: "f")
        #expect(warnings.isEmpty)
        #expect(configuration.limits == LimitsConfiguration())
        #expect(configuration.limits.maxConnectionsPerIP == 0)
        #expect(configuration.limits.rtmpMaxChunkStreams == 64)
        #expect(configuration.limits.rtmpMaxPendingBytes == 16 << 20)
        #expect(configuration.limits.httpMaxHeaderSize == 32 << 10)
        #expect(configuration.limits.httpMaxRequestsPerIP == 0)
        #expect(configuration.limits.httpHooksMaxPending == 256)
        #expect(configuration.limits.hlsMaxBacklogBytes == 32 << 20)
        #expect(configuration.limits.dvrMaxBacklogBytes == 32 << 20)
        #expect(configuration.vhost(named: "x").play.gopCacheMaxBytes == 64 << 20)
    }

    @Test func everyLimitOverrides() throws {
        let text = """
            max_connections_per_ip 20;
            rtmp_max_chunk_streams 8;
            rtmp_max_message_size 1048576;
            rtmp_max_pending_bytes 2097152;
            http_max_header_size 4096;
            http_max_requests_per_ip 50;
            http_hooks_max_pending 8;
            hls_max_backlog_bytes 1048576;
            dvr_max_backlog_bytes 2097152;
            vhost __defaultVhost__ { play { gop_cache_max_bytes 2097152; } }
            """
        let (configuration, warnings) = try ServerConfiguration.parse(text: text, file: "f")
        #expect(warnings.isEmpty)
        #expect(configuration.limits.maxConnectionsPerIP == 20)
        #expect(configuration.limits.rtmpMaxChunkStreams == 8)
        #expect(configuration.limits.rtmpMaxPendingBytes == 2 << 20)
        #expect(configuration.limits.httpMaxHeaderSize == 4096)
        #expect(configuration.limits.httpMaxRequestsPerIP == 50)
        #expect(configuration.limits.httpHooksMaxPending == 8)
        #expect(configuration.limits.hlsMaxBacklogBytes == 1 << 20)
        #expect(configuration.limits.dvrMaxBacklogBytes == 2 << 20)
        #expect(configuration.vhost(named: "__defaultVhost__").play.gopCacheMaxBytes == 2 << 20)
    }

    @Test(arguments: [
        ("max_connections_per_ip -1;", 1),
        ("max_connections_per_ip lots;", 1),
        ("rtmp_max_chunk_streams 1;", 1),
        ("rtmp_max_chunk_streams 70000;", 1),
        ("rtmp_max_pending_bytes 1024;", 1),
        ("http_max_header_size 100;", 1),
        ("http_max_header_size 2000000;", 1),
        ("http_max_requests_per_ip -5;", 1),
        ("http_hooks_max_pending 0;", 1),
        ("hls_max_backlog_bytes 1000;", 1),
        ("\ndvr_max_backlog_bytes 2000000000;", 2),
        ("\nvhost v {\n play {\n gop_cache_max_bytes 1000; } }", 4),
    ])
    func outOfRangeValuesFailWithFileAndLine(text: String, line: Int) throws {
        let description = try #require(parseError(text, file: "conf/limits.conf"))
        #expect(description.contains("conf/limits.conf:\(line)"))
    }

    @Test func pendingBytesMustHoldTheLargestMessage() throws {
        let explicit = try #require(
            parseError("rtmp_max_message_size 8388608;\nrtmp_max_pending_bytes 1048576;", file: "c.conf"))
        #expect(explicit.contains("c.conf:2"))
        #expect(explicit.contains("rtmp_max_pending_bytes"))
        // The default pending bound holds the largest message size there is.
        #expect(throws: Never.self) { try ServerConfiguration.parse(text: "rtmp_max_message_size 16777215;", file: "c") }
    }

    @Test func limitsAreSingleSettings() throws {
        let (configuration, warnings) = try ServerConfiguration.parse(
            text: "max_connections_per_ip 3;\nmax_connections_per_ip 4;", file: "f")
        #expect(configuration.limits.maxConnectionsPerIP == 3)
        #expect(warnings.count == 1)
        #expect(parseError("http_max_requests_per_ip;") != nil)
        #expect(parseError("http_max_requests_per_ip 1 2;") != nil)
    }
}
