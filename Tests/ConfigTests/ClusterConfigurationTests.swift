import Testing

@testable import Config

/// `cluster { }` (SRS 3+), SRS 1.x's vhost-level `mode`/`origin`, and `forward` in both forms.
@Suite struct ClusterConfigurationTests {
    private static func vhost(_ body: String) throws -> (VhostConfiguration, [ConfigWarning]) {
        let (configuration, warnings) = try ServerConfiguration.parse(
            text: "vhost __defaultVhost__ {\n\(body)\n}\n", file: "conf/x.conf")
        return (configuration.vhost(named: VhostConfiguration.defaultName), warnings)
    }

    @Test func defaultsMakeAnOriginThatForwardsNothing() throws {
        let (vhost, warnings) = try Self.vhost("")
        #expect(warnings.isEmpty)
        let cluster = vhost.cluster
        #expect(cluster == ClusterConfiguration())
        #expect(cluster.mode == .local && !cluster.isEdge)
        #expect(cluster.origins.isEmpty)
        #expect(!cluster.tokenTraverse)
        #expect(cluster.vhost == nil)
        #expect(cluster.debugUpnode)
        #expect(cluster.idleTimeout == .seconds(3))
        #expect(cluster.upstreamTimeout == .seconds(5))
        #expect(vhost.forward == ForwardConfiguration())
        #expect(!vhost.forward.isActive)
        // An explicit `mode local` is the same origin, and needs no origin list.
        #expect(try Self.vhost("cluster { mode local; }").0.cluster == ClusterConfiguration())
    }

    @Test func clusterBlockIsRead() throws {
        let (vhost, warnings) = try Self.vhost(
            """
            cluster {
                mode remote;
                origin 127.0.0.1:19350 origin.example.com [::1]:1936;
                token_traverse on;
                vhost live.example.com;
                debug_srs_upnode off;
                protocol rtmp;
                follow_client off;
                idle_timeout 0;
                upstream_timeout 2.5;
            }
            """)
        #expect(warnings.isEmpty)
        let cluster = vhost.cluster
        #expect(cluster.isEdge)
        #expect(
            cluster.origins == [
                UpstreamAddress(host: "127.0.0.1", port: 19350), UpstreamAddress(host: "origin.example.com"),
                UpstreamAddress(host: "::1", port: 1936),
            ])
        #expect(cluster.origins.map(\.description) == ["127.0.0.1:19350", "origin.example.com:1935", "[::1]:1936"])
        #expect(cluster.tokenTraverse)
        #expect(cluster.vhost == "live.example.com")
        #expect(!cluster.debugUpnode)
        #expect(cluster.idleTimeout == .zero)
        #expect(cluster.upstreamTimeout == .milliseconds(2500))
    }

    @Test func srs1FormInTheVhostIsRead() throws {
        let (vhost, warnings) = try Self.vhost(
            """
            mode remote;
            origin 127.0.0.1:19350 127.0.0.1:19351;
            """)
        #expect(warnings.isEmpty)
        #expect(vhost.cluster.isEdge)
        #expect(vhost.cluster.origins.map(\.port) == [19350, 19351])
        #expect(!vhost.cluster.tokenTraverse)
    }

    @Test func clusterBlockOverridesTheSRS1Form() throws {
        let (vhost, _) = try Self.vhost(
            """
            mode local;
            origin 10.0.0.1;
            cluster {
                mode remote;
                origin 127.0.0.1:19350;
            }
            """)
        #expect(vhost.cluster.isEdge)
        #expect(vhost.cluster.origins == [UpstreamAddress(host: "127.0.0.1", port: 19350)])
    }

    @Test func plannedClusterDirectivesWarn() throws {
        let (vhost, warnings) = try Self.vhost("cluster { mode local; origin_cluster on; coworkers 127.0.0.1:9091; }")
        #expect(!vhost.cluster.isEdge)
        #expect(warnings.map(\.description).allSatisfy { $0.contains("not implemented yet") })
        #expect(warnings.count == 2)
    }

    @Test func forwardBlockAndLegacyLineAreRead() throws {
        let (block, blockWarnings) = try Self.vhost(
            "forward {\n    enabled on;\n    destination 127.0.0.1:19350 127.0.0.1:19351;\n}")
        #expect(blockWarnings.isEmpty)
        #expect(block.forward.enabled && block.forward.isActive)
        #expect(block.forward.destinations.map(\.description) == ["127.0.0.1:19350", "127.0.0.1:19351"])

        let (legacy, legacyWarnings) = try Self.vhost("forward 127.0.0.1:19350;")
        #expect(legacyWarnings.isEmpty)
        #expect(legacy.forward.isActive)
        #expect(legacy.forward.destinations == [UpstreamAddress(host: "127.0.0.1", port: 19350)])

        // Destinations without `enabled on` are kept but forward nothing (SRS's default is off).
        let (off, _) = try Self.vhost("forward { destination 127.0.0.1:19350; }")
        #expect(!off.forward.enabled && !off.forward.isActive)
        #expect(off.forward.destinations.count == 1)
    }

    @Test(arguments: [
        // The edge's `mode remote` line is named: that is where the missing origin belongs.
        ("cluster {\nmode remote;\n}", "conf/x.conf:3: vhost __defaultVhost__ is an edge (mode remote) but names no origin"),
        ("mode remote;", "conf/x.conf:2: vhost __defaultVhost__ is an edge (mode remote) but names no origin"),
        ("cluster { mode edge; }", "conf/x.conf:2: invalid value 'edge' for 'mode': expected one of local, remote"),
        ("cluster { mode remote; origin 127.0.0.1:99999; }", "conf/x.conf:2: invalid server '127.0.0.1:99999' in 'origin'"),
        ("cluster { mode remote; origin 127.0.0.1:+1935; }", "conf/x.conf:2: invalid server '127.0.0.1:+1935' in 'origin'"),
        ("cluster { mode remote; origin ::1; }", "conf/x.conf:2: invalid server '::1' in 'origin'"),
        ("cluster { mode remote; origin [::1; }", "conf/x.conf:2: invalid server '[::1' in 'origin'"),
        ("cluster { mode remote; origin a/b:1935; }", "conf/x.conf:2: invalid server 'a/b:1935' in 'origin'"),
        ("origin 127.0.0.1:0;", "conf/x.conf:2: invalid server '127.0.0.1:0' in 'origin'"),
        ("cluster { mode remote; origin 127.0.0.1; protocol flv; }", "conf/x.conf:2: invalid value 'flv' for 'protocol'"),
        ("cluster { mode remote; origin 127.0.0.1; follow_client on; }", "conf/x.conf:2: invalid value 'on' for 'follow_client'"),
        ("cluster { token_traverse yes; }", "conf/x.conf:2: invalid value 'yes' for 'token_traverse'"),
        ("cluster { upstream_timeout 0.05; }", "conf/x.conf:2: invalid value '0.05' for 'upstream_timeout'"),
        ("cluster { upstream_timeout 301; }", "conf/x.conf:2: invalid value '301' for 'upstream_timeout'"),
        ("cluster { idle_timeout -1; }", "conf/x.conf:2: invalid value '-1' for 'idle_timeout'"),
        ("cluster { idle_timeout 3601; }", "conf/x.conf:2: invalid value '3601' for 'idle_timeout'"),
        ("forward {\nenabled on;\n}", "conf/x.conf:3: invalid value 'on' for 'enabled': forward is enabled but names no destination"),
        ("forward { enabled on; destination nowhere:port; }", "conf/x.conf:2: invalid server 'nowhere:port' in 'destination'"),
        ("forward 127.0.0.1:19350 bad:host:1;", "conf/x.conf:2: invalid server 'bad:host:1' in 'forward'"),
        ("forward { destination; }", "conf/x.conf:2: directive 'destination' takes at least 1 argument, found 0"),
    ])
    func errorsCarryFileAndLine(body: String, message: String) {
        let description = parseError("vhost __defaultVhost__ {\n\(body)\n}\n")
        #expect(description?.hasPrefix(message) == true, "\(description ?? "")")
    }

    @Test func edgeAndForwardExamplesLoad() throws {
        let (edge, edgeWarnings) = try ServerConfiguration.load(path: "\(repositoryRoot)/conf/edge.conf")
        #expect(edgeWarnings.isEmpty)
        let cluster = edge.vhost(named: VhostConfiguration.defaultName).cluster
        #expect(cluster.isEdge)
        #expect(cluster.origins == [UpstreamAddress(host: "127.0.0.1", port: 19350)])
        #expect(!cluster.tokenTraverse && cluster.debugUpnode)
        #expect(cluster.idleTimeout == .seconds(3) && cluster.upstreamTimeout == .seconds(5))

        let (forward, forwardWarnings) = try ServerConfiguration.load(path: "\(repositoryRoot)/conf/forward.conf")
        #expect(forwardWarnings.isEmpty)
        let vhost = forward.vhost(named: VhostConfiguration.defaultName)
        #expect(!vhost.cluster.isEdge)
        #expect(vhost.forward.isActive)
        #expect(vhost.forward.destinations.map(\.port) == [19350, 19351])
    }

    @Test(arguments: [
        ("host", "host:1935"), ("HOST.example.com:19350", "host.example.com:19350"), ("[::1]", "[::1]:1935"),
        ("[fe80::1]:1936", "[fe80::1]:1936"), ("10.0.0.1:65535", "10.0.0.1:65535"),
    ])
    func upstreamAddressesParse(text: String, description: String) throws {
        #expect(try #require(UpstreamAddress(text)).description == description)
    }

    @Test(arguments: ["", ":1935", "host:", "host:0", "host:65536", "[::1]x", "[]:1935", "a b", "host:1e3", "h:-1"])
    func malformedUpstreamAddressesAreRefused(text: String) {
        #expect(UpstreamAddress(text) == nil)
    }
}
